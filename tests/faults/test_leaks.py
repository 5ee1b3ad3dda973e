"""No leaks: abandoned streams, cancelled tasks and concurrent use release every
connection and file descriptor.

The 10,000-stream runs use a Unix socket (a real socket and a real httpx2
connection pool, without filling the machine's TCP ports with TIME_WAIT) and a
server that keeps each stream open after its first events, so every stream is
abandoned with unread data. The process's open descriptors are counted from
/proc/self/fd before and after.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fault_helpers import KEY, deadline
from fault_server import FaultServer, echo, sse

import mistral_sdk
from mistral_sdk._response import (
    RAW_RESPONSE_HEADER,
    APIResponse,
    BinaryResponse,
    JsonResponse,
    SSEResponse,
)

# 10,000 abandoned streams in all: half through the sync client, half async. The
# clients use a 10 s timeout, so that a leak that fills the pool fails the test (a
# pool timeout) instead of waiting for a free connection for the default 10 minutes.
STREAMS = int(os.environ.get("LEAK_STREAMS", "5000"))
STREAM_SERVER = Path(__file__).with_name("stream_server.py")

needs_proc = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="counting open descriptors needs /proc (Linux)"
)


class Boom(Exception):
    pass


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settle(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Wait for a condition that depends on other threads (the server's, the
    releasing thread); True once it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        gc.collect()
        time.sleep(0.01)
    return True


def busy(pool: Any) -> list[Any]:
    """Connections of an httpcore2 pool that are neither idle nor closed."""
    return [c for c in pool.connections if not (c.is_idle() or c.is_closed())]


def report(name: str, **numbers: Any) -> None:
    # Shown with `pytest -s`; the note of issue 7 quotes these numbers.
    print(f"\n[{name}] " + " ".join(f"{k}={v}" for k, v in numbers.items()), file=sys.stderr)


@pytest.fixture
def stream_server(tmp_path: Path) -> Iterator[tuple[str, Callable[[], dict[str, int]]]]:
    """(socket path, finish): `finish()` stops the server and returns its counts."""
    path = str(tmp_path / "streams.sock")
    proc = subprocess.Popen(
        [sys.executable, str(STREAM_SERVER), path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"

    def finish() -> dict[str, int]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        counts: dict[str, int] = json.loads(proc.stdout.readline())
        proc.wait(10)
        return counts

    try:
        yield path, finish
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def uds_client(path: str) -> tuple[httpx2.Client, mistral_sdk.Mistral, Any]:
    """A client talking to the stream server's socket, and its connection pool."""
    http = httpx2.Client(transport=httpx2.HTTPTransport(uds=path))
    client = mistral_sdk.Mistral(
        api_key=KEY, base_url="http://localhost", http_client=http, timeout=10
    )
    return http, client, http._transport._pool  # type: ignore[attr-defined]


def uds_async_client(path: str) -> tuple[httpx2.AsyncClient, mistral_sdk.AsyncMistral, Any]:
    http = httpx2.AsyncClient(transport=httpx2.AsyncHTTPTransport(uds=path))
    client = mistral_sdk.AsyncMistral(
        api_key=KEY, base_url="http://localhost", http_client=http, timeout=10
    )
    return http, client, http._transport._pool  # type: ignore[attr-defined]


def abandon_sync(stream: Any, kind: int) -> None:
    if kind == 0:  # break inside `with`
        with stream:
            for _ in stream:
                break
    elif kind == 1:  # an exception inside `with`
        with pytest.raises(Boom), stream:
            for _ in stream:
                raise Boom
    elif kind == 2:  # an exception with no `with`: left to the garbage collector
        with pytest.raises(Boom):
            for _ in stream:
                raise Boom
    # kind 3: dropped without iterating or closing


async def abandon_async(stream: Any, kind: int) -> None:
    if kind == 0:
        async with stream:
            async for _ in stream:
                break
    elif kind == 1:
        with pytest.raises(Boom):
            async with stream:
                async for _ in stream:
                    raise Boom
    elif kind == 2:
        with pytest.raises(Boom):
            async for _ in stream:
                raise Boom


