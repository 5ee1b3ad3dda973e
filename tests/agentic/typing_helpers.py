"""Checked by `make types` (mypy --strict), never run: the helpers' types as users see them."""

from __future__ import annotations

from typing import Any, assert_type

import msgspec

from mistral_sdk import (
    AsyncMistral,
    ConnectorSlot,
    FunctionTool,
    Mistral,
    ParsedChatCompletion,
    RunResult,
    RunStream,
    Stream,
    ToolResult,
    models,
    params,
    tool_confirmations,
)


class Book(msgspec.Struct):
    title: str


def get_weather(city: str) -> str:
    return city


def sync_usage(client: Mistral) -> None:
    chat = client.chat.complete(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        tools=[
            get_weather,
            FunctionTool(get_weather, name="weather"),
            {"type": "function", "function": {"name": "f", "parameters": {}}},
        ],
    )
    assert_type(chat, models.ChatCompletionResponse)
    execution = client.workflows.execute_and_wait("wf", connectors=[ConnectorSlot("gmail")])
    assert_type(execution, models.WorkflowExecutionResponse)
    started = client.workflows.execute("wf", connectors=[{"connector_name": "drive"}])
    assert_type(started, models.WorkflowsExecuteResponse)
    assert_type(client.workflows.executions.run_query("id", "q", type=Book), Book)
    assert_type(client.workflows.executions.run_update("id", "u", {"a": 1}), Any)
    events = client.workflows.executions.stream("id")
    assert_type(events, Stream[models.WorkflowEvent])
    result = client.beta.conversations.run("hi", tools=[get_weather], model="m")
    assert_type(result, RunResult)
    assert_type(result.output_text, str)
    assert_type(result.usage, models.ConversationUsageInfo)
    stream = client.beta.conversations.run_stream("hi", model="m")
    assert_type(stream, RunStream)
    for item in stream:
        assert_type(item, models.ConversationEvents | ToolResult)
    confirmations = tool_confirmations(result.outputs, allow=lambda call: call.name != "rm")
    assert_type(confirmations, list[params.ToolCallConfirmationParam])
    parsed = client.chat.parse(model="m", messages=[], response_format=Book)
    assert_type(parsed, ParsedChatCompletion[Book])
    assert_type(parsed.parsed, Book)


async def async_usage(client: AsyncMistral) -> None:
    execution = await client.workflows.execute_and_wait("wf", timeout=5)
    assert_type(execution, models.WorkflowExecutionResponse)
    result = await client.beta.conversations.run("hi", model="m")
    assert_type(result, RunResult)
    parsed = await client.chat.parse(model="m", messages=[], response_format=Book)
    assert_type(parsed.parsed, Book)
