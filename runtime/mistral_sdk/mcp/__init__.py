"""MCP everywhere: MCP servers as tool sources of `conversations.run`, OAuth for remote
servers, and the connectors gateway (`client.beta.connectors.mcp(...)` / `.http(...)`).

    from mistral_sdk.mcp import MCPToolSource

    weather = MCPToolSource.stdio("python", ["weather_server.py"], confirm=["delete_city"])
    result = client.beta.conversations.run("Weather in Paris?", model=...,
                                           tools=[get_time, weather])

Needs the optional `mcp` package (`pip install mistral-sdk[mcp]`); importing this
module does not import it, using a server without it raises `MCPExtraMissing`.
The connectors gateway's plain HTTP client needs nothing beyond the core.
See docs/mcp.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._deprecation import deprecated, warn_deprecated
from .._tools import ToolOutput, ToolSourceError
from ._auth import FileTokenStore, MemoryTokenStore, OAuth
from ._content import tool_output
from ._errors import (
    MCPAuthenticationError,
    MCPExtraMissing,
    MCPPermissionDeniedError,
    MCPServerError,
    MCPStatusError,
    MCPToolError,
)
from ._gateway import AsyncConnectorHTTP, ConnectorHTTP, ConnectorsGatewayError
from ._server import AsyncMCPSession, MCPSession, MCPToolSource

__all__ = [
    "AsyncConnectorHTTP",
    "AsyncMCPSession",
    "ConnectorHTTP",
    "ConnectorsGatewayError",
    "FileTokenStore",
    "MCPAuthenticationError",
    "MCPExtraMissing",
    "MCPPermissionDeniedError",
    "MCPServerError",
    "MCPSession",
    "MCPStatusError",
    "MCPToolSource",
    "MCPToolError",
    "MemoryTokenStore",
    "OAuth",
    "ToolOutput",
    "ToolSourceError",
    "tool_output",
]

_RENAMED = (
    "mistral_sdk.mcp.MCPServer is deprecated: it is now MCPToolSource (the `mcp` package"
    " has an MCPServer of its own, its server class)"
)

if TYPE_CHECKING:

    @deprecated("MCPServer is deprecated: it is now MCPToolSource")
    class MCPServer(MCPToolSource):
        """Deprecated: `MCPToolSource`."""


# Hidden from type checkers, which read `MCPServer` above: any other name is an error
# for them, not `Any` (as in mistral_sdk and mistral_sdk.models).
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        if name == "MCPServer":  # the old name, kept working (not in __all__)
            warn_deprecated(_RENAMED)
            return MCPToolSource
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
