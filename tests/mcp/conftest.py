"""Fixtures of the MCP tests: real MCP servers (stdio subprocess, streamable HTTP on
loopback) built with the `mcp` package, and clients whose conversations API is a
script (tests/mcp/scripted.py)."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("mcp", reason="needs the mcp extra: pip install mistral-sdk[mcp]")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from scripted import Script  # noqa: E402

from mistral_sdk import AsyncMistral, Mistral  # noqa: E402
from mistral_sdk.mcp import MCPServer  # noqa: E402

SERVER_APP = str(HERE / "server_app.py")


def serve(app: Any, sock: socket.socket | None = None) -> tuple[str, Callable[[], None]]:
    """Serve an ASGI app on a loopback port in a thread: (base URL, stop).

    `sock`: a socket bound beforehand (`reserve()`), for apps that must know their URL."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="on")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock] if sock else None}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the loopback MCP server did not start")
        time.sleep(0.01)
    port = sock.getsockname()[1] if sock else server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def reserve() -> tuple[socket.socket, str]:
    """A loopback socket, bound and listening, and its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="session")
def http_url() -> Iterator[str]:
    """The test MCP server over streamable HTTP: `<url>/mcp`."""
    from server_app import build

    base, stop = serve(build().streamable_http_app())
    yield f"{base}/mcp"
    stop()


@pytest.fixture
def devnull() -> Iterator[Any]:
    with open(os.devnull, "w") as sink:  # the server's log output, not the test's
        yield sink


@pytest.fixture
def stdio(devnull: Any) -> Callable[..., MCPServer]:
    def make(**options: Any) -> MCPServer:
        return MCPServer.stdio(sys.executable, [SERVER_APP], errlog=devnull, **options)

    return make


@pytest.fixture
def http(http_url: str) -> Callable[..., MCPServer]:
    def make(**options: Any) -> MCPServer:
        return MCPServer.http(http_url, **options)

    return make


@pytest.fixture(params=["stdio", "http"])
def server(request: pytest.FixtureRequest) -> Callable[..., MCPServer]:
    """Each test using it runs against both transports."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def scripted() -> Iterator[Callable[[Script], Mistral]]:
    clients: list[Mistral] = []

    def make(script: Script) -> Mistral:
        http_client = httpx.Client(transport=httpx.MockTransport(script.handler))
        client = Mistral(api_key="test-key", base_url="https://api.test", http_client=http_client)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client._http.close()


@pytest.fixture
def ascripted() -> Callable[[Script], AsyncMistral]:
    def make(script: Script) -> AsyncMistral:
        http_client = httpx.AsyncClient(transport=httpx.MockTransport(script.handler))
        return AsyncMistral(
            api_key="test-key", base_url="https://api.test", http_client=http_client
        )

    return make
