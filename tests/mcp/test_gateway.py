"""The connectors gateway: the MCP endpoint (against a real MCP server behind a
loopback stand-in of the gateway), the confined HTTP client, and Proxy-Status."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from mcp_loopback import serve
from mcp_scripted import Script, call

from mistral_sdk import AsyncMistral, Mistral, RequestValidationError
from mistral_sdk.mcp import (
    AsyncConnectorHTTP,
    ConnectorHTTP,
    ConnectorsGatewayError,
    MCPServerError,
    MCPToolSource,
)
from mistral_sdk.mcp._gateway import parse_proxy_status

# What the gateway sends when it, not the connector, refuses a request.
GATEWAY_ERROR = 'connectors-gateway; error=http_request_error; status-code=400; details="connector_protocol_mismatch"'


@pytest.fixture(scope="module")
def gateway() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """A stand-in of the API's gateway: the test MCP server as connector `weather`;
    connector `http-only` refused by the gateway itself. Records each request."""
    from mcp_server_app import build

    app = build().streamable_http_app(streamable_http_path="/v1/connectors-gateway/weather/mcp")
    seen: list[tuple[str, dict[str, str]]] = []

    async def gateway_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            seen.append((scope["path"], headers))
            if scope["path"].startswith("/v1/connectors-gateway/http-only/"):
                body = json.dumps({"detail": "The connector does not support MCP"}).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"proxy-status", GATEWAY_ERROR.encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    base, stop = serve(gateway_app)
    yield base, seen
    stop()


def test_mcp_through_the_gateway(
    gateway: tuple[str, list[tuple[str, dict[str, str]]]],
) -> None:
    base, seen = gateway
    seen.clear()
    with Mistral(api_key="sk-test", base_url=base) as client:
        server = client.beta.connectors.mcp(
            "weather", credentials_name="work", include=["get_weather"]
        )
        assert isinstance(server, MCPToolSource) and server.label == "MCP server 'weather'"
        with server as session:
            result = session.call_tool("get_weather", {"city": "Oslo"})
        assert result.content[0].text == "Oslo: 21.5 celsius, clear"
    assert seen and all(path == "/v1/connectors-gateway/weather/mcp" for path, _ in seen)
    for _, headers in seen:
        assert headers["authorization"] == "Bearer sk-test"
        assert headers["x-credentials-name"] == "work"
        assert headers["user-agent"].startswith("mistral-sdk")


async def test_gateway_connector_as_run_tools(
    gateway: tuple[str, list[tuple[str, dict[str, str]]]],
) -> None:
    base, _ = gateway
    script = Script([call("get_weather", {"city": "Oslo"})])
    gateway_client = AsyncMistral(api_key="sk-test", base_url=base)
    weather = gateway_client.beta.connectors.mcp("weather", include=["get_weather"])
    api = AsyncMistral(
        api_key="k",
        base_url="https://api.test",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(script.handler)),
    )
    result = await api.beta.conversations.run("hi", model="m", tools=[weather])
    assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"
    await gateway_client.close()


def test_gateway_error_on_mcp_is_typed_sync(
    gateway: tuple[str, list[tuple[str, dict[str, str]]]],
) -> None:
    base, _ = gateway
    with Mistral(api_key="sk-test", base_url=base) as client:
        with pytest.raises(ConnectorsGatewayError) as info, client.beta.connectors.mcp("http-only"):
            pass
        error = info.value
        assert error.status_code == 400
        assert error.proxy_error == "http_request_error"
        assert error.proxy_status_code == 400
        assert error.details == "connector_protocol_mismatch"
        assert error.proxy_status == GATEWAY_ERROR
        assert error.body == {"detail": "The connector does not support MCP"}
        # in a run, it stops the run (the model cannot repair a connector)
        api = Mistral(
            api_key="k",
            base_url="https://api.test",
            http_client=httpx2.Client(transport=httpx2.MockTransport(Script().handler)),
        )
        with pytest.raises(ConnectorsGatewayError):
            api.beta.conversations.run(
                "hi", model="m", tools=[client.beta.connectors.mcp("http-only")]
            )


async def test_gateway_error_on_mcp_is_typed_async(
    gateway: tuple[str, list[tuple[str, dict[str, str]]]],
) -> None:
    base, _ = gateway
    async with AsyncMistral(api_key="sk-test", base_url=base) as client:
        with pytest.raises(ConnectorsGatewayError, match="connector_protocol_mismatch"):
            async with client.beta.connectors.mcp("http-only"):
                pass
        # an answer without the gateway's Proxy-Status is not the gateway's error
        with pytest.raises(MCPServerError, match="MCP server 'nowhere' could not be opened"):
            async with client.beta.connectors.mcp("nowhere"):
                pass


# --- the confined HTTP client ----------------------------------------------------------


def _recorder(
    answer: Callable[[httpx2.Request], httpx2.Response],
) -> tuple[list[httpx2.Request], Callable[[httpx2.Request], httpx2.Response]]:
    requests: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        requests.append(request)
        return answer(request)

    return requests, handler


def _answer(request: httpx2.Request) -> httpx2.Response:
    path = request.url.path
    if path.endswith("/refused"):
        return httpx2.Response(400, headers={"proxy-status": GATEWAY_ERROR}, json={"detail": "no"})
    if path.endswith("/missing"):  # the connector's own 404, behind the gateway
        return httpx2.Response(404, headers={"proxy-status": "other-proxy; error=x"}, json={"e": 1})
    return httpx2.Response(200, json={"path": path, "query": str(request.url.query, "ascii")})


def test_http_client_sync() -> None:
    requests, handler = _recorder(_answer)
    client = Mistral(
        api_key="sk-test",
        base_url="https://api.test/prefix",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    http = client.beta.connectors.http("my/conn", credentials_name="work")
    assert isinstance(http, ConnectorHTTP)
    root = "/prefix/v1/connectors-gateway/my%2Fconn/http/"
    response = http.get("users/me", params={"q": "1"})
    assert response.json() == {
        "path": "/prefix/v1/connectors-gateway/my/conn/http/users/me",
        "query": "q=1",
    }
    assert requests[-1].url.raw_path.decode() == root + "users/me?q=1"
    assert requests[-1].headers["authorization"] == "Bearer sk-test"
    assert requests[-1].headers["x-credentials-name"] == "work"
    http.post("/items", json={"a": 1})  # a leading "/" is still under the connector
    assert requests[-1].url.raw_path.decode() == root + "items"
    assert json.loads(requests[-1].content) == {"a": 1}
    http.get(f"https://api.test{root}same-origin")
    assert requests[-1].url.raw_path.decode() == root + "same-origin"
    # upstream errors are the connector's own answer
    assert http.get("missing").status_code == 404
    with pytest.raises(ConnectorsGatewayError) as info:
        http.delete("refused")
    assert info.value.proxy_error == "http_request_error" and info.value.body == {"detail": "no"}
    count = len(requests)
    for bad in [
        "../other/http/x",
        "a/../../x",
        "a/%2e%2e/x",
        "a/..%2Fx",
        "./x",
        "a\\..\\x",
        "https://evil.test/x",
        "//evil.test/x",
        "https://api.test/prefix/v1/connectors-gateway/other/http/x",
        "http://api.test" + root + "x",
    ]:
        with pytest.raises(RequestValidationError, match="path: "):
            http.get(bad)
    assert len(requests) == count  # nothing refused was sent


async def test_http_client_async_retries() -> None:
    attempts = iter([503, 200])

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(next(attempts), json={})

    requests, handler = _recorder(answer)
    client = AsyncMistral(
        api_key="sk-test",
        base_url="https://api.test",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )
    client._sleep = _no_sleep  # type: ignore[method-assign]
    http = client.beta.connectors.http("drive")
    assert isinstance(http, AsyncConnectorHTTP)
    response = await http.put("files/1", content=b"data")
    assert response.status_code == 200 and len(requests) == 2  # the client's retry policy
    assert "x-credentials-name" not in requests[0].headers
    with pytest.raises(RequestValidationError):
        await http.get("../x")
    with pytest.raises(RequestValidationError, match="connector: expected"):
        client.beta.connectors.http("")


async def _no_sleep(seconds: float) -> None:
    return None


def test_proxy_status_parsing() -> None:
    members = parse_proxy_status(
        [
            "cdn; error=connection_timeout, connectors-gateway; error=http_request_error;"
            ' status-code=502; details="upstream \\"x\\" failed"; retry=?1',
            "broken, (((",
        ]
    )
    assert [m.name for m in members] == ["cdn", "connectors-gateway", "broken"]
    gateway = members[1]
    assert gateway.parameters == {
        "error": "http_request_error",
        "status-code": 502,
        "details": 'upstream "x" failed',
        "retry": True,
    }
    assert gateway.raw.startswith("connectors-gateway; error=") and gateway.raw.endswith("retry=?1")
    assert parse_proxy_status(['"quoted-name"; error=x'])[0].name == "quoted-name"
    assert parse_proxy_status([""]) == []


def test_gateway_sends_the_current_credential(
    gateway: tuple[str, list[tuple[str, dict[str, str]]]],
) -> None:
    """A rotating key is read per request on both gateway paths, as for every call."""
    keys = iter(f"key-{i}" for i in range(1000))
    requests, handler = _recorder(_answer)
    client = Mistral(
        api_key=lambda: next(keys),
        base_url="https://api.test",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    http = client.beta.connectors.http("conn")
    http.get("a")
    http.get("b")
    first, second = (r.headers["authorization"] for r in requests[-2:])
    assert first.startswith("Bearer key-") and second.startswith("Bearer key-") and first != second
    base, seen = gateway
    seen.clear()
    api = Mistral(api_key=lambda: next(keys), base_url=base)
    with api, api.beta.connectors.mcp("weather") as session:
        session.call_tool("get_weather", {"city": "Oslo"})
    sent = [headers["authorization"] for _, headers in seen]
    assert len(sent) >= 2 and len(set(sent)) == len(sent)  # a fresh read per request
