#!/usr/bin/env python3
"""MCP servers as tools: `conversations.run` lists an MCP server's tools, offers them to
the model next to local Python functions, calls the ones it picks, and closes the server.

Needs: mistral-sdk[mcp] (`pip install 'mistral-sdk[mcp]'`); without MISTRAL_API_KEY it
runs against the local mock.

The server here is examples/_mcp_weather_server.py, started as a subprocess (stdio);
`MCPToolSource.http("https://host/mcp", headers=...)` reaches a remote one the same way.

    .venv/bin/python examples/mcp_tools.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from _connect import connect, needs

from mistral_sdk import ToolCall

with needs("pip install 'mistral-sdk[mcp]'", "mcp"):
    from mistral_sdk.mcp import MCPToolSource


def local_time(city: str) -> str:
    """The local time in a city (a plain Python tool, next to the MCP ones)."""
    return f"12:00 in {city}"


def confirm(call: ToolCall) -> bool:
    """Asked before a destructive tool (or one listed in `confirm=`) runs: here,
    always refused."""
    print(f"   (asked to confirm {call.name}({call.arguments}): refused)")
    return False


def main() -> int:
    # Its stderr (the server's log) goes to the `mistral_sdk.mcp` logger, not to ours.
    # Tools it annotates `destructiveHint: true` (delete_city) go through
    # on_confirmation first; `confirm=[...]` adds others, confirm_destructive=False
    # trusts the server.
    weather = MCPToolSource.stdio(
        sys.executable,
        [str(Path(__file__).with_name("_mcp_weather_server.py"))],
        name="weather",
    )
    with connect() as client:
        # Held in a `with` block, one session serves every run inside it; passed
        # on its own in `tools=`, a server is opened for the run and closed after.
        with weather as session:
            print("== the MCP server's tools")
            for tool in session.list_tools():
                print(f"   {tool.name}: {(tool.description or '').splitlines()[0]}")

            print("== conversations.run with an MCP server and a local tool")
            result = client.beta.conversations.run(
                "What's the weather in Paris? Answer in one sentence.",
                model="mistral-medium-latest",
                tools=[weather, local_time],
                on_confirmation=confirm,
                max_turns=4,
            )
        for tool_result in result.tool_results:
            flag = " (denied)" if tool_result.denied else " (error)" if tool_result.error else ""
            print(f"   {tool_result.name} -> {tool_result.result}{flag}")
        print(f"   {result.output_text}")
        print(f"   {result.turns} turns, {result.usage.total_tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
