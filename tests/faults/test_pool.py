"""Many calls at once through one client: the SDK queues them in front of httpx2's pool
(`runtime/mistral_sdk/_pool.py`), so that connections are reused instead of reopened,
no call times out or burns a retry while it waits its turn, and a queue that cannot
move fails after the pool timeout instead of hanging. Against the real loopback server
of tests/faults, sync (threads) and async (tasks)."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest
from fault_helpers import KEY
from fault_server import Connection, FaultServer, Received, echo, reply, sse

import mistral_sdk
from mistral_sdk._pool import AsyncLimiter, SyncLimiter, limiter_for, pool_limit

MESSAGES = [{"role": "user", "content": "hi"}]
CHUNK = (
    b'data: {"id": "c1", "model": "m", '
    b'"choices": [{"index": 0, "delta": {"content": "t"}, "finish_reason": null}]}\n\n'
)
COMPLETION = {
    "id": "c1",
    "object": "chat.completion",
    "model": "m",
    "created": 1,
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}


def chat_answer(delay: float = 0.0) -> Any:
    """Chat completions, streamed when asked, each after `delay` seconds."""
    stream, complete = sse([CHUNK, CHUNK, b"data: [DONE]\n\n"]), reply(200, COMPLETION)

    def act(conn: Connection, req: Received) -> bool:
        if delay and conn.wait(delay):
            return False
        return (stream if b'"stream":true' in req.body else complete)(conn, req)

    return act


def one_call(client: Any, i: int) -> int:
    """Call number i: a completion or a stream read to its end (sync)."""
    if i % 2 == 0:
        client.chat.complete(model="m", messages=MESSAGES)
        return 1
    with client.chat.stream(model="m", messages=MESSAGES) as stream:
        return sum(1 for _ in stream)


async def one_call_async(client: Any, i: int) -> int:
    if i % 2 == 0:
        await client.chat.complete(model="m", messages=MESSAGES)
        return 1
    async with await client.chat.stream(model="m", messages=MESSAGES) as stream:
        return sum([1 async for _ in stream])


def run_calls(mode: str, client: Any, calls: int, in_flight: int) -> list[int]:
    """`calls` calls, `in_flight` at a time (threads or tasks), half of them streams."""
    if mode == "sync":
        with ThreadPoolExecutor(in_flight) as pool:
            return list(pool.map(lambda i: one_call(client, i), range(calls)))

    async def main() -> list[int]:
        gate = asyncio.Semaphore(in_flight)

        async def call(i: int) -> int:
            async with gate:
                return await one_call_async(client, i)

        return list(await asyncio.gather(*(call(i) for i in range(calls))))

    return asyncio.run(main())


def sdk_client(mode: str, url: str, **options: Any) -> Any:
    limits = options.pop("limits", None)
    if limits is not None:
        kind = httpx2.Client if mode == "sync" else httpx2.AsyncClient
        options["http_client"] = kind(limits=limits, timeout=options.get("timeout", 5.0))
    cls = mistral_sdk.Mistral if mode == "sync" else mistral_sdk.AsyncMistral
    return cls(api_key=KEY, base_url=url, **options)


def test_how_many_calls_each_pool_serves_at_once() -> None:
    assert pool_limit(mistral_sdk.Mistral(api_key=KEY)._http._transport) == 32
    assert pool_limit(mistral_sdk.AsyncMistral(api_key=KEY)._http._transport) == 32
    # httpx2's defaults keep 20 of 100 connections alive: beyond 20, connections churn
    assert pool_limit(httpx2.AsyncClient()._transport) == 20
    assert pool_limit(httpx2.Client(limits=httpx2.Limits(max_connections=8))._transport) == 8
    unbounded = httpx2.Limits(max_connections=None, max_keepalive_connections=None)
    assert pool_limit(httpx2.Client(limits=unbounded)._transport) is None
    assert pool_limit(httpx2.MockTransport(lambda r: httpx2.Response(200))) is None
    proxied = httpx2.Client(mounts={"http://": httpx2.HTTPTransport(proxy="http://proxy:3128")})
    url = httpx2.URL("http://api.test/v1")
    assert limiter_for(proxied, url) is limiter_for(proxied, url) is not None


def test_http2_pools_admit_their_connection_limit() -> None:
    pytest.importorskip("h2", reason="the h2 extra: make test-extras")
    http = httpx2.AsyncClient(http2=True)  # 100 connections, 20 kept alive: one h2 connection
    assert pool_limit(http._transport) == 100


def test_default_client_reuses_its_connections_from_64_threads(server: FaultServer) -> None:
    server.default = chat_answer()
    client = sdk_client("sync", server.url)
    assert run_calls("sync", client, 256, 64) == [1, 2] * 128
    # httpx2's default pool closed and reopened connections beyond 20 kept alive
    assert server.connections <= 32 and len(server.received) == 256


def test_a_crowd_opens_no_more_connections_than_the_pool(server: FaultServer) -> None:
    # httpx2's default proportions (20 of 100 kept alive), scaled down: httpx2 alone
    # reopens connections beyond the 4 kept alive, over and over
    server.default = chat_answer(delay=0.01)
    limits = httpx2.Limits(max_connections=10, max_keepalive_connections=4)
    client = sdk_client("async", server.url, limits=limits)
    assert run_calls("async", client, 200, 200) == [1, 2] * 100
    assert server.connections <= 4 and len(server.received) == 200


def test_waiting_for_a_connection_is_not_timed_nor_retried(server: FaultServer, mode: str) -> None:
    # 4 connections, 48 calls of 0.05 s each: the last ones queue about 0.6 s, longer
    # than the pool timeout. In httpx2's pool they would fail and be retried.
    server.default = chat_answer(delay=0.05)
    timeout = httpx2.Timeout(5.0, pool=0.3)
    limits = httpx2.Limits(max_connections=4, max_keepalive_connections=4)
    client = sdk_client(mode, server.url, timeout=timeout, limits=limits)
    start = time.monotonic()
    assert run_calls(mode, client, 48, 48 if mode == "async" else 16) == [1, 2] * 24
    assert time.monotonic() - start > 0.3  # the queue did wait longer than the pool timeout
    assert len(server.received) == 48  # not one retry
    assert server.connections <= 4


def test_with_options_copies_share_the_queue(server: FaultServer) -> None:
    server.default = echo(delay=0.02)
    limits = httpx2.Limits(max_connections=2, max_keepalive_connections=2)
    client = sdk_client("async", server.url, limits=limits)
    copy = client.with_options(max_retries=0)
    limiter = limiter_for(client._http, httpx2.URL(server.url))
    assert isinstance(limiter, AsyncLimiter)
    assert limiter_for(copy._http, httpx2.URL(server.url)) is limiter

    async def main() -> None:
        calls = [c.models.list() for c in (client, copy) for _ in range(10)]
        await asyncio.gather(*calls, return_exceptions=True)

    asyncio.run(main())
    assert server.connections <= 2 and len(server.received) == 20
    assert limiter.free == 2


def test_a_queue_that_cannot_move_fails_after_the_pool_timeout(
    server: FaultServer, mode: str
) -> None:
    # the only connection is held by a stream nobody reads or closes
    server.queue(sse([CHUNK], hold=True))
    timeout = httpx2.Timeout(5.0, pool=0.3)
    limits = httpx2.Limits(max_connections=1, max_keepalive_connections=1)
    client = sdk_client(mode, server.url, timeout=timeout, limits=limits)
    if mode == "sync":
        held = client.chat.stream(model="m", messages=MESSAGES)
        with pytest.raises(mistral_sdk.APITimeoutError, match="no connection") as info:
            client.models.list()
        held.close()
    else:

        async def main() -> BaseException:
            held = await client.chat.stream(model="m", messages=MESSAGES)
            try:
                await client.models.list()
            except mistral_sdk.APITimeoutError as exc:
                return exc
            finally:
                await held.close()
            raise AssertionError("no timeout")

        error = asyncio.run(main())
        assert "no connection" in str(error)
        info = None
    assert len(server.received) == 1  # never sent, never retried
    assert info is None or info.value.request is not None


def test_a_call_cancelled_in_the_queue_gives_its_turn_to_the_next() -> None:
    async def main() -> None:
        limiter = AsyncLimiter(1)
        request = httpx2.Request("GET", "http://api.test")
        await limiter.acquire(request)  # held
        first = asyncio.create_task(limiter.acquire(request))
        second = asyncio.create_task(limiter.acquire(request))
        await asyncio.sleep(0.01)
        limiter.release()  # handed to `first`...
        first.cancel()  # ...which is cancelled before it runs: `second` gets it
        await asyncio.wait_for(second, 1)
        assert first.cancelled() and limiter.free == 0
        limiter.release()
        assert limiter.free == 1

    asyncio.run(main())


def test_sync_places_come_back_from_any_thread() -> None:
    limiter = SyncLimiter(2)
    request = httpx2.Request("GET", "http://api.test", extensions={"timeout": {"pool": 2.0}})
    limiter.acquire(request)
    limiter.acquire(request)
    threading.Timer(0.05, limiter.release).start()
    limiter.acquire(request)  # waits for the release on the other thread
    assert limiter.free == 0


def test_ended_streams_give_their_connection_back(server: FaultServer, mode: str) -> None:
    server.default = chat_answer()
    client = sdk_client(mode, server.url)
    assert run_calls(mode, client, 20, 1) == [1, 2] * 10
    assert server.connections == 1  # the rest of each stream's body was read, not dropped
