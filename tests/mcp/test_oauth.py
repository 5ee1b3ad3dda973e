"""OAuth for a remote MCP server, through the `mcp` package's client auth, against a
local authorization server stand-in: the `mcp` package's own authorization server
routes (metadata, dynamic registration, authorize, token with PKCE checks) over an
in-memory provider, protecting the test MCP server on loopback."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp_loopback import reserve, serve
from mcp_scripted import Script, call

from mistral_sdk import Mistral
from mistral_sdk.mcp import FileTokenStore, MCPServerError, MCPToolSource, OAuth

REDIRECT = "http://127.0.0.1:9/callback"  # never fetched: the test reads the redirect itself


class Provider:
    """An in-memory authorization server: codes, tokens and what was asked of it."""

    def __init__(self) -> None:
        from mcp.server.auth.provider import AccessToken

        self.clients: dict[str, Any] = {}
        self.codes: dict[str, Any] = {}
        self.refresh: dict[str, Any] = {}
        self.access: dict[str, AccessToken] = {}
        self.log: list[str] = []

    async def get_client(self, client_id: str) -> Any:
        return self.clients.get(client_id)

    async def register_client(self, client_info: Any) -> None:
        self.log.append("register")
        self.clients[client_info.client_id] = client_info

    async def authorize(self, client: Any, params: Any) -> str:
        from mcp.server.auth.provider import AuthorizationCode, construct_redirect_uri

        code = secrets.token_urlsafe(16)
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or ["weather"],
            expires_at=time.time() + 300,
            client_id=client.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(self, client: Any, code: str) -> Any:
        return self.codes.get(code)

    def _issue(self, client_id: str, scopes: list[str], expires_in: int) -> Any:
        from mcp.server.auth.provider import AccessToken, RefreshToken
        from mcp.shared.auth import OAuthToken

        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.access[access] = AccessToken(
            token=access, client_id=client_id, scopes=scopes, expires_at=int(time.time()) + 3600
        )
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes)
        return OAuthToken(
            access_token=access,
            expires_in=expires_in,
            refresh_token=refresh,
            scope=" ".join(scopes),
        )

    async def exchange_authorization_code(self, client: Any, code: Any) -> Any:
        self.log.append("code")
        del self.codes[code.code]
        # expires at once: the client's next request has to refresh it
        return self._issue(client.client_id, code.scopes, expires_in=0)

    async def load_refresh_token(self, client: Any, token: str) -> Any:
        return self.refresh.get(token)

    async def exchange_refresh_token(self, client: Any, token: Any, scopes: list[str]) -> Any:
        self.log.append("refresh")
        del self.refresh[token.token]
        return self._issue(client.client_id, scopes or token.scopes, expires_in=3600)

    async def load_access_token(self, token: str) -> Any:
        return self.access.get(token)

    async def revoke_token(self, token: Any) -> None:
        self.access.pop(token.token, None)


@pytest.fixture(scope="module")
def protected() -> Iterator[tuple[str, Provider]]:
    from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions
    from mcp_server_app import build

    sock, base = reserve()
    provider = Provider()
    server = build(
        auth_server_provider=provider,
        auth=AuthSettings(
            issuer_url=base,
            resource_server_url=f"{base}/mcp",
            client_registration_options=ClientRegistrationOptions(
                enabled=True, valid_scopes=["weather"]
            ),
            required_scopes=["weather"],
            validate_token_resource=False,
        ),
    )
    _, stop = serve(server.streamable_http_app(), sock)
    yield f"{base}/mcp", provider
    stop()


class Browser:
    """The person: opens the authorization URL and comes back with the redirect."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.location = ""

    def open(self, url: str) -> None:
        self.opened.append(url)
        answer = httpx2.get(url, follow_redirects=False)
        assert answer.status_code in (302, 303, 307), answer.text
        self.location = answer.headers["location"]

    def callback(self) -> str:
        return self.location


def test_oauth_pkce_registration_refresh_and_store(
    protected: tuple[str, Provider], tmp_path: Path
) -> None:
    url, provider = protected
    provider.log.clear()
    browser = Browser()
    store = FileTokenStore(tmp_path / "tokens.json")
    auth = OAuth(
        redirect_uri=REDIRECT,
        open_url=browser.open,
        receive_callback=browser.callback,
        token_store=store,
        scope="weather",
    )
    with MCPToolSource.http(url, auth=auth) as session:
        assert (
            session.call_tool("get_weather", {"city": "Oslo"}).content[0].text
            == "Oslo: 21.5 celsius, clear"
        )
        session.call_tool("get_weather", {"city": "Rome"})  # the first token expired: refreshed
    assert len(browser.opened) == 1
    opened = httpx2.URL(browser.opened[0])
    assert opened.params["code_challenge_method"] == "S256" and opened.params["code_challenge"]
    assert opened.params["redirect_uri"] == REDIRECT
    assert provider.log[:2] == ["register", "code"] and "refresh" in provider.log
    assert (tmp_path / "tokens.json").stat().st_mode & 0o777 == 0o600

    # a second session finds the tokens and the registration in the store: no person needed
    provider.log.clear()
    script = Script([call("get_weather", {"city": "Oslo"})])
    client = Mistral(
        api_key="k",
        base_url="https://api.test",
        http_client=httpx2.Client(mounts=script.mounts()),
    )
    again = OAuth(
        redirect_uri=REDIRECT,
        open_url=browser.open,
        receive_callback=browser.callback,
        token_store=FileTokenStore(tmp_path / "tokens.json"),
    )
    result = client.beta.conversations.run(
        "hi", model="m", tools=[MCPToolSource.http(url, auth=again, include=["get_weather"])]
    )
    assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"
    assert (
        len(browser.opened) == 1 and "register" not in provider.log and "code" not in provider.log
    )


async def test_oauth_async_hooks_and_refusal(protected: tuple[str, Provider]) -> None:
    url, _ = protected
    browser = Browser()

    async def open_url(link: str) -> None:
        browser.open(link)

    async def refused() -> str:
        return REDIRECT + "?error=access_denied&error_description=no+thanks"

    server = MCPToolSource.http(
        url, auth=OAuth(redirect_uri=REDIRECT, open_url=open_url, receive_callback=refused)
    )
    with pytest.raises(MCPServerError, match=r"authorization refused: access_denied \(no thanks\)"):
        async with server:
            pass
    assert len(browser.opened) == 1  # the async hook ran
