"""The generated client (sync or async) on an httpx2 MockTransport, for the tolerance tests."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import httpx2

from mistral_sdk import AsyncMistral, Mistral

KEY = "sk-tolerance-KEY-0123456789"
BASE = "https://api.test"

Handler = Callable[[httpx2.Request], httpx2.Response]

# one streamed chat completion chunk
CHUNK = {
    "id": "c1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}


def json_reply(body: bytes | str, status: int = 200) -> Handler:
    data = body.encode() if isinstance(body, str) else body
    return lambda request: httpx2.Response(
        status, content=data, headers={"content-type": "application/json"}
    )


def sse_reply(body: bytes | str) -> Handler:
    data = body.encode() if isinstance(body, str) else body
    return lambda request: httpx2.Response(
        200, content=data, headers={"content-type": "text/event-stream"}
    )


class Api:
    """`call("files.retrieve", ...)` runs a method of the sync or the async client;
    `events(...)` collects a stream's events; `.sent` holds the requests."""

    def __init__(self, mode: str, handler: Handler, **options: Any) -> None:
        self.mode = mode
        self.sent: list[httpx2.Request] = []

        def record(request: httpx2.Request) -> httpx2.Response:
            request.read()
            self.sent.append(request)
            return handler(request)

        transport = httpx2.MockTransport(record)
        options.setdefault("api_key", KEY)
        options.setdefault("base_url", BASE)
        options.setdefault("max_retries", 0)
        if mode == "sync":
            self.client: Any = Mistral(http_client=httpx2.Client(transport=transport), **options)
        else:
            self.client = AsyncMistral(
                http_client=httpx2.AsyncClient(transport=transport), **options
            )

    def _method(self, path: str) -> Any:
        target = self.client
        for attr in path.split("."):
            target = getattr(target, attr)
        return target

    def call(self, path: str, *args: Any, **kwargs: Any) -> Any:
        result = self._method(path)(*args, **kwargs)
        if inspect.isawaitable(result):
            return asyncio.run(_await(result))
        return result

    def events(self, path: str, *args: Any, **kwargs: Any) -> list[Any]:
        method = self._method(path)
        if self.mode == "sync":
            return list(method(*args, **kwargs))

        async def collect() -> list[Any]:
            stream = await method(*args, **kwargs)
            return [event async for event in stream]

        return asyncio.run(collect())

    @property
    def last_json(self) -> Any:
        import json

        return json.loads(self.sent[-1].content)


async def _await(value: Any) -> Any:
    return await value
