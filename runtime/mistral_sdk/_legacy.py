"""A caller's legacy `httpx` client under the SDK's httpx2 core.

`http_client=httpx.Client(...)` (the unmaintained package httpx2 replaced) keeps
working: the SDK wraps it in an httpx2 client whose transport hands every request to
the caller's client, so that client's proxy, TLS settings, auth, event hooks, mounts
and pool still apply, and answers with httpx2 objects. A legacy exception becomes
the httpx2 exception of the same name, so retries, timeouts, streams, errors and the
pool run the one httpx2 code path whatever the caller passed.

Calls beyond `GATE` at once wait here, in order, before they enter the legacy pool:
httpcore 1.0 rescans every request queued in its pool each time one arrives or a
response closes, and with 1,000 calls in flight on httpx's default 100 connections
every one of them failed (PoolTimeout, ConnectTimeout), through the SDK as with plain
httpx (`benchmarks/bench_scale.py`, the "sdk-httpx" and "httpx" programs). A call holds
its place until its response is closed (a stream: read to the end, closed or collected).

This is the only module that imports `httpx`, and it is imported only when a caller
passes such a client (`_client.BaseClient` checks the class's module, not httpx).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import httpx2

from ._response import decoded_headers

if TYPE_CHECKING:
    import asyncio

__all__ = ["GATE", "adopt"]

# Calls inside a legacy client's pool at once: httpx's default `max_connections`. A
# client configured with fewer connections queues the rest in its own pool, which
# copes with that many; one with more is held to this many calls at once.
GATE = 100

MESSAGE = (
    "mistral_sdk: http_client is a legacy `httpx.{kind}`; the SDK runs on httpx2 and "
    "only wraps it, and will stop accepting it in a future release. Pass an "
    "`httpx2.{kind}` built with the same arguments instead (`pip install httpx2`; "
    "see docs/httpx2.md)."
)


def _twin(exc: httpx.RequestError, request: httpx2.Request) -> httpx2.RequestError:
    """The httpx2 exception of the same name as `exc`, or of its nearest base class."""
    for cls in type(exc).__mro__:
        twin = getattr(httpx2, cls.__name__, None)
        if isinstance(twin, type) and issubclass(twin, httpx2.RequestError):
            return twin(str(exc), request=request)
    return httpx2.RequestError(str(exc), request=request)  # pragma: no cover - RequestError's twin


@contextlib.contextmanager
def _translated(request: httpx2.Request) -> Iterator[None]:
    try:
        yield
    except httpx.RequestError as exc:
        raise _twin(exc, request) from exc


def _request(request: httpx2.Request, stream: httpx.SyncByteStream | httpx.AsyncByteStream) -> Any:
    # Headers as httpx2 computed them (Host, Content-Length, ...); the timeout travels
    # in the extensions, which the legacy transport reads the same way.
    return httpx.Request(
        request.method,
        str(request.url),
        headers=request.headers.raw,
        stream=stream,
        extensions=request.extensions,
    )


def _response(
    legacy: httpx.Response, stream: httpx2.SyncByteStream | httpx2.AsyncByteStream
) -> httpx2.Response:
    # The legacy client decodes what it asked for (its Accept-Encoding may name a codec
    # httpx2 has no package for here): the body handed on is plain.
    headers = decoded_headers(legacy.headers.raw)
    return httpx2.Response(
        legacy.status_code, headers=headers, stream=stream, extensions=legacy.extensions
    )


class _SyncBody(httpx.SyncByteStream):
    """An httpx2 request body, read by the legacy client."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._stream)


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk


class _Place:
    """A call's place in a transport's gate, given back once (on close, or on failure)."""

    __slots__ = ("_gate",)

    def __init__(self, gate: threading.Semaphore | asyncio.Semaphore) -> None:
        self._gate: threading.Semaphore | asyncio.Semaphore | None = gate

    def release(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release()


class _SyncAnswer(httpx2.SyncByteStream):
    """A legacy response's body, read through httpx2."""

    def __init__(self, legacy: httpx.Response, request: httpx2.Request, place: _Place) -> None:
        self._legacy = legacy
        self._request = request
        self._place = place

    def __iter__(self) -> Iterator[bytes]:
        with _translated(self._request):
            yield from self._legacy.iter_bytes()

    def close(self) -> None:
        try:
            with _translated(self._request):
                self._legacy.close()
        finally:
            self._place.release()


class _AsyncAnswer(httpx2.AsyncByteStream):
    def __init__(self, legacy: httpx.Response, request: httpx2.Request, place: _Place) -> None:
        self._legacy = legacy
        self._request = request
        self._place = place

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _translated(self._request):
            async for chunk in self._legacy.aiter_bytes():
                yield chunk

    async def aclose(self) -> None:
        try:
            with _translated(self._request):
                await self._legacy.aclose()
        finally:
            self._place.release()


class LegacyTransport(httpx2.BaseTransport):
    """Sends through a caller's `httpx.Client`; closing it leaves that client open."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self._gate = threading.Semaphore(GATE)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self._gate.acquire()
        place = _Place(self._gate)
        try:
            with _translated(request):
                body = _request(request, _SyncBody(request.stream))
                legacy = self.client.send(body, stream=True)
        except BaseException:
            place.release()
            raise
        return _response(legacy, _SyncAnswer(legacy, request, place))


class AsyncLegacyTransport(httpx2.AsyncBaseTransport):
    """Sends through a caller's `httpx.AsyncClient`; closing it leaves that client open."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self._gate: asyncio.Semaphore | None = None  # made in the caller's event loop

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._gate is None:
            import asyncio  # the caller runs an event loop: already imported

            self._gate = asyncio.Semaphore(GATE)
        await self._gate.acquire()
        place = _Place(self._gate)
        try:
            with _translated(request):
                stream = _request(request, _AsyncBody(request.stream))
                legacy = await self.client.send(stream, stream=True)
        except BaseException:
            place.release()
            raise
        return _response(legacy, _AsyncAnswer(legacy, request, place))


def _caller_level() -> int:
    """The `stacklevel` of the first frame outside mistral_sdk, for `adopt`'s warning."""
    frame, level = sys._getframe(2), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        "mistral_sdk"
    ):
        frame, level = frame.f_back, level + 1
    return level


def adopt(client: httpx.Client | httpx.AsyncClient) -> httpx2.Client | httpx2.AsyncClient:
    """An httpx2 client that sends through the caller's legacy `client` (after one
    `DeprecationWarning`, pointing at the caller's line)."""
    kind = "AsyncClient" if isinstance(client, httpx.AsyncClient) else "Client"
    warnings.warn(MESSAGE.format(kind=kind), DeprecationWarning, stacklevel=_caller_level())
    t = client.timeout
    # The caller's defaults, as httpx2 objects: the SDK reads them off the client.
    # Redirects and auth stay the legacy client's own (it applies them in `send`);
    # the wrapper reads no environment (proxies, .netrc): the caller's client did.
    options: dict[str, Any] = {
        "headers": client.headers.multi_items(),
        "timeout": httpx2.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
        "follow_redirects": False,
        "trust_env": False,
    }
    if isinstance(client, httpx.AsyncClient):
        return httpx2.AsyncClient(transport=AsyncLegacyTransport(client), **options)
    return httpx2.Client(transport=LegacyTransport(client), **options)
