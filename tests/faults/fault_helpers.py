"""What the fault tests share: one request through the sync or async client, and a
guard that turns a hang into a failure."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import mistral_sdk
from mistral_sdk._response import BinaryResponse, JsonResponse

KEY = "sk-fault-SECRET-0123456789abcdef"

# "sync" / "async": the SDK's own httpx2 client; "legacy-sync" / "legacy-async": a
# caller's legacy httpx client passed as http_client= (deprecated, still supported).
MODES = ["sync", "async", "legacy-sync", "legacy-async"]
# a chat stream's event and a chat completion, as the server sends them
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


def is_sync(mode: str) -> bool:
    return mode in ("sync", "legacy-sync")


def legacy_client(mode: str) -> Any:
    """For a legacy mode, the caller's `httpx` client, set up as the SDK sets up its own
    (redirects followed, 32 connections kept); None for the others."""
    if not mode.startswith("legacy"):
        return None
    import httpx

    cls = httpx.Client if is_sync(mode) else httpx.AsyncClient
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    return cls(follow_redirects=True, limits=limits)


def sdk_client(mode: str, **options: Any) -> Any:
    """`Mistral` or `AsyncMistral` for `mode`; a legacy mode's `http_client` is in
    `options` (its DeprecationWarning, tested elsewhere, is silenced here)."""
    cls = mistral_sdk.Mistral if is_sync(mode) else mistral_sdk.AsyncMistral
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return cls(**options)


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
    http = options.setdefault("http_client", legacy_client(mode))
    if is_sync(mode):
        with sdk_client(mode, **options) as client, contextlib.ExitStack() as stack:
            if http is not None:
                stack.callback(http.close)
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
        async with sdk_client(mode, **options) as client, contextlib.AsyncExitStack() as stack:
            if http is not None:
                stack.push_async_callback(http.aclose)

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
    http = options["http_client"] = legacy_client(mode)
    if is_sync(mode):
        with sdk_client(mode, **options) as client, contextlib.ExitStack() as stack:
            if http is not None:
                stack.callback(http.close)
            try:
                out.value = client.request("GET", "/v1/x", response=BinaryResponse()).read()
            except Exception as exc:
                out.error = exc
        return out

    async def main() -> None:
        async with sdk_client(mode, **options) as client, contextlib.AsyncExitStack() as stack:
            if http is not None:
                stack.push_async_callback(http.aclose)
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
