"""Test your own code that calls Mistral, offline: record the real answers once, replay
them in CI (mistral_sdk.testing, docs/testing.md "Record and replay").

Needs: mistral-sdk, pytest and pytest-asyncio (`make venv`); a key only to record.

    pytest examples/test_with_cassette.py                     # replay: no key, no network
    MISTRAL_API_KEY=... pytest examples/test_with_cassette.py --mistral-record
                                                              # call the API, rewrite the cassettes

Each test's exchanges are in examples/cassettes/test_with_cassette/<test>.jsonl (JSON
Lines, streams event by event, the key and tokens redacted): commit them with the test.
"""

from __future__ import annotations

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import Cassette

MODEL = "mistral-small-latest"


# -- the application's code under test ---------------------------------------------


def summarize(client: Mistral, text: str) -> str:
    """One line about `text`."""
    reply = client.chat.complete(
        model=MODEL, messages=[{"role": "user", "content": f"Summarize in one line: {text}"}]
    )
    return reply.output_text.strip()


def stream_words(client: Mistral, text: str) -> tuple[int, str]:
    """How many chunks a streamed answer came in, and the whole answer."""
    with client.chat.stream(model=MODEL, messages=[{"role": "user", "content": text}]) as stream:
        chunks = sum(1 for _ in stream)
        return chunks, stream.final().output_text


async def asummarize(client: AsyncMistral, text: str) -> str:
    reply = await client.chat.complete(
        model=MODEL, messages=[{"role": "user", "content": f"Summarize in one line: {text}"}]
    )
    return reply.output_text.strip()


# -- its tests: `mistral_cassette` is a cassette named after each test ------------------


def test_summarize(mistral_cassette: Cassette) -> None:
    summary = summarize(mistral_cassette.client, "Cassettes keep HTTP exchanges for tests.")
    assert summary and "\n" not in summary


def test_stream(mistral_cassette: Cassette) -> None:
    chunks, answer = stream_words(mistral_cassette.client, "Say three words")
    assert chunks > 1 and answer


async def test_async_summarize(mistral_cassette: Cassette) -> None:
    summary = await asummarize(mistral_cassette.async_client, "Replays need no network.")
    assert summary and "\n" not in summary