@needs_proc
def test_abandoned_streams_sync(stream_server: tuple[str, Callable[[], dict[str, int]]]) -> None:
    path, finish = stream_server
    http, client, pool = uds_client(path)
    baseline = open_fds()
    peak_busy = 0
    started = time.perf_counter()
    # A half-read stream collected while this thread holds httpcore2's pool lock used
    # to deadlock here within a few hundred streams (encode/httpcore#990).
    with deadline(120):
        for i in range(STREAMS):
            abandon_sync(client.request("GET", "/v1/s", response=SSEResponse(Any)), i % 4)
            if i % 250 == 0:
                peak_busy = max(peak_busy, len(busy(pool)))
    elapsed = time.perf_counter() - started
    assert settle(lambda: not busy(pool)), f"{len(busy(pool))} connections still busy"
    assert settle(lambda: open_fds() <= baseline), f"fds {open_fds()} > {baseline}"
    counts = finish()
    report(
        "sync streams",
        streams=STREAMS,
        seconds=f"{elapsed:.2f}",
        peak_busy=peak_busy,
        fds_before=baseline,
        fds_after=open_fds(),
        pool_connections=len(pool.connections),
        **counts,
    )
    # every abandoned stream closed its connection, and the server saw it go
    assert counts == {"connections": STREAMS, "open": 0}
    client.close()
    http.close()


@needs_proc
def test_abandoned_streams_async(stream_server: tuple[str, Callable[[], dict[str, int]]]) -> None:
    path, finish = stream_server

    async def main() -> None:
        http, client, pool = uds_async_client(path)
        baseline = open_fds()
        started = time.perf_counter()
        for i in range(STREAMS):
            await abandon_async(
                await client.request("GET", "/v1/s", response=SSEResponse(Any)), i % 4
            )
            if i % 100 == 0:
                await asyncio.sleep(0)  # let the loop run the closes the collector scheduled
        elapsed = time.perf_counter() - started
        deadline = time.monotonic() + 10
        while (busy(pool) or open_fds() > baseline) and time.monotonic() < deadline:
            gc.collect()
            await asyncio.sleep(0.01)
        assert not busy(pool), f"{len(busy(pool))} connections still busy"
        assert open_fds() <= baseline, f"fds {open_fds()} > {baseline}"
        counts = finish()
        report(
            "async streams",
            streams=STREAMS,
            seconds=f"{elapsed:.2f}",
            fds_before=baseline,
            fds_after=open_fds(),
            pool_connections=len(pool.connections),
            **counts,
        )
        assert counts == {"connections": STREAMS, "open": 0}
        await client.close()
        await http.aclose()

    asyncio.run(main())


DROPPED = 200


def drop_every_kind_sync(client: Any) -> None:
    """Streamed results of every kind, dropped without reading or closing."""
    for i in range(DROPPED):
        if i % 3 == 0:
            client.request("GET", "/v1/f", response=BinaryResponse())
        elif i % 3 == 1:
            raw = client.request(
                "GET", "/v1/s", response=SSEResponse(Any), extra_headers={RAW_RESPONSE_HEADER: "1"}
            )
            assert isinstance(raw, APIResponse)
        else:  # parsed from a raw response, then both dropped half-read
            raw = client.request(
                "GET", "/v1/s", response=SSEResponse(Any), extra_headers={RAW_RESPONSE_HEADER: "1"}
            )
            next(iter(raw.parse()))


async def drop_every_kind_async(client: Any) -> None:
    raw_header = {RAW_RESPONSE_HEADER: "1"}
    for i in range(DROPPED):
        if i % 3 == 0:
            await client.request("GET", "/v1/f", response=BinaryResponse())
        elif i % 3 == 1:
            await client.request(
                "GET", "/v1/s", response=SSEResponse(Any), extra_headers=raw_header
            )
        else:
            raw = await client.request(
                "GET", "/v1/s", response=SSEResponse(Any), extra_headers=raw_header
            )
            await (await raw.parse()).__anext__()


@needs_proc
def test_dropped_downloads_and_raw_responses_sync(
    stream_server: tuple[str, Callable[[], dict[str, int]]],
) -> None:
    path, finish = stream_server
    http, client, pool = uds_client(path)
    baseline = open_fds()
    with deadline(60):
        drop_every_kind_sync(client)
    assert settle(lambda: not busy(pool)), f"{len(busy(pool))} connections still busy"
    assert settle(lambda: open_fds() <= baseline)
    assert finish() == {"connections": DROPPED, "open": 0}
    http.close()


