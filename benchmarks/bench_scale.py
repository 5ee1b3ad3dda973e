"""Many calls at once: seconds for a batch of calls, connections opened, failures.

Against `scale_server.py` (its own process, HTTP/1.1 keep-alive, counting connections).
Half of the calls are `chat.complete`, half `chat.stream` read to the end (8 events).
Each measurement runs in a fresh interpreter; the time excludes import and client
construction. Both the wall time and the client process's CPU time (all its threads)
are recorded: on a machine shared with other jobs, the wall time of one program moved
by 2x between runs of the same script, its CPU time far less. Scenarios: async with 1, 64 and 1,000 calls in flight (one `asyncio.gather`
per batch), started from cold (no connection open yet, so "connections" is every
connection the run opened); sync from 16 and 64 threads sharing one client, each thread
having made one call before the clock starts (their connections are open: warm).

Programs (`PROGRAMS`):
- sdk: mistral-sdk, `AsyncMistral()` / `Mistral()` with the httpx2 client the SDK builds;
- sdk-httpx: mistral-sdk given a caller's legacy `httpx.AsyncClient()` / `httpx.Client()`
  (httpx's default settings);
- httpx2: plain httpx2, default settings (100 connections, 20 kept alive), msgspec
  decoding the JSON and every `data:` line; when more calls are in flight than its pool
  holds, a semaphore of 100 in front (without it, calls waiting for the pool time out
  after httpx2's 5 s pool timeout);
- httpx: the same with legacy httpx;
- official: `mistralai` 3.7.0 (`complete_async` / `stream_async`, `complete` / `stream`).
Other scripts add programs (`bench_aiohttp.py`, `bench_http2.py`, `bench_pool.py`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROGRAMS: tuple[str, ...] = ("sdk", "sdk-httpx", "httpx2", "httpx", "official")
POOL = 100  # httpx2's and httpx's default max_connections: the plain clients' semaphore
# scenario: (mode, in flight, calls)
SCENARIOS: dict[str, tuple[str, int, int]] = {
    "async_1": ("async", 1, 300),
    "async_64": ("async", 64, 1280),
    "async_1000": ("async", 1000, 1000),
    "sync_16": ("sync", 16, 960),
    "sync_64": ("sync", 64, 1280),
}
MESSAGES = [{"role": "user", "content": "Say hello."}]
MODEL = "mistral-small-latest"


def _stats(url: str, reset: bool = False) -> dict[str, int]:
    request = urllib.request.Request(url + "/stats", method="POST" if reset else "GET")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


# --- the programs: one call number i, in a fresh interpreter --------------------------


def _http_module(program: str) -> Any:
    """The HTTP library of a plain program: legacy httpx for "httpx", else httpx2."""
    if program == "httpx":
        import httpx

        return httpx
    import httpx2

    return httpx2


def _own_async_client(program: str) -> Any:
    """The client a caller hands the SDK (`http_client=`), or None for the SDK's own."""
    if program == "sdk-httpx":
        import warnings

        import httpx

        warnings.simplefilter("ignore", DeprecationWarning)  # said once, at construction
        return httpx.AsyncClient()
    if program == "sdk-http2":  # cleartext HTTP/2 (prior knowledge): bench_http2.py
        import httpx2

        return httpx2.AsyncClient(http1=False, http2=True)
    if program == "sdk-aiohttp":  # bench_aiohttp.py: the `aiohttp` extra's client
        from mistral_sdk.aiohttp import AiohttpClient

        return AiohttpClient()
    return None


def _own_sync_client(program: str) -> Any:
    if program == "sdk-httpx":
        import warnings

        import httpx

        warnings.simplefilter("ignore", DeprecationWarning)
        return httpx.Client()
    return None


def _plain_async_client(program: str) -> Any:
    import httpx2

    if program == "httpx2-http2":
        return httpx2.AsyncClient(http1=False, http2=True)
    if program == "httpx2-aiohttp":
        from httpx_aiohttp.httpx2 import AiohttpTransport

        return httpx2.AsyncClient(transport=AiohttpTransport())
    return _http_module(program).AsyncClient()


