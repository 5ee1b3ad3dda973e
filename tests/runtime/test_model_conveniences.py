"""Every model converts (`to_dict`, `to_json`), shows only its set fields in `repr`,
and messages and responses have a typed text (`message.text`, `response.output_text`)."""

from __future__ import annotations

import datetime as dt
import json

import msgspec

from mistral_sdk import decode, encode, models
from mistral_sdk._model import Model

RESPONSE = {
    "id": "c1",
    "object": "chat.completion",
    "model": "m",
    "created": 1,
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {
                "role": "assistant",
                "content": [{"type": "text", "text": "Bon"}, {"type": "text", "text": "jour"}],
            },
        }
    ],
}


def test_every_generated_model_derives_from_model() -> None:
    structs = [getattr(models, n) for n in dir(models) if isinstance(getattr(models, n), type)]
    structs = [s for s in structs if issubclass(s, msgspec.Struct)]
    assert len(structs) > 500
    assert all(issubclass(s, Model) for s in structs)


def test_to_dict_is_json_ready_and_leaves_unset_fields_out() -> None:
    response = decode(json.dumps(RESPONSE), models.ChatCompletionResponse)
    data = response.to_dict()
    assert data == RESPONSE  # wire names; the tag (`role`) back in place; nothing added
    assert "prefix" not in data["choices"][0]["message"]  # never set
    assert json.loads(response.to_json()) == RESPONSE
    assert isinstance(response.to_json(), str)
    assert response.to_json(indent=2).startswith('{\n  "id"')
    assert encode(response) == response.to_json().encode()


def test_to_dict_converts_datetimes_and_keeps_none_and_unknown_variants() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    entry = models.MessageOutputEntry(content="hi", created_at=when, agent_id=None)
    assert entry.to_dict() == {
        "type": "message.output",
        "object": "entry",
        "created_at": "2026-01-02T03:04:05Z",
        "agent_id": None,  # set (to null): kept
        "role": "assistant",
        "content": "hi",
    }
    event = decode(
        '{"event": "x.new", "data": {"type": "x.new", "n": 1}}', models.ConversationEvents
    )
    assert event.to_dict() == {"event": "x.new", "data": {"type": "x.new", "n": 1}}


def test_repr_shows_set_fields_only() -> None:
    message = models.AssistantMessage(content="hi")
    assert repr(message) == "AssistantMessage(content='hi')"
    assert "UNSET" not in repr(decode(json.dumps(RESPONSE), models.ChatCompletionResponse))
    assert repr(models.AssistantMessage(content=None)) == "AssistantMessage(content=None)"


def test_text_conveniences() -> None:
    response = decode(json.dumps(RESPONSE), models.ChatCompletionResponse)
    assert response.output_text == "Bonjour"
    message = response.choices[0].message
    assert isinstance(message, models.AssistantMessage) and message.text == "Bonjour"
    assert models.AssistantMessage().text == ""
    assert models.AssistantMessage(content=None).text == ""
    assert models.DeltaMessage(content="x").text == "x"
    image = models.ImageURLChunk(image_url="https://x/y.png")
    assert models.AssistantMessage(content=[image]).text == ""  # chunks without text
    conversation = models.ConversationResponse(
        conversation_id="c",
        outputs=[
            models.FunctionCallEntry(tool_call_id="t", name="f", arguments="{}"),
            models.MessageOutputEntry(content="Hello"),
        ],
        usage=models.ConversationUsageInfo(),
    )
    assert conversation.output_text == "Hello"
    assert (
        models.ChatCompletionResponse(
            id="",
            object="",
            model="",
            created=0,
            choices=[],
            usage=models.UsageInfo(prompt_tokens=0, completion_tokens=0, total_tokens=0),
        ).output_text
        == ""
    )
