"""`with` / `async with` for anything that has `close()`: the object itself on entry,
closed on exit (clients, streams, binary bodies, MCP servers)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Self

__all__ = ["AsyncClosing", "Closing"]


class Closing:
    """`with obj:` gives `obj` and calls `obj.close()` at the end."""

    __slots__ = ()
    close: Callable[[], object]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClosing:
    """`async with obj:` gives `obj` and awaits `obj.close()` at the end."""

    __slots__ = ()
    close: Callable[[], Awaitable[object]]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
