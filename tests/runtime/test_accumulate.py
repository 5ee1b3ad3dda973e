"""Stream accumulators: `stream.final()` / `snapshot()` assemble the whole answer from
pieces (chat content, tool call arguments split across chunks, usage; conversation
messages and function calls), sync and async, and `chat.parse_stream`."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import msgspec
import pytest

from mistral_sdk import AsyncMistral, Mistral, OutputValidationError, models, tool_confirmations

CHAT_ID = "cmpl-1"


def _chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": 7,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }


def _tool_delta(arguments: str, **first: Any) -> dict[str, Any]:
    call: dict[str, Any] = {"index": 0, "function": {"name": "", "arguments": arguments}}
    if first:
        call.update(id=first["id"], type="function")
        call["function"]["name"] = first["name"]
    return {"tool_calls": [call]}


CHAT_CHUNKS = [
    _chunk({"role": "assistant", "content": "Sending "}),
    _chunk({"content": "it."}),
    _chunk(_tool_delta('{"to": "ada@', id="call_1", name="send_mail")),
    _chunk(_tool_delta('example.com", ')),
    _chunk(_tool_delta('"subject": "hi"}')),
    _chunk(
        {"content": ""},
        "tool_calls",
        usage={"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
    ),
]


def _sse(payloads: list[Any], *, done: bool = True) -> bytes:
    frames = [f"data: {json.dumps(p)}\n\n" for p in payloads]
    if done:
        frames.append("data: [DONE]\n\n")
    return "".join(frames).encode()


def _clients(mode: str, body: bytes) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        return Mistral(api_key="k", http_client=httpx2.Client(transport=transport))
    return AsyncMistral(api_key="k", http_client=httpx2.AsyncClient(transport=transport))


MESSAGES = [{"role": "user", "content": "mail ada"}]


def _final_chat(mode: str, body: bytes, *, iterate: bool) -> tuple[list[str], Any]:
    client = _clients(mode, body)
    seen: list[str] = []
    if mode == "sync":
        with client.chat.stream(model="m", messages=MESSAGES) as stream:
            if iterate:
                seen = [e.data.choices[0].delta.text for e in stream]
            return seen, stream.final()

    async def main() -> Any:
        async with await client.chat.stream(model="m", messages=MESSAGES) as stream:
            if iterate:
                seen.extend([e.data.choices[0].delta.text async for e in stream])
            return await stream.final()

    return seen, asyncio.run(main())


@pytest.mark.parametrize("iterate", [True, False], ids=["after-iterating", "without-iterating"])
def test_chat_stream_final_joins_content_and_tool_call_arguments(mode: str, iterate: bool) -> None:
    seen, final = _final_chat(mode, _sse(CHAT_CHUNKS), iterate=iterate)
    assert isinstance(final, models.ChatCompletionResponse)
    assert final.id == CHAT_ID and final.model == "m" and final.created == 7
    assert final.usage.total_tokens == 8
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert isinstance(choice.message, models.AssistantMessage)
    assert choice.message.content == "Sending it."
    assert isinstance(choice.message.tool_calls, list)
    (call,) = choice.message.tool_calls
    assert call.id == "call_1" and call.function.name == "send_mail"
    assert isinstance(call.function.arguments, str)
    assert json.loads(call.function.arguments) == {"to": "ada@example.com", "subject": "hi"}
    if iterate:
        assert "".join(seen) == "Sending it."


def test_chat_snapshot_while_iterating() -> None:
    client = _clients("sync", _sse(CHAT_CHUNKS))
    with client.chat.stream(model="m", messages=MESSAGES) as stream:
        next(stream)
        first = stream.snapshot()
        assert first.choices[0].message.content == "Sending "  # type: ignore[union-attr]
        assert first.choices[0].finish_reason == ""  # not finished yet
        next(stream)
        assert stream.snapshot().output_text == "Sending it."


def test_fim_and_agents_streams_assemble_too() -> None:
    body = _sse([_chunk({"content": "def f"}), _chunk({"content": "(): pass"}, "stop")])
    client = _clients("sync", body)
    assert client.fim.stream(model="codestral", prompt="def").final().output_text == (
        "def f(): pass"
    )
    client = _clients("sync", body)
    assert client.agents.stream(agent_id="ag", messages=MESSAGES).final().output_text == (
        "def f(): pass"
    )


def test_stream_without_accumulator_says_so() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        body = b'data: {"workflow_name": "w"}\n\n'
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client = Mistral(
        api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    stream: Any = client.workflows.events.stream()
    with pytest.raises(TypeError, match="chat, FIM, agents, conversation, transcription and"):
        stream.final()
    stream.close()


# --- conversations ------------------------------------------------------------------


def _conv(kind: str, **fields: Any) -> tuple[str, dict[str, Any]]:
    return kind, {"type": kind, **fields}


CONVERSATION_EVENTS = [
    _conv("conversation.response.started", conversation_id="conv_1"),
    _conv("message.output.delta", id="msg_1", content="I'll mail "),
    _conv("message.output.delta", id="msg_1", content={"type": "text", "text": "Ada."}),
    *[
        _conv(
            "function.call.delta",
            id="fc_1",
            name="send_mail",
            tool_call_id="call_1",
            arguments=piece,
            **({"confirmation_status": "pending"} if i == 0 else {}),
        )
        for i, piece in enumerate(['{"to": "ada@', 'example.com",', ' "subject": "hi"}'])
    ],
    _conv("conversation.response.done", usage={"prompt_tokens": 4, "total_tokens": 9}),
]


def _conversation_body() -> bytes:
    return "".join(
        f"event: {kind}\ndata: {json.dumps(data)}\n\n" for kind, data in CONVERSATION_EVENTS
    ).encode()


def test_conversation_stream_final_has_whole_function_calls(mode: str) -> None:
    client = _clients(mode, _conversation_body())
    if mode == "sync":
        with client.beta.conversations.start_stream(inputs="mail ada", model="m") as stream:
            events = list(stream)
            final = stream.final()
    else:

        async def main() -> tuple[list[Any], Any]:
            async with await client.beta.conversations.start_stream(
                inputs="x", model="m"
            ) as stream:
                return [e async for e in stream], await stream.final()

        events, final = asyncio.run(main())
    assert len(events) == len(CONVERSATION_EVENTS)
    assert isinstance(final, models.ConversationResponse)
    assert final.conversation_id == "conv_1"
    assert final.usage.total_tokens == 9
    message, call = final.outputs
    assert isinstance(message, models.MessageOutputEntry) and message.content == "I'll mail Ada."
    assert isinstance(call, models.FunctionCallEntry)
    assert call.tool_call_id == "call_1" and call.confirmation_status == "pending"
    assert json.loads(str(call.arguments)) == {"to": "ada@example.com", "subject": "hi"}
    assert final.output_text == "I'll mail Ada."

    # tool_confirmations sees the whole call, from the final result or the raw events
    asked: list[Any] = []

    def allow(call: Any) -> bool:
        asked.append(json.loads(call.arguments))
        return True

    expected = [{"tool_call_id": "call_1", "confirmation": "allow"}]
    assert tool_confirmations(final.outputs, allow=allow) == expected
    assert tool_confirmations([e.data for e in events], allow=allow) == expected
    assert asked == [{"to": "ada@example.com", "subject": "hi"}] * 2


def test_tool_confirmations_does_not_join_repeated_whole_entries() -> None:
    entry = models.FunctionCallEntry(
        tool_call_id="c", name="n", arguments='{"a": 1}', confirmation_status="pending"
    )
    seen: list[Any] = []
    tool_confirmations([entry, entry], allow=lambda call: seen.append(call.arguments) is None)
    assert seen == ['{"a": 1}']


# --- transcriptions ------------------------------------------------------------------

TRANSCRIPTION_EVENTS = [
    _conv("transcription.language", audio_language="fr"),
    _conv("transcription.text.delta", text="Bonjour "),
    _conv("transcription.segment", text="Bonjour", start=0.0, end=0.5),
    _conv("transcription.text.delta", text="Ada."),
]
DONE = _conv(
    "transcription.done",
    model="voxtral",
    text="Bonjour Ada.",
    language="fr",
    usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
)


def _transcription(mode: str, events: list[tuple[str, dict[str, Any]]]) -> Any:
    body = "".join(f"event: {k}\ndata: {json.dumps(d)}\n\n" for k, d in events)
    client = _clients(mode, (body + "data: [DONE]\n\n").encode())
    if mode == "sync":
        with client.audio.transcriptions.stream(model="voxtral", file_url="https://a") as s:
            return s.final()

    async def main() -> Any:
        stream = await client.audio.transcriptions.stream(model="voxtral", file_url="https://a")
        async with stream:
            return await stream.final()

    return asyncio.run(main())


def test_transcription_stream_final(mode: str) -> None:
    final = _transcription(mode, [*TRANSCRIPTION_EVENTS, DONE])
    assert isinstance(final, models.TranscriptionResponse)
    assert (final.model, final.text, final.language) == ("voxtral", "Bonjour Ada.", "fr")
    assert final.usage.total_tokens == 3
    # before the done event: what the deltas said
    partial = _transcription(mode, TRANSCRIPTION_EVENTS)
    assert (partial.text, partial.language) == ("Bonjour Ada.", "fr")
    (segment,) = partial.segments
    assert (segment.text, segment.start, segment.end) == ("Bonjour", 0.0, 0.5)


# --- chat.parse_stream --------------------------------------------------------------


class Book(msgspec.Struct):
    title: str
    year: int


def _parse_stream(mode: str, pieces: list[str]) -> tuple[list[str], Any]:
    body = _sse(
        [_chunk({"content": p}) for p in pieces]
        + [
            _chunk(
                {"content": ""},
                "stop",
                usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
            )
        ]
    )
    client = _clients(mode, body)
    if mode == "sync":
        with client.chat.parse_stream(model="m", messages=MESSAGES, response_format=Book) as stream:
            texts = list(stream)
            return texts, stream.final()

    async def main() -> tuple[list[str], Any]:
        async with await client.chat.parse_stream(
            model="m", messages=MESSAGES, response_format=Book
        ) as stream:
            return [t async for t in stream], await stream.final()

    return asyncio.run(main())


def test_parse_stream_yields_text_then_the_parsed_object(mode: str) -> None:
    pieces = ['{"title": "Moby', ' Dick", "ye', 'ar": 1851}']
    texts, parsed = _parse_stream(mode, pieces)
    assert texts == pieces
    assert parsed.parsed == Book(title="Moby Dick", year=1851)
    assert parsed.text == "".join(pieces)
    assert parsed.response.usage.total_tokens == 3


def test_parse_stream_mismatch_raises_with_raw_text(mode: str) -> None:
    with pytest.raises(OutputValidationError) as info:
        _parse_stream(mode, ['{"title": 1}'])
    assert info.value.raw == '{"title": 1}'


def test_a_long_answer_of_small_pieces_holds_about_its_text() -> None:
    """Tokens arrive a few characters at a time; as separate strings they would cost
    about 60 bytes each. The accumulator joins them as it goes (`_accumulate.Text`), so
    100,000 pieces of 4 characters (400 KB of text) are held in well under 1 MB, and
    `size` counts the text held (what `ASSEMBLE_BYTES` bounds)."""
    import tracemalloc

    from mistral_sdk._accumulate import ChatAccumulator

    events = [
        msgspec.json.decode(
            json.dumps({"data": _chunk({"content": "tok" + chr(65 + i % 26)})}),
            type=models.CompletionEvent,
        )
        for i in range(26)
    ]
    accumulator = ChatAccumulator()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for i in range(100_000):
            event = events[i % 26]
            # a new string per piece, as decoding each event gives
            event.data.choices[0].delta.content = "".join(["tok", chr(65 + i % 26)])
            accumulator.feed(event)
        held = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert accumulator.size == 400_000
    assert held < 1_000_000, f"{held} bytes held for 400,000 characters"
    text = accumulator.result().output_text
    assert len(text) == 400_000 and text.startswith("tokAtokBtokC")


def test_past_its_text_budget_a_stream_of_small_pieces_drops_its_answer() -> None:
    # the budget counts the text held (1,000 pieces of 5 characters), not event bytes
    body = _sse([_chunk({"content": "piece"}) for _ in range(1000)])
    client = _clients("sync", body)
    with client.chat.stream(model="m", messages=MESSAGES).accumulate(max_bytes=5_000) as s:
        assert sum(1 for _ in s) == 1000
        assert s.final().output_text == "piece" * 1000  # 5,000: within the budget
    client = _clients("sync", body)
    with client.chat.stream(model="m", messages=MESSAGES).accumulate(max_bytes=4_999) as s:
        assert sum(1 for _ in s) == 1000
        with pytest.raises(ValueError, match="text passed 4999 bytes"):
            s.final()
