"""A compressed payload on its way to blob storage: zstd's one-shot frame made in
slices, kept on disk past `Offloading(spool_min_bytes=...)`, read back by the stores,
and the same bytes as mistralai's."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import pytest
from encoding_helpers import MAIN_KEY, MemoryStore, official_context, official_encoder, run_official

from mistral_sdk.workflows_encoding import (
    Compression,
    EncodingConfigError,
    Encryption,
    Offloading,
    PayloadCodec,
    PayloadStorageError,
    WorkflowEncoding,
    WorkflowEncodingError,
    _compress,
    _spool,
    encrypted,
)
from mistral_sdk.workflows_encoding._spool import FileChunks, Spool
from mistral_sdk.workflows_encoding._storage import ChunkReader

zstandard = pytest.importorskip("zstandard")

# several zstd blocks (128 KiB each) and many output slices
RAW = json.dumps(
    {
        "card": encrypted("4111 1111 1111 1111"),
        "rows": [
            {"n": i, "text": f"row {i} " + "lorem ipsum " * (i % 7), "x": i / 3}
            for i in range(6000)
        ],
    }
).encode()


@pytest.fixture(autouse=True)
def _small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_compress, "_FRAME_SLICE", 1000)
    monkeypatch.setattr(_spool, "SLICE", 4096)


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> list[IO[bytes]]:
    """The temporary files the spool opens."""
    opened: list[IO[bytes]] = []
    real = tempfile.TemporaryFile

    def record() -> IO[bytes]:
        file = real()
        opened.append(file)
        return file

    monkeypatch.setattr(_spool.tempfile, "TemporaryFile", record)
    return opened


def _nonces() -> Callable[[int], bytes]:
    counter = itertools.count()
    return lambda size: next(counter).to_bytes(size, "big")


def _codec(
    store: Any, mode: str | None = "full", spool: int | None = 0, level: int = 3
) -> PayloadCodec:
    return PayloadCodec(
        WorkflowEncoding(
            encryption=Encryption(MAIN_KEY, mode=mode) if mode else None,  # type: ignore[arg-type]
            compression=Compression(min_size_bytes=1024, level=level),
            offloading=Offloading(store, min_size_bytes=1024, spool_min_bytes=spool),
            nonces=_nonces(),
        )
    )


@pytest.mark.parametrize("level", [1, 3, 9, 19])
@pytest.mark.parametrize("size", [1, 5000, len(RAW)])
def test_the_frame_in_slices_is_the_one_shot_frame(level: int, size: int) -> None:
    data = memoryview(RAW[:size])
    pieces: list[bytes] = []
    total = _compress._frame_in_slices(data, level, lambda piece: pieces.append(bytes(piece)))
    one_shot = zstandard.ZstdCompressor(level=level, write_content_size=True).compress(data)
    assert total == len(one_shot)
    assert b"".join(pieces) == one_shot
    if size == len(RAW):
        assert len(pieces) > 10  # handed out in slices, not whole


def test_the_spool_moves_to_disk_past_its_limit(files: list[IO[bytes]]) -> None:
    spool = Spool(limit=10_000)
    spool.write(b"a" * 6000)
    assert not spool.on_disk and not files
    assert spool.chunks(b"H") == (b"H", b"a" * 6000)
    spool.write(memoryview(b"b" * 6000))
    spool.write(b"c" * 9000)
    assert spool.on_disk and len(files) == 1
    chunks = spool.chunks(b"HEAD")
    assert isinstance(chunks, FileChunks)
    whole = b"HEAD" + b"a" * 6000 + b"b" * 6000 + b"c" * 9000
    assert chunks.sizes == [4, 4096, 4096, 4096, 4096, 4096, 520]
    assert b"".join(chunks) == whole  # iterating reads a slice at a time
    assert chunks[-1] == whole[-520:] and chunks[1:3] == [whole[4:4100], whole[4100:8196]]
    with pytest.raises(IndexError):
        chunks[7]
    spool.close()
    assert files[0].closed


def test_a_chunk_reader_reads_spooled_chunks_in_any_steps(files: list[IO[bytes]]) -> None:
    spool = Spool(limit=0)
    body = bytes(range(256)) * 100
    for start in range(0, len(body), 999):
        spool.write(body[start : start + 999])
    reader = ChunkReader(spool.chunks(b"head:"))
    expected = b"head:" + body
    assert len(reader) == len(expected)
    assert reader.read(3) == expected[:3]
    assert io.BufferedReader(reader, 7777).read() == expected[3:]
    reader.seek(-5000, io.SEEK_END)
    assert reader.read() == expected[-5000:]
    reader.seek(4090)
    assert reader.read(20) == expected[4090:4110]  # across two slices of the file


@pytest.mark.parametrize("mode", [None, "full", "partial"])
def test_same_bytes_and_blobs_as_in_memory(mode: str | None, files: list[IO[bytes]]) -> None:
    spooled, kept = MemoryStore(), MemoryStore()
    a = _codec(spooled, mode).encode(RAW, namespace="ns", execution_id="e1")
    b = _codec(kept, mode, spool=None).encode(RAW, namespace="ns", execution_id="e1")
    assert files and all(f.closed for f in files)  # it went to disk, and is gone
    assert a.options == b.options and "offloaded" in a.options
    assert bytes(a.data) == bytes(b.data)
    assert spooled.blobs == kept.blobs
    decoded = _codec(spooled, mode).decode(a.data, a.options)
    assert json.loads(decoded) == json.loads(RAW)  # partial: written back compact


def test_the_store_is_handed_file_chunks() -> None:
    handed: list[Any] = []

    class Store(MemoryStore):
        def put(self, key: str, chunks: Any, size: int) -> None:
            handed.append(chunks)
            super().put(key, chunks, size)

    encoded = _codec(Store()).encode(RAW, namespace="ns", execution_id="e1")
    assert "offloaded" in encoded.options
    assert isinstance(handed[0], FileChunks) and len(handed[0]) > 3


def test_nothing_on_disk_below_the_limit_or_without_a_limit(files: list[IO[bytes]]) -> None:
    store = MemoryStore()
    _codec(store, spool=10 * len(RAW)).encode(RAW, namespace="ns", execution_id="e1")
    _codec(store, spool=None).encode(RAW, namespace="ns", execution_id="e1")
    # offloading impossible (no execution): compressed into memory, never spooled
    _codec(store, spool=0).encode(RAW)
    assert files == []


def test_a_failed_upload_closes_the_spool(files: list[IO[bytes]]) -> None:
    class Refusing(MemoryStore):
        def put(self, key: str, chunks: Any, size: int) -> None:
            next(iter(chunks))
            raise OSError("bucket full")

    with pytest.raises(PayloadStorageError, match="bucket full"):
        _codec(Refusing()).encode(RAW, namespace="ns", execution_id="e1")
    assert len(files) == 1 and files[0].closed


def test_async_encoding_spools_the_same(files: list[IO[bytes]]) -> None:
    store = MemoryStore()
    encoded = asyncio.run(_codec(store).aencode(RAW, namespace="ns", execution_id="e1"))
    again = _codec(MemoryStore(), spool=None).encode(RAW, namespace="ns", execution_id="e1")
    assert bytes(encoded.data) == bytes(again.data)
    assert files and files[0].closed


def test_without_libzstd_bindings_the_one_shot_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard.backend_cffi", None)  # → ImportError
    store = MemoryStore()
    encoded = _codec(store).encode(RAW, namespace="ns", execution_id="e1")
    again = _codec(MemoryStore(), spool=None).encode(RAW, namespace="ns", execution_id="e1")
    assert bytes(encoded.data) == bytes(again.data)


def test_spool_min_bytes_is_checked_and_shown() -> None:
    with pytest.raises(EncodingConfigError, match="spool_min_bytes"):
        Offloading(MemoryStore(), spool_min_bytes=-1)
    with pytest.raises(EncodingConfigError, match="spool_min_bytes"):
        Offloading(MemoryStore(), spool_min_bytes="4M")  # type: ignore[arg-type]
    assert "spool_min_bytes=None" in repr(Offloading(MemoryStore(), spool_min_bytes=None))
    assert Offloading(MemoryStore()).spool_min_bytes == 2 * 1024 * 1024


@pytest.fixture
def official() -> Iterator[Any]:
    encoding = pytest.importorskip("mistralai.extra.workflows.encoding")
    import logging

    logging.disable(logging.WARNING)
    yield encoding
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("mode", [None, "full", "partial"])
def test_mistralai_writes_the_same_bytes_and_reads_ours(
    mode: str | None, official: Any, files: list[IO[bytes]]
) -> None:
    theirs_store, mine_store = MemoryStore(), MemoryStore()
    theirs = official_encoder(mode, True, True, min_size=1024)
    data, options = run_official(
        theirs_store,
        theirs.encode_payload_content(RAW, official_context("ns", "e1")),
        _nonces(),
    )
    mine = _codec(mine_store, mode).encode(RAW, namespace="ns", execution_id="e1")
    assert files, "the compressed payload was not spooled"
    assert mine.options == [o.value for o in options]
    assert bytes(mine.data) == data
    assert mine_store.blobs == theirs_store.blobs
    decoded = run_official(mine_store, theirs.decode_payload_content(bytes(mine.data), options))
    assert decoded == RAW


def test_worker_threads_make_the_same_frame_in_slices_as_whole() -> None:
    """`Compression(threads=2)`: zstd's worker threads, with the same 2 MiB jobs
    whether the frame comes whole or in slices (one blob key for one payload)."""
    data = memoryview((RAW * (9 * 1024 * 1024 // len(RAW) + 1))[: 9 * 1024 * 1024])
    pieces: list[bytes] = []
    _compress._frame_in_slices(data, 3, lambda piece: pieces.append(bytes(piece)), threads=2)
    packed = _compress.compress(data, 3, threads=2)
    assert packed is not None
    assert b"".join(pieces) == packed[1]
    assert packed[1] != _compress.compress(data, 3)[1]  # type: ignore[index]
    assert zstandard.ZstdDecompressor().decompress(packed[1]) == data


def test_a_full_disk_is_an_encoding_error_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Full:
        def write(self, data: Any) -> int:
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            pass

    monkeypatch.setattr(_spool.tempfile, "TemporaryFile", Full)
    store = MemoryStore()
    with pytest.raises(WorkflowEncodingError, match=r"No space left.*spool_min_bytes=None"):
        _codec(store).encode(RAW, namespace="ns", execution_id="e1")
    assert store.blobs == {}  # nothing uploaded
