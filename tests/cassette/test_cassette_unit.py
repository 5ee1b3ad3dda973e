"""Cassette behaviours on an in-process transport: modes, matching, the error a
replay shows, redaction, bodies, and a client of the caller's own."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import (
    AsyncCassetteTransport,
    Cassette,
    CassetteError,
    CassetteTransport,
    UnmatchedRequestError,
    cassette,
)

KEY = "sk-unit-0123456789abcdef"
MESSAGES = [{"role": "user", "content": "hi"}]


def completion(text: str) -> dict[str, Any]:
    return {
        "id": "c1", "object": "chat.completion", "model": "m", "created": 1,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }  # fmt: skip


class Server:
    """An in-process API: answers chat with a counter, so that replays show which one."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        if request.url.path == "/v1/secret":
            body = {"client_secret": {"value": "cs-9876543210", "expires_at": "2030-01-01T00:00:00Z"},
                    "logprobs": [{"token": "hi"}], "echo": KEY}  # fmt: skip
            return httpx2.Response(200, json=body, headers={"set-cookie": "session=abcdef123456"})
        if request.url.path == "/v1/gzip":
            data = gzip.compress(json.dumps({"ok": True}).encode())
            return httpx2.Response(
                200,
                content=data,
                headers={"content-encoding": "gzip", "content-type": "application/json"},
            )
        return httpx2.Response(200, json=completion(f"answer {self.calls}"))


def recording(path: Path, server: Server, **options: Any) -> tuple[Cassette, Mistral]:
    tape = cassette(path, **{"mode": "record", **options})
    transport = CassetteTransport(tape, wrapped=httpx2.MockTransport(server))
    return tape, Mistral(
        api_key=KEY, base_url="https://api.example", http_client=httpx2.Client(transport=transport)
    )


def ask(client: Mistral, text: str = "hi") -> str:
    reply = client.chat.complete(model="m", messages=[{"role": "user", "content": text}])
    return str(reply.choices[0].message.content)


def record(path: Path, *texts: str, **options: Any) -> None:
    tape, client = recording(path, Server(), **options)
    with tape, client:
        for text in texts:
            ask(client, text)


