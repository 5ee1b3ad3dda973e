"""Stream / AsyncStream over real httpx2 responses (MockTransport)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import msgspec
import pytest
from runtime_helpers import Harness

from mistral_sdk._errors import APIConnectionError, APIError, APIResponseValidationError
from mistral_sdk._response import SSEResponse
from mistral_sdk._streaming import AsyncStream, Stream


class Chunk(msgspec.Struct):
    id: str
    n: int = 0


class Envelope(msgspec.Struct):
    event: str
    data: Any
    id: str | None = None


CHAT = b'data: {"id":"a","n":1}\n\ndata: {"id":"b","n":2}\n\ndata: [DONE]\n\n'


class Body(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A response body sent in the given chunks; records whether it was closed."""

    def __init__(self, chunks: list[bytes], fail_after: int | None = None) -> None:
        self.chunks = chunks
        self.fail_after = fail_after
        self.closed = False

    def _gen(self) -> Iterator[bytes]:
        for i, chunk in enumerate(self.chunks):
            if self.fail_after is not None and i >= self.fail_after:
                raise httpx2.ReadError("connection reset")
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        yield from self._gen()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._gen():
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def sse(body: Body) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["accept"] == "text/event-stream"
        return httpx2.Response(200, stream=body, headers={"content-type": "text/event-stream"})

    return handler


def collect(h: Harness, spec: SSEResponse[Any], *, stop_after: int | None = None) -> Any:
    """Iterate the stream; return (events, stream)."""
    if h.mode == "sync":
        stream = h.client.request("POST", "/v1/chat", response=spec)
        assert isinstance(stream, Stream)
        out = []
        with stream:
            for event in stream:
                out.append(event)
                if stop_after is not None and len(out) >= stop_after:
                    break
        return out, stream

    async def main() -> Any:
        stream = await h.client.request("POST", "/v1/chat", response=spec)
        assert isinstance(stream, AsyncStream)
        out = []
        async with stream:
            async for event in stream:
                out.append(event)
                if stop_after is not None and len(out) >= stop_after:
                    break
        return out, stream

    return asyncio.run(main())


def test_data_mode_with_done_marker(mode: str) -> None:
    body = Body([CHAT, b'data: {"id":"never"}\n\n'])
    events, stream = collect(Harness(mode, sse(body)), SSEResponse(Chunk, done_marker="[DONE]"))
    assert events == [Chunk("a", 1), Chunk("b", 2)]
    assert stream.response.is_closed and body.closed


def test_exhausted_stream_releases_connection(mode: str) -> None:
    body = Body([CHAT[:10], CHAT[10:25], CHAT[25:]])
    events, stream = collect(Harness(mode, sse(body)), SSEResponse(Chunk, done_marker="[DONE]"))
    assert len(events) == 2
    assert stream.response.is_closed and body.closed


def test_break_inside_with_releases_connection(mode: str) -> None:
    body = Body([CHAT] * 5)
    events, stream = collect(Harness(mode, sse(body)), SSEResponse(Chunk), stop_after=1)
    assert events == [Chunk("a", 1)]
    assert stream.response.is_closed and body.closed


def test_close_without_iterating() -> None:
    body = Body([CHAT])
    h = Harness("sync", sse(body))
    stream = h.client.request("POST", "/v1/chat", response=SSEResponse(Chunk))
    stream.close()
    stream.close()  # idempotent
    assert stream.response.is_closed and body.closed


def test_next_works() -> None:
    h = Harness("sync", sse(Body([CHAT])))
    stream = h.client.request("POST", "/v1/chat", response=SSEResponse(Chunk, done_marker="[DONE]"))
    assert next(stream) == Chunk("a", 1)
    stream.close()


def test_envelope_mode(mode: str) -> None:
    raw = (
        b'event: conversation.response.started\nid: 1\ndata: {"x": 1}\n\n'
        b"event: message.output.delta\ndata: not json\n\n"
        b"event: conversation.response.done\ndata: {}\n\n"
        b"event: after.terminal\ndata: {}\n\n"
    )
    body = Body([raw])
    spec = SSEResponse(Envelope, envelope=True, terminal=("conversation.response.done",))
    events, stream = collect(Harness(mode, sse(body)), spec)
    assert events == [
        Envelope("conversation.response.started", {"x": 1}, "1"),
        Envelope("message.output.delta", "not json", "1"),
        Envelope("conversation.response.done", {}, "1"),
    ]
    assert stream.response.is_closed


@pytest.mark.parametrize(
    "raw",
    [
        b'event: error\ndata: {"message": "overloaded"}\n\n',
        b'data: {"object": "error", "message": "overloaded"}\n\n',
        b'data: {"error": {"message": "overloaded", "code": 1}}\n\n',
    ],
)
def test_error_events_raise(mode: str, raw: bytes) -> None:
    body = Body([b'data: {"id":"a"}\n\n', raw, b'data: {"id":"b"}\n\n'])
    with pytest.raises(APIError, match="overloaded") as info:
        collect(Harness(mode, sse(body)), SSEResponse(Chunk))
    assert info.value.request is not None
    assert body.closed


def test_content_mentioning_error_is_fine(mode: str) -> None:
    body = Body(
        [b'data: {"id":"the \\"error\\" word","n":1}\n\ndata: {"id":"x","meta":{"error":1}}\n\n']
    )
    events, _ = collect(Harness(mode, sse(body)), SSEResponse(Chunk))
    assert [e.id for e in events] == ['the "error" word', "x"]


def test_undecodable_event(mode: str) -> None:
    body = Body([b'data: {"id": 5}\n\n'])
    with pytest.raises(APIResponseValidationError) as info:
        collect(Harness(mode, sse(body)), SSEResponse(Chunk))
    assert info.value.body == '{"id": 5}'
    assert body.closed


def test_connection_cut_mid_stream(mode: str) -> None:
    body = Body([b'data: {"id":"a"}\n\n', b'data: {"id":"b"}\n\n'], fail_after=1)
    with pytest.raises(APIConnectionError):
        collect(Harness(mode, sse(body)), SSEResponse(Chunk))
    assert body.closed


def test_raw_stream_request_headers(mode: str) -> None:
    # A non-2xx answer to a streaming call is read and raised as usual.
    h = Harness(mode, lambda r: httpx2.Response(429, json={"message": "slow down"}), max_retries=0)
    with pytest.raises(APIError, match="slow down"):
        collect(h, SSEResponse(Chunk))
