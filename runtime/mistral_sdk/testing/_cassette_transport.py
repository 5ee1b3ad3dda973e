"""The httpx2 transports of a cassette: the real transport wrapped (record) or none (replay).

What to record and what to answer is the `Cassette`'s; here is only the I/O around
it, once blocking and once async.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx2

from ._cassette_format import StreamRecorder, is_event_stream

if TYPE_CHECKING:
    from ._cassette import Cassette, _Slot

__all__ = ["AsyncCassetteTransport", "CassetteTransport", "ReplayStream"]

# Hop-by-hop and wire-encoding headers: the body handed on is already decoded.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


class CassetteTransport(httpx2.BaseTransport):
    """Sends through `cassette`: records what `wrapped` answers (record mode; default
    a plain `httpx2.HTTPTransport()`), or answers from the file (replay mode)."""

    def __init__(self, cassette: Cassette, wrapped: httpx2.BaseTransport | None = None) -> None:
        self.cassette = cassette
        self._wrapped = wrapped

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        cassette = self.cassette
        if not cassette.recording:
            return cassette._replay(request, body)
        if self._wrapped is None:
            self._wrapped = httpx2.HTTPTransport()
        slot = cassette._record_request(request, body)
        try:
            response = self._wrapped.handle_request(request)
            if is_event_stream(response.headers):
                stream = _TeeStream(response, cassette._record_stream(slot, response))
                return _passed_on(response, stream=stream)
            content = response.read()
        except httpx2.TransportError as exc:
            cassette._record_error(slot, exc)
            raise
        cassette._record_response(slot, response, content)
        return _passed_on(response, content=content)

    def close(self) -> None:
        if self._wrapped is not None:
            self._wrapped.close()


class AsyncCassetteTransport(httpx2.AsyncBaseTransport):
    """The async twin of `CassetteTransport`. Its default real transport keeps no idle
    connection, so that a client left open by a test holds no socket after it."""

    def __init__(
        self, cassette: Cassette, wrapped: httpx2.AsyncBaseTransport | None = None
    ) -> None:
        self.cassette = cassette
        self._wrapped = wrapped

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        cassette = self.cassette
        if not cassette.recording:
            return cassette._replay(request, body)
        if self._wrapped is None:
            limits = httpx2.Limits(max_keepalive_connections=0)
            self._wrapped = httpx2.AsyncHTTPTransport(limits=limits)
        slot: _Slot = cassette._record_request(request, body)
        try:
            response = await self._wrapped.handle_async_request(request)
            if is_event_stream(response.headers):
                stream = _AsyncTeeStream(response, cassette._record_stream(slot, response))
                return _passed_on(response, stream=stream)
            content = await response.aread()
        except httpx2.TransportError as exc:
            cassette._record_error(slot, exc)
            raise
        cassette._record_response(slot, response, content)
        return _passed_on(response, content=content)

    async def aclose(self) -> None:
        if self._wrapped is not None:
            await self._wrapped.aclose()


def _passed_on(
    response: httpx2.Response,
    *,
    content: bytes | None = None,
    stream: httpx2.SyncByteStream | httpx2.AsyncByteStream | None = None,
) -> httpx2.Response:
    """The real response as the client gets it: its body decoded, so without the
    headers that describe the encoding on the wire."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
    extensions = {
        k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")
    }
    if stream is not None:
        return httpx2.Response(
            response.status_code, headers=headers, stream=stream, extensions=extensions
        )
    return httpx2.Response(
        response.status_code, headers=headers, content=content, extensions=extensions
    )


class _TeeStream(httpx2.SyncByteStream):
    """A real event stream handed on chunk by chunk, each chunk also recorded."""

    def __init__(self, response: httpx2.Response, recorder: StreamRecorder) -> None:
        self._response = response
        self._recorder = recorder

    def __iter__(self) -> Iterator[bytes]:
        with self._recorder.reading():
            for chunk in self._response.iter_bytes():
                self._recorder.feed(chunk)
                yield chunk

    def close(self) -> None:
        self._recorder.end()
        self._response.close()


class _AsyncTeeStream(httpx2.AsyncByteStream):
    def __init__(self, response: httpx2.Response, recorder: StreamRecorder) -> None:
        self._response = response
        self._recorder = recorder

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with self._recorder.reading():
            async for chunk in self._response.aiter_bytes():
                self._recorder.feed(chunk)
                yield chunk

    async def aclose(self) -> None:
        self._recorder.end()
        await self._response.aclose()


class ReplayStream(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A recorded event stream, one chunk per event, then the recorded error if it was cut."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self._chunks = chunks
        self._error = error

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks
        if self._error is not None:
            raise self._error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk
        if self._error is not None:
            raise self._error
