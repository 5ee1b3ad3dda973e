"""MCP servers as tool sources of conversations.run / run_stream, sync and async,
against real servers (stdio subprocess and streamable HTTP) and a scripted model."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from mcp_scripted import Script, call

from mistral_sdk import AsyncMistral, Mistral, ToolCall, ToolResult, models
from mistral_sdk.mcp import MCPServerError, MCPToolSource

# the test server's tools that EVERY_CONTENT leaves out
NOT_CONTENT = ["crash", "pid", "explode", "erase_history", "archive"]
EVERY_CONTENT = [
    call("get_weather", {"city": "Paris", "unit": "fahrenheit"}),
    call("forecast", {"city": "Lyon", "days": 2}),
    call("chart", {"city": "Nice"}),
    call("report", {"city": "Brest"}),
    call("fail", {"reason": "no data"}),
]


def check_every_content(script: Script, results: list[ToolResult]) -> None:
    """Listed once, called with the model's arguments, every content type faithful."""
    assert script.offered == ["get_weather", "forecast", "chart", "report", "fail", "delete_city"]
    weather = script.definition("get_weather")
    assert weather["description"].startswith("Current weather in a city.")
    assert weather["parameters"]["required"] == ["city"]
    assert weather["parameters"]["properties"]["city"]["type"] == "string"
    by_name = {r.name: r for r in results}
    assert by_name["get_weather"].result == "Paris: 21.5 fahrenheit, clear"
    assert not by_name["get_weather"].error
    # structured content: the JSON of the server's value (its text block says the same)
    forecast = by_name["forecast"].result
    assert '"city": "Lyon"' in forecast and '"high": 21' in forecast
    chart = by_name["chart"]
    assert (
        chart.result == "chart for Nice\n[image: image/png, 70 bytes]\n[audio: audio/wav, 16 bytes]"
    )
    image = chart.content[1]
    assert isinstance(image, models.ImageURLChunk)
    assert isinstance(image.image_url, str) and image.image_url.startswith(
        "data:image/png;base64,iVBOR"
    )
    assert isinstance(chart.content[2], models.AudioChunk)
    report = by_name["report"]
    assert report.result.splitlines() == [
        "[resource weather://Brest/report.md (text/markdown)]",
        "# Sunny",
        "[resource weather://Brest/radar.pdf (application/pdf), 8 bytes]",
        "[resource link: archive <https://weather.example/Brest/archive> (text/html): ten years of data]",
    ]
    pdf, link = report.content[1], report.content[2]
    assert isinstance(pdf, models.DocumentURLChunk) and pdf.document_url.startswith(
        "data:application/pdf;base64,"
    )
    assert isinstance(link, models.DocumentURLChunk)
    assert link.document_url == "https://weather.example/Brest/archive"
    failed = by_name["fail"]
    assert failed.error and failed.result.startswith("error: ")
    # what the model was sent back is exactly that text, call by call
    sent = {r["tool_call_id"]: r["result"] for r in script.results()}
    assert [sent[r.tool_call_id] for r in results] == [r.result for r in results]


def test_run_sync(
    scripted: Callable[[Script], Mistral], server: Callable[..., MCPToolSource]
) -> None:
    script = Script(EVERY_CONTENT)
    result = scripted(script).beta.conversations.run(
        "weather?", model="m", tools=[server(exclude=NOT_CONTENT)]
    )
    check_every_content(script, result.tool_results)
    assert result.output_text.startswith("done: Paris: 21.5 fahrenheit")


async def test_run_async(
    ascripted: Callable[[Script], AsyncMistral], http: Callable[..., MCPToolSource]
) -> None:
    script = Script(EVERY_CONTENT)
    result = await ascripted(script).beta.conversations.run(
        "weather?", model="m", tools=[http(exclude=NOT_CONTENT)]
    )
    check_every_content(script, result.tool_results)


def test_run_stream_sync(
    scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource]
) -> None:
    script = Script(EVERY_CONTENT)
    with scripted(script).beta.conversations.run_stream(
        "weather?", model="m", tools=[http(exclude=NOT_CONTENT)]
    ) as stream:
        items = list(stream)
    results = [i for i in items if isinstance(i, ToolResult)]
    check_every_content(script, results)
    assert stream.result is not None and stream.result.output_text.startswith("done:")


async def test_run_stream_async(
    ascripted: Callable[[Script], AsyncMistral], stdio: Callable[..., MCPToolSource]
) -> None:
    script = Script(EVERY_CONTENT)
    stream = ascripted(script).beta.conversations.run_stream(
        "weather?", model="m", tools=[stdio(exclude=NOT_CONTENT)]
    )
    results = [i async for i in stream if isinstance(i, ToolResult)]
    check_every_content(script, results)


def test_local_and_mcp_tools_together(
    scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource]
) -> None:
    def local_time(city: str) -> str:
        """The local time in a city."""
        return f"12:00 in {city}"

    script = Script([call("local_time", {"city": "Oslo"}), call("get_weather", {"city": "Oslo"})])
    result = scripted(script).beta.conversations.run(
        "hi", model="m", tools=[http(include=["get_weather"]), local_time]
    )
    assert script.offered == ["get_weather", "local_time"]  # in the order of tools=
    assert [r.result for r in result.tool_results] == [
        "12:00 in Oslo",
        "Oslo: 21.5 celsius, clear",
    ]


