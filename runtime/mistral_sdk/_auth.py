"""Where a request's credential comes from. Pure decisions, no network I/O.

A client holds one `Credentials`. Its *source* is, by precedence (the official
SDK's order; a per-request ``Authorization`` header beats all of them and is
handled by `auth_target`):

1. ``api_key=`` given as a string: sent as is;
2. ``api_key=`` given as a callable (sync, or async on the async client):
   called when a request is built, its answer optionally kept ``api_key_ttl``
   seconds, so a rotated key needs no new client;
3. a service-account token file (``service_account_token_path=``, else
   ``$MISTRAL_SA_TOKEN_PATH``): read at construction, then re-read whenever
   the file's identity (inode, size, mtime) changes, which catches both an
   in-place rewrite and Kubernetes' atomic symlink swap;
4. ``$MISTRAL_API_KEY``.

The sync and async clients share every decision here; only calling an async
key provider differs (`Credentials.get_sync` / `Credentials.get_async`).

Secrets stay inside: `Credentials` has no secret in its repr, errors name the
source (a path, "the api_key callable") and never the value, and `redact`
scrubs every recently handed-out secret from text that might echo one back.
"""

from __future__ import annotations

import inspect
import os
import time
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping

import httpx2

from ._errors import MistralError, redact_secret

__all__ = [
    "SA_TOKEN_PATH_ENV",
    "CredentialsError",
    "Credentials",
    "CredentialsAuth",
    "KeyProvider",
    "auth_target",
    "resolve_credentials",
]

SA_TOKEN_PATH_ENV = "MISTRAL_SA_TOKEN_PATH"
API_KEY_ENV = "MISTRAL_API_KEY"

# A function returning the current key; on the async client it may be a coroutine function.
KeyProvider = Callable[[], str | Awaitable[str]]

# How many handed-out secrets `redact` remembers: enough to cover requests still
# in flight across a rotation, small enough to stay a handful of str.replace calls.
_REMEMBERED = 4


class CredentialsError(MistralError):
    """The configured credential could not be obtained (unreadable or empty token
    file, a key provider that returned no key). Never carries the secret."""


class _Source:
    """One place a key comes from. `fetch` may return an awaitable (async provider)."""

    description = "the credential"

    def fetch(self) -> str | Awaitable[str]:
        raise NotImplementedError


class _Static(_Source):
    __slots__ = ("_key", "description")

    def __init__(self, key: str, description: str) -> None:
        self._key = key
        self.description = description

    def fetch(self) -> str:
        return self._key


class _Provider(_Source):
    __slots__ = ("_fn", "description")

    def __init__(self, fn: KeyProvider, description: str) -> None:
        self._fn = fn
        self.description = description

    def fetch(self) -> str | Awaitable[str]:
        return self._fn()


class _TokenFile(_Source):
    """A token file re-read when it changes; a `stat` per request otherwise."""

    __slots__ = ("_identity", "_token", "description", "path")

    def __init__(self, path: str, description: str) -> None:
        self.path = path
        self.description = description
        self._identity: tuple[int, int, int, int] | None = None
        self._token = ""

    def fetch(self) -> str:
        try:
            st = os.stat(self.path)
            identity = (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)
            if identity != self._identity:
                with open(self.path, encoding="utf-8") as f:
                    token = f.read().strip()
                if not token:
                    raise CredentialsError(
                        f"{self.description} {self.path!r} is empty; "
                        "it must hold the service-account token"
                    )
                self._token, self._identity = token, identity
        except OSError as exc:
            # strerror only: the path is ours to show, the OSError adds nothing secret
            raise CredentialsError(
                f"cannot read {self.description} {self.path!r}: {exc.strerror or exc}"
            ) from None
        return self._token


