"""`Stream[T]` / `AsyncStream[T]`: typed events over a streamed httpx2 response.

Everything but reading the body is one sans-I/O reader (`_EventConverter`): it is fed
the body's chunks and gives the values, knows when the stream has ended and how much
of the rest to drain, and turns a broken body into the SDK's error. `Stream` and
`AsyncStream` only read chunks into it. The connection is released when the
stream is exhausted, when it fails, on `close()`, and when a `with` block is
left early.
"""

from __future__ import annotations

import contextlib
import enum
import weakref
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import httpx2
import msgspec

from ._accumulate import accumulator_for
from ._closing import AsyncClosing, Closing
from ._codec import Unknown, decode, encode, fields_of, union_tag
from ._errors import (
    APIError,
    APIResponseValidationError,
    APIStreamError,
    IncompleteStreamError,
    body_error,
    parse_error_body,
    request_id_of,
)
from ._request_ids import remember
from ._sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from . import models
    from ._hooks import Call
    from ._response import SSEResponse

__all__ = ["AsyncStream", "Stream"]

T = TypeVar("T")
_S = TypeVar("_S", bound="_StreamState[Any]")


# What a stream that has an end keeps of its delivered events for `IncompleteStreamError`:
# the most recent ones, up to this much of their text (always the last one), so that a
# stream of any length is read in memory bounded by its largest event.
TAIL_BYTES = 16 * 1024
# How much text (characters of content, tool-call arguments, transcripts) a stream
# keeps for its final result (`final()`, `snapshot()`) by default: about 250,000 tokens,
# more than any model answers at once, while a stream of any length still reads in
# bounded memory (the accumulators hold about their text: `_accumulate.Text`).
# `accumulate()` changes it.
ASSEMBLE_BYTES = 1024 * 1024
# After the event that ends a stream, the rest of the body (normally just the end of
# the chunked encoding) is read, up to this much, so that the connection goes back
# to the pool for the next call instead of being closed (as openai-python does).
DRAIN_BYTES = 64 * 1024


def _is_struct(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, msgspec.Struct)


class _Signal(enum.Enum):
    DONE = 0  # the done marker ended the stream


# The events that end a workflow run (the spec types the first three; the others
# arrive as `Unknown` variants until it does).
RUN_ENDS = frozenset(
    {
        "WORKFLOW_EXECUTION_COMPLETED",
        "WORKFLOW_EXECUTION_FAILED",
        "WORKFLOW_EXECUTION_CANCELED",
        "WORKFLOW_EXECUTION_TERMINATED",
        "WORKFLOW_EXECUTION_TIMED_OUT",
    }
)


def ends_run(event: Any, run_id: str) -> bool:
    """Whether a workflow stream event (its envelope) is the end of run `run_id`."""
    payload = getattr(getattr(event, "data", None), "data", None)
    if isinstance(payload, Unknown):
        raw = payload.raw if isinstance(payload.raw, dict) else {}
        event_type, exec_id = raw.get("event_type"), raw.get("workflow_exec_id")
    else:
        event_type = getattr(payload, "event_type", None)
        exec_id = getattr(payload, "workflow_exec_id", None)
    return event_type in RUN_ENDS and exec_id == run_id


