"""What only the async realtime connections do: websockets' asyncio client, timeouts
through the event loop, the sender as a task. `_threads.py` is its blocking
counterpart; the connections built on either (`_async.py`, and `_sync.py`
generated from it) are the same code."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import weakref
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Iterable,
)
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from ._errors import RealtimeConnectionClosed

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from ._async import _AsyncConnection

E = TypeVar("E")
P = ParamSpec("P")
C = TypeVar("C", bound="_AsyncConnection[Any]")


class Opening(Coroutine[Any, Any, C]):
    """What the async `connect_*` methods return: `await` it for the session, or enter
    it with `async with` directly (the session closes when the block ends). It is the
    connecting coroutine itself, too (`asyncio.run(...)`, `create_task(...)`), as
    aiohttp's request context managers are."""

    __slots__ = ("_connecting", "_session")

    def __init__(self, connecting: Coroutine[Any, Any, C]) -> None:
        self._connecting = connecting
        self._session: C | None = None

    def __await__(self) -> Generator[Any, None, C]:
        return self._connecting.__await__()

    def send(self, value: Any) -> Any:
        return self._connecting.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None and tb is None:
            return self._connecting.throw(typ)
        return self._connecting.throw(typ, val, tb)

    def close(self) -> None:
        self._connecting.close()

    async def __aenter__(self) -> C:
        self._session = await self._connecting
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._session is not None:
            await self._session.__aexit__(*exc_info)


def opening(method: Callable[P, Coroutine[Any, Any, C]]) -> Callable[P, Opening[C]]:
    """`connect_*` (an async method) returning an `Opening` of its session."""

    @functools.wraps(method)
    def connect(*args: P.args, **kwargs: P.kwargs) -> Opening[C]:
        return Opening(method(*args, **kwargs))

    return connect


async def connect(url: str, **options: Any) -> ClientConnection:
    from websockets.asyncio.client import connect

    return await connect(url, **options)


async def recv(ws: ClientConnection, timeout: float | None) -> str | bytes:
    """The next message; `TimeoutError` when `timeout` seconds pass without one."""
    if timeout is None:
        return await ws.recv()
    return await asyncio.wait_for(ws.recv(), timeout)


Lock = asyncio.Lock


async def acquire(lock: asyncio.Lock, timeout: float) -> bool:
    """Take `lock` within `timeout` seconds; False when that is not possible."""
    try:
        await asyncio.wait_for(lock.acquire(), timeout)
    except TimeoutError:
        return False
    return True


def drop(ws: ClientConnection) -> None:
    """Close the socket now, without the closing handshake."""
    ws.transport.abort()


def _abandon(ws: ClientConnection, loop: asyncio.AbstractEventLoop) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is closed: so is the transport
        loop.call_soon_threadsafe(ws.transport.abort)


def release_when_collected(owner: object, ws: ClientConnection) -> weakref.finalize[..., object]:
    """Drop the socket, on its loop, when `owner` (a connection nobody closed) is collected."""
    return weakref.finalize(owner, _abandon, ws, asyncio.get_running_loop())


async def _iterate(items: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


async def run(
    connection: _AsyncConnection[E],
    send: Callable[[Any], Awaitable[None]],
    finish: Callable[[], Awaitable[None]],
    items: Iterable[Any] | AsyncIterable[Any],
) -> AsyncIterator[E]:
    """The events of `connection` while a task sends `items` (then `finish()`)."""

    async def feed() -> None:
        async for item in _iterate(items):
            await send(item)
        await finish()

    async with connection:
        sender = asyncio.ensure_future(feed())
        try:
            while True:
                receiving = asyncio.ensure_future(connection.recv())
                await asyncio.wait({receiving, sender}, return_when=asyncio.FIRST_COMPLETED)
                if sender.done() and not sender.cancelled() and sender.exception() is not None:
                    receiving.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await receiving
                    exc = sender.exception()
                    # the session ended under the sender: what ended it is received
                    if not isinstance(exc, RealtimeConnectionClosed):
                        raise exc  # type: ignore[misc]
                event = await receiving
                if event is None:
                    break
                yield event
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
