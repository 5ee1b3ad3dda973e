"""One call at a time: a small chat completion against a loopback server with
keep-alive, sync (one call after another) and async (one call in flight).

The five programs of the side-by-side table (`bench_scale.PROGRAMS`): mistral-sdk on
httpx2, mistral-sdk given a legacy `httpx` client, plain httpx2 and plain httpx (default
settings; posting the same JSON, msgspec decoding the answer), and the official SDK's
`chat.complete` / `complete_async`. The server is the same for all and runs in its own
process (loopback_server.py). Every program's connection is open before timing starts.

The figure is the client's CPU time per call (`time.process_time`, fastest of
interleaved repeats): on a shared two-core machine the wall time of a loopback round
trip mostly measures when the scheduler runs the server, and swung by 2x between
repeats, while what a client costs per call is its own CPU time.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import httpx2
import msgspec
import payloads
from timing import compare, compare_concurrent

HERE = Path(__file__).resolve().parent
MESSAGES = [{"role": "user", "content": "Say hello."}]
REQUEST = {"model": payloads.MODEL, "messages": MESSAGES, "stream": False}
HEADERS = {"Authorization": "Bearer bench", "Content-Type": "application/json"}


@contextmanager
def loopback_server(download_mb: int = 200) -> Iterator[str]:
    """Start loopback_server.py; yield its base URL; stop it (by its PID)."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "loopback_server.py"), "--download-mb", str(download_mb)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _sync_programs(base_url: str) -> dict[str, Callable[[], Any]]:
    from mistralai.client import Mistral as Official

    import mistral_sdk

    ours = mistral_sdk.Mistral(api_key="bench", base_url=base_url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        legacy = mistral_sdk.Mistral(api_key="bench", base_url=base_url, http_client=httpx.Client())
    official = Official(api_key="bench", server_url=base_url)
    url = f"{base_url}/v1/chat/completions"

    def plain(http: Any) -> Callable[[], Any]:
        def call() -> Any:
            response = http.post(url, content=msgspec.json.encode(REQUEST), headers=HEADERS)
            response.raise_for_status()
            return msgspec.json.decode(response.content)

        return call

    return {
        "sdk": lambda: ours.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "sdk-httpx": lambda: legacy.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "httpx2": plain(httpx2.Client()),
        "httpx": plain(httpx.Client()),
        "official": lambda: official.chat.complete(model=payloads.MODEL, messages=MESSAGES),
    }


def _async_programs(base_url: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    from mistralai.client import Mistral as Official

    import mistral_sdk

    ours = mistral_sdk.AsyncMistral(api_key="bench", base_url=base_url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        legacy = mistral_sdk.AsyncMistral(
            api_key="bench", base_url=base_url, http_client=httpx.AsyncClient()
        )
    official = Official(api_key="bench", server_url=base_url)
    url = f"{base_url}/v1/chat/completions"

    def plain(http: Any) -> Callable[[], Awaitable[Any]]:
        async def call() -> Any:
            response = await http.post(url, content=msgspec.json.encode(REQUEST), headers=HEADERS)
            response.raise_for_status()
            return msgspec.json.decode(response.content)

        return call

    return {
        "sdk": lambda: ours.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "sdk-httpx": lambda: legacy.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "httpx2": plain(httpx2.AsyncClient()),
        "httpx": plain(httpx.AsyncClient()),
        "official": lambda: official.chat.complete_async(model=payloads.MODEL, messages=MESSAGES),
    }


def measure(base_url: str) -> dict[str, dict[str, float]]:
    """{"call_sync" | "call_async": {program: seconds per call}}"""
    cpu = time.process_time
    sync = compare(_sync_programs(base_url), min_seconds=0.2, clock=cpu)

    async def run_async() -> dict[str, float]:
        programs = _async_programs(base_url)
        return await compare_concurrent(programs, concurrency=1, rounds=200, clock=cpu)

    return {"call_sync": sync, "call_async": asyncio.run(run_async())}


if __name__ == "__main__":
    with loopback_server() as url:
        for bench, row in measure(url).items():
            print(bench, {k: f"{v * 1e6:.0f} us" for k, v in row.items()})
