"""The adapter the batch tests use to drive both clients with one test body."""

from __future__ import annotations

import inspect
from typing import Any


class Batch:
    """`client.batch` of either client, with every call awaited when it must be."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def __call__(self, target: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        value = getattr(target, name)(*args, **kwargs)
        return await value if inspect.isawaitable(value) else value

    async def items(self, iterable: Any) -> list[Any]:
        if hasattr(iterable, "__aiter__"):
            return [item async for item in iterable]
        return list(iterable)
