"""Many calls at once through one client share httpx2's connection pool: connections
are reused (the SDK's own client keeps all of its 100 alive), a crowd larger than the
pool waits in it, and a wait longer than the pool timeout fails. The SDK's client, a
caller's httpx2 client and a caller's legacy httpx client alike (docs/reliability.md,
"Many calls at once"). Against the real loopback server of tests/faults, sync (threads)
and async (tasks)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest
from fault_helpers import CHUNK, COMPLETION, KEY, MODES, is_sync, sdk_client
from fault_server import Connection, FaultServer, Received, echo, reply, sse

import mistral_sdk

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """The SDK's pool behaviours with both clients and a legacy client of each kind."""
    return str(request.param)


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
    if is_sync(mode):
        with ThreadPoolExecutor(in_flight) as pool:
            return list(pool.map(lambda i: one_call(client, i), range(calls)))

    async def main() -> list[int]:
        gate = asyncio.Semaphore(in_flight)

        async def call(i: int) -> int:
            async with gate:
                return await one_call_async(client, i)

        return list(await asyncio.gather(*(call(i) for i in range(calls))))

    return asyncio.run(main())


def client_with_pool(mode: str, url: str, size: int, **options: Any) -> Any:
    """The SDK over a caller's client (httpx2, or legacy httpx in the legacy modes) whose
    pool has `size` connections, all kept alive."""
    if mode.startswith("legacy"):
        import httpx

        kind: Any = httpx.Client if is_sync(mode) else httpx.AsyncClient
        limits: Any = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    else:
        kind = httpx2.Client if is_sync(mode) else httpx2.AsyncClient
        limits = httpx2.Limits(max_connections=size, max_keepalive_connections=size)
    http = kind(limits=limits)
    return sdk_client(mode, api_key=KEY, base_url=url, http_client=http, **options)


def test_the_sdks_own_pool_keeps_its_connections_alive(server: FaultServer) -> None:
    """httpx2's default pool keeps 20 of its 100 connections alive and reopens the rest
    for every crowd; the SDK's own keeps all of them (`DEFAULT_LIMITS`)."""
    server.default = chat_answer(delay=0.05)

    async def main() -> list[int]:
        opened = []
        async with mistral_sdk.AsyncMistral(api_key=KEY, base_url=server.url) as client:
            for _ in range(2):  # two crowds of 64
                counts = await asyncio.gather(*(one_call_async(client, i) for i in range(64)))
                assert counts == [1, 2] * 32
                opened.append(server.connections)
        return opened

    first, second = asyncio.run(main())
    assert 20 < first <= 64
    assert second == first  # the second crowd opened not one more connection
    assert len(server.received) == 128


def test_default_client_reuses_its_connections_from_64_threads(server: FaultServer) -> None:
    server.default = chat_answer()
    client = mistral_sdk.Mistral(api_key=KEY, base_url=server.url)
    assert run_calls("sync", client, 256, 64) == [1, 2] * 128
    assert server.connections <= 64 and len(server.received) == 256


def test_a_crowd_waits_in_a_small_pool(server: FaultServer, mode: str) -> None:
    # 4 connections, 48 calls of 0.05 s each: they wait in the pool (its timeout is
    # ample), reuse the 4 connections, and none is retried
    server.default = chat_answer(delay=0.05)
    client = client_with_pool(mode, server.url, 4, timeout=httpx2.Timeout(5.0))
    assert run_calls(mode, client, 48, 16 if is_sync(mode) else 48) == [1, 2] * 24
    assert server.connections <= 4 and len(server.received) == 48