class _EventConverter(Generic[T]):
    """Reads a stream's body into `T` values, and knows how the stream ends.

    Pure (no I/O): `Stream` and `AsyncStream` hand it each chunk of the body (`feed`),
    stop when `more()` says so, and take what is left at the end (`end()`), which
    raises when the stream was cut before its terminal event.
    """

    __slots__ = (
        "_accumulator",
        "_assemble_bytes",
        "_assembly_dropped",
        "_decoder",
        "_done_marker",
        "_drained",
        "_ended",
        "_envelope",
        "_errors",
        "_event_json",
        "_keep_bytes",
        "_kept",
        "_kept_bytes",
        "_needs_end",
        "_response",
        "_run_id",
        "_terminal",
        "_type",
        "observer",
        "received",
    )

    def __init__(self, spec: SSEResponse[T], response: httpx2.Response) -> None:
        self._type: Any = spec.type
        self._envelope = spec.envelope
        self._done_marker = done_marker = spec.done_marker
        self._response = response
        self._terminal = frozenset(t for t in spec.terminal if t != done_marker)
        self._errors = frozenset(spec.errors) | {"error"}
        self._run_id = run_id = spec.run_id
        self._decoder = SSEDecoder()
        self._drained = 0
        self.observer: Call | None = None  # hooks watching this stream, if any
        # a stream that has a defined end must reach it; others may just close
        self._needs_end = bool(spec.terminal) or run_id is not None
        self._ended = False
        # For the error when the stream is cut: how many events came, and the last of
        # them with their sizes (a bounded tail unless `keep` asked for more).
        self.received = 0
        self._kept: deque[tuple[T, int]] = deque()
        self._kept_bytes = 0
        self._keep_bytes: int | None = TAIL_BYTES
        # Event names repeat; their JSON spelling is computed once each.
        self._event_json: dict[str, str] = {}
        # chat/FIM/agents and conversation streams assemble their final result, up to
        # `_assemble_bytes` of text (then it is dropped: memory stays bounded)
        self._accumulator = accumulator_for(self._type)
        self._assemble_bytes: int | None = ASSEMBLE_BYTES
        self._assembly_dropped = False

    # -- the body, chunk by chunk (what the two loops call)

    def feed(self, chunk: bytes) -> Iterator[T]:
        """The values of the events `chunk` completes, up to the stream's end; once it
        has ended, the chunk only counts towards the drain."""
        if self._ended:
            self._drained += len(chunk)
            return iter(())
        return self._values(self._decoder.feed(chunk))

    def more(self) -> bool:
        """Whether to read on: the stream has not ended, or the rest of its body is
        being drained, so that the connection goes back to the pool (DRAIN_BYTES)."""
        return not self._ended or (self.drains and self._drained <= DRAIN_BYTES)

    def end(self) -> Iterator[T]:
        """The body ended: a last event without its closing blank line, then an
        `IncompleteStreamError` if the stream's terminal event never came."""
        if not self._ended:
            yield from self._values(self._decoder.end())
            self.finish(self._decoder.close())

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Around a loop reading the body: a body that breaks off becomes the SDK's
        error (once the stream has ended, a failure only means the connection is not
        reused), and the hooks watching the stream hear how it ended."""
        error: BaseException | None = None
        try:
            yield
        except httpx2.RequestError as exc:
            if not self._ended:
                error = self.broken(exc, self._decoder.close())
                raise error from exc
        except BaseException as exc:
            error = exc
            raise
        finally:
            if self.observer is not None:
                self.observer.stream_end(error)

    def _values(self, events: Iterable[ServerSentEvent]) -> Iterator[T]:
        observer = self.observer
        for sse in events:
            value = self.convert(sse)
            if value is _Signal.DONE:
                return
            if observer is not None:
                observer.stream_event(value)
            yield value
            if self._ended:
                return

    def convert(self, sse: ServerSentEvent) -> T | _Signal:
        data = sse.data
        if data == self._done_marker or (
            # "[DONE]" with whitespace around it ends the stream too
            self._done_marker is not None
            and len(data) <= len(self._done_marker) + 8
            and data.strip() == self._done_marker
        ):
            self._ended = True
            return _Signal.DONE
        error_event = sse.event in self._errors
        # Cheap pre-check so that ordinary events never build a dict.
        if not error_event and '"error"' in data:
            self._check_error(data)
        try:
            value: T = self._decode_envelope(sse) if self._envelope else decode(data, self._type)
        except msgspec.MsgspecError as exc:
            if error_event:  # an error the schema does not describe is still an error
                raise self._error(data) from None
            raise APIResponseValidationError(
                f"stream event does not match the expected type: {exc}",
                response=self._response,
                body=data,
            ) from None
        if error_event:
            raise self._error(data, event=value)
        accumulator = self._accumulator
        if accumulator is not None:
            accumulator.feed(value)
            limit = self._assemble_bytes
            if limit is not None and accumulator.size > limit:
                self._accumulator = None  # past the limit: let it go, say so in final()
                self._assembly_dropped = True
        if self._needs_end:
            self._remember(value, len(data))
            name = sse.event
            if name is None and self._envelope:  # named by the tag inside its data
                name = getattr(value, "event", None)
            if name in self._terminal or (
                self._run_id is not None and ends_run(value, self._run_id)
            ):
                self._ended = True
        return value

    def keep(self, max_bytes: int | None) -> None:
        """Keep the events whose text adds up to `max_bytes` (None: all of them)."""
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must be >= 0 or None")
        self._keep_bytes = max_bytes

    def _remember(self, value: T, size: int) -> None:
        self.received += 1
        kept = self._kept
        kept.append((value, size))
        self._kept_bytes += size
        limit = self._keep_bytes
        if limit is not None:
            while self._kept_bytes > limit and len(kept) > 1:
                self._kept_bytes -= kept.popleft()[1]

    @property
    def events(self) -> list[T]:
        """The events kept for the error, oldest first."""
        return [value for value, _ in self._kept]

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def drains(self) -> bool:
        """Whether to read the rest of the body now that the stream has ended: yes after
        `[DONE]` or a terminal event, after which the server ends the body; not after
        the end of a workflow run, which an event stream may outlive."""
        return self._ended and self._run_id is None

    def finish(self, partial: str) -> None:
        """The body ended: raise if the stream's terminal event never came."""
        if self._needs_end and not self._ended:
            what = "the end of the workflow run" if self._run_id else "its terminal event"
            raise self._incomplete(f"before {what} ({self.received} event(s) received)", partial)

    def broken(self, exc: httpx2.RequestError, partial: str) -> APIError:
        """The error for a body that broke off mid-stream (`exc`, from httpx2): a cut
        before the stream's end keeps what came; the rest is any body's error."""
        cut = isinstance(exc, httpx2.TransportError) and not isinstance(
            exc, httpx2.TimeoutException
        )
        if cut and self._needs_end and not self._ended:
            return self._incomplete(
                f"before its end ({self.received} event(s) received): {exc}", partial
            )
        return body_error(exc, self._response.request)

    def _incomplete(self, when: str, partial: str) -> IncompleteStreamError:
        return IncompleteStreamError(
            f"the stream was cut {when}",
            request=self._response.request,
            events=self.events,
            received=self.received,
            partial=partial,
        )

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
            if sse.event is not None:
                raise
            named = self._named_by_data(sse)
            if named is None:
                raise
            return self._decode_envelope(named)
        except msgspec.DecodeError:
            # `data` is not JSON: it stays a string.
            data = encode(sse.data).decode()
            return decode(f'{head}"data":{data}}}', self._type)  # type: ignore[no-any-return]

    def _named_by_data(self, sse: ServerSentEvent) -> ServerSentEvent | None:
        """An event without an `event:` line, where the envelope wants one: the same
        event named by the tag inside its data (conversation and speech streams send
        `{"type": "message.output.delta", ...}`). None when the data has no such tag."""
        fields = {f.name: f.type for f in fields_of(self._type)} if _is_struct(self._type) else {}
        tag = union_tag(fields["data"]) if "event" in fields and "data" in fields else None
        if tag is None:
            return None
        try:
            value = msgspec.json.decode(sse.data)
        except msgspec.DecodeError:
            return None
        name = value.get(tag) if isinstance(value, dict) else None
        if not isinstance(name, str):
            return None
        return ServerSentEvent(name, sse.data, sse.id, sse.retry)

    def _check_error(self, data: str) -> None:
        try:
            obj = msgspec.json.decode(data)
        except msgspec.DecodeError:
            return
        if isinstance(obj, dict) and (obj.get("error") or obj.get("object") == "error"):
            raise self._error(data, obj=obj)

    def _error(self, data: str, *, obj: object = None, event: Any = None) -> APIStreamError:
        if obj is None:
            try:
                obj = msgspec.json.decode(data)
            except msgspec.DecodeError:
                obj = data
        info = parse_error_body(obj)
        message = info.message or "the server reported an error in the stream"
        code = info.code
        return APIStreamError(
            message, request=self._response.request, body=obj, event=event, code=code
        )


