"""A small MCP server for examples/mcp_tools.py, built with the `mcp` package.

Needs: mistral-sdk[mcp] (`pip install 'mistral-sdk[mcp]'`), which brings `mcp`.

Run by the example as a subprocess, spoken to over stdin/stdout. Any MCP server
works the same way (`npx @modelcontextprotocol/server-filesystem /tmp`, ...).
"""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer

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


@server.tool()
def delete_city(city: str) -> str:
    """Removes a city from the user's list (asks for confirmation first)."""
    return f"{city} removed"


if __name__ == "__main__":
    server.run()  # stdio
