"""Shared helpers of the workflow payload encoding tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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


class OfficialStore:
    """mistralai's blob storage interface over one of ours (its encoder, patched to
    use it, then reads and writes the same blobs)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    async def __aenter__(self) -> OfficialStore:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def upload_blob(self, key: str, content: bytes) -> str:
        self.store.put(key, [content], len(content))
        return key

    async def get_blob(self, key: str) -> bytes:
        data: bytes = self.store.get(key)
        return data

    async def get_blob_properties(self, key: str) -> dict[str, Any] | None:
        return {"size": 0} if self.store.exists(key) else None


def official_encoder(
    mode: str | None,
    compress: bool,
    offload: bool,
    *,
    min_size: int | None = None,
    main: str = MAIN_KEY,
    secondary: str | None = None,
) -> Any:
    """mistralai's `PayloadEncoder` configured like one of our codecs (`min_size`: its
    compression and offloading thresholds; None: its defaults). Imported here, when a
    test asks for it: mistralai is a test-only dependency."""
    from mistralai.extra.workflows import encoding as official
    from pydantic import SecretStr

    sizes = {} if min_size is None else {"min_size_bytes": min_size}
    return official.PayloadEncoder(
        official.WorkflowEncodingConfig(
            payload_encryption=official.PayloadEncryptionConfig(
                mode=mode,
                main_key=SecretStr(main),
                secondary_key=SecretStr(secondary) if secondary else None,
            )
            if mode
            else None,
            payload_compression=official.PayloadCompressionConfig(**sizes) if compress else None,
            payload_offloading=official.PayloadOffloadingConfig(
                storage_config=official.BlobStorageConfig(bucket_name="b"), **sizes
            )
            if offload
            else None,
        )
    )


def run_official(store: Any, coroutine: Any, nonces: Callable[[int], bytes] | None = None) -> Any:
    """Run a coroutine of mistralai's encoder with its blob storage on `store` (and
    `nonces` in place of os.urandom, for byte-for-byte comparisons)."""
    import asyncio
    import contextlib
    from unittest import mock

    from mistralai.extra.workflows.encoding import payload_encoder

    with contextlib.ExitStack() as stack:
        stack.enter_context(
            mock.patch.object(payload_encoder, "get_blob_storage", lambda _c: OfficialStore(store))
        )
        if nonces is not None:
            stack.enter_context(mock.patch.object(payload_encoder.os, "urandom", nonces))
        return asyncio.run(coroutine)


def official_context(namespace: str, execution_id: str) -> Any:
    """mistralai's `WorkflowContext` (where offloaded blobs go)."""
    from mistralai.extra.workflows.encoding.models import WorkflowContext

    return WorkflowContext(namespace=namespace, execution_id=execution_id)
