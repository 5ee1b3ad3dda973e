"""MCP everywhere: MCP servers as tool sources of `conversations.run`, OAuth for remote
servers, and the connectors gateway (`client.beta.connectors.mcp(...)` / `.http(...)`).

    from mistral_sdk.mcp import MCPServer

    weather = MCPServer.stdio("python", ["weather_server.py"], confirm=["delete_city"])
    result = client.beta.conversations.run("Weather in Paris?", model=...,
                                           tools=[get_time, weather])

Needs the optional `mcp` package (`pip install mistral-sdk[mcp]`); importing this
module does not import it, using a server without it raises `MCPExtraMissing`.
The connectors gateway's plain HTTP client needs nothing beyond the core.
See docs/mcp.md.
"""

from __future__ import annotations

from .._tools import ToolOutput, ToolSourceError
from ._auth import FileTokenStore, MemoryTokenStore, OAuth
from ._content import tool_output
from ._errors import MCPExtraMissing, MCPServerError, MCPToolError
from ._gateway import AsyncConnectorHTTP, ConnectorHTTP, ConnectorsGatewayError
from ._server import AsyncMCPSession, MCPServer, MCPSession

__all__ = [
    "AsyncConnectorHTTP",
    "AsyncMCPSession",
    "ConnectorHTTP",
    "ConnectorsGatewayError",
    "FileTokenStore",
    "MCPExtraMissing",
    "MCPServer",
    "MCPServerError",
    "MCPSession",
    "MCPToolError",
    "MemoryTokenStore",
    "OAuth",
    "ToolOutput",
    "ToolSourceError",
    "tool_output",
]
