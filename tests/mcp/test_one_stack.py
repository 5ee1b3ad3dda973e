"""One HTTP stack: an MCP server over HTTP, and the connectors gateway's MCP endpoint,
are reached through the Mistral client's own httpx2 client (its transport, proxy, TLS
settings, event hooks), against the real test MCP server on loopback."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import httpx
import httpx2
import pytest
from mcp_loopback import serve
from mcp_scripted import Script, call

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.mcp import MCPToolSource


class Recorder(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """A caller's transport: records each request, then sends it for real."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._sync = httpx2.HTTPTransport()
        self._async = httpx2.AsyncHTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return self._sync.handle_request(request)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return await self._async.handle_async_request(request)


def _mounts(script: Script, recorder: Recorder) -> dict[str, Any]:
    return {**script.mounts(), "http://127.0.0.1": recorder}


def test_a_run_sends_mcp_through_the_clients_transport(http_url: str, mode: str) -> None:
    script = Script([call("get_weather", {"city": "Oslo"})])
    recorder = Recorder()
    server = MCPToolSource.http(http_url, include=["get_weather"])
    if mode == "sync":
        with Mistral(api_key="k", base_url="https://api.test", http_client=httpx2.Client(
            mounts=_mounts(script, recorder)
        )) as client:  # fmt: skip
            result = client.beta.conversations.run("hi", model="m", tools=[server])
    else:

        async def main() -> Any:
            http = httpx2.AsyncClient(mounts=_mounts(script, recorder))
            async with AsyncMistral(
                api_key="k", base_url="https://api.test", http_client=http
            ) as c:
                return await c.beta.conversations.run("hi", model="m", tools=[server])

        result = asyncio.run(main())
    assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"
    # the session's initialize, tools/list and tools/call, all through the caller's transport
    assert sum(s == "POST /mcp" for s in recorder.seen) >= 3, recorder.seen


def test_the_clients_mock_transport_answers_the_mcp_server_too() -> None:
    """A MockTransport on Mistral(...) applies to its MCP sessions: nothing reaches the
    network, and the failure is the mock's answer."""
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        return httpx2.Response(503, json={"error": "mocked"})

    client = Mistral(
        api_key="k",
        base_url="https://api.test",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    server = MCPToolSource.http("https://mcp.invalid/mcp")
    with pytest.raises(Exception, match="could not be opened"), server.open_sync(client):
        pass
    assert seen and all(url == "https://mcp.invalid/mcp" for url in seen)


def test_gateway_sessions_use_their_clients_transport() -> None:
    from mcp_server_app import build

    app = build().streamable_http_app(streamable_http_path="/v1/connectors-gateway/weather/mcp")
    base, stop = serve(app)
    try:
        recorder = Recorder()
        http = httpx2.Client(transport=recorder)
        client = Mistral(api_key="sk-test", base_url=base, http_client=http)
        with client, client.beta.connectors.mcp("weather") as session:
            result = session.call_tool("get_weather", {"city": "Oslo"})
        assert result.content[0].text == "Oslo: 21.5 celsius, clear"
        assert recorder.seen.count("POST /v1/connectors-gateway/weather/mcp") >= 2
    finally:
        stop()


def test_a_legacy_client_keeps_the_sessions_own_client(http_url: str) -> None:
    """With a legacy httpx client, MCP sessions keep an httpx2 client of their own."""
    script = Script([call("get_weather", {"city": "Oslo"})])
    legacy_seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        legacy_seen.append(str(request.url))
        return httpx.Response(200, json=_api_answer(script, request))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = Mistral(
            api_key="k",
            base_url="https://api.test",
            http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        )
    server = MCPToolSource.http(http_url, include=["get_weather"])
    result = client.beta.conversations.run("hi", model="m", tools=[server])
    assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"
    assert legacy_seen and all(url.startswith("https://api.test/") for url in legacy_seen)


def _api_answer(script: Script, request: httpx.Request) -> Any:
    """The script's JSON answer to a legacy request (a non-streamed run)."""
    answer = script.handler(
        httpx2.Request(request.method, str(request.url), content=request.read())
    )
    return answer.json()
