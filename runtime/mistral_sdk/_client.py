"""The client core: `BaseClient` (pure shared logic) and the two transport loops.

`SyncAPIClient` / `AsyncAPIClient` are the base classes of the generated
`Mistral` / `AsyncMistral`. Everything that does not touch the network lives
in `BaseClient` and the pure modules it calls (`_request`, `_retry`); only the
send-and-retry loop is written twice, once blocking and once with `await`.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Awaitable, Callable, Collection, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import httpx
import msgspec

from . import _hooks
from ._auth import Credentials, KeyProvider, auth_target, resolve_credentials
from ._errors import APIConnectionError, APIError, APITimeoutError, make_status_error
from ._hooks import Call, HooksMixin, initial_hooks
from ._logging import log_request, log_response
from ._pagination import PageResponse
from ._pool import DEFAULT_LIMITS, send, send_async
from ._release import release_on_collect
from ._request import BuiltRequest, build_request, user_agent
from ._response import RAW_RESPONSE_HEADER, APIResponse, AsyncAPIResponse, ResponseSpec
from ._retry import retry_delay, should_retry
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes
from ._verbs import AsyncVerbs, SyncVerbs

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
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

R = TypeVar("R")
_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
_C = TypeVar("_C", bound="BaseClient[Any]")

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
    url = httpx.URL(base_url)
    if url.scheme != "http" or _is_loopback(url.host) or url.host in _warned_hosts:
        return
    _warned_hosts.add(url.host)
    warnings.warn(
        f"mistral_sdk: base_url {base_url!r} uses plain http; the API key will be "
        "sent unencrypted. Use https.",
        stacklevel=4,
    )


def _as_timeout(timeout: TimeoutTypes) -> httpx.Timeout | None:
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout)


class BaseClient(HooksMixin, Generic[_HttpT]):
    """Configuration, request building and retry decisions, shared by both modes."""

    _http: _HttpT
    _owns_http: bool
    _async_keys = False  # whether an async key provider can be awaited

    def __init__(
        self,
        *,
        api_key: str | KeyProvider | Credentials | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: _HttpT | None = None,
        default_headers: Mapping[str, str] | None = None,
        service_account_token_path: str | os.PathLike[str] | None = None,
        api_key_ttl: float | None = None,
        workflow_encoding: WorkflowEncoding | None = None,
    ) -> None:
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
        if http_client is not None and timeout is DEFAULT_TIMEOUT:
            # The caller configured their client; respect its timeout.
            timeout = http_client.timeout
        self.timeout = _as_timeout(timeout)
        self._custom_headers = httpx.Headers(default_headers)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._make_http_client()
        self._headers = self._compute_headers()
        self._hooks = initial_hooks()
        # Workflow payload encoding (mistral_sdk.workflows_encoding) is a hook the
        # configuration object builds for this client.
        self.workflow_encoding = workflow_encoding
        self._encoding_hooks: tuple[Any, ...] = ()
        if workflow_encoding is not None:
            self._encoding_hooks = (workflow_encoding._hooks(self, self._async_keys),)
            self._hooks = self._hooks + self._encoding_hooks

    def _make_http_client(self) -> _HttpT:
        raise NotImplementedError

    def _compute_headers(self) -> httpx.Headers:
        # Lowest to highest precedence: the httpx client's own headers (it may
        # be the caller's, configured with a proxy header, say), ours, the
        # caller's default_headers. Accept is set per request.
        # The credential is not among them: it is fetched per request (_auth_headers).
        headers = httpx.Headers(self._http.headers)
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
        base_url: str | httpx.URL | None = None,
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
            timeout: seconds or `httpx.Timeout`.
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
        new._sleep = self._sleep  # type: ignore[attr-defined]  # keep an injected sleep
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
        *,
        path_params: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        query_json: Collection[str],
        headers: Mapping[str, object] | None,
        auth: Mapping[str, str],
        json: object,
        multipart: Mapping[str, object] | None,
        multipart_files: Collection[str],
        response: ResponseSpec[Any, Any],
        extra_headers: Mapping[str, str | None] | None,
        extra_query: Mapping[str, object] | None,
        extra_body: Mapping[str, Any] | None,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | NotGiven,
    ) -> tuple[BuiltRequest, bool, int]:
        """The request, whether the caller wants the raw response, and the retry budget."""
        raw = False
        if extra_headers and RAW_RESPONSE_HEADER in extra_headers:
            raw = True
            extra_headers = {k: v for k, v in extra_headers.items() if k != RAW_RESPONSE_HEADER}
        base_headers = self._headers
        if "accept" not in self._custom_headers or auth:
            base_headers = base_headers.copy()
            if "accept" not in self._custom_headers:
                base_headers["Accept"] = response.accept
            base_headers.update(auth)
        built = build_request(
            method,
            self.base_url,
            path,
            headers=base_headers,
            path_params=path_params,
            query=query,
            query_json=query_json,
            header_params=headers,
            json=json,
            multipart=multipart,
            multipart_files=multipart_files,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=self.timeout if isinstance(timeout, NotGiven) else _as_timeout(timeout),
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
        request: httpx.Request,
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

    def _give_up(self, exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request)
        message = self._credentials.redact(f"Connection error: {exc}")
        return APIConnectionError(message, request=request)

    def _failed(self, exc: httpx.RequestError, request: httpx.Request) -> APIError:
        """A request that reached the server but whose answer is unusable, for a
        reason a retry would not change (not retried)."""
        message = self._credentials.redact(f"{type(exc).__name__}: {exc}")
        return APIError(message, request=request)


class SyncAPIClient(SyncVerbs, BaseClient[httpx.Client]):
    """Blocking client core."""

    def __init__(
        self,
        *,
        api_key: str | KeyProvider | Credentials | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        service_account_token_path: str | os.PathLike[str] | None = None,
        api_key_ttl: float | None = None,
        workflow_encoding: WorkflowEncoding | None = None,
    ) -> None:
        # Injectable for tests: retries then take no real time.
        self._sleep: Callable[[float], None] = time.sleep
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            service_account_token_path=service_account_token_path,
            api_key_ttl=api_key_ttl,
            workflow_encoding=workflow_encoding,
        )

    def _make_http_client(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout, follow_redirects=True, limits=DEFAULT_LIMITS)

    def _auth_headers(
        self,
        api_key_header: str | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
    ) -> dict[str, str]:
        """The header that authenticates a request now, from the current credential;
        empty when the caller sets it. Realtime and the connectors gateway call it too."""
        name = self._auth_target(api_key_header, extra_headers)
        if name is None:
            return {}
        return {name: self._credentials.header_value(name, self._credentials.get_sync())}

    def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        query_json: Collection[str] = (),
        headers: Mapping[str, object] | None = None,
        api_key_header: str | None = None,
        json: object = msgspec.UNSET,
        multipart: Mapping[str, object] | None = None,
        multipart_files: Collection[str] = (),
        response: ResponseSpec[R, Any],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> R:
        """Send a request (with retries) and turn the answer into a value."""
        built, raw, retries = self._build(
            method,
            path,
            path_params=path_params,
            query=query,
            query_json=query_json,
            headers=headers,
            auth=self._auth_headers(api_key_header, extra_headers),
            json=json,
            multipart=multipart,
            multipart_files=multipart_files,
            response=response,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        body = json if multipart is None else multipart
        call = self._hooks.call(method, path, body, built.request, response.stream)
        if isinstance(response, PageResponse):  # later pages go through the same loop
            response = cast(Any, response.bind(send=lambda r: self._send_page(r, retries, call)))
        try:
            http_response = self._send(built.request, response.stream, retries, call)
            if raw:
                value = cast(R, APIResponse[R](http_response, response))
            else:
                value = response.parse_sync(http_response)
        except Exception as exc:
            if call is not None:
                _hooks.error_sync(call, exc)
            raise
        finally:
            built.close_files()
        return value if call is None else _hooks.result(call, value)

    def _send_page(self, request: httpx.Request, retries: int, call: Call | None) -> httpx.Response:
        page = _hooks.next_page(call, request)
        return _hooks.observed_sync(page, lambda: self._send(request, False, retries, page))

    def _send(
        self, request: httpx.Request, stream: bool, retries: int, call: Call | None = None
    ) -> httpx.Response:
        attempt = 0
        while True:
            if call is not None:
                request = _hooks.before_sync(call, request, attempt)
            if log.isEnabledFor(logging.INFO):
                log_request(request, attempt)
            cause: httpx.Response | Exception
            try:
                response = send(self._http, request, stream=stream)  # queued first: _pool.py
            except httpx.TransportError as exc:
                delay = self._retry_delay(attempt, retries, None, None, request, repr(exc))
                if delay is None:
                    raise self._give_up(exc, request) from exc
                cause = exc
            except httpx.RequestError as exc:  # a broken content-encoding, a redirect loop
                raise self._failed(exc, request) from exc
            else:
                if call is not None:
                    response = _hooks.after_sync(call, response)
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
                        response.read()  # a streamed error body still carries the message
                    except httpx.TransportError:
                        pass
                    finally:
                        response.close()
                    raise make_status_error(response, redact=self._credentials.secrets)
                response.close()
                cause = response
            if call is not None:
                _hooks.retry_sync(call, delay, cause)
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: _SC) -> _SC:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_SC = TypeVar("_SC", bound=SyncAPIClient)
_AC = TypeVar("_AC", bound="AsyncAPIClient")


async def _asyncio_sleep(seconds: float) -> None:
    # imported here: asyncio costs ~30 ms at import, and sync users never need it
    import asyncio

    await asyncio.sleep(seconds)


class AsyncAPIClient(AsyncVerbs, BaseClient[httpx.AsyncClient]):
    """Async client core; the loop mirrors `SyncAPIClient._send` with `await`."""

    _async_keys = True

    def __init__(
        self,
        *,
        api_key: str | KeyProvider | Credentials | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        service_account_token_path: str | os.PathLike[str] | None = None,
        api_key_ttl: float | None = None,
        workflow_encoding: WorkflowEncoding | None = None,
    ) -> None:
        self._sleep: Callable[[float], Awaitable[None]] = _asyncio_sleep
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            default_headers=default_headers,
            service_account_token_path=service_account_token_path,
            api_key_ttl=api_key_ttl,
            workflow_encoding=workflow_encoding,
        )

    def _make_http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout, follow_redirects=True, limits=DEFAULT_LIMITS)

    async def _auth_headers(
        self,
        api_key_header: str | None = None,
        extra_headers: Mapping[str, str | None] | None = None,
    ) -> dict[str, str]:
        """`SyncAPIClient._auth_headers`, awaiting an async key provider."""
        name = self._auth_target(api_key_header, extra_headers)
        if name is None:
            return {}
        return {name: self._credentials.header_value(name, await self._credentials.get_async())}

    async def request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        query_json: Collection[str] = (),
        headers: Mapping[str, object] | None = None,
        api_key_header: str | None = None,
        json: object = msgspec.UNSET,
        multipart: Mapping[str, object] | None = None,
        multipart_files: Collection[str] = (),
        response: ResponseSpec[Any, R],
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> R:
        """Send a request (with retries) and turn the answer into a value."""
        built, raw, retries = self._build(
            method,
            path,
            path_params=path_params,
            query=query,
            query_json=query_json,
            headers=headers,
            auth=await self._auth_headers(api_key_header, extra_headers),
            json=json,
            multipart=multipart,
            multipart_files=multipart_files,
            response=response,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            max_retries=max_retries,
        )
        body = json if multipart is None else multipart
        call = self._hooks.call(method, path, body, built.request, response.stream)
        if isinstance(response, PageResponse):  # later pages go through the same loop
            response = cast(
                Any, response.bind(async_send=lambda r: self._send_page(r, retries, call))
            )
        try:
            http_response = await self._send(built.request, response.stream, retries, call)
            if raw:
                value = cast(R, AsyncAPIResponse[R](http_response, response))
            else:
                value = response.parse_async(http_response)
        except Exception as exc:
            if call is not None:
                await _hooks.error_async(call, exc)
            raise
        finally:
            built.close_files()
        return value if call is None else _hooks.result(call, value)

    async def _send_page(
        self, request: httpx.Request, retries: int, call: Call | None
    ) -> httpx.Response:
        page = _hooks.next_page(call, request)
        return await _hooks.observed_async(page, lambda: self._send(request, False, retries, page))

    async def _send(
        self, request: httpx.Request, stream: bool, retries: int, call: Call | None = None
    ) -> httpx.Response:
        attempt = 0
        while True:
            if call is not None:
                request = await _hooks.before_async(call, request, attempt)
            if log.isEnabledFor(logging.INFO):
                log_request(request, attempt)
            cause: httpx.Response | Exception
            try:
                response = await send_async(self._http, request, stream=stream)
            except httpx.TransportError as exc:
                delay = self._retry_delay(attempt, retries, None, None, request, repr(exc))
                if delay is None:
                    raise self._give_up(exc, request) from exc
                cause = exc
            except httpx.RequestError as exc:  # a broken content-encoding, a redirect loop
                raise self._failed(exc, request) from exc
            else:
                if call is not None:
                    response = await _hooks.after_async(call, response)
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
                        await response.aread()
                    except httpx.TransportError:
                        pass
                    finally:
                        await response.aclose()
                    raise make_status_error(response, redact=self._credentials.secrets)
                await response.aclose()
                cause = response
            if call is not None:
                await _hooks.retry_async(call, delay, cause)
            await self._sleep(delay)
            attempt += 1

    async def close(self) -> None:
        """Close the connection pool, unless it was passed in by the caller."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: _AC) -> _AC:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
