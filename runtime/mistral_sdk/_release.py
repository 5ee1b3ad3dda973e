"""Release the connection of a streamed response that nobody closed.

A `Stream`, `BinaryContent` or raw response that is dropped without being
read to the end or closed would otherwise keep its pooled connection (and its
socket) busy until the client is closed. `release_on_collect` swaps the
response's byte stream for a wrapper that closes it when the response is
garbage-collected.

The close never runs inside the garbage collector itself: the collector can
run while this very thread holds the connection pool's (non-reentrant) lock,
and closing there would deadlock. The sync close is handed to one daemon
thread through a `SimpleQueue` (whose `put` is safe in finalizers); the async
close is scheduled on the event loop, as asyncio does for async generators.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

__all__ = ["release_on_collect"]

_closing: queue.SimpleQueue[httpx.SyncByteStream] = queue.SimpleQueue()
_reaper: threading.Thread | None = None
_reaper_lock = threading.Lock()
_tasks: set[Any] = set()  # async closes in flight (a task must stay referenced)


def _reap() -> None:
    while True:
        stream = _closing.get()
        with contextlib.suppress(Exception):
            stream.close()


def _start_reaper() -> None:
    global _reaper
    with _reaper_lock:
        if _reaper is None or not _reaper.is_alive():
            _reaper = threading.Thread(target=_reap, name="mistral-sdk-release", daemon=True)
            _reaper.start()


class _SyncReleasing(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream) -> None:
        self._inner = inner
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self._inner

    def close(self) -> None:
        self._closed = True
        self._inner.close()

    def __del__(self) -> None:
        if not self._closed:
            _closing.put(self._inner)


class _AsyncReleasing(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, loop: Any) -> None:
        self._inner = inner
        self._loop = loop
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        self._closed = True
        await self._inner.aclose()

    def __del__(self) -> None:
        if self._closed or self._loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self._loop.call_soon_threadsafe(_spawn_aclose, self._loop, self._inner)


def _spawn_aclose(loop: Any, stream: httpx.AsyncByteStream) -> None:
    task = loop.create_task(stream.aclose())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def release_on_collect(response: httpx.Response) -> None:
    """Make `response` release its connection when it is garbage-collected unclosed."""
    stream = response.stream
    if isinstance(stream, httpx.SyncByteStream):
        _start_reaper()
        response.stream = _SyncReleasing(stream)
    elif isinstance(stream, httpx.AsyncByteStream):
        import asyncio  # only async users pay for it, and they have it already

        response.stream = _AsyncReleasing(stream, asyncio.get_running_loop())