def test_a_wait_longer_than_the_pool_timeout_fails(server: FaultServer, mode: str) -> None:
    # the only connection is held by a stream nobody reads or closes
    server.queue(sse([CHUNK], hold=True))
    timeout = httpx2.Timeout(5.0, pool=0.3)
    client = client_with_pool(mode, server.url, 1, timeout=timeout, max_retries=0)

    async def held_then_call() -> BaseException:
        held = await client.chat.stream(model="m", messages=MESSAGES)
        try:
            await client.models.list()
        except mistral_sdk.APITimeoutError as exc:
            return exc
        finally:
            await held.close()
        raise AssertionError("no timeout")

    if is_sync(mode):
        held = client.chat.stream(model="m", messages=MESSAGES)
        with pytest.raises(mistral_sdk.APITimeoutError) as info:
            client.models.list()
        held.close()
        error: BaseException = info.value
    else:
        error = asyncio.run(held_then_call())
    assert isinstance(error.__cause__, httpx2.PoolTimeout)
    assert len(server.received) == 1  # the second call was never sent


def test_with_options_copies_share_the_pool(server: FaultServer) -> None:
    server.default = echo(delay=0.02)
    client = client_with_pool("async", server.url, 2)
    copy = client.with_options(max_retries=0)
    assert copy._http is client._http

    async def main() -> None:
        calls = [c.models.list() for c in (client, copy) for _ in range(10)]
        await asyncio.gather(*calls)

    asyncio.run(main())
    assert server.connections <= 2 and len(server.received) == 20


def test_ended_streams_give_their_connection_back(server: FaultServer, mode: str) -> None:
    server.default = chat_answer()
    client = client_with_pool(mode, server.url, 4)
    assert run_calls(mode, client, 20, 1) == [1, 2] * 10
    assert server.connections == 1  # the rest of each stream's body was read, not dropped


@pytest.mark.parametrize("mode", ["legacy-sync", "legacy-async"])
def test_a_legacy_crowd_waits_in_the_sdk_not_in_httpcore(
    server: FaultServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpcore 1.0 fails a crowd of 1,000 queued in its pool (see mistral_sdk._legacy):
    # beyond GATE calls at once, the rest wait in the SDK, in front of the pool
    from mistral_sdk import _legacy

    monkeypatch.setattr(_legacy, "GATE", 3)
    server.default = chat_answer(delay=0.02)
    client = client_with_pool(mode, server.url, 50)
    assert run_calls(mode, client, 36, 12) == [1, 2] * 18
    assert server.peak_open <= 3 and len(server.received) == 36


@pytest.mark.parametrize("mode", ["legacy-sync", "legacy-async"])
def test_a_legacy_call_gives_its_place_back_on_every_ending(
    server: FaultServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one place: an error answer, a stream closed early and a refused connection each
    # give it back, or the next call would wait for ever
    from mistral_sdk import _legacy

    monkeypatch.setattr(_legacy, "GATE", 1)
    server.queue(reply(400, {"message": "bad"}))
    server.queue(sse([CHUNK] * 5 + [b"data: [DONE]\n\n"]))
    server.default = chat_answer()
    client = client_with_pool(mode, server.url, 4, max_retries=0)

    def sync_calls() -> None:
        with pytest.raises(mistral_sdk.BadRequestError):
            client.chat.complete(model="m", messages=MESSAGES)
        with client.chat.stream(model="m", messages=MESSAGES) as stream:
            next(iter(stream))
        assert one_call(client, 0) == 1

    async def async_calls() -> None:
        with pytest.raises(mistral_sdk.BadRequestError):
            await client.chat.complete(model="m", messages=MESSAGES)
        async with await client.chat.stream(model="m", messages=MESSAGES) as stream:
            await stream.__anext__()
        assert await asyncio.wait_for(one_call_async(client, 0), 5) == 1

    if is_sync(mode):  # in a daemon thread: a place never given back fails the test
        failures: list[BaseException] = []

        def run() -> None:
            try:
                sync_calls()
            except BaseException as exc:
                failures.append(exc)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(10)
        assert not thread.is_alive(), "a call waited for a place never given back"
        if failures:
            raise failures[0]
    else:
        asyncio.run(async_calls())
    assert len(server.received) == 3
