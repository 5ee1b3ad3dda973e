"""What the fault tests share: one request through the sync or async client, and a
guard that turns a hang into a failure."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import mistral_sdk
from mistral_sdk._response import BinaryResponse, JsonResponse

KEY = "sk-fault-SECRET-0123456789abcdef"


@dataclass
class Outcome:
    """What a call produced: a value or an error, plus what happened on the way."""

    value: Any = None
    error: BaseException | None = None
    events: list[Any] = field(default_factory=list)  # stream events received before the end
    sleeps: list[float] = field(default_factory=list)  # retry delays the client asked for


def call(
    mode: str,
    base_url: str,
    method: str = "GET",
    path: str = "/v1/x",
    *,
    response: Any = None,
    client_options: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Outcome:
    """One request through `Mistral` or `AsyncMistral`; streams are read to the end.

    Retry sleeps are recorded instead of slept, so that a test of a 60 s
    `retry-after` takes no time; every other wait (timeouts, drips) is real.
    """
    out = Outcome()
    options = {"api_key": KEY, "base_url": base_url, "timeout": 2.0, **(client_options or {})}
    kwargs["response"] = response or JsonResponse(Any)
    if mode == "sync":
        with mistral_sdk.Mistral(**options) as client:
            client._sleep = out.sleeps.append
            try:
                out.value = client.request(method, path, **kwargs)
                if isinstance(out.value, mistral_sdk.Stream):
                    with out.value as stream:
                        for event in stream:
                            out.events.append(event)
            except Exception as exc:
                out.error = exc
        return out

    async def main() -> None:
        async with mistral_sdk.AsyncMistral(**options) as client:

            async def sleep(delay: float) -> None:
                out.sleeps.append(delay)

            client._sleep = sleep
            try:
                out.value = await client.request(method, path, **kwargs)
                if isinstance(out.value, mistral_sdk.AsyncStream):
                    async with out.value as stream:
                        async for event in stream:
                            out.events.append(event)
            except Exception as exc:
                out.error = exc

    asyncio.run(main())
    return out


def read_binary(mode: str, base_url: str) -> Outcome:
    """A binary download read to the end with `.read()` (where its body errors show)."""
    out = Outcome()
    options = {"api_key": KEY, "base_url": base_url, "max_retries": 0}
    if mode == "sync":
        with mistral_sdk.Mistral(**options) as client:
            try:
                out.value = client.request("GET", "/v1/x", response=BinaryResponse()).read()
            except Exception as exc:
                out.error = exc
        return out

    async def main() -> None:
        async with mistral_sdk.AsyncMistral(**options) as client:
            try:
                content = await client.request("GET", "/v1/x", response=BinaryResponse())
                out.value = await content.read()
            except Exception as exc:
                out.error = exc

    asyncio.run(main())
    return out


class Hung(Exception):
    """A guarded block did not finish in time."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `Hung` in the block after `seconds` instead of letting it hang.

    SIGALRM interrupts even a thread blocked on a lock (POSIX), which is how a
    connection-pool deadlock would show: as a failure, not a CI timeout. The alarm
    repeats, because one raised inside a finalizer is swallowed there."""

    def fire(signum: int, frame: object) -> None:
        raise Hung(f"not done after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.2)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
