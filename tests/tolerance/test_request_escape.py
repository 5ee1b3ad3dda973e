"""Point 6 of issue 11: a request value the spec does not allow, and the way out."""

from __future__ import annotations

import json

import httpx2
import pytest
from answers import CHAT_COMPLETION
from tolerance_helpers import Api

import mistral_sdk

REPLY = CHAT_COMPLETION
# The API takes `input_audio` as an object; the spec only allows a string.
AUDIO = {"data": "UklGRg==", "format": "wav"}


def _messages(input_audio: object) -> list[dict[str, object]]:
    return [{"role": "user", "content": [{"type": "input_audio", "input_audio": input_audio}]}]


def test_the_error_names_the_field_and_the_way_out(mode: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(200, json=REPLY))
    with pytest.raises(mistral_sdk.RequestValidationError) as caught:
        api.call("chat.complete", model="m", messages=_messages(AUDIO))
    message = str(caught.value)
    assert "`messages[0].content[0].input_audio`" in message
    assert "mistral_sdk.Unknown(value)" in message and "extra_body=" in message
    assert caught.value.field == "messages[0].content[0].input_audio"
    assert api.sent == []  # refused before sending


def test_unknown_sends_the_value_as_is(mode: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(200, json=REPLY))
    reply = api.call("chat.complete", model="m", messages=_messages(mistral_sdk.Unknown(AUDIO)))
    assert reply.choices[0].message.content == "ok"
    sent = json.loads(api.sent[-1].content)
    assert sent["messages"][0]["content"][0] == {"type": "input_audio", "input_audio": AUDIO}


def test_extra_body_sends_the_field_as_is(mode: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(200, json=REPLY))
    api.call("chat.complete", model="m", messages=[], extra_body={"messages": _messages(AUDIO)})
    assert json.loads(api.sent[-1].content)["messages"] == _messages(AUDIO)


def test_a_typo_in_a_tag_also_points_to_the_way_out(mode: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(200, json=REPLY))
    chunk = {"type": "txet", "text": "hi"}
    with pytest.raises(mistral_sdk.RequestValidationError, match=r"unknown `type` 'txet'.*Unknown"):
        api.call("chat.complete", model="m", messages=[{"role": "user", "content": [chunk]}])
