"""OAuth for remote MCP servers, on the `mcp` package's own client auth.

`OAuth(...)` passed as `MCPToolSource.http(url, auth=OAuth(...))` becomes the `mcp`
package's `OAuthClientProvider`, which follows the MCP authorization spec: a 401
sends it to discover the protected resource's metadata and its authorization
server's, register the client dynamically when it has no client id yet, run the
authorization code flow with PKCE, and refresh expired tokens. What it cannot do
by itself is the part with a person in it: `open_url(url)` shows the
authorization URL (a browser, a printed link) and `receive_callback()` returns
where the authorization server sent the browser back (the full redirect URL, or
its `(code, state)`). Both may be plain functions (they then run in a worker
thread) or coroutine functions.

Tokens and the registered client live in a token store: `MemoryTokenStore()`
(the default: the process's lifetime), `FileTokenStore(path)`, or any object
with the four async methods of `mcp.client.auth.TokenStorage`.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ._errors import require_mcp

__all__ = ["FileTokenStore", "MemoryTokenStore", "OAuth"]

Callback = Callable[[], Any]


async def _call(fn: Callable[..., Any], *args: Any) -> Any:
    """A user hook: awaited when async, else run in a worker thread (it may block)."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args)
    import anyio

    value = await anyio.to_thread.run_sync(lambda: fn(*args))
    return await value if inspect.isawaitable(value) else value


def _code_result(value: Any) -> Any:
    """What `receive_callback` returned, as the `mcp` package's AuthorizationCodeResult."""
    from mcp.client.auth import AuthorizationCodeResult

    if isinstance(value, AuthorizationCodeResult):
        return value
    if isinstance(value, str):
        query = parse_qs(urlsplit(value).query)
        if "error" in query:
            from mcp.client.auth import OAuthFlowError

            detail = query.get("error_description", query["error"])[0]
            raise OAuthFlowError(f"authorization refused: {query['error'][0]} ({detail})")
        if "code" not in query:
            raise ValueError(f"receive_callback: no `code` in the redirect URL {value!r}")
        return AuthorizationCodeResult(
            code=query["code"][0],
            state=query.get("state", [None])[0],
            iss=query.get("iss", [None])[0],
        )
    if isinstance(value, tuple) and len(value) == 2:
        return AuthorizationCodeResult(code=value[0], state=value[1])
    raise TypeError(
        "receive_callback must return the redirect URL (str) or a (code, state) tuple,"
        f" got {type(value).__name__}"
    )


class MemoryTokenStore:
    """Tokens and client registration kept in memory (lost when the process ends)."""

    def __init__(self) -> None:
        self.tokens: Any = None
        self.client_info: Any = None

    async def get_tokens(self) -> Any:
        return self.tokens

    async def set_tokens(self, tokens: Any) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> Any:
        return self.client_info

    async def set_client_info(self, client_info: Any) -> None:
        self.client_info = client_info


class FileTokenStore:
    """Tokens and client registration in a JSON file readable by its owner only."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, key: str, value: Any) -> None:
        data = self._read()
        data[key] = value.model_dump(mode="json", exclude_none=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)

    async def get_tokens(self) -> Any:
        from mcp.shared.auth import OAuthToken

        raw = self._read().get("tokens")
        return OAuthToken.model_validate(raw) if raw else None

    async def set_tokens(self, tokens: Any) -> None:
        self._write("tokens", tokens)

    async def get_client_info(self) -> Any:
        from mcp.shared.auth import OAuthClientInformationFull

        raw = self._read().get("client_info")
        return OAuthClientInformationFull.model_validate(raw) if raw else None

    async def set_client_info(self, client_info: Any) -> None:
        self._write("client_info", client_info)


class OAuth:
    """How to authorize against a remote MCP server (the MCP authorization spec).

    Args:
        redirect_uri: where the authorization server sends the browser back
            (registered with the client), e.g. `http://127.0.0.1:8765/callback`.
        open_url: shows the authorization URL to the user.
        receive_callback: returns the redirect URL (or `(code, state)`).
        token_store: keeps tokens and the client registration (default: memory).
        scope: the scopes to ask for (default: what the server asks for).
        client_name: the name the client registers under.
        client_metadata_url: an HTTPS URL used as client id where the server
            supports client id metadata documents (no registration then).
    """

    def __init__(
        self,
        *,
        redirect_uri: str,
        open_url: Callable[[str], Any | Awaitable[Any]],
        receive_callback: Callback,
        token_store: Any = None,
        scope: str | Sequence[str] | None = None,
        client_name: str = "mistral-sdk",
        client_metadata_url: str | None = None,
    ) -> None:
        if not redirect_uri.startswith(("http://", "https://")) and ":" not in redirect_uri:
            raise ValueError(f"redirect_uri: expected a URI, got {redirect_uri!r}")
        for field, hook in (("open_url", open_url), ("receive_callback", receive_callback)):
            if not callable(hook):
                raise TypeError(f"{field}: expected a function, got {type(hook).__name__}")
        self.redirect_uri = redirect_uri
        self.open_url = open_url
        self.receive_callback = receive_callback
        self.token_store = token_store if token_store is not None else MemoryTokenStore()
        self.scope = scope if scope is None or isinstance(scope, str) else " ".join(scope)
        self.client_name = client_name
        self.client_metadata_url = client_metadata_url

    def provider(self, server_url: str) -> Any:
        """The `mcp.client.auth.OAuthClientProvider` (an `httpx2.Auth`) for a server."""
        require_mcp()
        from mcp.client.auth import OAuthClientProvider
        from mcp.shared.auth import OAuthClientMetadata

        async def redirect_handler(url: str) -> None:
            await _call(self.open_url, url)

        async def callback_handler() -> Any:
            return _code_result(await _call(self.receive_callback))

        metadata = OAuthClientMetadata.model_validate(
            {
                "client_name": self.client_name,
                "redirect_uris": [self.redirect_uri],
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "token_endpoint_auth_method": "none",
                **({"scope": self.scope} if self.scope else {}),
            }
        )
        return OAuthClientProvider(
            server_url,
            metadata,
            self.token_store,
            redirect_handler=redirect_handler,
            callback_handler=callback_handler,
            client_metadata_url=self.client_metadata_url,
        )
