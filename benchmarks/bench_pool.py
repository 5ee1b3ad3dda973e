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
- httpx2: plain httpx2 (default limits) behind a semaphore of 100, msgspec decoding
  (`bench_scale.py`'s program of that name).

    python benchmarks/bench_pool.py [--repeats 3] [--programs "SDK;pool 32"] [scenario ...]

prints a markdown table (calls per second, best of the repeats; connections opened and
most open at once, the most seen) for docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_scale  # noqa: E402
from bench_scale import MESSAGES, MODEL, server  # noqa: E402

# variant: (a queue of this size in front of each call, or None; the pool: its size, None
# for httpx2's defaults, "sdk" for the client the SDK builds)
VARIANTS: dict[str, tuple[int | None, int | str | None]] = {
    "SDK": (None, "sdk"),
    "pool 32": (None, 32),
    "pool 64": (None, 64),
    "queue 32 + pool 32": (32, 32),
    "httpx2 defaults": (None, None),
}
PROGRAMS = (*VARIANTS, "httpx2")
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


def _gate(program: str, mode: str) -> Any:
    """The queue in front of each call of `program`: a FIFO semaphore, or nothing."""
    import contextlib

    size = VARIANTS[program][0]
    if not size:
        return contextlib.nullcontext()
    if mode == "sync":
        import threading

        return threading.Semaphore(size)
    import asyncio

    return asyncio.Semaphore(size)


def _async_call(program: str, url: str, in_flight: int) -> Any:
    if program == "httpx2":
        return _PLAIN_ASYNC("httpx2", url, in_flight)
    client, gate = _client(program, url, "async"), _gate(program, "async")

    async def call(i: int) -> int:
        async with gate:
            if i % 2 == 0:
                return len((await client.chat.complete(model=MODEL, messages=MESSAGES)).choices)
            async with await client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum([1 async for _ in stream])

    return call


def _sync_call(program: str, url: str, in_flight: int) -> Any:
    if program == "httpx2":
        return _PLAIN_SYNC("httpx2", url, in_flight)
    client, gate = _client(program, url, "sync"), _gate(program, "sync")

    def call(i: int) -> int:
        with gate:
            if i % 2 == 0:
                return len(client.chat.complete(model=MODEL, messages=MESSAGES).choices)
            with client.chat.stream(model=MODEL, messages=MESSAGES) as stream:
                return sum(1 for _ in stream)

    return call


def run_once(program: str, scenario: str, url: str) -> dict[str, float]:
    """`bench_scale.run_once`, with this script's programs."""
    bench_scale._async_call, bench_scale._sync_call = _async_call, _sync_call
    return bench_scale.run_once(program, scenario, url)


# bench_scale's own, kept before run_once points it at this script's programs
_PLAIN_ASYNC, _PLAIN_SYNC = bench_scale._async_call, bench_scale._sync_call


def measure(
    url: str, scenarios: tuple[str, ...], repeats: int, programs: tuple[str, ...] = PROGRAMS
) -> dict[str, dict[str, Any]]:
    """`bench_scale.measure` (fresh interpreters, the programs taking turns, best of
    `repeats`) over this script's programs (each run is this script's `run_once`)."""
    return bench_scale.measure(
        url, repeats=repeats, scenarios=scenarios, programs=programs, script=__file__
    )


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
            cell = (
                f"{r['calls'] / r['seconds']:,.0f}/s · {r['connections']:.0f} (≤ {r['peak']:.0f})"
            )
            cells.append(cell + (f" · **{r['failures']:.0f} failed**" if r["failures"] else ""))
        lines.append(f"| {LABELS.get(scenario, scenario)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _versions() -> str:
    from importlib.metadata import version

    return f"httpx2 {version('httpx2')}, httpcore2 {version('httpcore2')}"


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
    parser.add_argument("--write", action="store_true", help="into docs/reliability.md")
    args = parser.parse_args()
    programs = PROGRAMS
    if args.programs:
        programs = tuple(p.strip() for p in args.programs.split(";"))
        if unknown := set(programs) - set(PROGRAMS):
            parser.error(f"--programs: unknown {sorted(unknown)}")
    with server() as url:
        results = measure(url, tuple(args.scenarios), args.repeats, programs)
    text = table(results, programs) + f"\n\n{_versions()}, best of {args.repeats}."
    print(text)
    if args.write:
        import docblock

        docblock.write(
            "docs/reliability.md", "pool-bench", "bench_pool.py", "make bench-pool", text
        )


if __name__ == "__main__":
    main()