def test_replay_answers_in_recorded_order_once_each(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record(path, "hi", "hi")
    with cassette(path) as tape:
        assert [ask(tape.client), ask(tape.client)] == ["answer 1", "answer 2"]
        with pytest.raises(UnmatchedRequestError, match="played already"):
            ask(tape.client)


def test_allow_repeats(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record(path, "hi")
    with cassette(path, allow_repeats=True) as tape:
        assert [ask(tape.client) for _ in range(3)] == ["answer 1"] * 3
        assert tape.all_played


def test_unmatched_request_names_request_cassette_and_difference(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record(path, "hi")
    with cassette(path) as tape, pytest.raises(UnmatchedRequestError) as error:
        ask(tape.client, "bye")
    message = str(error.value)
    assert message.startswith(f"POST /v1/chat/completions is not in cassette {path}")
    assert '"content": "hi"' in message and '"content": "bye"' in message
    assert "--mistral-record" in message
    assert error.value.method == "POST" and error.value.cassette == path
    assert error.value.url == "https://api.mistral.ai/v1/chat/completions"
    assert not tape.all_played


def test_replay_of_a_missing_cassette_says_so(tmp_path: Path) -> None:
    path = tmp_path / "none.jsonl"
    with cassette(path) as tape, pytest.raises(UnmatchedRequestError, match="does not exist"):
        ask(tape.client)
    assert not path.exists()


def test_unmatched_error_is_not_an_api_error(tmp_path: Path) -> None:
    """Application code that handles MistralError must not swallow a cassette miss."""
    from mistral_sdk import MistralError

    assert not issubclass(UnmatchedRequestError, MistralError)
    assert issubclass(UnmatchedRequestError, CassetteError)


def test_once_records_a_missing_cassette_then_replays(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "once.jsonl"
    server = Server()
    tape, client = recording(path, server, mode="once")
    assert tape.recording
    with tape, client:
        ask(client)
    assert path.exists() and server.calls == 1
    again = cassette(path, mode="once")
    assert not again.recording
    with again:
        assert ask(again.client) == "answer 1"


def test_record_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record(path, "one", "two")
    record(path, "three")
    with cassette(path) as tape:
        with pytest.raises(UnmatchedRequestError):
            ask(tape.client, "one")
        assert ask(tape.client, "three") == "answer 1"


@pytest.mark.parametrize(
    ("match_on", "sent", "answered"),
    [
        (["method", "path"], "something else", True),  # the body is not looked at
        (["method", "path", "query", "body"], "something else", False),
        ([lambda recorded, live: recorded["json"]["model"] == live["json"]["model"]], "x", True),
    ],
)
def test_match_on(tmp_path: Path, match_on: list[Any], sent: str, answered: bool) -> None:
    path = tmp_path / "c.jsonl"
    record(path, "hi")
    with cassette(path, match_on=match_on) as tape:
        if answered:
            assert ask(tape.client, sent) == "answer 1"
        else:
            with pytest.raises(UnmatchedRequestError):
                ask(tape.client, sent)


def test_bad_options_are_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="match_on: unknown rule 'url'"):
        cassette(tmp_path / "c.jsonl", match_on=["url"])
    with pytest.raises(TypeError, match="match_on: expected a list"):
        cassette(tmp_path / "c.jsonl", match_on="path")
    with pytest.raises(ValueError, match="mode: expected one of record, replay, once"):
        cassette(tmp_path / "c.jsonl", mode="all")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="redact_headers: expected a list"):
        cassette(tmp_path / "c.jsonl", redact_headers="x-tenant")


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("not json\n", "c.jsonl:1: not JSON"),
        ('{"cassette": 99}\n', "cassette format 99"),
        (
            '{"request": {"method": "GET"}}\n',
            "c.jsonl:1: an exchange needs request.method and request.url",
        ),
        ('{"request": {"method": "GET", "url": "http://x/"}}\n', "needs a response or an error"),
    ],
)
def test_a_broken_file_is_an_error_naming_the_line(
    tmp_path: Path, content: str, error: str
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(content)
    with cassette(path) as tape, pytest.raises(CassetteError, match=error):
        ask(tape.client)


def test_secrets_in_headers_bodies_and_cookies(tmp_path: Path) -> None:
    """The key is scrubbed wherever it shows (here: echoed in a response), secret fields
    and cookies are redacted, and fields that only look like one (`token`) are kept."""
    path = tmp_path / "c.jsonl"
    tape, client = recording(path, Server())
    with tape, client:
        client.get("/v1/secret")
    data = path.read_bytes()
    for secret in (KEY, b"cs-9876543210", b"abcdef123456"):
        assert (secret if isinstance(secret, bytes) else secret.encode()) not in data
    (exchange,) = [json.loads(line) for line in data.splitlines()][1:]
    body = exchange["response"]["json"]
    assert body["client_secret"] == {"value": "REDACTED", "expires_at": "2030-01-01T00:00:00Z"}
    assert body["logprobs"] == [{"token": "hi"}] and body["echo"] == "REDACTED"
    assert exchange["response"]["headers"]["set-cookie"] == "REDACTED"


def test_compressed_response_is_recorded_decoded(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    tape, client = recording(path, Server())
    with tape, client:
        assert client.get("/v1/gzip") == {"ok": True}
    (exchange,) = [json.loads(line) for line in path.read_text().splitlines()][1:]
    assert exchange["response"] == {
        "status": 200,
        "headers": {"content-type": "application/json"},
        "json": {"ok": True},
    }
    with cassette(path) as replay:
        assert replay.client.get("/v1/gzip") == {"ok": True}


def test_a_transport_error_is_recorded_and_raised_again(tmp_path: Path) -> None:
    from mistral_sdk import APIConnectionError

    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    path = tmp_path / "c.jsonl"
    tape = cassette(path, mode="record")
    transport = CassetteTransport(tape, wrapped=httpx2.MockTransport(refuse))
    with (
        tape,
        Mistral(
            api_key=KEY, max_retries=0, http_client=httpx2.Client(transport=transport)
        ) as client,
        pytest.raises(APIConnectionError),
    ):
        ask(client)
    with cassette(path) as replay, pytest.raises(APIConnectionError) as error:
        replay.client.with_options(max_retries=0).chat.complete(model="m", messages=MESSAGES)
    assert isinstance(error.value.__cause__, httpx2.ConnectError)
    assert "connection refused" in str(error.value.__cause__)


async def test_own_async_client_on_the_transport(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record(path, "hi")
    async with cassette(path) as tape:
        assert isinstance(tape.async_transport, AsyncCassetteTransport)
        http = httpx2.AsyncClient(transport=tape.async_transport)
        async with AsyncMistral(api_key="any", http_client=http) as client:
            reply = await client.chat.complete(model="m", messages=MESSAGES)
        assert reply.choices[0].message.content == "answer 1"


def test_replay_needs_no_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    path = tmp_path / "c.jsonl"
    record(path, "hi")
    with cassette(path) as tape:
        assert ask(tape.client) == "answer 1"


def test_cassettes_import_no_pytest() -> None:
    """`mistral_sdk.testing.cassette` works in unittest and notebooks: pytest is
    imported by the fixture's module only."""
    import subprocess
    import sys

    code = "import sys, mistral_sdk.testing; print('pytest' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