@needs_proc
def test_dropped_downloads_and_raw_responses_async(
    stream_server: tuple[str, Callable[[], dict[str, int]]],
) -> None:
    path, finish = stream_server

    async def main() -> None:
        http, client, pool = uds_async_client(path)
        baseline = open_fds()
        await drop_every_kind_async(client)
        deadline_at = time.monotonic() + 10
        while (busy(pool) or open_fds() > baseline) and time.monotonic() < deadline_at:
            gc.collect()
            await asyncio.sleep(0.01)
        assert not busy(pool), f"{len(busy(pool))} connections still busy"
        assert open_fds() <= baseline
        assert finish() == {"connections": DROPPED, "open": 0}
        await http.aclose()

    asyncio.run(main())


def test_cancelling_a_task_mid_stream_releases_its_connection(server: FaultServer) -> None:
    server.default = sse([b'data: {"n": 0}\n\n'], hold=True)
    tasks_n = 30  # streams held at once: fewer than the default pool (32); more would queue

    async def main() -> None:
        async with mistral_sdk.AsyncMistral(api_key=KEY, base_url=server.url) as client:
            pool = client._http._transport._pool  # type: ignore[attr-defined]
            first = asyncio.Semaphore(0)

            async def consume() -> None:
                stream = await client.request("GET", "/v1/s", response=SSEResponse(Any))
                async with stream:
                    async for _ in stream:
                        first.release()  # then wait forever for the next event

            tasks = [asyncio.create_task(consume()) for _ in range(tasks_n)]
            for _ in range(tasks_n):
                await first.acquire()
            assert len(busy(pool)) == tasks_n
            for task in tasks:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            assert all(isinstance(r, asyncio.CancelledError) for r in results)
            assert not busy(pool)
            assert settle(lambda: not server._open), "the server still sees open connections"

    asyncio.run(main())


def echo_or_stream(conn: Any, req: Any) -> bool:
    """`/v1/s…` answers with a one-event stream naming the request; the rest echoes."""
    if req.target.startswith("/v1/s"):
        return sse([b'data: {"target": "%s"}\n\n' % req.target.encode()])(conn, req)
    return echo()(conn, req)


def test_sync_client_across_16_threads(server: FaultServer) -> None:
    server.default = echo_or_stream
    threads_n, calls = 16, 60
    errors: list[BaseException] = []

    with mistral_sdk.Mistral(api_key=KEY, base_url=server.url) as client:
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        barrier = threading.Barrier(threads_n)

        def work(t: int) -> None:
            try:
                barrier.wait()
                for i in range(calls):
                    if i % 3 == 2:  # streams too, read to the end
                        stream = client.request(
                            "GET", f"/v1/s{t}", query={"i": i}, response=SSEResponse(Any)
                        )
                        assert list(stream) == [{"target": f"/v1/s{t}?i={i}"}]
                    else:
                        got = client.request(
                            "POST", f"/v1/t{t}", query={"i": i}, json={"t": t, "i": i},
                            response=JsonResponse(Any),
                        )  # fmt: skip
                        assert got == {"target": f"/v1/t{t}?i={i}", "body": f'{{"t":{t},"i":{i}}}'}
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        elapsed = time.perf_counter() - started
        assert not errors, errors[:3]
        assert settle(lambda: not busy(pool)), busy(pool)
        report(
            "16 threads",
            calls=threads_n * calls,
            seconds=f"{elapsed:.2f}",
            connections=server.connections,
            pool_connections=len(pool.connections),
        )
        assert server.connections <= threads_n  # connections are reused, not piled up


def test_async_client_across_500_tasks(server: FaultServer) -> None:
    # Each answer waits 20 ms, so the tasks really overlap; httpx2's default pool
    # (100 connections) makes the rest queue.
    server.default = echo(delay=0.02)
    tasks_n = 500

    async def main() -> None:
        async with mistral_sdk.AsyncMistral(api_key=KEY, base_url=server.url) as client:
            pool = client._http._transport._pool  # type: ignore[attr-defined]

            async def one(i: int) -> Any:
                return await client.request(
                    "POST", f"/v1/t{i}", json={"i": i}, response=JsonResponse(Any)
                )

            started = time.perf_counter()
            results = await asyncio.gather(*(one(i) for i in range(tasks_n)))
            elapsed = time.perf_counter() - started
            for i, got in enumerate(results):
                assert got == {"target": f"/v1/t{i}", "body": f'{{"i":{i}}}'}
            assert not busy(pool)
            report(
                "500 tasks",
                seconds=f"{elapsed:.2f}",
                connections=server.connections,
                peak_open=server.peak_open,
                pool_connections=len(pool.connections),
            )
            assert server.peak_open <= 100  # httpx2's default pool limit holds

    asyncio.run(main())
