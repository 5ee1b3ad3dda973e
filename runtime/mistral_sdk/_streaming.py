"""`Stream[T]` / `AsyncStream[T]`: typed events over a streamed httpx response.

The event-to-value logic (`_EventConverter`) is shared; only the loops that
read from the network are written twice. The connection is released when the
stream is exhausted, when it fails, on `close()`, and when a `with` block is
left early.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator, AsyncIterator, Collection, Generator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
import msgspec

from ._codec import decode, encode
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    server_message,
)
from ._sse import ServerSentEvent, SSEDecoder

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")


class _Signal(enum.Enum):
    DONE = 0  # the done marker ended the stream


class _EventConverter(Generic[T]):
    """Turns one `ServerSentEvent` into a `T` (or the end of the stream)."""

    __slots__ = ("_done_marker", "_envelope", "_event_json", "_response", "_type")

    def __init__(
        self, type: Any, envelope: bool, done_marker: str | None, response: httpx.Response
    ) -> None:
        self._type = type
        self._envelope = envelope
        self._done_marker = done_marker
        self._response = response
        # Event names repeat; their JSON spelling is computed once each.
        self._event_json: dict[str, str] = {}

    def convert(self, sse: ServerSentEvent) -> T | _Signal:
        data = sse.data
        if data == self._done_marker:
            return _Signal.DONE
        if sse.event == "error":
            raise self._error(data)
        # Cheap pre-check so that ordinary events never build a dict.
        if '"error"' in data:
            self._check_error(data)
        try:
            if self._envelope:
                return self._decode_envelope(sse)
            return decode(data, self._type)  # type: ignore[no-any-return]
        except msgspec.MsgspecError as exc:
            raise APIResponseValidationError(
                f"stream event does not match the expected type: {exc}",
                response=self._response,
                body=data,
            ) from None

    def _decode_envelope(self, sse: ServerSentEvent) -> T:
        # The whole event as one JSON text, decoded once into T.
        head = "{"
        if sse.event is not None:
            event_json = self._event_json.get(sse.event)
            if event_json is None:
                event_json = self._event_json[sse.event] = encode(sse.event).decode()
            head += f'"event":{event_json},'
        if sse.id is not None:
            head += f'"id":{encode(sse.id).decode()},'
        if sse.retry is not None:
            head += f'"retry":{sse.retry},'
        try:
            return decode(f'{head}"data":{sse.data}}}', self._type)  # type: ignore[no-any-return]
        except msgspec.ValidationError:
            raise
        except msgspec.DecodeError:
            # `data` is not JSON: it stays a string.
            data = encode(sse.data).decode()
            return decode(f'{head}"data":{data}}}', self._type)  # type: ignore[no-any-return]

    def _check_error(self, data: str) -> None:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError:
            return
        if isinstance(obj, dict) and (obj.get("error") or obj.get("object") == "error"):
            raise self._error(data, obj)

    def _error(self, data: str, obj: object = None) -> APIError:
        if obj is None:
            try:
                obj = msgspec.json.decode(data)
            except msgspec.DecodeError:
                obj = data
        message = server_message(obj) or "the server reported an error in the stream"
        return APIError(message, request=self._response.request, body=obj)


def _transport_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    return APIConnectionError(f"Connection error while streaming: {exc}", request=request)


class _StreamState(Generic[T]):
    """What `Stream` and `AsyncStream` share: the response and how events become values."""

    response: httpx.Response

    def __init__(
        self,
        response: httpx.Response,
        type: Any,
        *,
        envelope: bool = False,
        done_marker: str | None = None,
        terminal: Collection[str] = (),
    ) -> None:
        self.response = response
        self._converter: _EventConverter[T] = _EventConverter(type, envelope, done_marker, response)
        self._terminal = frozenset(terminal)
        self._iterator = self._events()

    def _events(self) -> Any:
        raise NotImplementedError


class Stream(_StreamState[T]):
    """Iterate for typed events. Use as a context manager, or call `close()`,
    to release the connection when you stop early."""

    _iterator: Generator[T, None, None]

    def _events(self) -> Generator[T, None, None]:
        convert = self._converter.convert
        terminal = self._terminal
        decoder = SSEDecoder()
        try:
            for chunk in self.response.iter_bytes():
                for sse in decoder.feed(chunk):
                    value = convert(sse)
                    if value is _Signal.DONE:
                        return
                    yield value
                    if terminal and sse.event in terminal:
                        return
            decoder.close()
        except httpx.TransportError as exc:
            raise _transport_error(exc, self.response.request) from exc
        finally:
            self.response.close()

    def __iter__(self) -> Iterator[T]:
        return self._iterator

    def __next__(self) -> T:
        return next(self._iterator)

    def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        self._iterator.close()
        self.response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Stream {self.response.request.method} {self.response.request.url}>"


class AsyncStream(_StreamState[T]):
    """The async twin of `Stream`: `async for`, `async with`, `await close()`."""

    _iterator: AsyncGenerator[T, None]

    async def _events(self) -> AsyncGenerator[T, None]:
        convert = self._converter.convert
        terminal = self._terminal
        decoder = SSEDecoder()
        try:
            async for chunk in self.response.aiter_bytes():
                for sse in decoder.feed(chunk):
                    value = convert(sse)
                    if value is _Signal.DONE:
                        return
                    yield value
                    if terminal and sse.event in terminal:
                        return
            decoder.close()
        except httpx.TransportError as exc:
            raise _transport_error(exc, self.response.request) from exc
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterator

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        await self._iterator.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncStream {self.response.request.method} {self.response.request.url}>"
