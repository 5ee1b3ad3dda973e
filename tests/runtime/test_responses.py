"""The Responses API (`client.responses`, from the supplement: docs/spec.md): its stream
decodes into typed events, an event type the SDK does not know into an `Unknown`
variant, and `final()` / `snapshot()` assemble the answer as chat streams do; the
stream ends with `response.completed` (cut before it, it raises) and an `error` event
raises. Sync and async."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, models

RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1755043200,
    "model": "mistral-medium-latest",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
    "status": "in_progress",
}
MESSAGE = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress"}
CALL = {
    "id": "fc_1",
    "type": "function_call",
    "call_id": "call_1",
    "name": "get_weather",
    "arguments": "",
}
TEXT_PART = {"type": "output_text", "text": "", "annotations": []}


def _event(kind: str, sequence: int, **data: Any) -> tuple[str, dict[str, Any]]:
    return kind, {"type": kind, "sequence_number": sequence, **data}


def _events(*, completed: bool = True) -> list[tuple[str, dict[str, Any]]]:
    where = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    done_message = {
        **MESSAGE,
        "status": "completed",
        "content": [{**TEXT_PART, "text": "Hello there."}],
    }
    events = [
        _event("response.created", 0, response=RESPONSE),
        _event("response.output_item.added", 1, output_index=0, item={**MESSAGE, "content": []}),
        _event("response.content_part.added", 2, part=TEXT_PART, **where),
        _event("response.output_text.delta", 3, delta="Hello", logprobs=[], **where),
        # a kind of event this SDK does not know yet: an Unknown variant, skipped by final()
        _event("response.output_text.annotation.added", 4, annotation={"kind": "new"}),
        _event("response.output_text.delta", 5, delta=" there.", logprobs=[], **where),
        _event("response.output_item.added", 6, output_index=1, item=CALL),
        _event(
            "response.function_call_arguments.delta",
            7,
            item_id="fc_1",
            output_index=1,
            delta='{"city": ',
        ),
        _event(
            "response.function_call_arguments.delta",
            8,
            item_id="fc_1",
            output_index=1,
            delta='"Paris"}',
        ),
    ]
    if completed:
        whole = {
            **RESPONSE,
            "status": "completed",
            "output": [done_message, {**CALL, "arguments": '{"city": "Paris"}'}],
        }
        events += [
            _event("response.output_item.done", 9, output_index=0, item=done_message),
            _event("response.completed", 10, response=whole),
        ]
    return events


def _sse(events: list[tuple[str, dict[str, Any]]]) -> bytes:
    return "".join(f"event: {kind}\ndata: {json.dumps(data)}\n\n" for kind, data in events).encode()


def _client(mode: str, body: bytes, seen: list[dict[str, Any]] | None = None) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if seen is not None:
            seen.append(json.loads(request.content))
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        return Mistral(api_key="k", http_client=httpx2.Client(transport=transport))
    return AsyncMistral(api_key="k", http_client=httpx2.AsyncClient(transport=transport))


def _stream(mode: str, body: bytes, *, iterate: bool) -> tuple[list[Any], Any, Any]:
    """The events seen (when iterating), the final answer, and the request body sent."""
    sent: list[dict[str, Any]] = []
    client = _client(mode, body, sent)
    if mode == "sync":
        with client.responses.stream(model="mistral-medium-latest", input="Hi") as stream:
            events = list(stream) if iterate else []
            return events, stream.final(), sent[0]

    async def main() -> tuple[list[Any], Any]:
        async with client:
            stream = await client.responses.stream(model="mistral-medium-latest", input="Hi")
            async with stream:
                events = [e async for e in stream] if iterate else []
                return events, await stream.final()

    events, final = asyncio.run(main())
    return events, final, sent[0]


@pytest.mark.parametrize("iterate", [True, False], ids=["after-iterating", "without-iterating"])
def test_the_stream_is_typed_and_final_is_the_completed_answer(mode: str, iterate: bool) -> None:
    events, final, sent = _stream(mode, _sse(_events()), iterate=iterate)
    # the constants of the request (`truncation`, `background`) are always sent
    assert sent == {
        "model": "mistral-medium-latest",
        "input": "Hi",
        "stream": True,
        "truncation": "disabled",
        "background": False,
    }
    assert isinstance(final, models.CreateResponseResponse)
    assert final.id == "resp_1" and final.status == "completed"
    assert final.output_text == "Hello there."
    call = final.output[1]
    assert isinstance(call, models.ResponsesFunctionToolCall)
    assert json.loads(call.arguments) == {"city": "Paris"}
    if iterate:
        assert [type(e).__name__ for e in events] == ["ResponsesStreamFrame"] * len(events)
        kinds = [type(e.data).__name__ for e in events]
        assert kinds[:4] == [
            "ResponsesCreatedEvent",
            "ResponsesOutputItemAddedEvent",
            "ResponsesContentPartAddedEvent",
            "ResponsesTextDeltaEvent",
        ]
        unknown = events[4].data
        assert isinstance(unknown, mistral_sdk.Unknown)
        assert unknown.raw["type"] == "response.output_text.annotation.added"
        assert events[-1].event == "response.completed"


def test_the_answer_so_far_is_assembled_from_the_deltas() -> None:
    """Before `response.completed`, the snapshot joins the deltas into the items."""
    client = _client("sync", _sse(_events()))
    with client.responses.stream(model="m", input="Hi") as stream:
        for seen, _ in enumerate(stream, 1):
            if seen == 9:  # the last arguments delta; not yet done nor completed
                break
        so_far = stream.snapshot()
    assert so_far.id == "resp_1" and so_far.status == "in_progress"
    assert so_far.output_text == "Hello there."
    message, call = so_far.output
    assert isinstance(message, models.ResponsesOutputMessage)
    assert isinstance(call, models.ResponsesFunctionToolCall)
    assert call.arguments == '{"city": "Paris"}'


def test_a_stream_cut_before_its_end_raises_with_what_came(mode: str) -> None:
    body = _sse(_events(completed=False))
    with pytest.raises(mistral_sdk.IncompleteStreamError) as caught:
        _stream(mode, body, iterate=True)
    assert len(caught.value.events) == len(_events(completed=False))


def test_an_error_event_raises(mode: str) -> None:
    events = [
        *_events(completed=False)[:2],
        _event("error", 2, message="the model is overloaded", code="overloaded"),
    ]
    with pytest.raises(mistral_sdk.APIStreamError) as caught:
        _stream(mode, _sse(events), iterate=True)
    assert "overloaded" in str(caught.value)


def test_create_answers_the_whole_response(mode: str) -> None:
    whole = {**RESPONSE, "status": "completed", "output": [_events()[-2][1]["item"]]}

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent = json.loads(request.content)
        assert (sent["model"], sent["input"], sent["stream"]) == ("m", "Hi", False)
        return httpx2.Response(200, json=whole)

    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        with Mistral(api_key="k", http_client=httpx2.Client(transport=transport)) as client:
            answer = client.responses.create(model="m", input="Hi")
    else:

        async def main() -> models.CreateResponseResponse:
            async with AsyncMistral(
                api_key="k", http_client=httpx2.AsyncClient(transport=transport)
            ) as client:
                return await client.responses.create(model="m", input="Hi")

        answer = asyncio.run(main())
    assert answer.output_text == "Hello there."
    assert mistral_sdk.OPERATIONS["create_response_v1_responses_post"].source == "supplement"
