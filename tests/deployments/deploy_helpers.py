"""What the deployment tests share: the Azure and Vertex clients on a MockTransport
that records each request and answers like the cloud would, and fake credentials."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import Callable
from typing import Any

import httpx2

from mistral_sdk import AsyncStream, Stream

CHAT = {
    "id": "c1",
    "object": "chat.completion",
    "model": "m",
    "created": 0,
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": '{"n": 7}'},
            "finish_reason": "stop",
        }
    ],
}
CHUNK = {
    "id": "c1",
    "model": "m",
    "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}],
}
SSE = f"data: {json.dumps(CHUNK)}\n\ndata: [DONE]\n\n".encode()
OCR = {"pages": [], "model": "ocr", "usage_info": {"pages_processed": 0}}


class Cloud:
    """Records requests; answers a stream to an SSE request, OCR to an OCR path,
    a chat completion otherwise. `fail` queues statuses to answer first."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []
        self.fail: list[int] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.fail:
            return httpx2.Response(self.fail.pop(0), json={"message": "try again"})
        if request.headers.get("accept") == "text/event-stream":
            return httpx2.Response(200, content=SSE, headers={"content-type": "text/event-stream"})
        if b'"document"' in request.content:
            return httpx2.Response(200, json=OCR)
        return httpx2.Response(200, json=CHAT)

    @property
    def urls(self) -> list[str]:
        return [str(r.url) for r in self.requests]

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(r.content) for r in self.requests]


def make(mode: str, sync_cls: type[Any], async_cls: type[Any], cloud: Cloud, **kw: Any) -> Any:
    """A deployment client of the mode's kind on `cloud`, with sleeps recorded."""
    transport = httpx2.MockTransport(cloud)
    if mode == "sync":
        client = sync_cls(http_client=httpx2.Client(transport=transport), **kw)
        client._sleep = lambda _delay: None
        return client
    client = async_cls(http_client=httpx2.AsyncClient(transport=transport), **kw)

    async def no_sleep(_delay: float) -> None:
        return None

    client._sleep = no_sleep
    return client


def call(client: Any, fn: Callable[[Any], Any]) -> Any:
    """`fn(client)`, awaited on an async client; a stream is read to a list."""
    result = fn(client)
    if not inspect.isawaitable(result):
        return list(result) if isinstance(result, Stream) else result

    async def main() -> Any:
        value = await result
        if isinstance(value, AsyncStream):
            return [event async for event in value]
        return value

    return asyncio.run(main())


class FakeCredentials:
    """google-auth's credentials protocol: `valid`, `token`, `refresh(request)`."""

    def __init__(self, project_id: str | None = None) -> None:
        self.token: str | None = None
        self.valid = False
        self.project_id = project_id
        self.refreshes: list[tuple[int, Any]] = []  # (thread, request) of each refresh

    def refresh(self, request: Any) -> None:
        self.refreshes.append((threading.get_ident(), request))
        self.token = f"ya29.token-{len(self.refreshes)}"
        self.valid = True
