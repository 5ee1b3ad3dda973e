"""How each kind of stream ends, reports errors and is cut, through the generated
client (sync and async): `[DONE]`, terminal events, error events, the end of a
workflow run, open-ended streams, unknown events, and the connection's release."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest
from spec_values import needs_calls

import mistral_sdk
from mistral_sdk import models

KEY = "sk-test-0000"


class Body(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A streamed body in the given chunks, then `fail` raised if given; records
    whether it was closed."""

    def __init__(self, chunks: list[bytes], fail: Exception | None = None) -> None:
        self.chunks = chunks
        self.fail = fail
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.fail is not None:
            raise self.fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.fail is not None:
            raise self.fail

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def sse(*events: tuple[str | None, Any]) -> bytes:
    out = []
    for name, data in events:
        head = f"event: {name}\n" if name else ""
        text = data if isinstance(data, str) else json.dumps(data)
        out.append(f"{head}data: {text}\n\n")
    return "".join(out).encode()


def run(mode: str, body: Body, call: Callable[[Any], Any]) -> list[Any]:
    """Make the streaming call on a client whose transport answers with `body`;
    return every event (or raise what iterating raises)."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        client = mistral_sdk.Mistral(
            api_key=KEY, base_url="https://api.test", http_client=httpx2.Client(transport=transport)
        )
        with call(client) as stream:
            return list(stream)

    async def main() -> list[Any]:
        client = mistral_sdk.AsyncMistral(
            api_key=KEY,
            base_url="https://api.test",
            http_client=httpx2.AsyncClient(transport=transport),
        )
        async with await call(client) as stream:
            return [event async for event in stream]

    return asyncio.run(main())


def chat(client: Any) -> Any:
    return client.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}])


def chunk(i: int) -> dict[str, Any]:
    return {
        "id": "c1",
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": f"t{i}"}, "finish_reason": None}],
    }


@needs_calls("chat.stream")
def test_chat_stream_ends_at_done(mode: str) -> None:
    body = Body([sse((None, chunk(0)), (None, chunk(1)), (None, "[DONE]"))])
    events = run(mode, body, chat)
    assert [e.data.choices[0].delta.content for e in events] == ["t0", "t1"]
    assert body.closed


@needs_calls("chat.stream")
def test_chat_stream_cut_before_done_raises_with_what_was_received(mode: str) -> None:
    # the second event is cut half-way, and [DONE] never comes
    whole = sse((None, chunk(0)), (None, chunk(1)))
    body = Body([whole[:-30]])
    with pytest.raises(mistral_sdk.IncompleteStreamError) as info:
        run(mode, body, chat)
    assert isinstance(info.value, mistral_sdk.APIConnectionError)
    assert [e.data.choices[0].delta.content for e in info.value.events] == ["t0"]
    assert info.value.partial and '"c1"' in info.value.partial
    assert body.closed


@needs_calls("chat.stream")
def test_connection_broken_mid_stream_keeps_what_was_received(mode: str) -> None:
    whole = sse((None, chunk(0)), (None, chunk(1)))
    body = Body([whole[:-30]], fail=httpx2.RemoteProtocolError("incomplete chunked read"))
    with pytest.raises(mistral_sdk.IncompleteStreamError, match="incomplete chunked") as info:
        run(mode, body, chat)
    assert [e.data.choices[0].delta.content for e in info.value.events] == ["t0"]
    assert '"c1"' in info.value.partial
    assert isinstance(info.value.__cause__, httpx2.RemoteProtocolError)
    assert body.closed


@needs_calls("chat.stream")
@pytest.mark.parametrize(
    ("fail", "error"),
    [
        (httpx2.ReadTimeout("slow"), mistral_sdk.APITimeoutError),
        (httpx2.DecodingError("bad gzip"), mistral_sdk.APIError),
    ],
)
def test_other_breaks_mid_stream_are_sdk_errors(mode: str, fail: Exception, error: type) -> None:
    body = Body([sse((None, chunk(0)))], fail=fail)
    with pytest.raises(error) as info:
        run(mode, body, chat)
    assert not isinstance(info.value, mistral_sdk.IncompleteStreamError)
    assert body.closed


@needs_calls("workflows.events.stream")
def test_open_ended_stream_broken_mid_way_is_a_connection_error(mode: str) -> None:
    done = workflow_event("WORKFLOW_EXECUTION_COMPLETED", "run_1")
    body = Body([sse((None, done))], fail=httpx2.ReadError("reset"))
    with pytest.raises(mistral_sdk.APIConnectionError, match="reset") as info:
        run(mode, body, lambda c: c.workflows.events.stream())
    assert not isinstance(info.value, mistral_sdk.IncompleteStreamError)


def conversation(client: Any) -> Any:
    return client.beta.conversations.start_stream(inputs="hi", model="m")


STARTED = (
    "conversation.response.started",
    {"type": "conversation.response.started", "conversation_id": "conv_1"},
)
DELTA = ("message.output.delta", {"type": "message.output.delta", "id": "m1", "content": "Hi"})
DONE = ("conversation.response.done", {
    "type": "conversation.response.done",
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
})  # fmt: skip


@needs_calls("beta.conversations.start_stream")
def test_conversation_ends_at_its_done_event_without_done_marker(mode: str) -> None:
    body = Body([sse(STARTED, DELTA, DONE, (None, "this is never read"))])
    events = run(mode, body, conversation)
    kinds = [type(e.data) for e in events]
    assert kinds == [
        models.ResponseStartedEvent,
        models.MessageOutputEvent,
        models.ResponseDoneEvent,
    ]
    assert events[0].event == "conversation.response.started"
    assert body.closed


@needs_calls("beta.conversations.start_stream")
def test_conversation_error_event_raises_a_typed_error(mode: str) -> None:
    error = ("conversation.response.error", {
        "type": "conversation.response.error", "message": "tool crashed", "code": 3001,
    })  # fmt: skip
    body = Body([sse(STARTED, error)])
    with pytest.raises(mistral_sdk.APIStreamError, match="tool crashed") as info:
        run(mode, body, conversation)
    assert isinstance(info.value.event.data, models.ResponseErrorEvent)
    assert info.value.code == 3001
    assert body.closed


@needs_calls("beta.conversations.start_stream")
def test_conversation_cut_before_done_raises(mode: str) -> None:
    body = Body([sse(STARTED, DELTA)])
    with pytest.raises(mistral_sdk.IncompleteStreamError, match="2 event"):
        run(mode, body, conversation)
    assert body.closed


@needs_calls("beta.conversations.start_stream")
def test_unknown_conversation_event_is_kept_not_fatal(mode: str) -> None:
    new = ("memory.recall.delta", {"type": "memory.recall.delta", "memories": [1, 2]})
    body = Body([sse(STARTED, new, DONE)])
    events = run(mode, body, conversation)
    unknown = events[1].data
    assert isinstance(unknown, mistral_sdk.Unknown)
    assert type(unknown).__name__ == "UnknownConversationEventData"
    assert unknown.raw == new[1]
    assert json.loads(mistral_sdk.encode(events[1]))["data"] == new[1]


@needs_calls("beta.conversations.start_stream")
def test_malformed_known_conversation_event_raises(mode: str) -> None:
    bad = ("message.output.delta", {"type": "message.output.delta", "id": 5, "content": "x"})
    body = Body([sse(STARTED, bad, DONE)])
    with pytest.raises(mistral_sdk.APIResponseValidationError, match=r"\$\.data\.id"):
        run(mode, body, conversation)
    assert body.closed


def transcription(client: Any) -> Any:
    return client.audio.transcriptions.stream(model="voxtral", file_url="https://x/a.mp3")


@needs_calls("audio.transcriptions.stream")
def test_transcription_cut_before_done_raises(mode: str) -> None:
    delta = ("transcription.text.delta", {"type": "transcription.text.delta", "text": "he"})
    done = ("transcription.done", {
        "type": "transcription.done", "model": "voxtral", "text": "hello", "language": "en",
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    })  # fmt: skip
    assert len(run(mode, Body([sse(delta, done)]), transcription)) == 2
    with pytest.raises(mistral_sdk.IncompleteStreamError):
        run(mode, Body([sse(delta)]), transcription)


def workflow_event(event_type: str, exec_id: str, parent: str | None = None) -> dict[str, Any]:
    return {
        "stream": "s",
        "broker_sequence": 1,
        "workflow_context": {"namespace": "n", "workflow_name": "w", "workflow_exec_id": exec_id},
        "data": {
            "event_type": event_type,
            "event_id": "e",
            "event_timestamp": 1,
            "root_workflow_exec_id": "run_1",
            "parent_workflow_exec_id": parent,
            "continued_run_id": None,
            "first_execution_run_id": None,
            "schedule_id": None,
            "workflow_exec_id": exec_id,
            "workflow_run_id": "r",
            "workflow_name": "w",
            "attributes": {"task_id": "t", "result": {"type": "json", "value": {"ok": True}}},
        },
    }


def execution_stream(client: Any) -> Any:
    return client.workflows.executions.stream("run_1")


@needs_calls("workflows.executions.stream")
def test_workflow_stream_ends_with_the_run(mode: str) -> None:
    child_done = workflow_event("WORKFLOW_EXECUTION_COMPLETED", "child_1", parent="run_1")
    done = workflow_event("WORKFLOW_EXECUTION_COMPLETED", "run_1")
    body = Body([sse((None, child_done), (None, done), (None, "never read"))])
    events = run(mode, body, execution_stream)
    assert [e.data.data.workflow_exec_id for e in events] == ["child_1", "run_1"]
    assert isinstance(events[1].data.data, models.WorkflowExecutionCompletedResponse)


@needs_calls("workflows.executions.stream")
def test_workflow_stream_ends_with_a_run_end_the_spec_does_not_type(mode: str) -> None:
    timed_out = workflow_event("WORKFLOW_EXECUTION_TIMED_OUT", "run_1")
    events = run(mode, Body([sse((None, timed_out))]), execution_stream)
    assert isinstance(events[0].data.data, mistral_sdk.Unknown)


@needs_calls("workflows.executions.stream")
def test_workflow_stream_cut_before_the_run_ends_raises(mode: str) -> None:
    child_done = workflow_event("WORKFLOW_EXECUTION_COMPLETED", "child_1", parent="run_1")
    with pytest.raises(mistral_sdk.IncompleteStreamError, match="end of the workflow run"):
        run(mode, Body([sse((None, child_done))]), execution_stream)


@needs_calls("workflows.events.stream")
def test_open_ended_event_stream_may_just_close(mode: str) -> None:
    # the global event stream has no end: a run ending in it is just an event
    done = workflow_event("WORKFLOW_EXECUTION_COMPLETED", "run_1")
    body = Body([sse((None, done), (None, done))])
    events = run(mode, body, lambda c: c.workflows.events.stream())
    assert len(events) == 2 and body.closed


@needs_calls("workflows.executions.stream_logs")
def test_workflow_log_error_event_raises(mode: str) -> None:
    body = Body([sse(("error", {"error": "boom", "reason": "worker lost"}))])
    with pytest.raises(mistral_sdk.APIStreamError, match="boom") as info:
        run(mode, body, lambda c: c.workflows.executions.stream_logs("run_1"))
    assert isinstance(info.value.event.data, models.StreamError)


class CountedBody(Body):
    """A `Body` that counts how often it is sent (each reconnect sends it again)."""

    sent = 0

    def __iter__(self) -> Iterator[bytes]:
        self.sent += 1
        yield from super().__iter__()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.sent += 1
        async for chunk in super().__aiter__():
            yield chunk


@needs_calls("workflows.events.stream")
@pytest.mark.parametrize(
    ("fail", "error", "sent"),
    [
        (httpx2.ReadTimeout("slow"), mistral_sdk.APITimeoutError, 1),  # timeouts: no reconnect
        (httpx2.ReadError("reset"), mistral_sdk.APIConnectionError, 3),  # drops: 2 reconnects
    ],
)
def test_a_resuming_stream_reconnects_after_drops_but_not_timeouts(
    mode: str, fail: Exception, error: type[Exception], sent: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mistral_sdk import _resume

    monkeypatch.setattr(_resume, "retry_delay", lambda attempt, budget: 0.0)
    done = workflow_event("WORKFLOW_EXECUTION_COMPLETED", "run_1")
    body = CountedBody([sse((None, done))], fail=fail)
    with pytest.raises(error):
        run(mode, body, lambda c: c.workflows.events.stream(max_retries=2))
    assert body.sent == sent
