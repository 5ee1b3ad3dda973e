"""Does the SDK need an admission queue in front of httpcore2's pool, and how large a pool?

The SDK used to queue calls itself (`mistral_sdk/_pool.py`, removed) and build a pool of
32 connections, because httpcore 1.0's pool rescanned every waiting request and closed
idle connections beyond `max_keepalive_connections` (docs/reliability.md, "Many calls at
once"). This measures httpcore2 the same way as `bench_scale.py` (same loopback server,
same calls: half `chat.complete`, half `chat.stream` read to the end; each run in a fresh
interpreter, from cold): 1,000 calls in flight (async), 16 and 64 threads sharing one
client (sync).

Variants (the SDK's `AsyncMistral` / `Mistral`):
- "SDK": the client the SDK builds (`DEFAULT_LIMITS`: 100 connections, all kept alive);
- "pool N": over `httpx2.Client(limits=Limits(N, N))`, N connections all kept alive;
- "queue 32 + pool 32": the same with a FIFO semaphore of 32 in front of every call,
  what the removed admission queue did;
- "httpx2 defaults": over a plain `httpx2` client (100 connections, 20 kept alive);
- floor: plain httpx2 (default limits) behind a semaphore of 100, msgspec decoding.

    python benchmarks/bench_pool.py [--repeats 3] [--programs "SDK;pool 32"] [scenario ...]

prints a markdown table (calls per second, best of the repeats; connections opened and
most open at once, the most seen) for docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scale import MESSAGES, MODEL, SCENARIOS, _stats, server  # noqa: E402

# variant: (a queue of this size in front of each call, or None; the pool: its size, None
# for httpx2's defaults, "sdk" for the client the SDK builds)
VARIANTS: dict[str, tuple[int | None, int | str | None]] = {
    "SDK": (None, "sdk"),
    "pool 32": (None, 32),
    "pool 64": (None, 64),
    "queue 32 + pool 32": (32, 32),
    "httpx2 defaults": (None, None),
}
PROGRAMS = (*VARIANTS, "floor")
DEFAULT_SCENARIOS = ("async_1000", "sync_16", "sync_64")


def _client(variant: str, url: str, mode: str) -> Any:
    import httpx2

    import mistral_sdk

    size = VARIANTS[variant][1]
    cls = mistral_sdk.Mistral if mode == "sync" else mistral_sdk.AsyncMistral
    if size == "sdk":
        return cls(api_key="bench", base_url=url)
    kind = httpx2.Client if mode == "sync" else httpx2.AsyncClient
    options: dict[str, Any] = {"timeout": httpx2.Timeout(600.0, connect=5.0)}
    if isinstance(size, int):  # else httpx2's default limits
        options["limits"] = httpx2.Limits(max_connections=size, max_keepalive_connections=size)
    return cls(api_key="bench", base_url=url, http_client=kind(follow_redirects=True, **options))


def _async_call(program: str, url: str) -> Any:
    if program == "floor":
        from bench_scale import _async_call as floor

        return floor("floor", url)
    import asyncio
    import contextlib

    client = _client(program, url, "async")
    queue = VARIANTS[program][0]
    gate: Any = asyncio.Semaphore(queue) if queue else contextlib.nullcontext()

    async def call(i: int) -> int:
        async with gate:
            if i % 2 == 0:
                await client.chat.complete(model=MODEL, messages=MESSAGES)
                return 1
            async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum([1 async for _ in stream])

    return call


def _sync_call(program: str, url: str) -> Any:
    if program == "floor":
        from bench_scale import _sync_call as floor

        return floor("floor", url)
    import contextlib
    import threading

    client = _client(program, url, "sync")
    queue = VARIANTS[program][0]
    gate: Any = threading.Semaphore(queue) if queue else contextlib.nullcontext()

    def call(i: int) -> int:
        with gate:
            if i % 2 == 0:
                client.chat.complete(model=MODEL, messages=MESSAGES)
                return 1
            with client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum(1 for _ in stream)

    return call


def run_once(program: str, scenario: str, url: str) -> dict[str, float]:
    mode, in_flight, calls = SCENARIOS[scenario]
    failures = 0
    if mode == "async":
        import asyncio

        async def main() -> float:
            nonlocal failures
            call = _async_call(program, url)
            _stats(url, reset=True)
            start = time.perf_counter()
            for base in range(0, calls, in_flight):
                batch = range(base, min(calls, base + in_flight))
                results = await asyncio.gather(*(call(i) for i in batch), return_exceptions=True)
                failures += sum(isinstance(r, BaseException) for r in results)
            return time.perf_counter() - start

        seconds = asyncio.run(main())
    else:
        from concurrent.futures import ThreadPoolExecutor

        call = _sync_call(program, url)

        def guarded(i: int) -> bool:
            try:
                call(i)
                return True
            except Exception:
                return False

        with ThreadPoolExecutor(in_flight) as pool:
            list(pool.map(guarded, range(in_flight)))  # start the threads
            _stats(url, reset=True)
            start = time.perf_counter()
            failures = sum(not ok for ok in pool.map(guarded, range(calls)))
            seconds = time.perf_counter() - start
    stats = _stats(url)
    return {
        "seconds": seconds,
        "calls": calls,
        "failures": failures,
        "connections": stats["accepted"] - 1,  # not the connection asking for the stats
        "peak": stats["peak"],
    }


def _spawn(program: str, scenario: str, url: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--run", program, scenario, url],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(
    url: str, scenarios: tuple[str, ...], repeats: int, programs: tuple[str, ...] = PROGRAMS
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for scenario in scenarios:
        rows: dict[str, Any] = {}
        for repeat in range(repeats):
            shift = repeat % len(programs)
            for program in programs[shift:] + programs[:shift]:  # take turns
                print(f"... {scenario} {program} ({repeat + 1}/{repeats})", file=sys.stderr)
                run = _spawn(program, scenario, url)
                row = rows.setdefault(
                    program, {"calls_per_s": 0.0, "connections": 0, "peak": 0, "failures": 0}
                )
                row["calls_per_s"] = max(row["calls_per_s"], run["calls"] / run["seconds"])
                for key in ("connections", "peak", "failures"):
                    row[key] = max(row[key], run[key])
        results[scenario] = rows
    return results


LABELS = {
    "async_1000": "async, 1,000 in flight",
    "sync_16": "sync, 16 threads",
    "sync_64": "sync, 64 threads",
    "async_64": "async, 64 in flight",
    "async_1": "async, 1 in flight",
}


def table(results: dict[str, dict[str, Any]], programs: tuple[str, ...] = PROGRAMS) -> str:
    head = "| calls (half streams): per s · conn. opened (≤ most at once) | "
    lines = [head + " | ".join(programs) + " |", "|---" + "|---:" * len(programs) + "|"]
    for scenario, rows in results.items():
        cells = []
        for program in programs:
            r = rows[program]
            cell = f"{r['calls_per_s']:,.0f}/s · {r['connections']:.0f} (≤ {r['peak']:.0f})"
            cells.append(cell + (f" · **{r['failures']:.0f} failed**" if r["failures"] else ""))
        lines.append(f"| {LABELS.get(scenario, scenario)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _versions() -> str:
    from importlib.metadata import version

    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}; "
        f"httpx2 {version('httpx2')}, httpcore2 {version('httpcore2')}"
    )


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "--run":
        program, scenario, url = sys.argv[2:5]
        print(json.dumps(run_once(program, scenario, url)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=DEFAULT_SCENARIOS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--programs", help="semicolon-separated: which of " + "; ".join(PROGRAMS), default=None
    )
    args = parser.parse_args()
    programs = PROGRAMS
    if args.programs:
        programs = tuple(p.strip() for p in args.programs.split(";"))
        if unknown := set(programs) - set(PROGRAMS):
            parser.error(f"--programs: unknown {sorted(unknown)}")
    with server() as url:
        results = measure(url, tuple(args.scenarios), args.repeats, programs)
    print(table(results, programs))
    print(f"\n(`python benchmarks/bench_pool.py`, {time.strftime('%Y-%m-%d')}, {_versions()}.)")


if __name__ == "__main__":
    main()
