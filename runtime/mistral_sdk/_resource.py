"""Base classes of the generated resources (`client.chat`, `client.beta.conversations`, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncResource", "SyncResource"]


class SyncResource:
    """Holds the client; generated methods call `self._client.request(...)`."""

    # Slots keep resources cheap (one is built per attribute access chain) and
    # let subclasses add their own slots.
    __slots__ = ("_client",)

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    """Holds the async client; generated methods `await self._client.request(...)`."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
