"""Sans-I/O flows: logic that the sync and the async client share, written once.

A flow is a generator that decides and never does I/O: it yields *steps*,
``(name, *args)`` tuples naming what to do (send this request, sleep this long, call
that hook), and is sent back each step's result, or has its exception thrown in,
where it may catch it like any other. A driver does the steps with an I/O object
that has one method per step name: `run_sync` calls ``io.name(*args)``, `run_async`
awaits it. httpx's authentication flows work the same way.

    def flow():
        response = yield ("send", request)
        ...
        return value

    value = run_sync(flow(), SyncIO())      # or: await run_async(flow(), AsyncIO())

`drive_sync` / `drive_async` take a function doing any step instead, for flows whose
steps are not named tuples (the workflow payload codec's storage operations).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

__all__ = ["Flow", "Step", "drive_async", "drive_sync", "run_async", "run_sync"]

T = TypeVar("T")

Step = tuple[Any, ...]
Flow = Generator[Step, Any, T]


async def _drive(flow: Generator[Any, Any, T], do: Callable[[Any], Any], awaiting: bool) -> T:
    # One driver for both modes: with awaiting=False nothing is awaited, so the
    # coroutine finishes on its first `send` (drive_sync).
    result: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.send(result) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        error = None
        try:
            result = do(step)
            if awaiting:
                result = await result
        except BaseException as exc:  # the flow decides; a cancellation reaches its finally
            result, error = None, exc


def drive_sync(flow: Generator[Any, Any, T], do: Callable[[Any], Any]) -> T:
    """Run `flow`, each step it yields done by `do(step)` (whatever its steps are)."""
    coroutine = _drive(flow, do, awaiting=False)
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()  # pragma: no cover - nothing in a sync run awaits
    raise RuntimeError("a blocking flow step awaited")  # pragma: no cover


async def drive_async(flow: Generator[Any, Any, T], do: Callable[[Any], Awaitable[Any]]) -> T:
    """Run `flow`, each step it yields done by awaiting `do(step)`."""
    return await _drive(flow, do, awaiting=True)


def run_sync(flow: Flow[T], io: object) -> T:
    """Run `flow`, doing each step with `io`'s blocking method of that name."""
    return drive_sync(flow, lambda step: getattr(io, step[0])(*step[1:]))


async def run_async(flow: Flow[T], io: object) -> T:
    """Run `flow`, awaiting each step with `io`'s async method of that name."""
    return await drive_async(flow, lambda step: getattr(io, step[0])(*step[1:]))
