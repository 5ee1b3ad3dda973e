"""A small MCP server for examples/mcp_tools.py, built with the `mcp` package.

Needs: mistral-sdk[mcp] (`pip install 'mistral-sdk[mcp]'`), which brings `mcp`.

Run by the example as a subprocess, spoken to over stdin/stdout. Any MCP server
works the same way (`npx @modelcontextprotocol/server-filesystem /tmp`, ...).
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

server = MCPServer("weather")


@server.tool()
def get_weather(city: str, unit: str = "celsius") -> str:
    """Current weather in a city.

    Args:
        city: the city's name, e.g. "Paris".
        unit: "celsius" or "fahrenheit".
    """
    temperature = 21.5 if unit == "celsius" else 70.7
    return f"{city}: {temperature} {unit}, clear sky"


@server.tool()
def forecast(city: str, days: int = 3) -> dict[str, object]:
    """The forecast for the next days (structured content)."""
    return {"city": city, "highs": [20 + d for d in range(days)]}


@server.tool(annotations=ToolAnnotations(destructive_hint=True))
def delete_city(city: str) -> str:
    """Removes a city from the user's list (destructive: the SDK asks first)."""
    return f"{city} removed"


@server.tool()
def alerts(city: str) -> str:
    """Weather alerts for a city (none here: a ToolError tells the model why)."""
    # A ToolError's text reaches the client; any other exception's stays on the server
    # (the client gets "Error executing tool alerts").
    raise ToolError(f"no alert service for {city}")


if __name__ == "__main__":
    server.run()  # stdio
