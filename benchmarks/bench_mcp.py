"""What an MCP tool call costs in `conversations.run`, over a local Python tool.

Each program is one run of two model turns (the model calls the tool once, then
answers) against an in-process scripted conversations API (httpx2 MockTransport, so
no network time is in it). The tool is a local function, or the `echo` tool of an
MCP server (benchmarks/mcp_server.py, its own process) over stdio or streamable
HTTP, held open in a `with` block as a long-lived agent would. The difference of a
run's time and the local tool's is the overhead of one MCP tool call (listing the
tools once per run included). Opening a server per run (spawn, handshake, close)
is measured on its own.

    .venv/bin/python benchmarks/bench_mcp.py [--write]    (make bench-mcp: --write, into docs/mcp.md)
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from timing import compare

from mistral_sdk import Mistral
from mistral_sdk.mcp import MCPToolSource

HERE = Path(__file__).resolve().parent
SERVER = str(HERE / "mcp_server.py")


def echo(text: str) -> str:
    """Returns its argument."""
    return text


def scripted_api() -> Mistral:
    """A conversations API whose model calls `echo` once per run, then answers."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        if isinstance(body.get("inputs"), str):  # the run's first turn
            outputs = [
                {
                    "type": "function.call",
                    "tool_call_id": "call_1",
                    "name": "echo",
                    "arguments": '{"text": "hi"}',
                }
            ]
        else:
            outputs = [{"type": "message.output", "role": "assistant", "content": "done"}]
        return httpx2.Response(
            200, json={"conversation_id": "conv_1", "outputs": outputs, "usage": {}}
        )

    return Mistral(
        api_key="bench",
        base_url="https://api.bench",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )


def run_with(client: Mistral, tool: Any) -> Callable[[], None]:
    def run() -> None:
        result = client.beta.conversations.run("go", model="m", tools=[tool])
        assert result.tool_results[0].result == "hi", result.tool_results

    return run


def http_server() -> tuple[str, subprocess.Popen[bytes]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, SERVER, "http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"http://127.0.0.1:{port}/mcp", process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the MCP HTTP server did not start")


def main() -> None:
    client = scripted_api()
    devnull = open("/dev/null", "w")  # noqa: SIM115  # the server's log, for the whole run
    stdio = MCPToolSource.stdio(sys.executable, [SERVER], errlog=devnull)
    url, process = http_server()
    http = MCPToolSource.http(url)
    try:
        with stdio, http:
            times = compare(
                {
                    "local Python tool": run_with(client, echo),
                    "MCP tool, stdio": run_with(client, stdio),
                    "MCP tool, streamable HTTP": run_with(client, http),
                },
                repeats=5,
                min_seconds=0.2,
            )
        per_run = []
        for _ in range(3):
            start = time.perf_counter()
            run_with(client, MCPToolSource.stdio(sys.executable, [SERVER], errlog=devnull))()
            per_run.append(time.perf_counter() - start)
    finally:
        process.terminate()
        process.wait(10)
        devnull.close()
    local = times["local Python tool"]
    lines = [
        "| run of 2 turns, 1 tool call | ms per run | overhead of the MCP call |",
        "|---|---:|---:|",
    ]
    for name, seconds in times.items():
        if name.startswith("local"):
            lines.append(f"| {name} | {seconds * 1e3:.2f} | |")
        else:
            overhead = f"+{(seconds - local) * 1e3:.2f} ms"
            lines.append(f"| {name} (session held open) | {seconds * 1e3:.2f} | {overhead} |")
    lines.append(
        f"| MCP tool, stdio, server opened for the run | {min(per_run) * 1e3:.0f} |"
        f" +{(min(per_run) - local) * 1e3:.0f} ms (spawn, handshake, close) |"
    )
    print("\n".join(lines))
    if "--write" in sys.argv[1:]:
        import docblock

        docblock.write(
            "docs/mcp.md", "mcp-bench", "bench_mcp.py", "make bench-mcp", "\n".join(lines)
        )


if __name__ == "__main__":
    main()
