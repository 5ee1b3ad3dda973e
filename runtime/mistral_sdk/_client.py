"""The client core: `BaseClient` (all the logic) and its two drivers.

`SyncAPIClient` / `AsyncAPIClient` are the base classes of the generated
`Mistral` / `AsyncMistral`. A call is one sans-I/O flow (`_flow`), written once in
`BaseClient`: build the request, send it, retry, call the hooks, parse the answer.
The two subclasses only run it, with blocking I/O (`_SyncIO`) or awaited (`_AsyncIO`).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, Unpack, cast

import httpx2
import msgspec

from . import _hooks
from ._auth import Credentials, KeyProvider, auth_target, resolve_credentials
from ._blocking.verbs import SyncVerbs
from ._closing import AsyncClosing, Closing
from ._errors import APIConnectionError, APIError, APITimeoutError, make_status_error
from ._flow import Flow, run_async, run_sync
from ._hooks import Call, HooksMixin, initial_hooks
from ._logging import log_request, log_response
from ._pagination import PageResponse
from ._release import release_on_collect
from ._request import BuiltRequest, build_request, user_agent
from ._response import RAW_RESPONSE_HEADER, APIResponse, AsyncAPIResponse, ResponseSpec
from ._retry import retry_delay, should_retry
from ._types import NOT_GIVEN, AsyncHttpClient, NotGiven, SyncHttpClient, TimeoutTypes
from ._verbs import AsyncVerbs

if TYPE_CHECKING:  # a capability: imported by the caller who configures it, never here
    from .workflows_encoding import WorkflowEncoding

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncAPIClient",
    "BaseClient",
    "SyncAPIClient",
]

log = logging.getLogger("mistral_sdk")

DEFAULT_BASE_URL = "https://api.mistral.ai"
DEFAULT_TIMEOUT = httpx2.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
# The pool of the clients the SDK builds: httpx2's 100 connections, every one kept alive.
# httpx2's own default keeps 20 alive and reopens the others for each crowd of calls;
# on httpcore2 no queue in front of the pool pays for itself, nor does a smaller pool
# (benchmarks/bench_pool.py, docs/reliability.md "Many calls at once"). More calls in
# flight wait in the pool, for at most the pool timeout.
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=100)

R = TypeVar("R")
_HttpT = TypeVar("_HttpT", httpx2.Client, httpx2.AsyncClient)
_ArgT = TypeVar("_ArgT")  # what `http_client=` takes: SyncHttpClient or AsyncHttpClient
_C = TypeVar("_C", bound="BaseClient[Any, Any]")

_warned_hosts: set[str] = set()


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress  # only plain-http base URLs get here; most clients never do

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _warn_if_insecure(base_url: str) -> None:
    """The key travels in a header: over plain http anyone on the path reads it."""
    url = httpx2.URL(base_url)
    if url.scheme != "http" or _is_loopback(url.host) or url.host in _warned_hosts:
        return
    _warned_hosts.add(url.host)
    warnings.warn(
        f"mistral_sdk: base_url {base_url!r} uses plain http; the API key will be "
        "sent unencrypted. Use https.",
        stacklevel=4,
    )


def _as_timeout(timeout: TimeoutTypes) -> httpx2.Timeout | None:
    if timeout is None or isinstance(timeout, httpx2.Timeout):
        return timeout
    if type(timeout).__module__.partition(".")[0] == "httpx":  # a legacy httpx.Timeout
        return httpx2.Timeout(**cast(Any, timeout).as_dict())
    return httpx2.Timeout(timeout)  # a TypeError naming what it takes for anything else


def _legacy_kind(client: object) -> str | None:
    """ "Client" or "AsyncClient" when `client` is a legacy `httpx` one (or a subclass),
    told by its classes' module: httpx itself is not imported to check."""
    for cls in type(client).__mro__:
        if cls.__module__.partition(".")[0] == "httpx" and cls.__name__ in (
            "Client",
            "AsyncClient",
        ):
            return cls.__name__
    return None


class RequestOptions(TypedDict, total=False):
    """The keyword arguments of `request` besides `response` (see `BaseClient._build`)."""

    path_params: Mapping[str, object] | None
    query: Mapping[str, object] | None
    query_json: Collection[str]
    headers: Mapping[str, object] | None
    json: object
    multipart: Mapping[str, object] | None
    multipart_files: Collection[str]
    extra_headers: Mapping[str, str | None] | None
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, Any] | None
    timeout: TimeoutTypes | NotGiven
    max_retries: int | NotGiven


