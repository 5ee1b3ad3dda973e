"""Admission control: never more calls inside httpx2's connection pool than it can serve.

httpcore2 1.0 (under httpx2 0.28) handles a crowd badly:

- every request queued inside the pool is rescanned, against every connection, each
  time a request arrives or a response closes: 1,000 queued calls cost O(n²);
- once the pool holds more connections than `max_keepalive_connections` (httpx2's
  default: 20 of 100), each connection that goes idle is closed on the spot (the
  idle count is compared against *all* connections), so a busy pool reconnects for
  nearly every request;
- each of those scans costs O(idle connections x all connections), under a lock that
  threads take turns on.

So the SDK queues calls itself, in front of the pool, and lets in only as many as the
pool keeps connections for: `max_keepalive_connections` for HTTP/1.1 (the clients the
SDK builds keep all their 32 connections alive), `max_connections` when the
pool speaks HTTP/2 (one connection multiplexes the calls). A call holds its place from
the moment it is sent until its response is closed (for a stream: read to the end,
closed, or collected), so a granted call always finds a connection: it never waits
inside httpx2, its `timeout` never runs while it queues, and queueing never costs a
retry. Each attempt queues afresh, so a call backing off before a retry holds no place.
The one bound on the wait: a queue in which no place came back for a whole pool
timeout (every connection held by a response nobody reads or closes) raises
`APITimeoutError`, not retried.

One limiter per pool (keyed by the httpx2 transport, weakly), so `with_options` copies,
and several clients given the same `http_client`, share it. A transport the SDK does
not recognise (a `MockTransport`, a wrapper of your own) gets no limiter: its own
rules apply.
"""

from __future__ import annotations

import gc
import math
import threading
import time
import weakref
from _queue import Empty, SimpleQueue  # `queue` costs 1 ms at import; its C core does not
from collections import deque
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpcore2
import httpx2

from ._errors import APITimeoutError

__all__ = [
    "DEFAULT_LIMITS",
    "AsyncLimiter",
    "SyncLimiter",
    "pool_limit",
    "send",
    "send_async",
]

NUDGE = 0.1  # seconds without any place given back before a waiter collects garbage

# The pool of the clients the SDK builds: 32 connections, every one kept alive (see the
# module doc). Each request and each response that closes runs a scan of the pool that
# costs O(idle x all connections): on loopback, 1,000 calls in flight (async) or 64
# threads went 2 to 3 times faster with 32 connections than with 64 or 100, within 1.5x
# of httpx2 alone (docs/reliability.md). 32 is also what `ThreadPoolExecutor()` starts
# at most. More calls in flight queue; a larger pool: your own `http_client`.
DEFAULT_LIMITS = httpx2.Limits(max_connections=32, max_keepalive_connections=32)


def pool_limit(transport: object) -> int | None:
    """How many calls `transport`'s pool serves at once without queueing or
    reconnecting; None when unknown or unbounded (no admission control)."""
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, (httpcore2.ConnectionPool, httpcore2.AsyncConnectionPool)):
        return None
    try:  # httpcore2's private fields, read defensively: unknown means no limiter
        if getattr(pool, "_http2", False):
            limit = int(pool._max_connections)
        else:  # httpcore2 already caps it at max_connections
            limit = int(pool._max_keepalive_connections)
    except (AttributeError, TypeError, ValueError):
        return None
    return limit if 0 < limit < 2**31 else None  # None in httpx2 is sys.maxsize here


class _Progress:
    """When a place was last given back: a queue that moves is waited on for as long
    as it takes; one that has not moved for the pool timeout is stalled."""

    _last_release: float
    _collected_at: float = 0.0  # the _last_release at which garbage was last collected

    def _moved(self) -> None:
        self._last_release = time.monotonic()

    def _stalled_for(self) -> float:
        return time.monotonic() - self._last_release

    def _nudge(self) -> None:
        """Nothing came back for NUDGE seconds: places may be held by responses dropped
        in a reference cycle (an exception's traceback makes one), which only a garbage
        collection closes. Once per stall, whoever notices first."""
        if self._stalled_for() >= NUDGE and self._collected_at != self._last_release:
            self._collected_at = self._last_release
            gc.collect()


def _stalled(request: httpx2.Request, seconds: float) -> APITimeoutError:
    return APITimeoutError(
        f"no connection of the pool became free for {seconds:g} s (the pool timeout): every "
        "one is held by a response or stream that is neither read nor closed",
        request=request,
    )


def _pool_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("pool")
    return None if value is None else float(value)


