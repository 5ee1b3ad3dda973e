"""The MCP server the tests (and the example's twin) talk to: built with the `mcp`
package's MCPServer, served over stdio (`python mcp_server_app.py`) or streamable HTTP
(`python mcp_server_app.py http PORT`, or in-process through `build()`).

Its tools return every MCP content type, fail on purpose (an `isError` result, a
crash), carry annotations (destructive, read-only), and one of them kills the server
(a server that dies mid-run).
"""

from __future__ import annotations

import base64
import os
import sys
from typing import Any

import mcp_types as types
from mcp.server.mcpserver import MCPServer

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
WAV = b"RIFF$\x00\x00\x00WAVEfmt "


def build(name: str = "weather", **kwargs: Any) -> MCPServer:
    server = MCPServer(name, **kwargs)

    @server.tool()
    def get_weather(city: str, unit: str = "celsius") -> str:
        """Current weather in a city.

        Args:
            city: the city's name.
            unit: celsius or fahrenheit.
        """
        return f"{city}: 21.5 {unit}, clear"

    @server.tool()
    def forecast(city: str, days: int) -> dict[str, Any]:
        """A forecast, as structured content."""
        return {"city": city, "days": [{"day": d, "high": 20 + d} for d in range(days)]}

    @server.tool()
    def chart(city: str) -> list[types.ContentBlock]:
        """A temperature chart (image and audio)."""
        return [
            types.TextContent(text=f"chart for {city}"),
            types.ImageContent(data=base64.b64encode(PNG).decode(), mime_type="image/png"),
            types.AudioContent(data=base64.b64encode(WAV).decode(), mime_type="audio/wav"),
        ]

    @server.tool()
    def report(city: str) -> list[types.ContentBlock]:
        """A report: embedded resources and a resource link."""
        return [
            types.EmbeddedResource(
                resource=types.TextResourceContents(
                    uri=f"weather://{city}/report.md", mime_type="text/markdown", text="# Sunny"
                )
            ),
            types.EmbeddedResource(
                resource=types.BlobResourceContents(
                    uri=f"weather://{city}/radar.pdf",
                    mime_type="application/pdf",
                    blob=base64.b64encode(b"%PDF-1.4").decode(),
                )
            ),
            types.ResourceLink(
                name="archive",
                uri=f"https://weather.example/{city}/archive",
                mime_type="text/html",
                description="ten years of data",
            ),
        ]

    @server.tool()
    def fail(reason: str) -> str:
        """Always fails (an isError result)."""
        raise ValueError(f"cannot: {reason}")

    @server.tool()
    def delete_city(city: str) -> str:
        """Deletes a city (needs confirmation)."""
        return f"deleted {city}"

    @server.tool()
    def explode(city: str) -> str:
        """Crashes (an unexpected exception: the `mcp` package masks its text)."""
        raise RuntimeError(f"the weather station of {city} is offline")

    @server.tool(annotations=types.ToolAnnotations(destructive_hint=True))
    def erase_history(city: str) -> str:
        """Erases a city's records (annotated destructive)."""
        return f"erased {city}"

    @server.tool(annotations=types.ToolAnnotations(read_only_hint=True, destructive_hint=True))
    def archive(city: str) -> str:
        """Reads the archive (read-only: its destructive hint means nothing)."""
        return f"archive of {city}"

    @server.tool()
    def pid() -> int:
        """The server's process id (which session answered)."""
        return os.getpid()

    @server.tool()
    def crash() -> str:
        """Kills the server process (a server that dies mid-run)."""
        sys.stdout.flush()
        os._exit(3)

    return server


def main() -> None:
    server = build()
    if len(sys.argv) > 2 and sys.argv[1] == "http":
        import anyio

        anyio.run(lambda: server.run_streamable_http_async(port=int(sys.argv[2])))
    else:
        server.run()


if __name__ == "__main__":
    main()
