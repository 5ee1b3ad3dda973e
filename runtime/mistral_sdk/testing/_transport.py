"""The mock in process: httpx2 transports that hand each request to a `MockApp`.

No socket and no thread: `handle_request` builds an `Exchange`, lets the app answer it
in the caller's thread and returns an `httpx2.Response` whose body is read as the
client reads it. What a network would do to an answer, the transports do to the
client: a cut body raises `httpx2.RemoteProtocolError` where it breaks off (as httpcore2
does for a connection closed mid-body), "timeout" raises `httpx2.ReadTimeout` and
"connect" `httpx2.ConnectError`, so the SDK's retries and errors run as they would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx2

from ._app import MockApp
from ._exchange import Answer, Exchange

__all__ = ["AsyncMockTransport", "MockTransport"]


def _exchange(request: httpx2.Request, body: bytes) -> Exchange:
    target = request.url.raw_path.decode("ascii")
    return Exchange(request.method, target, request.headers, body)


def _answer(exchange: Exchange) -> Answer:
    return exchange.answer or Answer(500, body=b'{"detail": "the mock gave no answer"}')


def _response(request: httpx2.Request, answer: Answer, stream: object) -> httpx2.Response:
    if answer.no_answer == "timeout":
        raise httpx2.ReadTimeout("mock: no answer (a timeout asked for)", request=request)
    if answer.no_answer is not None:
        raise httpx2.ConnectError("mock: connection refused (asked for)", request=request)
    return httpx2.Response(
        answer.status,
        headers=answer.headers,
        stream=stream,  # type: ignore[arg-type]
        request=request,
    )


class _Body(httpx2.SyncByteStream):
    def __init__(self, answer: Answer, request: httpx2.Request) -> None:
        self._answer = answer
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._answer.chunks()
        except ConnectionAbortedError as exc:
            raise httpx2.RemoteProtocolError(
                "peer closed connection without sending complete message body (mock)",
                request=self._request,
            ) from exc


class _AsyncBody(httpx2.AsyncByteStream):
    def __init__(self, answer: Answer, request: httpx2.Request) -> None:
        self._body = _Body(answer, request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._body:
            yield chunk


class MockTransport(httpx2.BaseTransport):
    """An `httpx2.Client` transport answering from `app`, in the caller's thread."""

    def __init__(self, app: MockApp) -> None:
        self.app = app

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        exchange = _exchange(request, request.read())
        self.app.handle(exchange)
        answer = _answer(exchange)
        return _response(request, answer, _Body(answer, request))


class AsyncMockTransport(httpx2.AsyncBaseTransport):
    """An `httpx2.AsyncClient` transport answering from `app`, on the event loop."""

    def __init__(self, app: MockApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        exchange = _exchange(request, await request.aread())
        self.app.handle(exchange)
        answer = _answer(exchange)
        return _response(request, answer, _AsyncBody(answer, request))