class _StreamState(Generic[T]):
    """What `Stream` and `AsyncStream` share: the response and how events become values."""

    response: httpx2.Response

    def __init__(self, response: httpx2.Response, spec: SSEResponse[T]) -> None:
        self.response = response
        self._converter: _EventConverter[T] = _EventConverter(spec, response)
        self._iterator = self._events()
        self._observer: Call | None = None

    def _observe(self, call: Call) -> None:
        """Report this stream's events and end to the hooks of `call` (`_hooks.result`)."""
        self._observer = self._converter.observer = call
        # dropped unfinished: its end is reported when it is collected (once, as a close)
        weakref.finalize(self, call.stream_end, None)

    def _ended(self) -> None:
        # A stream closed before its first event never ran its generator's `finally`.
        if self._observer is not None:
            self._observer.stream_end(None)

    @property
    def _request_id(self) -> str | None:
        """The id the server gave the request (for support tickets and logs)."""
        return request_id_of(self.response.headers)

    def _events(self) -> Any:
        raise NotImplementedError

    def accumulate(self: _S, max_bytes: int | None = None) -> _S:
        """Assemble the final result (`final()`, `snapshot()`) holding up to `max_bytes`
        of text (characters of content, arguments, transcript); None (the default
        here) for a stream of any size.

        Without this call a stream assembles up to `ASSEMBLE_BYTES` (1 MiB, about
        250,000 tokens) of text, more than a model answers at once, so that a stream
        of any length still reads in bounded memory; past it, `final()` raises. Call
        it before iterating. Returns the stream.
        """
        converter = getattr(self, "_converter", None)
        if converter is None or converter._accumulator is None:
            raise TypeError(
                "only chat, FIM, agents, conversation, transcription and Responses API"
                " streams assemble a final result"
            )
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_bytes must be >= 0 or None")
        converter._assemble_bytes = max_bytes
        return self

    def _assembled(self, accumulator: Any) -> Any:
        """The accumulator's result, with this stream's request id (`request_id()`)."""
        result = accumulator.result()
        remember(result, self._request_id)
        return result

    def _accumulator(self) -> Any:
        converter = getattr(self, "_converter", None)  # a resuming stream has none
        accumulator = converter._accumulator if converter is not None else None
        if converter is not None and converter._assembly_dropped:
            raise ValueError(
                f"this stream's text passed {converter._assemble_bytes} bytes, so its final"
                " result was not kept (memory stays bounded); call stream.accumulate() before"
                " iterating to assemble a stream of any size"
            )
        if accumulator is None:
            raise TypeError(
                "only chat, FIM, agents, conversation, transcription and Responses API"
                " streams assemble a final result"
            )
        return accumulator

    # Typed per event type: a chat/FIM/agents stream (`CompletionEvent`) assembles a
    # `ChatCompletionResponse`, a conversation stream a `ConversationResponse`.
    @overload
    def snapshot(
        self: _StreamState[models.CompletionEvent],
    ) -> models.ChatCompletionResponse: ...
    @overload
    def snapshot(
        self: _StreamState[models.ConversationEvents],
    ) -> models.ConversationResponse: ...
    @overload
    def snapshot(
        self: _StreamState[models.TranscriptionStreamEvents],
    ) -> models.TranscriptionResponse: ...
    @overload
    def snapshot(
        self: _StreamState[models.ResponsesStreamFrame],
    ) -> models.CreateResponseResponse: ...
    def snapshot(self) -> Any:
        """The result assembled from the events received so far, without reading more.

        Chat, FIM and agents streams give a `ChatCompletionResponse` (content joined,
        tool calls with their `arguments` joined, usage, finish reasons; a choice that
        has not finished yet has `finish_reason` ""); conversation streams a
        `ConversationResponse` (messages, whole function calls, handoffs, usage, the
        conversation id); transcription streams a `TranscriptionResponse`; Responses
        API streams (`responses.stream`) a `CreateResponseResponse`. Other
        streams (workflow events, logs: no single answer) raise `TypeError`.
        """
        return self._assembled(self._accumulator())

    def keep_events(self: _S, max_bytes: int | None = None) -> _S:
        """Keep more of the delivered events for `IncompleteStreamError.events`: all of
        them (the default here), or the most recent ones up to `max_bytes` of text.

        Without this call a stream keeps only its last events (`TAIL_BYTES`, 16 KiB of
        their text), so that reading it takes memory bounded by its largest event; with
        it, memory grows with the stream. Call it before iterating. Returns the stream.
        """
        self._converter.keep(max_bytes)
        return self