def test_filters(scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource]) -> None:
    script = Script([call("fail", {"reason": "x"})])
    result = scripted(script).beta.conversations.run(
        "hi", model="m", tools=[http(include=["get_weather", "forecast"])]
    )
    assert script.offered == ["get_weather", "forecast"]
    # a call to a tool left out is answered as an unknown tool, never sent to the server
    assert result.tool_results[0].error and "no tool named 'fail'" in result.tool_results[0].result

    with pytest.raises(MCPServerError, match=r"does not offer the tool\(s\) \['get_wether'\]"):
        scripted(Script()).beta.conversations.run(
            "hi", model="m", tools=[http(confirm=["get_wether"])]
        )
    with pytest.raises(TypeError, match="include: expected a collection of tool names"):
        MCPToolSource.http("https://x.test/mcp", include="get_weather")
    with pytest.raises(ValueError, match="both included and excluded"):
        MCPToolSource.http("https://x.test/mcp", include=["a"], exclude=["a"])


def test_name_clash_names_both_sources(
    scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource]
) -> None:
    def get_weather(city: str) -> str:
        return city

    with pytest.raises(ValueError) as info:
        scripted(Script()).beta.conversations.run(
            "hi", model="m", tools=[get_weather, http(name="weather")]
        )
    assert str(info.value) == (
        "two tools are named 'get_weather': one from Python function"
        " test_mcp_run.test_name_clash_names_both_sources.<locals>.get_weather,"
        " one from MCP server 'weather'"
    )
    with pytest.raises(ValueError, match="one from MCP server 'a', one from MCP server 'b'"):
        scripted(Script()).beta.conversations.run(
            "hi", model="m", tools=[http(name="a"), http(name="b")]
        )


CONFIRM = [call("delete_city", {"city": "Paris"}), call("get_weather", {"city": "Rome"})]


@pytest.mark.parametrize("allow", [True, False])
def test_confirmation_sync(
    scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource], allow: bool
) -> None:
    asked: list[ToolCall] = []

    def decide(tool_call: ToolCall) -> bool:
        asked.append(tool_call)
        return allow

    script = Script(CONFIRM)
    result = scripted(script).beta.conversations.run(
        "hi", model="m", tools=[http(confirm=["delete_city"])], on_confirmation=decide
    )
    assert [c.name for c in asked] == ["delete_city"]
    assert asked[0].arguments == '{"city": "Paris"}'
    deleted, weather = result.tool_results
    assert deleted.denied is (not allow)
    assert weather.result == "Rome: 21.5 celsius, clear"  # needs no confirmation
    if allow:
        assert deleted.result == "deleted Paris" and not deleted.error
        return
    # a denial is an error for the model and for the caller, never a tool's own output
    assert deleted.error
    assert deleted.result == "error: the user denied this tool call; it did not run"
    assert script.results()[0]["result"] == deleted.result


@pytest.mark.parametrize("allow", [True, False])
async def test_confirmation_async(
    ascripted: Callable[[Script], AsyncMistral], http: Callable[..., MCPToolSource], allow: bool
) -> None:
    async def decide(tool_call: ToolCall) -> bool:
        return allow

    result = await ascripted(Script(CONFIRM)).beta.conversations.run(
        "hi", model="m", tools=[http(confirm=True)], on_confirmation=decide
    )
    assert [r.denied for r in result.tool_results] == [not allow, not allow]
    assert [r.error for r in result.tool_results] == [not allow, not allow]
    # without a callback nothing that needs consent runs
    script = Script(CONFIRM)
    result = await ascripted(script).beta.conversations.run(
        "hi", model="m", tools=[http(confirm=True)]
    )
    assert all(r.denied and r.error for r in result.tool_results)
    assert all(r["result"].startswith("error: ") for r in script.results())


def test_server_side_pending_confirmation(
    scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource]
) -> None:
    script = Script([call("delete_city", {"city": "Oslo"}, pending=True)])
    result = scripted(script).beta.conversations.run(
        "hi", model="m", tools=[http()], on_confirmation=lambda c: True
    )
    assert result.tool_results[0].result == "deleted Oslo"


DESTRUCTIVE = [call("erase_history", {"city": "Oslo"}), call("archive", {"city": "Oslo"})]