class SyncLimiter(_Progress):
    """At most `size` holders at once, across threads.

    The free places are tokens in a `SimpleQueue`: `get` blocks until one is free,
    and `put` is safe anywhere, even in a finalizer or inside the garbage
    collector, where a lock already held by this thread would deadlock.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._tokens: SimpleQueue[None] = SimpleQueue()
        for _ in range(size):
            self._tokens.put(None)
        self._moved()

    def acquire(self, request: httpx2.Request) -> None:
        """Take a place; raise `APITimeoutError` if the queue stalls for the pool timeout."""
        try:
            return self._tokens.get(block=False)
        except Empty:
            pass
        stall = _pool_timeout(request)
        wait: float | None = NUDGE
        while True:
            try:
                return self._tokens.get(timeout=wait)
            except Empty:
                pass
            self._nudge()  # the collected responses are closed by another thread
            stalled_for = self._stalled_for()
            if stall is not None and stalled_for >= stall:
                raise _stalled(request, stall)
            wait = None if stall is None else max(NUDGE, stall - stalled_for)

    def release(self) -> None:
        self._moved()
        self._tokens.put(None)

    @property
    def free(self) -> int:
        return self._tokens.qsize()


class AsyncLimiter(_Progress):
    """At most `size` holders at once, first come first served, on any async
    library httpx2 supports (anyio events; anyio comes with httpx2).

    A free place is handed straight to the oldest waiter, so a newcomer never
    overtakes the queue. The uncontended path does not yield to the event loop.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = size
        self._waiters: deque[Any] = deque()
        self._moved()

    async def acquire(self, request: httpx2.Request) -> None:
        """Take a place; raise `APITimeoutError` if the queue stalls for the pool timeout."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        import anyio

        granted = anyio.Event()
        self._waiters.append(granted)
        stall = _pool_timeout(request)
        wait = NUDGE  # then only once per pool timeout: a long queue must not spin
        try:
            while True:
                with anyio.move_on_after(wait):
                    await granted.wait()
                if granted.is_set():
                    return
                self._nudge()  # collected responses close in tasks of this loop
                stalled_for = self._stalled_for()
                if stall is not None and stalled_for >= stall:
                    raise _stalled(request, stall)
                wait = math.inf if stall is None else max(NUDGE, stall - stalled_for)
        except BaseException:  # cancelled or stalled while queued
            if granted.is_set():  # the place came meanwhile: pass it on
                self.release()
            else:
                self._waiters.remove(granted)
            raise

    def release(self) -> None:
        self._moved()
        if self._waiters:
            self._waiters.popleft().set()
        else:
            self._free += 1

    @property
    def free(self) -> int:
        return self._free


_limiters: weakref.WeakKeyDictionary[object, SyncLimiter | AsyncLimiter | None] = (
    weakref.WeakKeyDictionary()
)
_limiters_lock = threading.Lock()


def _transport(http: httpx2.Client | httpx2.AsyncClient, url: httpx2.URL) -> object:
    # Proxies and other mounts have pools of their own.
    mounts = getattr(http, "_mounts", None)
    if mounts:
        return http._transport_for_url(url)
    return getattr(http, "_transport", None)


def limiter_for(
    http: httpx2.Client | httpx2.AsyncClient, url: httpx2.URL
) -> SyncLimiter | AsyncLimiter | None:
    """The limiter of the pool that serves `url` through `http` (made on first use)."""
    transport = _transport(http, url)
    if transport is None:
        return None
    try:
        return _limiters[transport]
    except KeyError:
        pass
    except TypeError:  # a transport that cannot be weakly referenced: no limiter
        return None
    with _limiters_lock:
        if transport not in _limiters:
            size = pool_limit(transport)
            kind = AsyncLimiter if isinstance(http, httpx2.AsyncClient) else SyncLimiter
            _limiters[transport] = None if size is None else kind(size)
        return _limiters[transport]


class _SyncHeld(httpx2.SyncByteStream):
    """A streamed body that gives its limiter place back when it is closed."""

    def __init__(self, inner: httpx2.SyncByteStream, limiter: SyncLimiter) -> None:
        self._inner = inner
        self._limiter: SyncLimiter | None = limiter

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._inner)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            limiter, self._limiter = self._limiter, None
            if limiter is not None:
                limiter.release()


class _AsyncHeld(httpx2.AsyncByteStream):
    def __init__(self, inner: httpx2.AsyncByteStream, limiter: AsyncLimiter) -> None:
        self._inner = inner
        self._limiter: AsyncLimiter | None = limiter

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._inner.__aiter__()

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            limiter, self._limiter = self._limiter, None
            if limiter is not None:
                limiter.release()


def send(http: httpx2.Client, request: httpx2.Request, *, stream: bool) -> httpx2.Response:
    """`http.send(request, stream=stream)`, admitted by the pool's limiter."""
    limiter = limiter_for(http, request.url)
    if limiter is None:
        return http.send(request, stream=stream)
    assert isinstance(limiter, SyncLimiter)
    limiter.acquire(request)
    try:
        response = http.send(request, stream=stream)
    except BaseException:
        limiter.release()
        raise
    if not stream:  # read and closed by httpx2: the connection is free again
        limiter.release()
    elif isinstance(response.stream, httpx2.SyncByteStream):
        response.stream = _SyncHeld(response.stream, limiter)
    else:  # pragma: no cover - httpx2 always gives a sync client a sync stream
        limiter.release()
    return response


async def send_async(
    http: httpx2.AsyncClient, request: httpx2.Request, *, stream: bool
) -> httpx2.Response:
    """`await http.send(request, stream=stream)`, admitted by the pool's limiter."""
    limiter = limiter_for(http, request.url)
    if limiter is None:
        return await http.send(request, stream=stream)
    assert isinstance(limiter, AsyncLimiter)
    await limiter.acquire(request)
    try:
        response = await http.send(request, stream=stream)
    except BaseException:
        limiter.release()
        raise
    if not stream:
        limiter.release()
    elif isinstance(response.stream, httpx2.AsyncByteStream):
        response.stream = _AsyncHeld(response.stream, limiter)
    else:  # pragma: no cover
        limiter.release()
    return response
