"""MCP servers over HTTP that answer with an error status: typed errors naming the
status, the server and what to do (401, 403, others), at open and during a run, sync
and async, over streamable HTTP and HTTP+SSE, against the real test server behind a
loopback gate that checks a bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from mcp_loopback import serve
from mcp_scripted import Script, call

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.mcp import (
    MCPAuthenticationError,
    MCPPermissionDeniedError,
    MCPServerError,
    MCPStatusError,
    MCPToolError,
    MCPToolSource,
    OAuth,
)

CHALLENGE = 'Bearer realm="weather", error="invalid_token"'


class Gate:
    """An ASGI app in front of the test server: `Authorization: Bearer <token>` must
    name a token it knows; `verdicts` says what each token gets (200 or a status), and
    `fail_calls` answers every `tools/call` with that status (a proxy's error page)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.reset()

    def reset(self) -> None:
        self.verdicts: dict[str, int] = {"good": 200, "readonly": 403}
        self.fail_calls: int | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = headers.get(b"authorization", b"").decode().removeprefix("Bearer ")
        verdict = self.verdicts.get(token, 401)
        if verdict == 401 and token == "jsonrpc":
            error = {
                "jsonrpc": "2.0",
                "id": None,
                "error": {"code": -32001, "message": "token expired"},
            }
            await _answer(send, 401, json.dumps(error).encode())
            return
        if verdict == 401:
            await _answer(
                send,
                401,
                b'{"error": "invalid_token"}',
                [(b"www-authenticate", CHALLENGE.encode())],
            )
            return
        if verdict != 200:
            await _answer(send, verdict, b'{"error": "insufficient_scope"}')
            return
        body = b""
        while True:  # read the request, to look at it and hand it on
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self.fail_calls is not None and b'"tools/call"' in body:
            page = b"<html><body>upstream unavailable</body></html>"
            await _answer(send, self.fail_calls, page, content_type=b"text/html")
            return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _answer(
    send: Any,
    status: int,
    body: bytes,
    headers: list[tuple[bytes, bytes]] = (),  # type: ignore[assignment]
    content_type: bytes = b"application/json",
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def gates() -> Iterator[tuple[str, Gate, Gate]]:
    """(base URL, the gate of streamable HTTP at /mcp, the gate of SSE at /sse)."""
    from mcp_server_app import build
    from starlette.applications import Starlette
    from starlette.routing import Mount

    streamable = Gate(build().streamable_http_app())
    sse = Gate(build().sse_app())
    app = Starlette(routes=[Mount("/legacy", app=sse), Mount("/", app=streamable)])
    app.router.lifespan_context = streamable.app.router.lifespan_context
    base, stop = serve(app)
    yield base, streamable, sse
    stop()


@pytest.fixture
def gated(gates: tuple[str, Gate, Gate]) -> Iterator[Callable[..., MCPToolSource]]:
    base, streamable, sse = gates

    def make(token: str | None = None, **options: Any) -> MCPToolSource:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        return MCPToolSource.http(f"{base}/mcp", headers=headers, **options)

    yield make
    streamable.reset()
    sse.reset()


def test_401_without_credentials_names_status_server_and_remedy(
    gated: Callable[..., MCPToolSource], gates: tuple[str, Gate, Gate]
) -> None:
    base = gates[0]
    with pytest.raises(MCPAuthenticationError) as info, gated(name="weather"):
        pass
    error = info.value
    assert isinstance(error, MCPStatusError) and isinstance(error, MCPServerError)
    assert (error.status_code, error.server, error.url) == (401, "weather", f"{base}/mcp")
    assert error.www_authenticate == CHALLENGE
    assert error.body == '{"error": "invalid_token"}'
    message = str(error)
    assert message.startswith(
        f"MCP server 'weather' could not be opened: HTTP 401 Unauthorized from {base}/mcp"
        f" (WWW-Authenticate: {CHALLENGE})"
    )
    assert 'headers={"Authorization": "Bearer <token>"}' in message
    assert "auth=mistral_sdk.mcp.OAuth(...)" in message
    assert error.__cause__ is None and error.__suppress_context__  # no JSON-RPC noise


def test_401_with_a_wrong_token_says_it_was_refused(
    gated: Callable[..., MCPToolSource],
) -> None:
    with (
        pytest.raises(MCPAuthenticationError, match="refused the credentials sent"),
        gated("expired"),
    ):
        pass


def test_403_is_a_permission_error(gated: Callable[..., MCPToolSource]) -> None:
    with pytest.raises(MCPPermissionDeniedError) as info, gated("readonly"):
        pass
    assert info.value.status_code == 403
    assert "HTTP 403 Forbidden" in str(info.value) and "lack a scope" in str(info.value)


def test_other_statuses_at_open(gates: tuple[str, Gate, Gate]) -> None:
    base = gates[0]
    good = {"Authorization": "Bearer good"}
    with (
        pytest.raises(MCPStatusError) as info,
        MCPToolSource.http(f"{base}/nowhere", headers=good, name="x"),
    ):
        pass
    assert type(info.value) is MCPStatusError and info.value.status_code == 404
    assert f"Is {base}/nowhere the server's MCP endpoint?" in str(info.value)


def test_a_run_stops_before_the_api_is_called(
    scripted: Callable[[Script], Mistral], gated: Callable[..., MCPToolSource]
) -> None:
    script = Script([call("get_weather", {"city": "Oslo"})])
    with pytest.raises(MCPAuthenticationError, match="HTTP 401"):
        scripted(script).beta.conversations.run("hi", model="m", tools=[gated()])
    assert script.requests == []
    # the right token opens it
    result = scripted(Script([call("get_weather", {"city": "Oslo"})])).beta.conversations.run(
        "hi", model="m", tools=[gated("good", include=["get_weather"])]
    )
    assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"


async def test_async_open_and_run(
    ascripted: Callable[[Script], AsyncMistral], gated: Callable[..., MCPToolSource]
) -> None:
    with pytest.raises(MCPPermissionDeniedError):
        async with gated("readonly"):
            pass
    script = Script([call("get_weather", {"city": "Oslo"})])
    with pytest.raises(MCPAuthenticationError) as info:
        await ascripted(script).beta.conversations.run("hi", model="m", tools=[gated("bad")])
    assert info.value.status_code == 401 and script.requests == []


def test_credentials_revoked_mid_run_stop_the_run(
    scripted: Callable[[Script], Mistral],
    gated: Callable[..., MCPToolSource],
    gates: tuple[str, Gate, Gate],
) -> None:
    streamable = gates[1]
    server = gated("good", include=["get_weather"], name="weather")
    with server as session:
        streamable.verdicts["good"] = 401  # the token was revoked
        with pytest.raises(MCPAuthenticationError) as info:
            session.call_tool("get_weather", {"city": "Oslo"})
        assert "MCP server 'weather' failed during the call of tool 'get_weather'" in str(
            info.value
        )
    streamable.verdicts["good"] = 200

    def revoke() -> str:
        """Revokes the token (as an administrator would, between two calls)."""
        streamable.verdicts["good"] = 401
        return "revoked"

    script = Script([call("revoke", {})], [call("get_weather", {"city": "Oslo"})])
    with pytest.raises(MCPAuthenticationError, match="during the call of tool 'get_weather'"):
        scripted(script).beta.conversations.run("hi", model="m", tools=[server, revoke])
    assert len(script.requests) == 2  # nothing sent after the refusal


async def test_other_statuses_during_a_call_go_to_the_model(
    ascripted: Callable[[Script], AsyncMistral],
    gated: Callable[..., MCPToolSource],
    gates: tuple[str, Gate, Gate],
) -> None:
    gates[1].fail_calls = 502
    server = gated("good", include=["get_weather"], name="weather")
    async with server as session:
        with pytest.raises(MCPToolError) as info:
            await session.call_tool("get_weather", {"city": "Oslo"})
        assert info.value.status_code == 502
        assert "HTTP 502 Bad Gateway: <html><body>upstream unavailable" in str(info.value)
        # in a run: the model reads it as the call's error, and the run goes on
        script = Script([call("get_weather", {"city": "Oslo"})])
        result = await ascripted(script).beta.conversations.run("hi", model="m", tools=[server])
        (answer,) = result.tool_results
        assert answer.error and "HTTP 502 Bad Gateway" in answer.result
        assert result.output_text.startswith("done:")


def test_sse_transport_refused(gates: tuple[str, Gate, Gate]) -> None:
    base = gates[0]
    with (
        pytest.raises(MCPAuthenticationError) as info,
        MCPToolSource.sse(f"{base}/legacy/sse", name="legacy"),
    ):
        pass
    assert info.value.www_authenticate == CHALLENGE
    with MCPToolSource.sse(
        f"{base}/legacy/sse", headers={"Authorization": "Bearer good"}
    ) as session:
        assert "get_weather" in [t.name for t in session.list_tools()]


def test_a_json_rpc_error_body_keeps_the_status(gated: Callable[..., MCPToolSource]) -> None:
    """A 401 whose body is a JSON-RPC error is still a 401 (the server's words kept)."""
    with pytest.raises(MCPAuthenticationError) as info, gated("jsonrpc"):
        pass
    assert '"message": "token expired"' in info.value.body


def test_the_advice_follows_the_credentials_given() -> None:
    from mistral_sdk.mcp._server import _auth_advice

    oauth = OAuth(redirect_uri="http://127.0.0.1:1/cb", open_url=print, receive_callback=lambda: "")
    assert _auth_advice(None, oauth).startswith("the OAuth flow ended without a token")
    assert _auth_advice({"X-Api-Key": "k"}, None).startswith("it refused the credentials")
    assert _auth_advice({"X-Trace": "1"}, None).startswith("it needs credentials")
