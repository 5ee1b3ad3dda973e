"""A stream gives its connection back on every way out, checked on the real
connection pool of a client talking to a loopback server: exhausted, broken out of
inside `with`, closed early, and raising (an error event, a malformed event, a cut
stream); sync and async."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest

import mistral_sdk


def _chunk(i: int) -> str:
    body = {"id": "c", "model": "m",
            "choices": [{"index": 0, "delta": {"content": f"t{i}"}, "finish_reason": None}]}  # fmt: skip
    return f"data: {json.dumps(body)}\n\n"


BODIES = {
    "ok": "".join(_chunk(i) for i in range(5)) + "data: [DONE]\n\n",
    "error": _chunk(0) + 'data: {"object": "error", "message": "overloaded"}\n\n',
    "malformed": _chunk(0) + 'data: {"id": 5, "model": "m", "choices": []}\n\n',
    "cut": _chunk(0) + _chunk(1),  # no [DONE]
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: released connections are reused

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        kind = self.headers.get("x-body", "ok")
        body = BODIES[kind].encode()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that closes a stream early breaks the pipe: expected here, and
        # socketserver would print it from a thread pytest no longer captures
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def in_use(http: httpx2.Client | httpx2.AsyncClient) -> int:
    """Connections of the pool that are neither idle nor closed (a request holds them)."""
    pool = http._transport._pool  # type: ignore[union-attr]
    return sum(1 for c in pool.connections if not c.is_idle() and not c.is_closed())


def chat(client: Any, kind: str) -> Any:
    return client.chat.stream(
        model="m", messages=[{"role": "user", "content": "hi"}], extra_headers={"x-body": kind}
    )


# Each way out: (name, body, what the consumer does, the error it expects or None)
def exhaust(stream: Any) -> None:
    for _ in stream:
        pass


def break_in_with(stream: Any) -> None:
    with stream:
        for _ in stream:
            break


def close_early(stream: Any) -> None:
    next(iter(stream))
    stream.close()


def with_unread(stream: Any) -> None:
    with stream:
        pass


WAYS: list[tuple[str, str, Callable[[Any], None], type[Exception] | None]] = [
    ("exhausted", "ok", exhaust, None),
    ("break inside with", "ok", break_in_with, None),
    ("closed early", "ok", close_early, None),
    ("with block, never read", "ok", with_unread, None),
    ("error event", "error", exhaust, mistral_sdk.APIStreamError),
    ("malformed event", "malformed", exhaust, mistral_sdk.APIResponseValidationError),
    ("cut before [DONE]", "cut", exhaust, mistral_sdk.IncompleteStreamError),
]


@pytest.mark.parametrize(("name", "kind", "consume", "error"), WAYS, ids=[w[0] for w in WAYS])
def test_sync_stream_releases_its_connection(
    base_url: str, name: str, kind: str, consume: Callable[[Any], None], error: Any
) -> None:
    with httpx2.Client() as http:
        client = mistral_sdk.Mistral(api_key="k", base_url=base_url, http_client=http)
        for _ in range(3):  # a leaked connection would pile up
            stream = chat(client, kind)
            assert in_use(http) == 1
            if error is None:
                consume(stream)
            else:
                with pytest.raises(error):
                    consume(stream)
            assert in_use(http) == 0, name
        assert len(http._transport._pool.connections) <= 1  # type: ignore[attr-defined]


async def _aexhaust(stream: Any) -> None:
    async for _ in stream:
        pass


async def _abreak_in_with(stream: Any) -> None:
    async with stream:
        async for _ in stream:
            break


async def _aclose_early(stream: Any) -> None:
    await stream.__anext__()
    await stream.close()


async def _awith_unread(stream: Any) -> None:
    async with stream:
        pass


ASYNC_WAYS = [
    ("exhausted", "ok", _aexhaust, None),
    ("break inside with", "ok", _abreak_in_with, None),
    ("closed early", "ok", _aclose_early, None),
    ("with block, never read", "ok", _awith_unread, None),
    ("error event", "error", _aexhaust, mistral_sdk.APIStreamError),
    ("malformed event", "malformed", _aexhaust, mistral_sdk.APIResponseValidationError),
    ("cut before [DONE]", "cut", _aexhaust, mistral_sdk.IncompleteStreamError),
]


@pytest.mark.parametrize(
    ("name", "kind", "consume", "error"), ASYNC_WAYS, ids=[w[0] for w in ASYNC_WAYS]
)
def test_async_stream_releases_its_connection(
    base_url: str, name: str, kind: str, consume: Any, error: Any
) -> None:
    async def main() -> None:
        async with httpx2.AsyncClient() as http:
            client = mistral_sdk.AsyncMistral(api_key="k", base_url=base_url, http_client=http)
            for _ in range(3):
                stream = await chat(client, kind)
                assert in_use(http) == 1
                if error is None:
                    await consume(stream)
                else:
                    with pytest.raises(error):
                        await consume(stream)
                assert in_use(http) == 0, name

    asyncio.run(main())