class BaseClient(HooksMixin, Generic[_HttpT, _ArgT]):
    """Configuration, request building, retry decisions and the flow of a call,
    shared by both modes."""

    _http: _HttpT
    _http_class: type[_HttpT]
    _owns_http: bool
    _async_keys = False  # whether an async key provider can be awaited
    _raw_response: type[APIResponse[Any]] | type[AsyncAPIResponse[Any]] = APIResponse
    _sleep: Callable[[float], Any]
    _default_sleep: Callable[[float], Any]

    def __init__(
        self,
        *,
        api_key: str | KeyProvider | Credentials | None = None,
        base_url: str | httpx2.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: _ArgT | None = None,
        default_headers: Mapping[str, str] | None = None,
        service_account_token_path: str | os.PathLike[str] | None = None,
        api_key_ttl: float | None = None,
        workflow_encoding: WorkflowEncoding | None = None,
    ) -> None:
        self._sleep = self._default_sleep  # injectable: tests retry without waiting
        # The credential's source, by precedence (see _auth): api_key (a str or a
        # callable), the service-account token file, $MISTRAL_API_KEY.
        self._credentials = resolve_credentials(
            api_key, service_account_token_path, api_key_ttl, allow_async=self._async_keys
        )
        url = str(base_url or os.environ.get("MISTRAL_BASE_URL") or DEFAULT_BASE_URL)
        # Paths from the spec start with "/", so a prefix in base_url is kept
        # by plain concatenation ("https://proxy/mistral" + "/v1/models").
        self.base_url = url.rstrip("/")
        if self.base_url.endswith("/v1"):
            # the OpenAI-compatible habit (".../v1"): every spec path carries its version
            self.base_url = self.base_url[:-3]
        _warn_if_insecure(self.base_url)
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.max_retries = max_retries
        self._owns_http = http_client is None
        self._legacy = _legacy_kind(http_client) is not None  # wrapped: see _legacy
        http = None if http_client is None else self._adopt(http_client)
        if http is not None and timeout is DEFAULT_TIMEOUT:
            # The caller configured their client; respect its timeout.
            timeout = http.timeout
        self.timeout = _as_timeout(timeout)
        self._custom_headers = httpx2.Headers(default_headers)
        self._http = http if http is not None else self._make_http_client()
        self._headers = self._compute_headers()
        self._hooks = initial_hooks()
        # Workflow payload encoding (mistral_sdk.workflows_encoding) is a hook the
        # configuration object builds for this client.
        self.workflow_encoding = workflow_encoding
        self._encoding_hooks: tuple[Any, ...] = ()
        if workflow_encoding is not None:
            self._encoding_hooks = (workflow_encoding._hooks(self, self._async_keys),)
            self._hooks = self._hooks + self._encoding_hooks

    def _adopt(self, client: object) -> _HttpT:
        """The caller's `http_client` as the httpx2 client the SDK sends with."""
        cls = self._http_class
        if isinstance(client, cls):
            return client
        legacy = _legacy_kind(client)
        if legacy == cls.__name__:
            from ._legacy import adopt  # imports httpx, which the caller has imported

            return cast(_HttpT, adopt(cast(Any, client)))
        other = "Client" if cls.__name__ == "AsyncClient" else "AsyncClient"
        if legacy is not None or isinstance(client, getattr(httpx2, other)):
            owner = "AsyncMistral" if self._async_keys else "Mistral"
            raise TypeError(
                f"http_client: {owner} sends with an httpx2.{cls.__name__}, got "
                f"{type(client).__module__}.{type(client).__qualname__}"
            )
        return cast(_HttpT, client)  # duck-typed: a wrapper of the caller's own

    def _make_http_client(self) -> _HttpT:
        return self._http_class(timeout=self.timeout, follow_redirects=True, limits=DEFAULT_LIMITS)

    def _compute_headers(self) -> httpx2.Headers:
        # Lowest to highest precedence: the httpx2 client's own headers (it may
        # be the caller's, configured with a proxy header, say), ours, the
        # caller's default_headers. Accept is set per request.
        # The credential is not among them: it is fetched per request (_auth_headers).
        headers = httpx2.Headers(self._http.headers)
        headers["User-Agent"] = user_agent()
        headers.update(self._custom_headers)
        return headers

    @property
    def api_key(self) -> str:
        """The key requests are sent with right now (a provider is called, a token file read)."""
        return self._credentials.get_sync()

    def _auth_target(
        self, api_key_header: str | None, extra_headers: Mapping[str, str | None] | None
    ) -> str | None:
        return auth_target(self._credentials, api_key_header, self._custom_headers, extra_headers)

    def with_options(
        self: _C,
        *,
        api_key: str | KeyProvider | None = None,
        base_url: str | httpx2.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        workflow_encoding: WorkflowEncoding | NotGiven | None = NOT_GIVEN,
    ) -> _C:
        """A copy with some options changed, sharing this client's connection pool.

        The copy never closes the pool; the original (or its owner) does.

        Args:
            api_key: the key to use instead (unchanged when omitted, as the others).
            base_url: the API's address.
            timeout: seconds or `httpx2.Timeout`.
            max_retries: the retry budget of each call.
            default_headers: headers added to (or replacing) this client's own.
            workflow_encoding: how workflow payloads are encoded (None: not at all).
        """
        headers = self._custom_headers.copy()
        headers.update(default_headers or {})  # case-insensitive replace
        new = self._copy_with(
            api_key=api_key or self._credentials,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            http_client=self._http,
            default_headers=headers,
            workflow_encoding=None
            if isinstance(workflow_encoding, NotGiven)
            else workflow_encoding,
        )
        new._sleep = self._sleep  # keep an injected sleep
        new._legacy = self._legacy
        if isinstance(workflow_encoding, NotGiven):
            new.workflow_encoding, new._encoding_hooks = (
                self.workflow_encoding,
                self._encoding_hooks,
            )
            new._hooks = self._hooks
        else:
            new._hooks = self._hooks.without(self._encoding_hooks) + new._encoding_hooks
        return new

    def _copy_with(self: _C, **options: Any) -> _C:
        """A new client of this class from the core options (with_options); a
        subclass with options of its own (a cloud deployment) carries them over."""
        return type(self)(**options)

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and bug reports.
        return f"<{type(self).__name__} base_url={self.base_url!r}>"

    def _build(
        self,
        method: str,
        path: str,
        auth: Mapping[str, str],
        response: ResponseSpec[Any, Any],
        options: RequestOptions,
    ) -> tuple[BuiltRequest, bool, int]:
        """The request, whether the caller wants the raw response, and the retry budget."""
        fields: dict[str, Any] = dict(options)
        timeout = fields.pop("timeout", NOT_GIVEN)
        max_retries = fields.pop("max_retries", NOT_GIVEN)
        fields["header_params"] = fields.pop("headers", None)  # the operation's header params
        extra_headers: Mapping[str, str | None] = fields.get("extra_headers") or {}
        raw = RAW_RESPONSE_HEADER in extra_headers
        if raw:
            fields["extra_headers"] = {
                k: v for k, v in extra_headers.items() if k != RAW_RESPONSE_HEADER
            }
        base_headers = self._headers
        if "accept" not in self._custom_headers or auth:
            base_headers = base_headers.copy()
            if "accept" not in self._custom_headers:
                base_headers["Accept"] = response.accept
            base_headers.update(auth)
        timeout = self.timeout if isinstance(timeout, NotGiven) else _as_timeout(timeout)
        built = build_request(
            method, self.base_url, path, headers=base_headers, timeout=timeout, **fields
        )
        retries = self.max_retries if isinstance(max_retries, NotGiven) else max_retries
        if not built.rewindable:
            retries = 0  # the body could not be sent a second time
        return built, raw, retries

    def _retry_delay(
        self,
        attempt: int,
        retries: int,
        status_code: int | None,
        headers: Mapping[str, str] | None,
        request: httpx2.Request,
        why: str,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up."""
        if attempt >= retries or not should_retry(status_code, headers):
            return None
        delay = retry_delay(attempt, retries, headers)
        log.info(
            "Retrying %s %s in %.2f s after %s (retry %d of %d)",
            request.method,
            request.url,
            delay,
            why,
            attempt + 1,
            retries,
        )
        return delay

    def _give_up(self, exc: httpx2.TransportError, request: httpx2.Request) -> APIConnectionError:
        if isinstance(exc, httpx2.TimeoutException):
            return APITimeoutError(request=request)
        message = self._credentials.redact(f"Connection error: {exc}")
        return APIConnectionError(message, request=request)

    def _failed(self, exc: httpx2.RequestError, request: httpx2.Request) -> APIError:
        """A request that reached the server but whose answer is unusable, for a
        reason a retry would not change (not retried)."""
        message = self._credentials.redact(f"{type(exc).__name__}: {exc}")
        return APIError(message, request=request)

    # -- the flow of a call (sans-I/O: see _flow; the steps are _SyncIO's / _AsyncIO's)

    def _request_flow(
        self,
        method: str,
        path: str,
        response: ResponseSpec[Any, Any],
        api_key_header: str | None,
        options: RequestOptions,
    ) -> Flow[Any]:
        """Send a request (with retries) and turn the answer into a value."""
        auth = yield from self._auth_flow(api_key_header, options.get("extra_headers"))
        built, raw, retries = self._build(method, path, auth, response, options)
        json, multipart = options.get("json", msgspec.UNSET), options.get("multipart")
        body = json if multipart is None else multipart
        call = self._hooks.call(method, path, body, built.request, response.stream)
        if isinstance(response, PageResponse):  # later pages go through the same flow
            response = yield ("pages", response, retries, call)
        try:
            http_response = yield from self._send_flow(
                built.request, response.stream, retries, call
            )
            if raw:
                value = self._raw_response(http_response, response)
            elif self._async_keys:
                value = response.parse_async(http_response)
            else:
                value = response.parse_sync(http_response)
        except Exception as exc:
            if call is not None:
                yield ("error", call, exc)
            raise
        finally:
            built.close_files()
        return value if call is None else _hooks.result(call, value)

    def _auth_flow(
        self, api_key_header: str | None, extra_headers: Mapping[str, str | None] | None
    ) -> Flow[dict[str, str]]:
        """The header that authenticates a request now (none when the caller sets it)."""
        name = self._auth_target(api_key_header, extra_headers)
        if name is None:
            return {}
        key = yield ("key",)  # a provider is called, a token file read
        return {name: self._credentials.header_value(name, key)}

    def _page_flow(
        self, request: httpx2.Request, retries: int, call: Call | None
    ) -> Flow[httpx2.Response]:
        """A later page of a list: the same send-and-retry flow, observed by the hooks."""
        page = _hooks.next_page(call, request)
        try:
            response = yield from self._send_flow(request, False, retries, page)
        except Exception as exc:
            if page is not None:
                yield ("error", page, exc)
            raise
        return response if page is None else _hooks.result(page, response)

    def _send_flow(
        self, request: httpx2.Request, stream: bool, retries: int, call: Call | None
    ) -> Flow[httpx2.Response]:
        attempt = 0
        while True:
            if call is not None:
                request = yield ("before", call, request, attempt)
            if log.isEnabledFor(logging.INFO):
                log_request(request, attempt)
            cause: httpx2.Response | Exception
            response: httpx2.Response
            try:
                response = yield ("send", request, stream)
            except httpx2.TransportError as exc:
                delay = self._retry_delay(attempt, retries, None, None, request, repr(exc))
                if delay is None:
                    raise self._give_up(exc, request) from exc
                cause = exc
            except httpx2.RequestError as exc:  # a broken content-encoding, a redirect loop
                raise self._failed(exc, request) from exc
            else:
                if call is not None:
                    response = yield ("after", call, response)
                if log.isEnabledFor(logging.INFO):
                    log_response(request, response)
                if response.is_success:
                    if stream:
                        release_on_collect(response)
                    return response
                delay = self._retry_delay(
                    attempt, retries, response.status_code, response.headers, request,
                    f"status {response.status_code}",
                )  # fmt: skip
                if delay is None:
                    try:
                        yield ("read", response)  # a streamed error body still carries the message
                    except httpx2.TransportError:
                        pass
                    finally:
                        yield ("close", response)
                    raise make_status_error(response, redact=self._credentials.secrets)
                yield ("close", response)
                cause = response
            if call is not None:
                yield ("retry", call, delay, cause)
            yield ("sleep", delay)
            attempt += 1


class SyncAPIClient(SyncVerbs, Closing, BaseClient[httpx2.Client, SyncHttpClient]):
    """Blocking client core: the flows of `BaseClient`, run with blocking I/O."""

    _http_class = httpx2.Client
    _sleep: Callable[[float], None]

    @staticmethod
    def _default_sleep(seconds: float) -> None:
        time.sleep(seconds)

    def _auth_headers(
        self,
        api_key_header: str | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
    ) -> dict[str, str]:
        """The header that authenticates a request now, from the current credential;
        empty when the caller sets it. Realtime and the connectors gateway call it too."""
        return run_sync(self._auth_flow(api_key_header, extra_headers), self._io())

    def request(
        self,
        method: str,
        path: str,
        *,
        response: ResponseSpec[R, Any],
        api_key_header: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> R:
        """Send a request (with retries) and turn the answer into a value."""
        flow = self._request_flow(method, path, response, api_key_header, options)
        return cast(R, run_sync(flow, self._io()))

    def _io(self) -> _SyncIO:
        """The blocking steps of the flows (`_flow`): the connectors gateway runs its own."""
        return _SyncIO(self)

    def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            self._http.close()


class _SyncIO:
    """The steps of `BaseClient`'s flows, blocking."""

    __slots__ = ("client",)

    def __init__(self, client: SyncAPIClient) -> None:
        self.client = client

    def key(self) -> str:
        return self.client._credentials.get_sync()

    def send(self, request: httpx2.Request, stream: bool) -> httpx2.Response:
        return self.client._http.send(request, stream=stream)

    def read(self, response: httpx2.Response) -> None:
        response.read()

    def close(self, response: httpx2.Response) -> None:
        response.close()

    def sleep(self, seconds: float) -> None:
        self.client._sleep(seconds)

    def pages(self, spec: PageResponse, retries: int, call: Call | None) -> Any:
        flow = self.client._page_flow
        return spec.bind(send=lambda r: run_sync(flow(r, retries, call), self))

    before = staticmethod(_hooks.before_sync)
    after = staticmethod(_hooks.after_sync)
    retry = staticmethod(_hooks.retry_sync)
    error = staticmethod(_hooks.error_sync)


class AsyncAPIClient(AsyncVerbs, AsyncClosing, BaseClient[httpx2.AsyncClient, AsyncHttpClient]):
    """Async client core: the flows of `BaseClient`, run with `await`."""

    _async_keys = True
    _http_class = httpx2.AsyncClient
    _raw_response = AsyncAPIResponse
    _sleep: Callable[[float], Awaitable[None]]

    @staticmethod
    async def _default_sleep(seconds: float) -> None:
        # imported here: asyncio costs ~30 ms at import, and sync users never need it
        import asyncio

        await asyncio.sleep(seconds)

    async def _auth_headers(
        self,
        api_key_header: str | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
    ) -> dict[str, str]:
        """`SyncAPIClient._auth_headers`, awaiting an async key provider."""
        return await run_async(self._auth_flow(api_key_header, extra_headers), self._io())

    async def request(
        self,
        method: str,
        path: str,
        *,
        response: ResponseSpec[Any, R],
        api_key_header: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> R:
        """Send a request (with retries) and turn the answer into a value."""
        flow = self._request_flow(method, path, response, api_key_header, options)
        return cast(R, await run_async(flow, self._io()))

    def _io(self) -> _AsyncIO:
        """The awaited steps of the flows (`_flow`)."""
        return _AsyncIO(self)

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            await self._http.aclose()


class _AsyncIO:
    """The steps of `BaseClient`'s flows, awaited."""

    __slots__ = ("client",)

    def __init__(self, client: AsyncAPIClient) -> None:
        self.client = client

    async def key(self) -> str:
        return await self.client._credentials.get_async()

    async def send(self, request: httpx2.Request, stream: bool) -> httpx2.Response:
        return await self.client._http.send(request, stream=stream)

    async def read(self, response: httpx2.Response) -> None:
        await response.aread()

    async def close(self, response: httpx2.Response) -> None:
        await response.aclose()

    async def sleep(self, seconds: float) -> None:
        await self.client._sleep(seconds)

    async def pages(self, spec: PageResponse, retries: int, call: Call | None) -> Any:
        flow = self.client._page_flow
        return spec.bind(async_send=lambda r: run_async(flow(r, retries, call), self))

    before = staticmethod(_hooks.before_async)
    after = staticmethod(_hooks.after_async)
    retry = staticmethod(_hooks.retry_async)
    error = staticmethod(_hooks.error_async)
