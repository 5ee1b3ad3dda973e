"""Streams of any length in bounded memory: a stream that has an end (chat's `[DONE]`,
a conversation's done event, the end of a workflow run) keeps only a bounded tail of
what it delivered, for `IncompleteStreamError`; `keep_events()` keeps more on request.

The bodies are generated piece by piece (never held whole), and memory is what
tracemalloc sees still allocated once every event was read, the stream still open."""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest

import mistral_sdk
from mistral_sdk._streaming import TAIL_BYTES

KEY = "sk-test-0000"
EVENTS = 3000  # about 600 KB of chat events: the old code kept every one (> 5 MB of objects)
ROOM = 512 * 1024  # what reading any of these streams may keep once it is read


def chat_event(i: int) -> bytes:
    chunk = {
        "id": "c1",
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": f"token {i} " * 8}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


def conversation_event(i: int) -> bytes:
    data = {
        "type": "message.output.delta",
        "created_at": "2025-10-03T12:00:00Z",
        "output_index": 0,
        "id": "msg_1",
        "content_index": 0,
        "model": "m",
        "role": "assistant",
        "content": f"word {i} " * 8,
    }
    return b"event: message.output.delta\ndata: " + json.dumps(data).encode() + b"\n\n"


def workflow_event(event_type: str, i: int) -> bytes:
    data = {
        "stream": "s",
        "broker_sequence": i,
        "workflow_context": {"namespace": "n", "workflow_name": "w", "workflow_exec_id": "run_1"},
        "data": {
            "event_type": event_type,
            "event_id": f"e{i}",
            "event_timestamp": 1,
            "root_workflow_exec_id": "run_1",
            "parent_workflow_exec_id": None,
            "continued_run_id": None,
            "first_execution_run_id": None,
            "schedule_id": None,
            "workflow_exec_id": "run_1",
            "workflow_run_id": "r",
            "workflow_name": "w",
            "attributes": {"task_id": "t", "result": {"type": "json", "value": {"n": i}}},
        },
    }
    return b"data: " + json.dumps(data).encode() + b"\n\n"


CONVERSATION_DONE = (
    b'event: conversation.response.done\ndata: {"type": "conversation.response.done", '
    b'"created_at": "2025-10-03T12:00:00Z", "usage": {"prompt_tokens": 1, '
    b'"completion_tokens": 1, "total_tokens": 2}}\n\n'
)
KINDS: dict[str, tuple[Callable[[int], bytes], bytes, Callable[[Any], Any]]] = {
    "chat": (
        chat_event,
        b"data: [DONE]\n\n",
        lambda c: c.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}]),
    ),
    "conversation": (
        conversation_event,
        CONVERSATION_DONE,
        lambda c: c.beta.conversations.start_stream(inputs="hi", model="m"),
    ),
    "workflow": (
        lambda i: workflow_event("WORKFLOW_TASK_COMPLETED", i),
        workflow_event("WORKFLOW_EXECUTION_COMPLETED", EVENTS),
        lambda c: c.workflows.executions.stream("run_1"),
    ),
}