def test_destructive_tools_ask_first_sync(
    scripted: Callable[[Script], Mistral], http: Callable[..., MCPToolSource]
) -> None:
    """`destructiveHint: true` asks, unless the tool is also read-only; the opt-out
    `confirm_destructive=False` trusts the hint away."""
    both = ["erase_history", "archive"]
    asked: list[str] = []
    result = scripted(Script(DESTRUCTIVE)).beta.conversations.run(
        "hi",
        model="m",
        tools=[http(include=both)],
        on_confirmation=lambda c: asked.append(c.name) is None,
    )
    assert asked == ["erase_history"]
    assert [r.result for r in result.tool_results] == ["erased Oslo", "archive of Oslo"]
    # nobody to ask: not run
    result = scripted(Script(DESTRUCTIVE)).beta.conversations.run(
        "hi", model="m", tools=[http(include=both)]
    )
    assert [r.denied for r in result.tool_results] == [True, False]
    # the documented opt-out
    result = scripted(Script(DESTRUCTIVE)).beta.conversations.run(
        "hi", model="m", tools=[http(include=both, confirm_destructive=False)]
    )
    assert [r.result for r in result.tool_results] == ["erased Oslo", "archive of Oslo"]
    with pytest.raises(TypeError, match="confirm_destructive: expected a bool"):
        MCPToolSource.http("https://x.test/mcp", confirm_destructive="no")  # type: ignore[arg-type]


async def test_destructive_tools_ask_first_async(
    ascripted: Callable[[Script], AsyncMistral], stdio: Callable[..., MCPToolSource]
) -> None:
    asked: list[str] = []

    async def decide(tool_call: ToolCall) -> bool:
        asked.append(tool_call.name)
        return False

    result = await ascripted(Script(DESTRUCTIVE)).beta.conversations.run(
        "hi", model="m", tools=[stdio(include=["erase_history", "archive"])], on_confirmation=decide
    )
    assert asked == ["erase_history"]
    assert [r.denied for r in result.tool_results] == [True, False]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sessions_per_run_and_held(
    scripted: Callable[[Script], Mistral], stdio: Callable[..., MCPToolSource]
) -> None:
    server = stdio(include=["pid"])
    runs = [scripted(Script([call("pid", {})])) for _ in range(3)]
    first = int(
        runs[0].beta.conversations.run("hi", model="m", tools=[server]).tool_results[0].result
    )
    assert not _alive(first)  # the run opened its own session (a process) and closed it
    with server as session:
        held = [
            int(
                client.beta.conversations.run("hi", model="m", tools=[server])
                .tool_results[0]
                .result
            )
            for client in runs[1:]
        ]
        assert held[0] == held[1] != first and _alive(held[0])  # one session for both runs
        assert [t.name for t in session.list_tools()][:2] == ["get_weather", "forecast"]
        assert (
            session.call_tool("get_weather", {"city": "Oslo"}).content[0].text
            == "Oslo: 21.5 celsius, clear"
        )
    assert not _alive(held[0])


async def test_held_async_session(
    ascripted: Callable[[Script], AsyncMistral], http: Callable[..., MCPToolSource]
) -> None:
    server = http(include=["get_weather"])
    async with server as session:
        for _ in range(2):
            result = await ascripted(
                Script([call("get_weather", {"city": "Oslo"})])
            ).beta.conversations.run("hi", model="m", tools=[server])
            assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"
        assert (await session.call_tool("fail", {"reason": "x"})).is_error
        with (
            pytest.raises(Exception, match="open in an `async with` block"),
            server.open_sync(),
        ):
            pass


def test_server_exits_mid_run_sync(
    scripted: Callable[[Script], Mistral], stdio: Callable[..., MCPToolSource]
) -> None:
    script = Script([call("pid", {})], [call("crash", {})])
    with pytest.raises(MCPServerError) as info:
        scripted(script).beta.conversations.run("hi", model="m", tools=[stdio()])
    message = str(info.value)
    assert "MCP server 'python mcp_server_app.py'" in message and "'crash'" in message
    assert "connection lost" in message
    pid = int(script.results()[0]["result"])
    assert not _alive(pid)


async def test_server_exits_mid_run_async(
    ascripted: Callable[[Script], AsyncMistral], stdio: Callable[..., MCPToolSource]
) -> None:
    script = Script([call("crash", {})])
    with pytest.raises(MCPServerError, match="connection lost"):
        await ascripted(script).beta.conversations.run("hi", model="m", tools=[stdio()])
    assert len(script.requests) == 1  # nothing was sent after the failure


def test_server_that_cannot_start(scripted: Callable[[Script], Mistral], devnull: Any) -> None:
    server = MCPToolSource.stdio("/nonexistent/mcp-server", errlog=devnull, name="ghost")
    with pytest.raises(MCPServerError, match="MCP server 'ghost' could not be opened"):
        scripted(Script()).beta.conversations.run("hi", model="m", tools=[server])


async def test_sse_transport(ascripted: Callable[[Script], AsyncMistral]) -> None:
    """The older HTTP+SSE transport, against the test server's SSE app on loopback."""
    from mcp_loopback import serve
    from mcp_server_app import build

    base, stop = serve(build().sse_app())
    try:
        server = MCPToolSource.sse(f"{base}/sse", headers={"x-key": "1"}, name="legacy")
        script = Script([call("get_weather", {"city": "Oslo"})])
        result = await ascripted(script).beta.conversations.run("hi", model="m", tools=[server])
        assert result.tool_results[0].result == "Oslo: 21.5 celsius, clear"
    finally:
        stop()
    with pytest.raises(ValueError, match="url: expected an http"):
        MCPToolSource.sse("x.test/sse")
