"""Point 4 of issue 11: event streams as servers really send them."""

from __future__ import annotations

import json

import pytest
from tolerance_helpers import CHUNK, Api, sse_reply

from mistral_sdk import IncompleteStreamError, models
from mistral_sdk._sse import SSEDecoder

MESSAGES = [{"role": "user", "content": "x"}]


def chat(mode: str, body: str) -> list[models.CompletionEvent]:
    return Api(mode, sse_reply(body)).events("chat.stream", model="m", messages=MESSAGES)


@pytest.mark.parametrize("done", ["[DONE]", " [DONE] ", "[DONE]\t", "  [DONE]"])
def test_done_with_whitespace_ends_the_stream(mode: str, done: str) -> None:
    body = f"data: {json.dumps(CHUNK)}\n\ndata: {done}\n\n"
    events = chat(mode, body)
    assert [e.data.id for e in events] == ["c1"]  # ended, not an undecodable event


def test_last_event_without_its_blank_line_is_dispatched(mode: str) -> None:
    # a recorded chat stream ends `data: [DONE]\n`
    body = f"data: {json.dumps(CHUNK)}\n\ndata: [DONE]\n"
    assert len(chat(mode, body)) == 1
    last_chunk = f"data: {json.dumps(CHUNK)}\n\ndata: {json.dumps({**CHUNK, 'id': 'c2'})}\n"
    with pytest.raises(IncompleteStreamError) as caught:  # no [DONE]: still cut
        chat(mode, last_chunk)
    assert [e.data.id for e in caught.value.events] == ["c1", "c2"]


def test_a_line_cut_mid_way_is_still_incomplete(mode: str) -> None:
    body = f'data: {json.dumps(CHUNK)}\n\ndata: {{"id": "c2", "obj'
    with pytest.raises(IncompleteStreamError) as caught:
        chat(mode, body)
    assert len(caught.value.events) == 1 and caught.value.partial == 'data: {"id": "c2", "obj'


def test_decoder_end_rules() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\ndata: b\n") == []
    (event,) = decoder.end()
    assert event.data == "a\nb"
    assert decoder.close() == ""
    cut = SSEDecoder()
    cut.feed(b"data: a\ndata: b")
    assert cut.end() == [] and cut.close() == "a\ndata: b"


DELTA = {
    "type": "message.output.delta",
    "created_at": "2026-01-01T00:00:00Z",
    "output_index": 0,
    "id": "msg-1",
    "content_index": 0,
    "content": "Hel",
}
DONE = {
    "type": "conversation.response.done",
    "created_at": "2026-01-01T00:00:01Z",
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


def test_conversation_event_without_event_line_takes_its_name_from_data(mode: str) -> None:
    body = f"data: {json.dumps(DELTA)}\n\nevent: conversation.response.done\ndata: {json.dumps(DONE)}\n\n"
    api = Api(mode, sse_reply(body))
    events = api.events("beta.conversations.start_stream", inputs="hi", model="m")
    assert [e.event for e in events] == ["message.output.delta", "conversation.response.done"]
    assert isinstance(events[0].data, models.MessageOutputEvent)
    assert events[0].data.content == "Hel"


def test_speech_event_without_event_line(mode: str) -> None:
    delta = {"type": "speech.audio.delta", "audio_data": "AAAA"}
    done = {"type": "speech.audio.done", "usage": {"prompt_tokens": 1, "total_tokens": 1}}
    body = f"data: {json.dumps(delta)}\n\ndata: {json.dumps(done)}\n\n"
    api = Api(mode, sse_reply(body))
    events = api.events("audio.speech.stream", input="hi", model="m")
    assert [e.event for e in events] == ["speech.audio.delta", "speech.audio.done"]


def test_an_untagged_event_without_event_line_still_fails(mode: str) -> None:
    from mistral_sdk import APIResponseValidationError

    body = 'data: {"no": "tag"}\n\n'
    api = Api(mode, sse_reply(body))
    with pytest.raises(APIResponseValidationError, match="event"):
        api.events("beta.conversations.start_stream", inputs="hi", model="m")
