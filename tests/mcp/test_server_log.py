"""A stdio server's stderr: logged instead of printed on the caller's terminal, quoted
in the errors of a server that fails, and read for the exception of a tool that
crashed (which a server built with the `mcp` package does not send). Against the real
test server, started as a subprocess with the default `errlog`, sync and async."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp_scripted import Script, call

from mistral_sdk import AsyncMistral, Mistral, ToolResult
from mistral_sdk.mcp import MCPServerError, MCPToolSource

CRASH = "RuntimeError: the weather station of Oslo is offline"
SERVER_APP = str(Path(__file__).with_name("mcp_server_app.py"))


def server(**options: Any) -> MCPToolSource:
    """The test server, its stderr left to the SDK unless `errlog=` says otherwise."""
    return MCPToolSource.stdio(sys.executable, [SERVER_APP], include=["explode"], **options)


def test_a_crashed_tool_gives_the_model_its_exception_and_the_terminal_nothing(
    scripted: Callable[[Script], Mistral],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="mistral_sdk.mcp")
    script = Script([call("explode", {"city": "Oslo"})])
    result = scripted(script).beta.conversations.run("hi", model="m", tools=[server()])
    (answer,) = result.tool_results
    assert answer.error
    assert answer.result == (
        f"error: Error executing tool explode (the server's log says: {CRASH})"
    )
    assert script.results()[0]["result"] == answer.result  # what the model read
    # the server's traceback went to the log, not to our stderr
    assert "Traceback" not in capfd.readouterr().err
    logged = [r.getMessage() for r in caplog.records if r.name == "mistral_sdk.mcp"]
    assert any(m.endswith(CRASH) for m in logged)
    assert any("Traceback (most recent call last):" in m for m in logged)
    assert all(m.startswith("MCP server 'python mcp_server_app.py': ") for m in logged)


async def test_async_run_stream(
    ascripted: Callable[[Script], AsyncMistral], capfd: pytest.CaptureFixture[str]
) -> None:
    script = Script([call("explode", {"city": "Oslo"})], [call("explode", {"city": "Oslo"})])
    stream = ascripted(script).beta.conversations.run_stream("hi", model="m", tools=[server()])
    answers = [item async for item in stream if isinstance(item, ToolResult)]
    assert [a.result.endswith(f"(the server's log says: {CRASH})") for a in answers] == [
        True,
        True,  # each call finds its own crash in the log
    ]
    assert "Traceback" not in capfd.readouterr().err


def test_errlog_still_takes_the_server_stderr(
    scripted: Callable[[Script], Mistral], tmp_path: Path
) -> None:
    path = tmp_path / "server.log"
    with path.open("w") as errlog:
        script = Script([call("explode", {"city": "Oslo"})])
        result = scripted(script).beta.conversations.run(
            "hi", model="m", tools=[server(errlog=errlog)]
        )
    # the caller chose where the log goes: the SDK does not read it
    assert result.tool_results[0].result == "error: Error executing tool explode"
    assert CRASH in path.read_text()


def test_a_server_that_cannot_start_quotes_its_stderr(
    scripted: Callable[[Script], Mistral], capfd: pytest.CaptureFixture[str]
) -> None:
    broken = MCPToolSource.stdio(
        sys.executable, ["-c", "import weather_backend_missing"], name="broken"
    )
    script = Script()
    with pytest.raises(MCPServerError) as info:
        scripted(script).beta.conversations.run("hi", model="m", tools=[broken])
    message = str(info.value)
    assert message.startswith("MCP server 'broken' could not be opened: ")
    assert message.splitlines()[1:] == [
        "The end of the server's stderr:",
        "    Traceback (most recent call last):",
        '      File "<string>", line 1, in <module>',
        "    ModuleNotFoundError: No module named 'weather_backend_missing'",
    ]
    assert script.requests == []
    assert "ModuleNotFoundError" not in capfd.readouterr().err


async def test_async_server_that_cannot_start(capfd: pytest.CaptureFixture[str]) -> None:
    broken = MCPToolSource.stdio(sys.executable, ["-c", "raise SystemExit('no config file')"])
    with pytest.raises(MCPServerError, match=r"(?s)could not be opened: .*\n    no config file$"):
        async with broken:
            pass
    assert "no config file" not in capfd.readouterr().err
