"""google-auth, kept behind the `[gcp]` extra: default credentials, project
detection, and a token source that refreshes off the event loop.

google-auth's refresh is a blocking HTTP call. The sync client makes it in
place; the async client runs it in a worker thread (anyio's, on asyncio or trio),
so other tasks keep running. One lock makes concurrent requests share
one refresh. The refresh's HTTP goes through httpx2 (`_HttpxRequest`), so the
extra needs google-auth only, not `requests`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx2

from .._errors import MistralError

__all__ = ["SCOPES", "GoogleToken", "default_credentials", "import_google_auth"]

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
# A token refresh is one small POST; it must not hang a request for long.
_REFRESH_TIMEOUT = 30.0


def import_google_auth() -> Any:
    """The `google.auth` module, or an error naming the extra to install."""
    try:
        import google.auth
        import google.auth.transport
    except ImportError as exc:
        raise MistralError(
            "Google Vertex AI credentials need google-auth: pip install 'mistral-sdk[gcp]' "
            "(or pass access_token=... to use a token you obtain yourself)"
        ) from exc
    return google.auth


def default_credentials() -> tuple[Any, str | None]:
    """Application Default Credentials and the project they belong to, if known."""
    google_auth = import_google_auth()
    try:
        return google_auth.default(scopes=list(SCOPES), request=_httpx_request())  # type: ignore[no-any-return]
    except google_auth.exceptions.DefaultCredentialsError as exc:
        raise MistralError(
            f"no Google credentials found ({exc}); run `gcloud auth application-default "
            "login`, set GOOGLE_APPLICATION_CREDENTIALS, or pass credentials=..."
        ) from None


def _httpx_request() -> Any:
    """A `google.auth.transport.Request` that sends with a short-lived httpx2 client."""
    import_google_auth()
    from google.auth import exceptions, transport

    class _Response(transport.Response):
        def __init__(self, response: httpx2.Response) -> None:
            self._response = response

        @property
        def status(self) -> int:
            return self._response.status_code

        @property
        def headers(self) -> Mapping[str, str]:
            return self._response.headers

        @property
        def data(self) -> bytes:
            return self._response.content

    class _HttpxRequest(transport.Request):
        def __call__(
            self,
            url: str,
            method: str = "GET",
            body: bytes | None = None,
            headers: Mapping[str, str] | None = None,
            timeout: float | None = None,
            **kwargs: Any,
        ) -> _Response:
            try:
                with httpx2.Client(timeout=timeout or _REFRESH_TIMEOUT) as client:
                    response = client.request(method, url, content=body, headers=headers)
            except httpx2.HTTPError as exc:
                raise exceptions.TransportError(str(exc)) from exc  # type: ignore[no-untyped-call]
            return _Response(response)

    return _HttpxRequest()


class GoogleToken:
    """The current access token of google-auth style credentials.

    `credentials` needs ``valid``, ``token`` and ``refresh(request)`` (every
    `google.auth.credentials.Credentials` has them). `sync` refreshes in place;
    `async_` awaits the refresh in a worker thread. Both return the token.
    """

    def __init__(self, credentials: Any) -> None:
        for name in ("refresh", "token", "valid"):
            if not hasattr(credentials, name):
                raise TypeError(
                    f"credentials must be google-auth credentials (with {name!r}), "
                    f"not {type(credentials).__name__}"
                )
        self._credentials = credentials
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<GoogleToken {type(self._credentials).__name__}>"

    def _current(self) -> str | None:
        token = self._credentials.token
        return token if self._credentials.valid and token else None

    def sync(self) -> str:
        """The token, refreshed first when missing or expired (blocking)."""
        token = self._current()
        if token is not None:
            return token
        with self._lock:  # one refresh for concurrent callers; the others reuse it
            token = self._current()
            if token is None:
                self._credentials.refresh(_httpx_request())
                token = self._credentials.token
        if not token:
            raise MistralError("the Google credentials gave no access token after a refresh")
        return str(token)

    async def async_(self) -> str:
        """`sync` for the async client: a needed refresh runs in a worker thread."""
        token = self._current()
        if token is not None:
            return token
        return await _in_thread(self.sync)


async def _in_thread(fn: Callable[[], str]) -> str:
    import anyio.to_thread  # httpx2's own dependency: asyncio and trio alike

    return str(await anyio.to_thread.run_sync(fn))