class Stream(Closing, _StreamState[T]):
    """Iterate for typed events. Use as a context manager, or call `close()`,
    to release the connection when you stop early."""

    _iterator: Generator[T, None, None]

    def _events(self) -> Generator[T, None, None]:
        reader = self._converter
        with reader.reading():
            try:
                for chunk in self.response.iter_bytes():
                    yield from reader.feed(chunk)
                    if not reader.more():
                        return
                yield from reader.end()
            finally:
                self.response.close()

    def __iter__(self) -> Iterator[T]:
        return self._iterator

    def __next__(self) -> T:
        return next(self._iterator)

    @overload
    def final(self: Stream[models.CompletionEvent]) -> models.ChatCompletionResponse: ...
    @overload
    def final(self: Stream[models.ConversationEvents]) -> models.ConversationResponse: ...
    @overload
    def final(self: Stream[models.TranscriptionStreamEvents]) -> models.TranscriptionResponse: ...
    @overload
    def final(self: Stream[models.ResponsesStreamFrame]) -> models.CreateResponseResponse: ...
    def final(self) -> Any:
        """Read the rest of the stream (none if it was iterated to its end) and return
        the whole result: see `snapshot()`. Like openai-python's `get_final_completion()`.
        After `close()` or an early `break`, the result holds what was received."""
        accumulator = self._accumulator()
        for _ in self._iterator:
            pass
        return self._assembled(accumulator)

    def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        self._iterator.close()
        self.response.close()
        self._ended()

    def __repr__(self) -> str:
        return f"<Stream {self.response.request.method} {self.response.request.url}>"


