"""Record against the local mock served over HTTP by its own process, with a key as
if it were the real one; stop the server; replay the same calls from the cassette.
Every test runs with the blocking and the async client (the `mode` fixture)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cassette_helpers import Calls, assert_no_secret, calls_through
from cassette_server import FAKE_KEY, MockProcess

from mistral_sdk import APIConnectionError, RateLimitError, UnprocessableEntityError


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


async def record_then_replay(
    mode: str, mock_process: MockProcess, path: Path, scenario: Any, **options: Any
) -> tuple[Any, Any]:
    """`scenario(calls)` recorded, the server stopped, then replayed: both results."""
    async with calls_through(
        mode, path, "record", mock_process.url, api_key=FAKE_KEY, **options
    ) as (calls, _):
        recorded = await scenario(calls)
    mock_process.stop()
    async with calls_through(mode, path, "replay", mock_process.url, **options) as (calls, tape):
        replayed = await scenario(calls)
        assert tape.all_played
    assert_no_secret(path, FAKE_KEY)
    return recorded, replayed


async def test_chat_complete(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"

    async def scenario(calls: Calls) -> str:
        return await calls.chat("Bonjour")

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed == "(mock) You said: Bonjour"
    header, exchange = lines(path)
    assert header["cassette"] == 1
    request, response = exchange["request"], exchange["response"]
    assert request["method"] == "POST" and request["url"].endswith("/v1/chat/completions")
    assert request["headers"]["authorization"] == "REDACTED"
    assert request["json"]["messages"] == [{"role": "user", "content": "Bonjour"}]
    assert response["status"] == 200
    assert response["json"]["choices"][0]["message"]["content"] == replayed


async def test_chat_stream_final(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"

    async def scenario(calls: Calls) -> tuple[list[str], str]:
        return await calls.chat_stream("one two three")

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed == (["(mock)"], "(mock) You said: one two three")
    (exchange,) = lines(path)[1:]
    events = exchange["response"]["events"]
    # event by event: each chunk's JSON its own item, the end marker as sent
    assert [e["json"]["choices"][0]["delta"]["content"] for e in events[:-2]] == [
        "(mock)", " You", " said:", " one", " two", " three",
    ]  # fmt: skip
    assert events[-1] == {"data": "[DONE]"}


async def test_conversation_stream(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    path = tmp_path / "conversation.jsonl"

    async def scenario(calls: Calls) -> tuple[list[str], str]:
        return await calls.conversation_stream("What is a cassette?")

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed
    kinds, text = replayed
    assert kinds[0] == "ResponseStartedEvent" and kinds[-1] == "ResponseDoneEvent"
    assert text.strip() == "(mock) You said: What is a cassette?"
    (exchange,) = lines(path)[1:]
    events = exchange["response"]["events"]
    assert events[0]["event"] == "conversation.response.started"


async def test_file_upload(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    upload = tmp_path / "batch.jsonl"
    upload.write_bytes(b'{"custom_id": "1", "body": {}}\n' * 3)
    path = tmp_path / "files.jsonl"

    async def scenario(calls: Calls) -> tuple[str, str, int, bytes]:
        return await calls.upload(upload)

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed
    assert replayed[1:] == ("batch.jsonl", upload.stat().st_size, upload.read_bytes())
    sent, fetched = lines(path)[1:]
    parts = {part["name"]: part for part in sent["request"]["multipart"]}
    assert parts["purpose"] == {"name": "purpose", "value": "batch"}
    assert parts["file"]["filename"] == "batch.jsonl"
    assert parts["file"]["size"] == upload.stat().st_size
    assert len(parts["file"]["sha256"]) == 64
    assert "base64" in fetched["response"] or "text" in fetched["response"]


async def test_error_status(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    path = tmp_path / "errors.jsonl"

    async def scenario(calls: Calls) -> tuple[object, str]:
        with pytest.raises(UnprocessableEntityError) as invalid:
            await calls.chat("hi", extra_headers={"x-mock-fault": "422"})
        # a 429, retried (as the recording did) and answered
        answer = await calls.chat("again", extra_headers={"x-mock-fault": "429x1"})
        return invalid.value.detail, answer

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed
    assert replayed[1] == "(mock) You said: again"
    assert [e["response"]["status"] for e in lines(path)[1:]] == [422, 429, 200]


async def test_rate_limit_without_retries(
    mode: str, mock_process: MockProcess, tmp_path: Path
) -> None:
    path = tmp_path / "limited.jsonl"

    async def scenario(calls: Calls) -> str | None:
        with pytest.raises(RateLimitError) as limited:
            await calls.chat("hi", extra_headers={"x-mock-fault": "429"}, max_retries=0)
        return limited.value.response.headers.get("retry-after")

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed == "0"


async def test_cut_stream(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    """A stream the server broke off is recorded with its error, and breaks the same way."""
    path = tmp_path / "cut.jsonl"

    async def scenario(calls: Calls) -> str:
        with pytest.raises(APIConnectionError) as cut:
            await calls.chat_stream("hi", extra_headers={"x-mock-fault": "cut"}, max_retries=0)
        return type(cut.value.__cause__).__name__

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario)
    assert recorded == replayed
    (exchange,) = lines(path)[1:]
    assert exchange["response"]["error"]["type"] == recorded
    assert len(exchange["response"]["events"]) == 1


async def test_secrets_never_written(mode: str, mock_process: MockProcess, tmp_path: Path) -> None:
    """The key (even echoed back in a body), Authorization, tokens, and the header and
    query values named by the user are not in the file's bytes; replay still matches.
    (Replaying, the client has no key to scrub: the test names the one in its prompt.)"""
    path = tmp_path / "secrets.jsonl"
    tenant = "tenant-7f3a9c"
    options = {
        "redact_headers": ["X-Tenant"],
        "redact_query": ["tenant"],
        "redact_values": [FAKE_KEY],
    }

    async def scenario(calls: Calls) -> str:
        return await calls.chat(
            f"my key is {FAKE_KEY}",
            extra_headers={"x-tenant": tenant, "x-session-token": "tok-55aa66bb"},
            extra_query={"tenant": tenant},
        )

    recorded, replayed = await record_then_replay(mode, mock_process, path, scenario, **options)
    # the application saw the real answer; the file, and so the replay, never had the key
    assert recorded == f"(mock) You said: my key is {FAKE_KEY}"
    assert replayed == "(mock) You said: my key is REDACTED"
    assert_no_secret(path, FAKE_KEY, tenant, "tok-55aa66bb", "Bearer")
    (exchange,) = lines(path)[1:]
    headers = exchange["request"]["headers"]
    assert (
        headers["authorization"] == headers["x-tenant"] == headers["x-session-token"] == "REDACTED"
    )
    assert exchange["request"]["url"].endswith("/v1/chat/completions?tenant=REDACTED")
