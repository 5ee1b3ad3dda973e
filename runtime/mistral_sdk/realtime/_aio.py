"""What only the async realtime connections do: websockets' asyncio client, timeouts
through the event loop, the sender as a task. `_threads.py` is its blocking
counterpart; the connections built on either (`_async.py`, and its twin
`_blocking/realtime.py` generated from it) are the same code."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import RealtimeConnectionClosed

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from ._async import _AsyncConnection

E = TypeVar("E")


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
