"""`beta.conversations.run` / `run_stream` and `tool_confirmations`, against the mock."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from spec_values import needs_helpers

import mistral_sdk
from mistral_sdk import (
    AsyncMistral,
    MaxTurnsExceeded,
    Mistral,
    RunResult,
    ToolCall,
    ToolResult,
    models,
    tool_confirmations,
)

pytestmark = needs_helpers("beta.conversations.run", "beta.conversations.run_stream")


def get_weather(city: str, days: int = 1) -> dict[str, Any]:
    """Weather forecast.

    Args:
        city: where.
        days: how many days.
    """
    return {"city": city, "days": days, "sky": "clear"}


def broken(city: str) -> str:
    """A tool that fails."""
    raise RuntimeError(f"no data for {city}")


def test_run_calls_local_tools_and_loops_until_the_model_answers(client: Mistral) -> None:
    result = client.beta.conversations.run(
        "Weather in Paris?", model="mistral-medium-latest", tools=[get_weather]
    )
    assert isinstance(result, RunResult)
    assert result.conversation_id.startswith("conv_") and result.turns == 2
    assert result.tool_results == [
        ToolResult(
            result.tool_results[0].tool_call_id,
            "get_weather",
            '{"city":"Paris","days":3,"sky":"clear"}',
        )
    ]
    assert result.output_text == '(mock) The tool said: {"city":"Paris","days":3,"sky":"clear"}'
    kinds = [o.type for o in result.outputs]
    assert kinds == ["function.call", "message.output"]
    usage = result.usage
    assert isinstance(usage, models.ConversationUsageInfo) and usage.total_tokens > 0
    assert usage.connector_tokens is msgspec.UNSET


def test_a_tool_that_raises_is_reported_to_the_model(client: Mistral) -> None:
    result = client.beta.conversations.run("Weather?", model="m", tools=[broken])
    [tool_result] = result.tool_results
    assert tool_result.error and "RuntimeError: no data for Paris" in tool_result.result
    assert "RuntimeError: no data for Paris" in result.output_text


def test_a_turn_limit_stops_the_loop_with_the_partial_result(client: Mistral) -> None:
    with pytest.raises(MaxTurnsExceeded) as info:
        client.beta.conversations.run(
            "call tools forever", model="m", tools=[get_weather], max_turns=3
        )
    partial = info.value.result
    assert partial.turns == 3 and len(partial.tool_results) == 3
    assert "max_turns=3" in str(info.value) and partial.conversation_id in str(info.value)


@pytest.mark.parametrize(("allow", "reply"), [(True, "Draft sent."), (False, "did not send")])
def test_pending_calls_go_to_on_confirmation(client: Mistral, allow: bool, reply: str) -> None:
    asked: list[ToolCall] = []

    def on_confirmation(call: ToolCall) -> bool:
        asked.append(call)
        return allow

    result = client.beta.conversations.run(
        "send a draft reply", model="m", on_confirmation=on_confirmation
    )
    assert [c.name for c in asked] == ["gmail_send_draft"]
    assert asked[0].confirmation_status == "pending"
    assert reply in result.output_text


def test_without_a_callback_pending_calls_are_denied(client: Mistral) -> None:
    result = client.beta.conversations.run("send a draft reply", model="m")
    assert "did not send" in result.output_text


def test_a_pending_local_tool_runs_only_when_allowed(client: Mistral) -> None:
    from mistral_sdk._blocking.conversations import _answer_sync
    from mistral_sdk._conversations import _RunLoop

    loop = _RunLoop({"tools": [get_weather], "max_turns": 5}, allow_async=False)
    call = models.FunctionCallEntry(
        tool_call_id="c1",
        name="get_weather",
        arguments='{"city": "Oslo"}',
        confirmation_status="pending",
    )
    inputs, confirmations = _answer_sync(loop, [call], lambda c: False)
    assert confirmations == [] and loop.result.tool_results[0].denied
    assert inputs == [
        {
            "type": "function.result",
            "tool_call_id": "c1",
            "result": mistral_sdk._conversations.DENIED,
        }
    ]
    inputs, _ = _answer_sync(loop, [call], lambda c: True)
    assert '"city":"Oslo"' in inputs[0]["result"]


def test_unknown_tools_and_bad_arguments_are_answered_with_errors() -> None:
    from mistral_sdk._blocking.conversations import _answer_sync
    from mistral_sdk._conversations import _RunLoop

    loop = _RunLoop({"tools": [get_weather], "max_turns": 5}, allow_async=False)
    calls = [
        models.FunctionCallEntry(tool_call_id="a", name="nope", arguments="{}"),
        models.FunctionCallEntry(tool_call_id="b", name="get_weather", arguments='{"days": "x"}'),
        models.FunctionCallEntry(
            tool_call_id="c", name="web", arguments="{}", confirmation_status="allowed"
        ),
    ]
    inputs, _ = _answer_sync(loop, calls, None)
    assert [i["tool_call_id"] for i in inputs] == ["a", "b"]
    assert "no tool named 'nope'" in inputs[0]["result"]
    assert "invalid arguments for get_weather" in inputs[1]["result"]


def test_handoffs_are_followed(client: Mistral) -> None:
    result = client.beta.conversations.run("help me with my bill", agent_id="ag_triage_1")
    assert [o.type for o in result.outputs] == ["agent.handoff", "message.output"]
    assert result.outputs[0].next_agent_id == "ag_billing"
    assert result.outputs[1].agent_id == "ag_billing"


def test_streamed_handoffs_are_followed_and_recorded(client: Mistral) -> None:
    stream = client.beta.conversations.run_stream("my bill", agent_id="ag_triage_2")
    result = stream.until_done()
    handoff, message = result.outputs
    assert isinstance(handoff, models.AgentHandoffEntry)
    assert (handoff.previous_agent_id, handoff.next_agent_id) == ("ag_triage_2", "ag_billing")
    assert handoff.next_agent_name == "billing" and message.type == "message.output"


def test_run_continues_an_existing_conversation(client: Mistral) -> None:
    first = client.beta.conversations.run("hello", model="m")
    again = client.beta.conversations.run(
        "again", conversation_id=first.conversation_id, tools=[get_weather]
    )
    assert again.conversation_id == first.conversation_id
    assert again.output_text == "(mock) You said: again"


def test_the_tools_sent_are_function_definitions(client: Mistral) -> None:
    from mistral_sdk import FunctionTool

    [definition] = [FunctionTool(get_weather).definition()]
    assert definition == {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather forecast.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "where."},
                    "days": {"type": "integer", "default": 1, "description": "how many days."},
                },
                "required": ["city"],
                "additionalProperties": False,
            },
        },
    }


def test_run_stream_yields_events_and_tool_results(client: Mistral) -> None:
    stream = client.beta.conversations.run_stream("Weather?", model="m", tools=[get_weather])
    items = list(stream)
    tool_results = [i for i in items if isinstance(i, ToolResult)]
    events = [i for i in items if isinstance(i, models.ConversationEvents)]
    assert len(tool_results) == 1 and tool_results[0].name == "get_weather"
    assert items.index(tool_results[0]) < len(items) - 1  # the next turn streamed after it
    assert events[0].event == "conversation.response.started"
    assert stream.result is not None and stream.result.turns == 2
    assert "The tool said" in stream.result.output_text


def test_run_stream_confirmation_denied(client: Mistral) -> None:
    with client.beta.conversations.run_stream(
        "send a draft", model="m", on_confirmation=lambda call: False
    ) as stream:
        result = stream.until_done()
    assert "did not send" in result.output_text


def test_tool_confirmations_from_pending_calls() -> None:
    calls = [
        models.FunctionCallEntry(
            tool_call_id="a", name="send", arguments="{}", confirmation_status="pending"
        ),
        models.FunctionCallEntry(tool_call_id="b", name="read", arguments="{}"),
        models.FunctionCallEntry(
            tool_call_id="c", name="wipe", arguments="{}", confirmation_status="pending"
        ),
        models.FunctionCallEvent(
            id="x", tool_call_id="c", name="wipe", arguments="", confirmation_status="pending"
        ),
    ]
    assert tool_confirmations(calls) == [
        {"tool_call_id": "a", "confirmation": "allow"},
        {"tool_call_id": "c", "confirmation": "allow"},
    ]
    assert tool_confirmations(calls, allow=lambda call: call.name != "wipe") == [
        {"tool_call_id": "a", "confirmation": "allow"},
        {"tool_call_id": "c", "confirmation": "deny"},
    ]


def test_run_refuses_options_it_cannot_honour(client: Mistral) -> None:
    with pytest.raises(TypeError, match="run_stream"):
        client.beta.conversations.run("x", model="m", stream=True)
    with pytest.raises(ValueError, match="max_turns"):
        client.beta.conversations.run("x", model="m", max_turns=0)
    with pytest.raises(ValueError, match="two tools"):
        client.beta.conversations.run("x", model="m", tools=[get_weather, get_weather])


def test_async_tools_need_the_async_client(client: Mistral) -> None:
    async def lookup(q: str) -> str:
        return q

    with pytest.raises(TypeError, match="use AsyncMistral"):
        client.beta.conversations.run("x", model="m", tools=[lookup])


async def test_async_run_with_async_tools_and_confirmations(aclient: AsyncMistral) -> None:
    async def lookup(city: str) -> str:
        """Look a city up."""
        return f"{city} is sunny"

    result = await aclient.beta.conversations.run("Weather?", model="m", tools=[lookup])
    assert result.output_text == "(mock) The tool said: Paris is sunny"

    async def deny(call: ToolCall) -> bool:
        return False

    denied = await aclient.beta.conversations.run("send a draft", model="m", on_confirmation=deny)
    assert "did not send" in denied.output_text
    with pytest.raises(MaxTurnsExceeded):
        await aclient.beta.conversations.run("forever", model="m", tools=[get_weather], max_turns=2)
    stream = aclient.beta.conversations.run_stream("Weather?", model="m", tools=[broken])
    items = [item async for item in stream]
    assert any(isinstance(i, ToolResult) and i.error for i in items)
    assert stream.result is not None and "RuntimeError" in stream.result.output_text


async def test_async_run_stream_closes_early(aclient: AsyncMistral) -> None:
    async with aclient.beta.conversations.run_stream("hi", model="m") as stream:
        async for item in stream:
            assert isinstance(item, models.ConversationEvents)
            break
    assert stream.result is None