class AsyncStream(AsyncClosing, _StreamState[T]):
    """The async twin of `Stream`: `async for`, `async with`, `await close()`."""

    _iterator: AsyncGenerator[T, None]

    async def _events(self) -> AsyncGenerator[T, None]:
        reader = self._converter
        with reader.reading():
            try:
                async for chunk in self.response.aiter_bytes():
                    for value in reader.feed(chunk):
                        yield value
                    if not reader.more():
                        return
                for value in reader.end():
                    yield value
            finally:
                await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterator

    async def __anext__(self) -> T:
        return await self._iterator.__anext__()

    @overload
    async def final(
        self: AsyncStream[models.CompletionEvent],
    ) -> models.ChatCompletionResponse: ...
    @overload
    async def final(
        self: AsyncStream[models.ConversationEvents],
    ) -> models.ConversationResponse: ...
    @overload
    async def final(
        self: AsyncStream[models.TranscriptionStreamEvents],
    ) -> models.TranscriptionResponse: ...
    @overload
    async def final(
        self: AsyncStream[models.ResponsesStreamFrame],
    ) -> models.CreateResponseResponse: ...
    async def final(self) -> Any:
        """The async twin of `Stream.final()`."""
        accumulator = self._accumulator()
        async for _ in self._iterator:
            pass
        return self._assembled(accumulator)

    async def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        await self._iterator.aclose()
        await self.response.aclose()
        self._ended()

    def __repr__(self) -> str:
        return f"<AsyncStream {self.response.request.method} {self.response.request.url}>"