class Credentials:
    """The client's credential: where it comes from, which header carries it,
    and the cache of a provider's answer.

    `header` is the header the key goes into by default; for ``Authorization``
    the value is sent as ``Bearer <key>`` (a token that already starts with
    ``Bearer `` is sent unchanged).
    """

    __slots__ = ("_cached", "_expires", "_recent", "_source", "_ttl", "header", "is_async")

    def __init__(
        self,
        source: _Source,
        *,
        ttl: float | None = None,
        header: str = "Authorization",
        is_async: bool = False,
    ) -> None:
        if ttl is not None and ttl < 0:
            raise ValueError("api_key_ttl must be >= 0 seconds (or None: call every time)")
        self._source = source
        self._ttl = ttl
        self.header = header
        self.is_async = is_async  # the provider is a coroutine function
        self._cached: str | None = None
        self._expires = 0.0
        self._recent: deque[str] = deque(maxlen=_REMEMBERED)

    @classmethod
    def from_key(
        cls,
        key: str | KeyProvider,
        *,
        ttl: float | None = None,
        header: str = "Authorization",
        name: str = "api_key",
        allow_async: bool = False,
    ) -> Credentials:
        """A key or a key provider, checked: an async provider only where `allow_async`."""
        if isinstance(key, str):
            if not key:
                raise MistralError(f"{name} must not be empty")
            return cls(_Static(key, name), header=header)
        if not callable(key):
            raise TypeError(f"{name} must be a str or a callable returning one, not {type(key)!r}")
        is_async = inspect.iscoroutinefunction(key) or inspect.iscoroutinefunction(
            getattr(key, "__call__", None)  # noqa: B004  # an object with an async __call__
        )
        if is_async and not allow_async:
            raise MistralError(
                f"{name} is an async function, which only the async client can await: "
                "use the async client, or pass a plain function"
            )
        return cls(
            _Provider(key, f"the {name} callable"), ttl=ttl, header=header, is_async=is_async
        )

    def __repr__(self) -> str:
        return f"<Credentials from {self._source.description} in {self.header}>"

    @property
    def source(self) -> str:
        """Where the key comes from, in words (no secret): for errors and debugging."""
        return self._source.description

    # -- the value ---------------------------------------------------------------

    def _fresh(self) -> str | None:
        if self._cached is not None and time.monotonic() < self._expires:
            return self._cached
        return None

    def _accept(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            what = "an empty string" if isinstance(value, str) else type(value).__name__
            raise CredentialsError(f"{self._source.description} returned {what}, not a key")
        value = value.strip()
        if value not in self._recent:
            self._recent.append(value)
        if self._ttl:
            self._cached, self._expires = value, time.monotonic() + self._ttl
        return value

    def get_sync(self) -> str:
        """The current key, for a blocking client."""
        cached = self._fresh()
        if cached is not None:
            return cached
        value = self._source.fetch()
        if inspect.isawaitable(value):
            if inspect.iscoroutine(value):
                value.close()  # never awaited: close it so Python does not warn
            raise MistralError(
                f"{self._source.description} returned an awaitable: only the async "
                "client can await it"
            )
        return self._accept(value)

    async def get_async(self) -> str:
        """The current key, for an async client (awaits an async provider)."""
        cached = self._fresh()
        if cached is not None:
            return cached
        value = self._source.fetch()
        if inspect.isawaitable(value):
            value = await value
        return self._accept(value)

    def header_value(self, name: str, key: str) -> str:
        """What goes into header `name`: a bearer credential for ``Authorization``."""
        if name.lower() != "authorization" or key[:7].lower() == "bearer ":
            return key
        return f"Bearer {key}"

    def redact(self, text: str) -> str:
        """`text` with every secret this object handed out recently replaced by ``***``."""
        for secret in self._recent:
            text = redact_secret(text, secret)  # whole tokens: a short key mangles nothing
        return text

    @property
    def secrets(self) -> tuple[str, ...]:
        """The recently handed-out secrets, to scrub from messages (never shown)."""
        return tuple(self._recent)


def resolve_credentials(
    api_key: str | KeyProvider | Credentials | None,
    service_account_token_path: str | os.PathLike[str] | None,
    api_key_ttl: float | None,
    *,
    allow_async: bool,
    environ: Mapping[str, str] = os.environ,
) -> Credentials:
    """The client's `Credentials`, by the precedence in this module's docstring.

    Raises `MistralError` (at construction) when no source is configured, and
    `CredentialsError` when the token file is unreadable or empty.
    """
    if isinstance(api_key, Credentials):
        return api_key  # a copy made by with_options, or a deployment's own
    if api_key:
        return Credentials.from_key(api_key, ttl=api_key_ttl, allow_async=allow_async)
    if api_key_ttl is not None:
        raise MistralError("api_key_ttl applies to a callable api_key, and none was given")
    path = service_account_token_path or environ.get(SA_TOKEN_PATH_ENV)
    if path:
        how = (
            "the service-account token file"
            if service_account_token_path
            else f"the service-account token file (${SA_TOKEN_PATH_ENV})"
        )
        credentials = Credentials(_TokenFile(os.fspath(path), how))
        credentials.get_sync()  # fail at construction, not at the first request
        return credentials
    env_key = environ.get(API_KEY_ENV)
    if env_key:
        return Credentials(_Static(env_key, f"${API_KEY_ENV}"))
    raise MistralError(
        f"No API key: pass api_key=... or set the {API_KEY_ENV} environment variable "
        f"(or {SA_TOKEN_PATH_ENV} to a service-account token file)."
    )


def auth_target(
    credentials: Credentials,
    api_key_header: str | None,
    client_headers: Mapping[str, str],
    extra_headers: Mapping[str, str | None] | None,
) -> str | None:
    """The header this request's credential goes into, or None when the caller
    supplied that header (or removed it) and no key must be fetched.

    `api_key_header` is an operation's own key header (``x-api-key``); otherwise
    the credential's header. A per-request header (`extra_headers`, even
    ``None``, which removes it) outranks every credential source, and so does a
    client-wide ``Authorization`` in the caller's ``default_headers``.
    """
    name = api_key_header or credentials.header
    lowered = name.lower()
    if extra_headers and any(k.lower() == lowered for k in extra_headers):
        return None
    if lowered in client_headers:  # httpx2.Headers: case-insensitive membership
        return None
    return name


class CredentialsAuth(httpx2.Auth):
    """The client's credential as an `httpx2.Auth`, for a capability that sends with
    its own httpx2 client (the connectors gateway, an MCP HTTP transport):
    ``httpx2.AsyncClient(auth=CredentialsAuth(client._credentials))``. Each request
    gets the current key, unless it already carries that header."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def __repr__(self) -> str:
        return f"<CredentialsAuth {self._credentials!r}>"

    def sync_auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        name = self._credentials.header
        if name not in request.headers:
            key = self._credentials.get_sync()
            request.headers[name] = self._credentials.header_value(name, key)
        yield request

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        name = self._credentials.header
        if name not in request.headers:
            key = await self._credentials.get_async()
            request.headers[name] = self._credentials.header_value(name, key)
        yield request
