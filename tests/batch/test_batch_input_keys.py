"""Batch input is checked like a call's arguments, before anything is uploaded (issue
26, point 2): an unknown key or a missing required field is a `BatchInputError` that
names the custom id, the line and the full path of the field."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx2
import msgspec
import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, models
from mistral_sdk.batch import BatchInputError, BatchLimits, endpoint
from mistral_sdk.batch._plan import InputWriter

CHAT = endpoint("/v1/chat/completions")
EMBED = endpoint("/v1/embeddings")
USER = {"role": "user", "content": "hi"}


def _writer(tmp_path: Path, where: Any = CHAT) -> InputWriter:
    return InputWriter(where, tmp_path, BatchLimits(), model="m")


@pytest.mark.parametrize(
    ("request_", "field", "hint"),
    [
        ({"messages": [USER], "temprature": 0.2}, "temprature", "did you mean 'temperature'?"),
        ({"messages": [{"role": "user", "contnet": "hi"}]}, "messages[0].contnet", "'content'"),
        ({"messages": [{"role": "user"}]}, "messages[0].content", "missing required field"),
        ({"mesages": [USER]}, "mesages", "did you mean 'messages'?"),
    ],
)
def test_a_mistake_names_the_custom_id_line_and_path(
    tmp_path: Path, request_: dict[str, Any], field: str, hint: str
) -> None:
    w = _writer(tmp_path)
    w.add("q1", {"messages": [USER]})
    with pytest.raises(BatchInputError) as caught:
        w.add("q7", request_)
    error = caught.value
    assert (error.custom_id, error.line, error.field) == ("q7", 2, field)
    assert str(error).startswith("request 'q7' (line 2): ") and hint in str(error)


def test_lines_of_a_jsonl_file_are_checked_too(tmp_path: Path) -> None:
    w = _writer(tmp_path)
    line = {"custom_id": "from-file", "body": {"messages": [USER], "max_token": 5}}
    with pytest.raises(BatchInputError, match="did you mean 'max_tokens'") as caught:
        w.add_line(msgspec.json.encode(line))
    assert caught.value.custom_id == "from-file" and caught.value.field == "max_token"


def test_other_endpoints_are_checked_by_their_own_request_model(tmp_path: Path) -> None:
    w = _writer(tmp_path, EMBED)
    w.add("ok", {"input": "x"})
    with pytest.raises(BatchInputError, match="`inputs`: unknown field; did you mean 'input'"):
        w.add("typo", {"inputs": "x"})


def test_with_extra_fields_is_written_with_its_extra_fields(tmp_path: Path) -> None:
    w = _writer(tmp_path)
    w.add("top", mistral_sdk.with_extra_fields({"messages": [USER]}, new_knob=1))
    nested = mistral_sdk.with_extra_fields(USER, cache_hint="long")
    w.add("nested", {"messages": [nested]})
    w.add(
        "typed", models.ChatCompletionRequest(model="m", messages=[models.UserMessage(content="x")])
    )
    lines = [msgspec.json.decode(x) for x in w.finish()[0].paths[0].read_bytes().splitlines()]
    assert lines[0]["body"] == {"messages": [USER], "new_knob": 1}
    assert lines[1]["body"]["messages"] == [{**USER, "cache_hint": "long"}]
    with pytest.raises(BatchInputError, match=r"'bad'.*`temprature`"):
        w.add("bad", mistral_sdk.with_extra_fields({"messages": [USER], "temprature": 1}, x=1))


def _nothing_is_sent(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError(f"{request.method} {request.url} sent despite a bad batch input")


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_submit_refuses_before_uploading(mode: str, tmp_path: Path) -> None:
    requests = [("q1", {"messages": [USER]}), ("q2", {"messages": [USER], "temprature": 0.2})]
    transport = httpx2.MockTransport(_nothing_is_sent)
    options: dict[str, Any] = {
        "endpoint": "/v1/chat/completions",
        "model": "m",
        "directory": tmp_path,
    }
    with pytest.raises(BatchInputError) as caught:
        if mode == "sync":
            client = Mistral(api_key="k", http_client=httpx2.Client(transport=transport))
            client.batch.submit(requests, **options)
        else:
            aclient = AsyncMistral(api_key="k", http_client=httpx2.AsyncClient(transport=transport))
            asyncio.run(aclient.batch.submit(requests, **options))
    assert caught.value.custom_id == "q2" and caught.value.field == "temprature"
