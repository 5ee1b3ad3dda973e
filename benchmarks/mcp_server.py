"""The MCP server of bench_mcp.py (the `mcp` package's MCPServer): one tool, `echo`.

stdio by default; `python mcp_server.py http PORT` serves streamable HTTP on loopback.
"""

from __future__ import annotations

import sys

from mcp.server.mcpserver import MCPServer

server = MCPServer("bench")


@server.tool()
def echo(text: str) -> str:
    """Returns its argument."""
    return text


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "http":
        import anyio

        anyio.run(lambda: server.run_streamable_http_async(port=int(sys.argv[2])))
    else:
        server.run()
