"""What a mocked call costs with `mistral_sdk.testing`: a user's test suite runs
thousands of them.

Each row is one client call answered in process, timed per call (CPU time, fastest of
interleaved repeats, `timing.compare`):

- `mock`: `Mock().client` (the in-process transport), the call named, recorded and
  answered by a scripted route (`on(...).reply(...)`) or by the mock's own routes;
- `floor`: the same client over a bare `httpx2.MockTransport` returning the same answer
  already encoded: what the SDK costs with the cheapest transport there is. `mock` minus
  `floor` is what the mock adds.
- `first_call`: the first call of a fresh process (each column in its own processes),
  what every test run pays once: the mock reads its routes and the called method's
  description then.

    python benchmarks/bench_testing.py     # prints the rows; `make bench` records them
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx2
from timing import compare

import mistral_sdk
from mistral_sdk import testing

MESSAGES = [{"role": "user", "content": "Say hello."}]


def _floor_client(answer: bytes, content_type: str) -> mistral_sdk.Mistral:
    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        return httpx2.Response(200, content=answer, headers={"Content-Type": content_type})

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    return mistral_sdk.Mistral(api_key="bench", http_client=http, max_retries=0)


def _async_floor_client(answer: bytes) -> mistral_sdk.AsyncMistral:
    async def handler(request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        return httpx2.Response(200, content=answer, headers={"Content-Type": "application/json"})

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    return mistral_sdk.AsyncMistral(api_key="bench", http_client=http, max_retries=0)


def _stream_bytes(events: testing.EventStream) -> bytes:
    frames = [f"data: {mistral_sdk.encode(e).decode()}\n\n" for e in events.events]
    return ("".join(frames) + "data: [DONE]\n\n").encode()


def _drain(stream: Any) -> None:
    with stream as events:
        for _ in events:
            pass


def programs() -> dict[str, dict[str, Callable[[], Any]]]:
    """{row key: {column: one call}}"""
    completion = testing.chat_completion("Hello! How can I help?")
    chunks = testing.chat_stream("Hello", "! How", " can I", " help", "?")
    scripted = testing.mock(max_retries=0)
    scripted.on("chat.complete").reply(completion)
    scripted.on("chat.stream").reply(chunks)
    default = testing.mock(max_retries=0)
    floor = _floor_client(mistral_sdk.encode(completion), "application/json")
    floor_stream = _floor_client(_stream_bytes(chunks), "text/event-stream")
    default_answer = default.client.chat.complete(model="m", messages=MESSAGES)
    floor_default = _floor_client(mistral_sdk.encode(default_answer), "application/json")

    loop = asyncio.new_event_loop()
    floor_async = _async_floor_client(mistral_sdk.encode(completion))

    def chat(client: mistral_sdk.Mistral) -> Callable[[], Any]:
        return lambda: client.chat.complete(model="m", messages=MESSAGES)

    def stream(client: mistral_sdk.Mistral) -> Callable[[], Any]:
        return lambda: _drain(client.chat.stream(model="m", messages=MESSAGES))

    def achat(client: mistral_sdk.AsyncMistral) -> Callable[[], Any]:
        return lambda: loop.run_until_complete(client.chat.complete(model="m", messages=MESSAGES))

    def bounded(mock: testing.Mock, fn: Callable[[], Any]) -> Callable[[], Any]:
        def call() -> Any:
            mock.reset_calls()  # a long run records millions of calls otherwise
            return fn()

        return call

    return {
        "chat_scripted": {"mock": bounded(scripted, chat(scripted.client)), "floor": chat(floor)},
        "chat_default": {
            "mock": bounded(default, chat(default.client)),
            "floor": chat(floor_default),
        },
        "chat_async": {
            "mock": bounded(scripted, achat(scripted.async_client)),
            "floor": achat(floor_async),
        },
        "stream_scripted": {
            "mock": bounded(scripted, stream(scripted.client)),
            "floor": stream(floor_stream),
        },
    }


def first_call(column: str) -> float:
    """CPU seconds of the first chat.complete in this (fresh) process: for `mock`, a
    mock made and called the first time (its routes are read then); for `floor`, a
    client over a bare `httpx2.MockTransport`, called the first time."""
    start = time.process_time()
    if column == "mock":
        with testing.mock(max_retries=0) as mock:
            mock.client.chat.complete(model="m", messages=MESSAGES)
    else:
        answer = mistral_sdk.encode(testing.chat_completion("Hello! How can I help?"))
        with _floor_client(answer, "application/json") as client:
            client.chat.complete(model="m", messages=MESSAGES)
    return time.process_time() - start


def _first_calls(runs: int) -> dict[str, float]:
    """`first_call` of each column, fastest of `runs` fresh processes taking turns."""
    best: dict[str, float] = {}
    for _ in range(runs):
        for column in ("mock", "floor"):
            out = subprocess.run(
                [sys.executable, __file__, "--first", column],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            best[column] = min(best.get(column, float("inf")), float(out.split()[-1]))
    return best


def measure(repeats: int = 7) -> dict[str, dict[str, float]]:
    """{row key: {"mock": seconds per call, "floor": seconds per call}}"""
    found = {}
    for key, row in programs().items():
        found[key] = compare(row, repeats=repeats, clock=time.process_time, min_seconds=0.2)
    found["first_call"] = _first_calls(repeats)
    return found


def main() -> None:
    found = measure()
    for key, values in found.items():
        mock, floor = values["mock"] * 1e6, values["floor"] * 1e6
        print(
            f"{key:16} mock {mock:7.1f} us   floor {floor:7.1f} us   added {mock - floor:6.1f} us"
        )
    json.dump(found, sys.stdout)
    print()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--first"]:
        print(first_call(sys.argv[2]))
    else:
        main()
