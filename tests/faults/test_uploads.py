"""Uploads stream from disk: the file is read in small pieces as the body is sent,
never loaded whole (the 500 MB RSS measurement is benchmarks/upload_rss.py)."""

from __future__ import annotations

import asyncio
import io
import tracemalloc
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fault_helpers import KEY

import mistral_sdk

SIZE = 16 << 20  # 16 MiB
CHUNK_LIMIT = 64 << 10  # httpx2's multipart chunk size


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "train.jsonl"
    block = b'{"messages": [{"role": "user", "content": "hi"}]}\n'
    with path.open("wb") as f:
        for _ in range(SIZE // len(block)):
            f.write(block)
    return path


class Receiver(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """A transport that consumes the request body chunk by chunk as a server
    would, keeping only its size, the biggest chunk and how it came (httpx2's
    MockTransport reads the whole body first, which would hide the point)."""

    def __init__(self) -> None:
        self.total = 0
        self.biggest = 0
        self.chunks = 0
        self.streamed = False

    def _take(self, request: httpx2.Request) -> None:
        self.streamed = not isinstance(request.stream, httpx2.ByteStream)

    def _chunk(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.chunks += 1
        self.biggest = max(self.biggest, len(chunk))

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self._take(request)
        for chunk in request.stream:  # type: ignore[union-attr]
            self._chunk(chunk)
        return httpx2.Response(200, json={"id": "file-1"})

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self._take(request)
        async for chunk in request.stream:  # type: ignore[union-attr]
            self._chunk(chunk)
        return httpx2.Response(200, json={"id": "file-1"})


def upload(mode: str, file: Any) -> tuple[Receiver, int]:
    """Upload through `files.upload`; returns what arrived and the peak of memory
    the upload allocated (tracemalloc). A small upload first loads what the call
    imports lazily, so that the peak is the upload's own."""
    receiver = Receiver()

    def measure(call: Any) -> int:
        tracemalloc.start()
        try:
            call()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    if mode == "sync":
        http = httpx2.Client(transport=receiver)
        with mistral_sdk.Mistral(api_key=KEY, base_url="https://api.test", http_client=http) as c:
            c.files.with_raw_response.upload(file=("warm-up.txt", b"x"))
            peak = measure(lambda: c.files.with_raw_response.upload(file=file))
        return receiver, peak

    async def main() -> int:
        http = httpx2.AsyncClient(transport=receiver)
        async with mistral_sdk.AsyncMistral(
            api_key=KEY, base_url="https://api.test", http_client=http
        ) as client:
            await client.files.with_raw_response.upload(file=("warm-up.txt", b"x"))
            tracemalloc.start()
            try:
                await client.files.with_raw_response.upload(file=file)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    return receiver, asyncio.run(main())


@pytest.mark.parametrize("how", ["path", "Path", "open file"])
def test_upload_streams_from_disk(mode: str, big_file: Path, how: str) -> None:
    path = big_file
    if how == "open file":
        with path.open("rb") as f:
            received, peak = upload(mode, f)
    else:
        received, peak = upload(mode, str(path) if how == "path" else path)
    assert received.streamed, "the body is a stream, not bytes built beforehand"
    assert received.total > SIZE  # the file and the multipart framing
    assert received.biggest <= CHUNK_LIMIT
    assert received.chunks > SIZE // CHUNK_LIMIT
    # The 16 MiB file never sits in memory: what the call allocated at its peak is
    # a small fraction of it (a few chunks plus the client itself).
    assert peak < SIZE // 8, f"peak {peak / 2**20:.1f} MiB"


def test_uploaded_bytes_are_the_file(mode: str, tmp_path: Path) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, every byte value
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    bodies: list[bytes] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        bodies.append(request.read())
        return httpx2.Response(200, json={})

    options: dict[str, Any] = {"api_key": KEY, "base_url": "https://api.test"}
    if mode == "sync":
        http = httpx2.Client(transport=httpx2.MockTransport(handler))
        with mistral_sdk.Mistral(http_client=http, **options) as client:
            client.files.with_raw_response.upload(file=path)
    else:

        async def main() -> None:
            http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
            async with mistral_sdk.AsyncMistral(http_client=http, **options) as client:
                await client.files.with_raw_response.upload(file=path)

        asyncio.run(main())
    (body,) = bodies
    assert data in body and b'filename="data.bin"' in body


def test_one_shot_file_objects_are_read_in_pieces_too(mode: str) -> None:
    class Pipe(io.RawIOBase):
        """A non-seekable source (a pipe, a socket) of 4 MiB."""

        def __init__(self) -> None:
            self.left = 4 << 20
            self.reads: list[int] = []

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.reads.append(size)
            n = self.left if size < 0 else min(size, self.left)
            self.left -= n
            return b"x" * n

    pipe = Pipe()
    received, _ = upload(mode, ("pipe.bin", pipe))
    assert received.streamed and received.total > 4 << 20
    assert pipe.reads and all(0 < size <= CHUNK_LIMIT for size in pipe.reads)