class Generated(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """`events` events made one at a time, then `end` (or a cut mid-event)."""

    def __init__(
        self, event: Callable[[int], bytes], end: bytes, *, cut: bool = False, events: int = EVENTS
    ) -> None:
        self.event, self.end, self.cut, self.events = event, end, cut, events

    def __iter__(self) -> Iterator[bytes]:
        for i in range(self.events):
            yield self.event(i)
        if self.cut:
            yield self.end[:10]  # half an event, and nothing after it
            return
        yield self.end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self:
            yield piece


def client(mode: str, body: Generated) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        return mistral_sdk.Mistral(
            api_key=KEY, base_url="https://api.test", http_client=httpx2.Client(transport=transport)
        )
    return mistral_sdk.AsyncMistral(
        api_key=KEY,
        base_url="https://api.test",
        http_client=httpx2.AsyncClient(transport=transport),
    )


def read_all(mode: str, body: Generated, call: Callable[[Any], Any], keep: bool = False) -> Any:
    """Read every event; return (events seen, bytes still allocated with the stream open,
    the error raised if any). A short stream first loads the models and warms caches."""
    sdk = client(mode, body)
    warm = Generated(body.event, body.end, events=2)
    if mode == "sync":
        list(call(client(mode, warm)))
    else:

        async def warm_up() -> None:
            async for _ in await call(client(mode, warm)):
                pass

        asyncio.run(warm_up())

    def measure() -> int:
        return tracemalloc.get_traced_memory()[0] - start

    async def main() -> tuple[int, int, Exception | None]:
        seen, error = 0, None
        stream = await call(sdk)
        if keep:
            stream.keep_events()
        try:
            async for _ in stream:
                seen += 1
        except mistral_sdk.IncompleteStreamError as exc:
            error = exc
        return seen, measure(), error

    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        if mode == "async":
            return asyncio.run(main())
        seen, error = 0, None
        stream = call(sdk)
        if keep:
            stream.keep_events()
        try:
            for _ in stream:
                seen += 1
        except mistral_sdk.IncompleteStreamError as exc:
            error = exc
        return seen, measure(), error
    finally:
        tracemalloc.stop()


def answer_text(kind: str) -> int:
    """The size of the text a stream assembles for `final()` (chat and conversation)."""
    word = {"chat": "token", "conversation": "word"}.get(kind)
    return sum(len(f"{word} {i} " * 8) for i in range(EVENTS)) if word else 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_long_stream_with_an_end_keeps_a_bounded_tail(kind: str) -> None:
    """What stays is the tail of events plus, for streams that assemble a final result
    (`final()`), the answer's own text: never the events themselves."""
    event, end, call = KINDS[kind]
    seen, kept, error = read_all("sync", Generated(event, end), call)
    assert error is None and seen == EVENTS + (kind != "chat")  # their end is an event
    assert kept < ROOM + answer_text(kind), (
        f"{kept} bytes still held after reading {seen} {kind} events"
    )


@pytest.mark.parametrize("kind", ["chat", "conversation"])
def test_past_its_assembly_budget_a_stream_drops_its_answer_and_final_says_so(kind: str) -> None:
    """A stream bigger than what it assembles (`ASSEMBLE_BYTES`, 1 MiB of text by default; 50 KB
    here) still reads in bounded memory; `final()` then explains, and `accumulate()`
    (None: any size) is the way to keep it all."""
    event, end, call = KINDS[kind]
    _, kept, error = read_all(
        "sync", Generated(event, end), lambda c: call(c).accumulate(max_bytes=50_000)
    )
    assert error is None and kept < ROOM  # neither the events nor the answer were kept
    stream = call(client("sync", Generated(event, end))).accumulate(max_bytes=50_000)
    for _ in stream:
        pass
    with pytest.raises(ValueError, match="accumulate"):
        stream.final()
    whole = call(client("sync", Generated(event, end))).accumulate()
    for _ in whole:
        pass
    assert whole.final() is not None
    with pytest.raises(ValueError, match="max_bytes"):
        whole.accumulate(max_bytes=-1)


def test_a_long_async_stream_keeps_a_bounded_tail() -> None:
    event, end, call = KINDS["chat"]
    seen, kept, error = read_all("async", Generated(event, end), call)
    assert error is None and seen == EVENTS
    assert kept < ROOM + answer_text("chat")


def test_the_error_of_a_long_cut_stream_counts_every_event_and_keeps_the_last(mode: str) -> None:
    event, end, call = KINDS["chat"]
    seen, kept, error = read_all(mode, Generated(event, end, cut=True), call)
    assert seen == EVENTS and kept < ROOM + answer_text("chat")
    assert isinstance(error, mistral_sdk.IncompleteStreamError)
    assert error.received == EVENTS and f"{EVENTS} event(s) received" in str(error)
    smallest = len(chat_event(0)) - len(b"data: \n\n")
    assert 1 < len(error.events) <= TAIL_BYTES // smallest + 1
    last = error.events[-1].data.choices[0].delta.content
    assert last == f"token {EVENTS - 1} " * 8  # the tail ends with the last event, in order
    assert error.partial == "data: [DON"  # the half-received event is kept


def test_keep_events_keeps_every_event_on_request() -> None:
    event, end, call = KINDS["conversation"]
    _, kept, error = read_all("sync", Generated(event, end, cut=True), call, keep=True)
    assert isinstance(error, mistral_sdk.IncompleteStreamError)
    assert error.received == len(error.events) == EVENTS
    assert [e.data.content for e in error.events[:2]] == ["word 0 " * 8, "word 1 " * 8]
    assert kept > ROOM  # the opt-in costs what it keeps


def test_keep_events_with_a_bound_and_on_a_resuming_stream() -> None:
    event, end, _ = KINDS["chat"]
    sdk = client("sync", Generated(event, end, cut=True))
    stream = sdk.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(mistral_sdk.IncompleteStreamError) as info:
        list(stream.keep_events(max_bytes=0))
    assert len(info.value.events) == 1 and info.value.received == EVENTS
    with pytest.raises(ValueError, match="max_bytes"):
        stream.keep_events(max_bytes=-1)
    workflow = client("sync", Generated(*KINDS["workflow"][:2])).workflows.executions
    resuming = workflow.stream("run_1")
    assert resuming.keep_events() is resuming
    assert sum(1 for _ in resuming) == EVENTS + 1


def test_the_error_keeps_its_old_shape_when_built_by_hand() -> None:
    error = mistral_sdk.IncompleteStreamError("cut", events=[1, 2])
    assert error.received == 2 and error.events == [1, 2] and error.partial == ""
