"""Point 8 of issue 11: fields the spec does not declare are reachable."""

from __future__ import annotations

import gc
import json

import httpx2
import pytest
from tolerance_helpers import CHUNK, Api, sse_reply

import mistral_sdk
from mistral_sdk import models
from mistral_sdk._codec import sources, sweep_sources

REPLY = {
    "id": "r1",
    "object": "chat.completion",
    "model": "m",
    "created": 1,
    "usage": {
        "prompt_tokens": 10,
        "completion_tokens": 2,
        "total_tokens": 12,
        "prompt_tokens_details": {"cached_tokens": 8},
    },
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hi"},
            "finish_reason": "stop",
            "logprobs": {"content": [{"token": "Hi", "logprob": -0.1}]},
        }
    ],
    "brand_new": [1, 2],
}
MESSAGES = [{"role": "user", "content": "x"}]


def test_undeclared_fields_of_a_response_and_of_models_inside_it(mode: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(200, json=REPLY))
    reply = api.call("chat.complete", model="m", messages=MESSAGES)
    assert mistral_sdk.extra_fields(reply) == {"brand_new": [1, 2]}
    assert mistral_sdk.extra_fields(reply.usage) == {"prompt_tokens_details": {"cached_tokens": 8}}
    assert mistral_sdk.extra_fields(reply.choices[0]) == {
        "logprobs": {"content": [{"token": "Hi", "logprob": -0.1}]}
    }
    assert mistral_sdk.extra_fields(reply.choices[0].message) == {}  # all declared


def test_stream_events_keep_theirs(mode: str) -> None:
    chunk = {**CHUNK, "p": "padding"}
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
    (event,) = Api(mode, sse_reply(body)).events("chat.stream", model="m", messages=MESSAGES)
    assert mistral_sdk.extra_fields(event.data) == {"p": "padding"}


def test_tag_fields_and_unknown_variants_are_not_extra() -> None:
    chunk = mistral_sdk.decode(b'{"type": "text", "text": "a", "new": 1}', models.TextChunk)
    assert mistral_sdk.extra_fields(chunk) == {"new": 1}
    unknown = mistral_sdk.Unknown({"type": "x"})
    assert mistral_sdk.extra_fields(unknown) == {}


def test_models_built_in_code_have_none_to_read() -> None:
    usage = models.UsageInfo(prompt_tokens=1, completion_tokens=1, total_tokens=2)
    with pytest.raises(ValueError, match="not decoded from a server's answer"):
        mistral_sdk.extra_fields(usage)
    with pytest.raises(TypeError, match="takes a model"):
        mistral_sdk.extra_fields({"a": 1})


def test_the_json_goes_with_its_model() -> None:
    """The kept JSON lives as long as its model (counted by its own bytes: other tests'
    background threads may decode meanwhile)."""
    data = json.dumps({**REPLY, "id": f"cmpl-{id(object())}"}).encode()

    def held() -> int:
        return sum(1 for entry in list(sources.values()) if entry[1] == data)

    reply = mistral_sdk.decode(data, models.ChatCompletionResponse)
    assert held() == 1
    del reply
    gc.collect()
    sweep_sources()
    assert held() == 0


def test_dead_entries_are_swept_as_documents_are_decoded() -> None:
    data = json.dumps(REPLY)
    for _ in range(5000):  # none kept: the table stays small
        mistral_sdk.decode(data, models.ChatCompletionResponse)
    assert len(sources) <= 2048
    kept = [mistral_sdk.decode(data, models.ChatCompletionResponse) for _ in range(3000)]
    assert len(sources) >= 3000  # live ones are never swept
    assert mistral_sdk.extra_fields(kept[0]) == {"brand_new": [1, 2]}
