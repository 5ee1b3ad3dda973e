"""Timing helpers. The programs under comparison take turns, repeat after repeat,
so that noise from a shared machine hits each alike; the garbage collector runs
between repeats, not inside. Each program's result is its fastest repeat: other
processes only ever add time, so the minimum is the least noisy estimate of what
the program itself costs (as `timeit`'s documentation advises)."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from typing import Any


def _turns(programs: dict[str, Any], repeat: int) -> list[str]:
    """The programs' order in this repeat: rotated, so that none always goes first."""
    names = list(programs)
    shift = repeat % len(names)
    return names[shift:] + names[:shift]


def _loops(
    fn: Callable[[], Any], min_seconds: float, clock: Callable[[], float] = time.perf_counter
) -> int:
    """How many calls of `fn` last at least `min_seconds`."""
    fn()  # warm caches and lazy imports
    loops = 1
    while True:
        start = clock()
        for _ in range(loops):
            fn()
        elapsed = clock() - start
        if elapsed >= min_seconds:
            return loops
        loops *= 2 if elapsed * 4 >= min_seconds else 8


def compare(
    programs: dict[str, Callable[[], Any]],
    *,
    repeats: int = 7,
    min_seconds: float = 0.05,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """Seconds per call of each program (fastest repeat), the programs interleaved.

    `clock=time.process_time` counts this process's CPU time only: on a loaded
    machine, what a program costs rather than how long it waited for a core."""
    loops = {name: _loops(fn, min_seconds, clock) for name, fn in programs.items()}
    samples: dict[str, list[float]] = {name: [] for name in programs}
    for repeat in range(repeats):
        for name in _turns(programs, repeat):
            fn, n = programs[name], loops[name]
            gc.collect()
            start = clock()
            for _ in range(n):
                fn()
            samples[name].append((clock() - start) / n)
    return {name: min(values) for name, values in samples.items()}


async def compare_concurrent(
    programs: dict[str, Callable[[], Awaitable[Any]]],
    *,
    concurrency: int,
    rounds: int = 5,
    repeats: int = 15,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """Seconds per call (fastest repeat) with `concurrency` calls in flight, interleaved
    (`clock` as in `compare`)."""

    async def one_round(call: Callable[[], Awaitable[Any]]) -> None:
        await asyncio.gather(*(call() for _ in range(concurrency)))

    for call in programs.values():  # open the connections, warm up
        for _ in range(3):
            await one_round(call)
    samples: dict[str, list[float]] = {name: [] for name in programs}
    for repeat in range(repeats):
        for name in _turns(programs, repeat):
            call = programs[name]
            gc.collect()
            start = clock()
            for _ in range(rounds):
                await one_round(call)
            samples[name].append((clock() - start) / (rounds * concurrency))
    return {name: min(values) for name, values in samples.items()}
