"""Release the connection of a streamed response that nobody closed.

A `Stream`, `BinaryContent` or raw response that is dropped without being read
to the end or closed would keep its pooled connection (and socket) busy until
the client is closed. `release_on_collect` swaps the response's byte stream for
a wrapper that closes it when the response is garbage-collected.

Sync closes never run inside the garbage collector. The collector can run in a
thread that holds httpcore2's non-reentrant pool lock, and a close there takes
the lock again and deadlocks (encode/httpcore#990). Two ways lead there, both
closed off here:

- a finalizer calling `close()` (ours, or a `Stream` generator's `finally`):
  inside the collector the close is handed to one daemon thread through a
  `SimpleQueue`, whose `put` is safe in finalizers;
- httpcore2's own stream generator, which closes itself when finalized: while a
  response is being iterated, the generators below us are kept reachable from
  `_live`, so the collector never finalizes them; when our iterator is
  collected unclosed, that thread closes the stream first and then lets go.

Async pools take no thread lock; an async close is scheduled on the event loop,
as asyncio does for async generators.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import threading
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import httpx2

if TYPE_CHECKING:
    import queue

__all__ = ["release_on_collect"]

# (stream to close, anything to keep alive until it is closed); made with the
# thread that empties it, at the first sync stream (`queue` costs 1 ms to import)
_closing: queue.SimpleQueue[tuple[httpx2.SyncByteStream, object]]
_live: dict[int, Iterator[bytes]] = {}  # iterations in progress, by key
_keys = itertools.count()
_reaper: threading.Thread | None = None
_reaper_lock = threading.Lock()
_tasks: set[Any] = set()  # async closes in flight (a task must stay referenced)
_collecting: int | None = None  # the thread the garbage collector runs in, if it runs


def _track_gc(phase: str, info: dict[str, int]) -> None:
    global _collecting
    _collecting = threading.get_ident() if phase == "start" else None


gc.callbacks.append(_track_gc)


def _reap() -> None:
    while True:
        stream, keep = _closing.get()
        with contextlib.suppress(Exception):
            stream.close()
        del stream, keep


def _start_reaper() -> None:
    global _reaper, _closing
    with _reaper_lock:
        if _reaper is None or not _reaper.is_alive():
            import queue

            if _reaper is None:
                _closing = queue.SimpleQueue()
            _reaper = threading.Thread(target=_reap, name="mistral-sdk-release", daemon=True)
            _reaper.start()


def _close(stream: httpx2.SyncByteStream, keep: object) -> None:
    """Close now, unless the garbage collector is running in this thread."""
    if _collecting == threading.get_ident():
        _closing.put((stream, keep))  # see the module doc
    else:
        stream.close()


class _SyncReleasing(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream) -> None:
        self._inner = inner
        self._closed = False
        self._key: int | None = None

    def __iter__(self) -> Iterator[bytes]:
        return _Iteration(self)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        chain = _live.pop(self._key, None) if self._key is not None else None
        _close(self._inner, chain)

    def __del__(self) -> None:
        if not self._closed:
            self._closed = True
            _close(self._inner, None)


class _Iteration:
    """The iterator httpx2 reads from. Only the reader holds it, so it is
    collected when the reader is; the generators below stay in `_live`."""

    __slots__ = ("_it", "_key", "_owner")

    def __init__(self, owner: _SyncReleasing) -> None:
        self._owner = owner
        self._it = iter(owner._inner)
        self._key = owner._key = next(_keys)
        _live[self._key] = self._it

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._it)
        except BaseException:
            # The generators below have finished (exhausted or failed): the
            # collector has nothing left to finalize there. The close that
            # follows is an ordinary one.
            _live.pop(self._key, None)
            raise

    def __del__(self) -> None:
        chain = _live.pop(self._key, None)
        if chain is not None and not self._owner._closed:
            self._owner._closed = True
            _close(self._owner._inner, chain)


class _AsyncReleasing(httpx2.AsyncByteStream):
    def __init__(self, inner: httpx2.AsyncByteStream, loop: Any) -> None:
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


def _spawn_aclose(loop: Any, stream: httpx2.AsyncByteStream) -> None:
    task = loop.create_task(stream.aclose())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def release_on_collect(response: httpx2.Response) -> None:
    """Make `response` release its connection when it is garbage-collected unclosed."""
    stream = response.stream
    if isinstance(stream, httpx2.SyncByteStream):
        _start_reaper()
        response.stream = _SyncReleasing(stream)
    elif isinstance(stream, httpx2.AsyncByteStream):
        import asyncio  # only async users pay for it, and they have it already

        response.stream = _AsyncReleasing(stream, asyncio.get_running_loop())
