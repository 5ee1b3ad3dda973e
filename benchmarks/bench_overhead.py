"""Per-call overhead: one small chat completion against a loopback server with
keep-alive, sync (one call after another) and async (64 calls in flight).

mistral-sdk `chat.complete`, the official SDK's `chat.complete` / `complete_async`,
and the floor: raw httpx2 posting the same JSON and decoding the answer with msgspec.
The server is the same for all and runs in its own process (loopback_server.py).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import msgspec
import payloads
from timing import compare, compare_concurrent

HERE = Path(__file__).resolve().parent
CONCURRENCY = 64
MESSAGES = [{"role": "user", "content": "Say hello."}]
REQUEST = {"model": payloads.MODEL, "messages": MESSAGES, "stream": False}


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
    official = Official(api_key="bench", server_url=base_url)
    http = httpx2.Client()
    url = f"{base_url}/v1/chat/completions"
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json"}

    def floor() -> Any:
        response = http.post(url, content=msgspec.json.encode(REQUEST), headers=headers)
        response.raise_for_status()
        return msgspec.json.decode(response.content)

    return {
        "mistral-sdk": lambda: ours.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "official": lambda: official.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "floor": floor,
    }


def _async_programs(base_url: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    from mistralai.client import Mistral as Official

    import mistral_sdk

    ours = mistral_sdk.AsyncMistral(api_key="bench", base_url=base_url)
    official = Official(api_key="bench", server_url=base_url)
    http = httpx2.AsyncClient()
    url = f"{base_url}/v1/chat/completions"
    headers = {"Authorization": "Bearer bench", "Content-Type": "application/json"}

    async def floor() -> Any:
        response = await http.post(url, content=msgspec.json.encode(REQUEST), headers=headers)
        response.raise_for_status()
        return msgspec.json.decode(response.content)

    return {
        "mistral-sdk": lambda: ours.chat.complete(model=payloads.MODEL, messages=MESSAGES),
        "official": lambda: official.chat.complete_async(model=payloads.MODEL, messages=MESSAGES),
        "floor": floor,
    }


def measure(base_url: str) -> dict[str, dict[str, float]]:
    """{benchmark: {program: seconds per call}}"""
    sync = compare(_sync_programs(base_url), min_seconds=0.2)

    async def run_async() -> dict[str, float]:
        return await compare_concurrent(_async_programs(base_url), concurrency=CONCURRENCY)

    return {"call_sync": sync, "call_async_64": asyncio.run(run_async())}


if __name__ == "__main__":
    with loopback_server() as url:
        for bench, row in measure(url).items():
            print(bench, {k: f"{v * 1e6:.0f} us" for k, v in row.items()})
