"""Fixtures of the MCP tests: real MCP servers (stdio subprocess, streamable HTTP on
loopback) built with the `mcp` package, and clients whose conversations API is a
script (tests/mcp/mcp_scripted.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

pytest.importorskip("mcp", reason="needs the mcp extra: pip install mistral-sdk[mcp]")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from mcp_loopback import serve  # noqa: E402
from mcp_scripted import Script  # noqa: E402

from mistral_sdk import AsyncMistral, Mistral  # noqa: E402
from mistral_sdk.mcp import MCPToolSource  # noqa: E402

SERVER_APP = str(HERE / "mcp_server_app.py")


@pytest.fixture(scope="session")
def http_url() -> Iterator[str]:
    """The test MCP server over streamable HTTP: `<url>/mcp`."""
    from mcp_server_app import build

    base, stop = serve(build().streamable_http_app())
    yield f"{base}/mcp"
    stop()


@pytest.fixture
def devnull() -> Iterator[Any]:
    with open(os.devnull, "w") as sink:  # the server's log output, not the test's
        yield sink


@pytest.fixture
def stdio(devnull: Any) -> Callable[..., MCPToolSource]:
    def make(**options: Any) -> MCPToolSource:
        return MCPToolSource.stdio(sys.executable, [SERVER_APP], errlog=devnull, **options)

    return make


@pytest.fixture
def http(http_url: str) -> Callable[..., MCPToolSource]:
    def make(**options: Any) -> MCPToolSource:
        return MCPToolSource.http(http_url, **options)

    return make


@pytest.fixture(params=["stdio", "http"])
def server(request: pytest.FixtureRequest) -> Callable[..., MCPToolSource]:
    """Each test using it runs against both transports."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def scripted() -> Iterator[Callable[[Script], Mistral]]:
    clients: list[Mistral] = []

    def make(script: Script) -> Mistral:
        http_client = httpx2.Client(mounts=script.mounts())
        client = Mistral(api_key="test-key", base_url="https://api.test", http_client=http_client)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client._http.close()


@pytest.fixture
def ascripted() -> Callable[[Script], AsyncMistral]:
    def make(script: Script) -> AsyncMistral:
        http_client = httpx2.AsyncClient(mounts=script.mounts())
        return AsyncMistral(
            api_key="test-key", base_url="https://api.test", http_client=http_client
        )

    return make
