"""Dict requests under mypy --strict and pyright strict (tests/typing/test_request_dicts.py).

Never run: type-checked only. Every line ending in `# error` is a mistake both checkers
must report on that line; every other line must check clean. The mistakes are the
issue's (a misspelt key, an unknown role, a misspelt key of a nested tool, a misspelt
key of a conversation input), then the same through the async client, the helpers and
the batch runner; the correct calls are what users write, and the escape hatches.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from mistral_sdk import AsyncMistral, ConnectorSlot, Mistral, Unknown, models
from mistral_sdk.params import (
    ChatCompletionRequestBatchParam,
    ChatCompletionRequestMessageParam,
    ContentChunkParam,
    InputEntryParam,
    TextChunkParam,
    UserMessageParam,
)


class Book(msgspec.Struct):
    title: str


def get_weather(city: str) -> str:
    return city


# --- the issue's mistakes, sync -----------------------------------------------------------


def sync_mistakes(client: Mistral) -> None:
    client.chat.complete(model="m", messages=[{"role": "user", "contnet": "hi"}])  # error
    client.chat.complete(model="m", messages=[{"role": "usr", "content": "hi"}])  # error
    client.chat.complete(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        tools=[{"type": "function", "function": {"name": "f", "paramters": {}}}],  # error
    )
    client.beta.conversations.start(model="m", inputs=[{"role": "user", "contnet": "hi"}])  # error


# --- and async ----------------------------------------------------------------------------


async def async_mistakes(client: AsyncMistral) -> None:
    await client.chat.complete(model="m", messages=[{"role": "user", "contnet": "hi"}])  # error
    await client.chat.complete(model="m", messages=[{"role": "usr", "content": "hi"}])  # error
    await client.chat.complete(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        tools=[{"type": "function", "function": {"name": "f", "paramters": {}}}],  # error
    )
    await client.beta.conversations.start(inputs=[{"role": "user", "contnet": "hi"}])  # error


# --- the same mistakes through the helpers, a variable, the batch runner -----------------


def helper_mistakes(client: Mistral) -> None:
    client.chat.parse(model="m", messages=[{"role": "usr"}], response_format=Book)  # error
    client.chat.parse(model="m", mesages=[], response_format=Book)  # error
    client.beta.conversations.run([{"role": "user", "contnet": "hi"}], model="m")  # error
    client.beta.conversations.run("hi", modle="m")  # error
    client.workflows.execute("wf", connectors=[{"connector": "gmail"}])  # error
    message: UserMessageParam = {"role": "user", "content": [{"type": "txt"}]}  # error
    client.chat.complete(model="m", messages=[message])
    client.batch.run({"q1": {"mesages": []}}, endpoint="/v1/chat/completions")  # error


async def async_helper_mistakes(client: AsyncMistral) -> None:
    await client.beta.conversations.run([{"role": "user", "contnet": "hi"}], model="m")  # error
    await client.batch.run([("q1", {"mesages": []})], endpoint="/v1/chat/completions")  # error


# --- correct calls ------------------------------------------------------------------------


def correct(client: Mistral) -> None:
    client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])
    client.chat.complete(
        model="m",
        messages=[
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "hi"}]},
            models.AssistantMessage(content="hello"),  # a model among dicts
            {"role": "user", "content": [models.TextChunk(text="and?")]},  # and inside one
        ],
        tools=[
            get_weather,
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
        ],
        response_format={"type": "json_object"},
        metadata={"any": {"thing": [1, 2]}},  # free-form in the spec: any mapping
    )
    # your own variables, annotated with the typed dictionaries (docs/typing.md)
    messages: list[ChatCompletionRequestMessageParam] = [{"role": "user", "content": "hi"}]
    chunks: list[ContentChunkParam] = [{"type": "text", "text": "a"}]
    texts: list[TextChunkParam] = [{"type": "text", "text": "b"}]
    messages.append({"role": "user", "content": chunks})
    messages.append({"role": "user", "content": texts})  # a list of one variant: Sequence
    user: UserMessageParam = {"role": "user", "content": "c"}
    user["content"] = "changed"  # the dicts stay yours to change
    messages.append(user)
    client.chat.complete(model="m", messages=messages)
    inputs: list[InputEntryParam] = [{"role": "user", "content": "hi"}]
    client.beta.conversations.start(model="m", inputs=inputs)
    client.beta.conversations.start(model="m", inputs="hi")
    # the escape hatches: a variant or a field the spec does not know yet
    client.chat.complete(model="m", messages=[Unknown({"role": "developer", "content": "hi"})])
    client.chat.complete(model="m", messages=messages, extra_body={"new_option": True})
    # the helpers
    client.chat.parse(model="m", messages=messages, response_format=Book, temperature=0.1)
    client.beta.conversations.run(inputs, tools=[get_weather], model="m", store=False)
    client.workflows.execute("wf", connectors=[ConnectorSlot("gmail"), {"connector_name": "x"}])


def batch_requests(client: Mistral, questions: list[str]) -> None:
    client.batch.run(
        (
            (f"q{i}", {"messages": [{"role": "user", "content": q}]})
            for i, q in enumerate(questions)
        ),
        endpoint="/v1/chat/completions",
        model="mistral-small-latest",
    )
    client.batch.run({"e1": {"input": "text"}}, endpoint="/v1/embeddings", model="m")
    client.batch.submit("requests.jsonl", endpoint="/v1/chat/completions")
    client.batch.submit([("x", Unknown({"prompt": "any"}))], endpoint="/v1/new-endpoint")

    def lines() -> Iterator[tuple[str, ChatCompletionRequestBatchParam]]:
        yield "q", {"messages": [{"role": "user", "content": "hi"}]}

    client.batch.run(lines(), endpoint="/v1/chat/completions", model="m")


async def async_correct(client: AsyncMistral) -> None:
    await client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])
    await client.beta.conversations.start(model="m", inputs=[{"role": "user", "content": "hi"}])
    await client.chat.parse(
        model="m", messages=[{"role": "user", "content": "hi"}], response_format=Book
    )
    await client.beta.conversations.run("hi", model="m")
    await client.batch.run({"q": {"messages": []}}, endpoint="/v1/chat/completions", model="m")