def _async_call(program: str, url: str, in_flight: int) -> Any:
    """An async function doing call number i."""
    import msgspec

    if program.startswith("sdk"):
        import mistral_sdk

        own = _own_async_client(program)
        ours = mistral_sdk.AsyncMistral(api_key="bench", base_url=url, http_client=own)

        async def call(i: int) -> int:
            if i % 2 == 0:
                await ours.chat.complete(model=MODEL, messages=MESSAGES)
                return 1
            async with await ours.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum([1 async for _ in stream])

        return call
    if program == "official":
        from mistralai.client import Mistral

        official = Mistral(api_key="bench", server_url=url)

        async def call(i: int) -> int:
            if i % 2 == 0:
                await official.chat.complete_async(model=MODEL, messages=MESSAGES)
                return 1
            async with await official.chat.stream_async(model=MODEL, messages=MESSAGES) as s:
                return sum([1 async for _ in s])

        return call
    import asyncio
    import contextlib

    http = _plain_async_client(program)
    gate: Any = asyncio.Semaphore(POOL) if in_flight > POOL else contextlib.nullcontext()
    endpoint = url + "/v1/chat/completions"
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
    bodies = [
        msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": s})
        for s in (False, True)
    ]

    async def call(i: int) -> int:
        async with gate:
            if i % 2 == 0:
                response = await http.post(endpoint, content=bodies[0], headers=headers)
                response.raise_for_status()
                msgspec.json.decode(response.content)
                return 1
            n = 0
            async with http.stream("POST", endpoint, content=bodies[1], headers=headers) as r:
                r.raise_for_status()
                async for line in r.aiter_lines():
                    if line.startswith("data: ") and line != "data: [DONE]":
                        msgspec.json.decode(line[6:])
                        n += 1
            return n

    return call


def _sync_call(program: str, url: str, in_flight: int) -> Any:
    import contextlib
    import threading

    import msgspec

    if program.startswith("sdk"):
        import mistral_sdk

        own = _own_sync_client(program)
        ours = mistral_sdk.Mistral(api_key="bench", base_url=url, http_client=own)

        def call(i: int) -> int:
            if i % 2 == 0:
                ours.chat.complete(model=MODEL, messages=MESSAGES)
                return 1
            with ours.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum(1 for _ in stream)

        return call
    if program == "official":
        from mistralai.client import Mistral

        official = Mistral(api_key="bench", server_url=url)

        def call(i: int) -> int:
            if i % 2 == 0:
                official.chat.complete(model=MODEL, messages=MESSAGES)
                return 1
            with official.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum(1 for _ in stream)

        return call
    http = _http_module(program).Client()
    gate: Any = threading.Semaphore(POOL) if in_flight > POOL else contextlib.nullcontext()
    endpoint = url + "/v1/chat/completions"
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
    bodies = [
        msgspec.json.encode({"model": MODEL, "messages": MESSAGES, "stream": s})
        for s in (False, True)
    ]

    def call(i: int) -> int:
        with gate:
            if i % 2 == 0:
                response = http.post(endpoint, content=bodies[0], headers=headers)
                response.raise_for_status()
                msgspec.json.decode(response.content)
                return 1
            n = 0
            with http.stream("POST", endpoint, content=bodies[1], headers=headers) as r:
                r.raise_for_status()
                for line in r.iter_lines():
                    if line.startswith("data: ") and line != "data: [DONE]":
                        msgspec.json.decode(line[6:])
                        n += 1
            return n

    return call


