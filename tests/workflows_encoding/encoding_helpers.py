"""Shared helpers of the workflow payload encoding tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

MAIN_KEY = "11" * 32
SECONDARY_KEY = "22" * 32


class MemoryStore:
    """A BlobStore in a dict (what the official SDK's own tests use, too)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.puts = 0

    def exists(self, key: str) -> bool:
        return key in self.blobs

    def put(self, key: str, chunks: Sequence[bytes | bytearray | memoryview], size: int) -> None:
        data = b"".join(chunks)
        assert len(data) == size
        self.blobs[key] = data
        self.puts += 1

    def get(self, key: str) -> bytes:
        return self.blobs[key]


def counting_nonces(seed: str = "n") -> Callable[[int], bytes]:
    """Deterministic nonces: 12 bytes from a counter."""
    counter = iter(range(1 << 30))
    return lambda size: f"{seed}{next(counter):011d}".encode()[:size]


def unique(prefix: str) -> str:
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:8]}"
