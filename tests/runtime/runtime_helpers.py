"""Helpers for the runtime tests: tiny client subclasses and a harness that
runs the same call through the sync or the async client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx2

from mistral_sdk._client import AsyncAPIClient, SyncAPIClient
from mistral_sdk._response import JsonResponse

KEY = "sk-test-SECRET-1234567890"
BASE = "https://api.test"

Handler = Callable[[httpx2.Request], httpx2.Response]


class Client(SyncAPIClient):
    pass


class AsyncClient(AsyncAPIClient):
    pass


class Harness:
    """One client (sync or async) on a MockTransport, with recorded sleeps."""

    def __init__(self, mode: str, handler: Handler, **kwargs: Any) -> None:
        self.mode = mode
        self.sleeps: list[float] = []
        kwargs.setdefault("api_key", KEY)
        kwargs.setdefault("base_url", BASE)
        transport = httpx2.MockTransport(handler)
        if mode == "sync":
            self.client: Any = Client(http_client=httpx2.Client(transport=transport), **kwargs)
            self.client._sleep = self.sleeps.append
        else:
            self.client = AsyncClient(http_client=httpx2.AsyncClient(transport=transport), **kwargs)

            async def sleep(delay: float) -> None:
                self.sleeps.append(delay)

            self.client._sleep = sleep

    def request(self, method: str = "GET", path: str = "/v1/x", **kwargs: Any) -> Any:
        kwargs.setdefault("response", JsonResponse(Any))
        if self.mode == "sync":
            return self.client.request(method, path, **kwargs)
        return asyncio.run(self.client.request(method, path, **kwargs))