def run_once(program: str, scenario: str, url: str) -> dict[str, float]:
    """Seconds, failures and connections of one run of `scenario` by `program`."""
    import time

    mode, in_flight, calls = SCENARIOS[scenario]
    failures = 0
    if mode == "async":
        import asyncio

        async def main() -> tuple[float, float]:
            nonlocal failures
            call = _async_call(program, url, in_flight)
            _stats(url, reset=True)
            start, cpu = time.perf_counter(), time.process_time()
            for base in range(0, calls, in_flight):
                batch = range(base, min(calls, base + in_flight))
                results = await asyncio.gather(*(call(i) for i in batch), return_exceptions=True)
                failures += sum(isinstance(r, BaseException) for r in results)
            return time.perf_counter() - start, time.process_time() - cpu

        seconds, cpu_seconds = asyncio.run(main())
    else:
        from concurrent.futures import ThreadPoolExecutor

        call = _sync_call(program, url, in_flight)

        def guarded(i: int) -> bool:
            try:
                call(i)
                return True
            except Exception:
                return False

        with ThreadPoolExecutor(in_flight) as pool:
            list(pool.map(guarded, range(in_flight)))  # start the threads
            _stats(url, reset=True)
            start, cpu = time.perf_counter(), time.process_time()
            failures = sum(not ok for ok in pool.map(guarded, range(calls)))
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    stats = _stats(url)
    return {
        "seconds": seconds,
        "cpu": cpu_seconds,
        "calls": calls,
        "failures": failures,
        "connections": stats["accepted"] - 1,  # not the connection asking for the stats
        "peak": stats["peak"],
    }


# --- the comparison ----------------------------------------------------------------


def _spawn(program: str, scenario: str, url: str, script: str = __file__) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, script, "--run", program, scenario, url],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(
    url: str,
    *,
    repeats: int = 3,
    scenarios: tuple[str, ...] = tuple(SCENARIOS),
    programs: tuple[str, ...] | None = None,
    script: str = __file__,
) -> dict[str, dict[str, dict[str, float]]]:
    """{scenario: {program: {"seconds", "cpu", "calls", "connections", "peak", "failures"}}}:
    the least wall time and the least CPU time of `repeats` fresh runs (`script --run`),
    the programs taking turns; connections and failures the most seen in any run."""
    programs = programs or PROGRAMS
    results: dict[str, dict[str, dict[str, float]]] = {}
    for scenario in scenarios:
        rows: dict[str, dict[str, float]] = {}
        for repeat in range(repeats):
            shift = repeat % len(programs)
            for program in programs[shift:] + programs[:shift]:
                print(f"... {scenario} {program} ({repeat + 1}/{repeats})", file=sys.stderr)
                run = _spawn(program, scenario, url, script)
                row = rows.setdefault(
                    program, {"seconds": float("inf"), "cpu": float("inf"), "calls": run["calls"]}
                )
                row["seconds"] = min(row["seconds"], run["seconds"])
                row["cpu"] = min(row["cpu"], run["cpu"])
                for key in ("connections", "peak", "failures"):
                    row[key] = max(row.get(key, 0), run[key])
        results[scenario] = rows
    return results


def server(*args: str, script: str = "scale_server.py") -> Any:
    """A context manager: `script` (a server printing its port) running with `args`;
    yields its base URL, stops it (by its PID) at the end."""
    from contextlib import contextmanager

    @contextmanager
    def run() -> Any:
        process = subprocess.Popen(
            [sys.executable, str(HERE / script), *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            yield f"http://127.0.0.1:{int(process.stdout.readline())}"
        finally:
            process.terminate()
            process.wait(timeout=10)

    return run()


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "--run":
        program, scenario, url = sys.argv[2:5]
        print(json.dumps(run_once(program, scenario, url)))
        return
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--programs", default=",".join(PROGRAMS), help="comma-separated")
    args = parser.parse_args()
    programs = tuple(args.programs.split(","))
    with server() as url:
        results = measure(
            url, repeats=args.repeats, scenarios=tuple(args.scenarios), programs=programs
        )
    for scenario, rows in results.items():
        for program, row in rows.items():
            print(f"{scenario:11} {program:12} {row}")


if __name__ == "__main__":
    main()
