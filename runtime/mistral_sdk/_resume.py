"""Event streams that reconnect after a dropped connection, from the last event id seen.

The workflow event and log streams accept the id of the last event a client saw
(`last_event_id` / `Last-Event-ID`) and continue after it. Generated methods for
those operations wrap their request in `resume_stream` / `async_resume_stream`:
when the connection drops mid-stream (`APIConnectionError`, not a timeout), the
request is sent again with the last id, events the server repeats are skipped,
and the caller sees one uninterrupted stream. At most `max_retries` reconnects
in a row without a new event; then the connection error is raised.

`_ResumeState` holds the decisions (pure); only the iteration loop touches I/O. It is
written once, async; its blocking twin (`ResumingStream`, `resume_stream`) is
generated from the section at the end into `mistral_sdk._blocking.resume`
(generator/unasync.py).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx2
import msgspec

from ._errors import APIConnectionError, APITimeoutError
from ._retry import retry_delay
from ._streaming import AsyncStream, Stream
from ._types import NotGiven, field_value

if TYPE_CHECKING:
    from ._client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncResumingStream", "async_resume_stream"]

T = TypeVar("T")
_R = TypeVar("_R", bound="_Resuming")
_RECENT = 256  # ids remembered to drop events a server repeats after a reconnect


def _event_id(event: object) -> str | None:
    value = field_value(event, "id")
    return None if value is None else str(value)


class _ResumeState:
    """Last id, recently seen ids and the reconnect budget of one logical stream."""

    __slots__ = ("_order", "_recent", "budget", "failures", "last_event_id", "reconnects")

    def __init__(self, last_event_id: Any, budget: int) -> None:
        self.last_event_id: str | None = (
            None if last_event_id is None or last_event_id is msgspec.UNSET else last_event_id
        )
        self.budget = budget
        self.failures = 0  # reconnects in a row without a new event
        self.reconnects = 0
        self._recent: set[str] = set()
        self._order: deque[str] = deque()

    def accept(self, event: object) -> bool:
        """Whether to hand `event` to the caller (False: a repeat after a reconnect)."""
        event_id = _event_id(event)
        if event_id is None:
            return True
        if event_id in self._recent:
            return False
        self._recent.add(event_id)
        self._order.append(event_id)
        if len(self._order) > _RECENT:
            self._recent.discard(self._order.popleft())
        self.last_event_id = event_id
        self.failures = 0
        return True

    def reconnect_delay(self, error: APIConnectionError) -> float:
        """Seconds to wait before reconnecting; re-raises `error` when out of budget."""
        if isinstance(error, APITimeoutError) or self.failures >= self.budget:
            raise error
        delay = retry_delay(self.failures, self.budget)
        self.failures += 1
        self.reconnects += 1
        return delay


def _budget(client: SyncAPIClient | AsyncAPIClient, max_retries: int | NotGiven) -> int:
    return client.max_retries if isinstance(max_retries, NotGiven) else max_retries


class _Resuming:
    """What both resuming streams show of their `_ResumeState`."""

    _state: _ResumeState
    _current: Any  # Stream[T] or AsyncStream[T], by subclass
    response: httpx2.Response
    _keep: tuple[int | None] | None = None  # keep_events(...) asked, for every connection

    def keep_events(self: _R, max_bytes: int | None = None) -> _R:
        """As `Stream.keep_events`, for the connection in use and every reconnection."""
        self._keep = (max_bytes,)
        self._current.keep_events(max_bytes)
        return self

    def _reconnected(self, stream: Stream[Any] | AsyncStream[Any]) -> None:
        self._current = stream
        self.response = stream.response
        if self._keep is not None:
            stream.keep_events(*self._keep)

    @property
    def last_event_id(self) -> str | None:
        """The id of the last event delivered."""
        return self._state.last_event_id

    @property
    def reconnects(self) -> int:
        """The reconnections made so far."""
        return self._state.reconnects

    def __repr__(self) -> str:
        request = self.response.request
        return f"<{type(self).__name__} {request.method} {request.url}>"


# --- async: its blocking twin is generated into mistral_sdk._blocking (make unasync) ---


async def async_resume_stream(
    connect: Callable[[Any], Awaitable[AsyncStream[T]]],
    last_event_id: Any,
    client: AsyncAPIClient,
    max_retries: int | NotGiven,
) -> AsyncStream[T]:
    """Open the stream with `connect(last_event_id)`, resuming it after drops."""
    first = await connect(last_event_id)
    if not isinstance(first, AsyncStream):  # a raw response was asked for: not resumed
        return first
    state = _ResumeState(last_event_id, _budget(client, max_retries))
    return AsyncResumingStream(first, connect, state)


class AsyncResumingStream(_Resuming, AsyncStream[T]):
    """`AsyncStream`, reconnecting after a dropped connection (see the module doc)."""

    # Deliberately not calling the stream's __init__: this class delegates to the
    # current underlying stream; the stream's iteration and context manager run `_iterator`.
    def __init__(
        self,
        first: AsyncStream[T],
        connect: Callable[[Any], Awaitable[AsyncStream[T]]],
        state: _ResumeState,
    ) -> None:
        self._current = first
        self._connect = connect
        self._state = state
        self.response = first.response
        self._iterator = self._follow()

    async def _follow(self) -> AsyncGenerator[T, None]:
        state = self._state
        try:
            while True:
                try:
                    async for event in self._current:
                        if state.accept(event):
                            yield event
                    return
                except APIConnectionError as exc:
                    await self._current.close()
                    await asyncio.sleep(state.reconnect_delay(exc))
                    self._reconnected(await self._connect(state.last_event_id or msgspec.UNSET))
        finally:
            await self._current.close()

    async def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        await self._iterator.aclose()
        await self._current.close()  # also when iteration never started
