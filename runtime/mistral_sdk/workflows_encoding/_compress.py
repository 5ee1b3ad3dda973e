"""zstd compression in Mistral's envelope: the MessagePack map
`{"compression": {"algorithm": "zstd", "level": N}, "payload": <bin>}`.

The envelope is written and read here by hand (a handful of MessagePack types): the
compressed bytes are never copied into it, only referenced next to its header.
"""

from __future__ import annotations

import importlib
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

from ._errors import PayloadFormatError, require
from ._spool import Spool

__all__ = [
    "compress",
    "compress_stream",
    "compress_to",
    "decompress",
    "decompress_stream",
]

_ZSTD = "zstd"


def _zstd() -> Any:
    return require("zstandard", "workflow-encoding", "Payload compression")


def _str(text: str) -> bytes:
    data = text.encode()
    if len(data) < 32:
        return bytes([0xA0 | len(data)]) + data
    return b"\xd9" + bytes([len(data)]) + data  # str8 (the names here are short)


def _bin_header(size: int) -> bytes:
    if size < 1 << 8:
        return b"\xc4" + bytes([size])
    if size < 1 << 16:
        return b"\xc5" + struct.pack(">H", size)
    return b"\xc6" + struct.pack(">I", size)


def envelope_header(level: int, size: int) -> bytes:
    """The MessagePack bytes before `size` compressed bytes."""
    return (
        b"\x82"  # map of 2
        + _str("compression")
        + b"\x82"
        + _str("algorithm")
        + _str(_ZSTD)
        + _str("level")
        + bytes([level])  # positive fixint: levels are 1 to 22
        + _str("payload")
        + _bin_header(size)
    )


_THREADED_MIN = 8 * 1024 * 1024 + 1
"""Worker threads only from here: payloads up to 8 MiB (most of them) keep the
single-threaded frame, mistralai's exact bytes, whatever `Compression(threads=)` says."""


_JOB_SIZE = 2 * 1024 * 1024
"""The input of each zstd worker's job: zstd holds a few jobs' input and output at a
time (with its default, 8 MiB at level 3, about 40 MiB over a payload). 2 MiB jobs
hold a quarter of that, for a little more time, and compress as well (each job sees
its predecessor's last bytes): the "full, 2 threads" row of docs/workflows-encoding.md."""


def _threaded(threads: int, size: int) -> int:
    return threads if size >= _THREADED_MIN else 0


def _compressor(level: int, threads: int, size: int) -> Any:
    zstd = _zstd()
    if not _threaded(threads, size):
        return zstd.ZstdCompressor(level=level, write_content_size=True)
    parameters = zstd.ZstdCompressionParameters.from_level(
        level, threads=threads, job_size=_JOB_SIZE, write_content_size=True
    )
    return zstd.ZstdCompressor(compression_params=parameters)


def compress(data: memoryview, level: int, threads: int = 0) -> tuple[bytes, bytes] | None:
    """(envelope header, compressed bytes), or None when compressing does not make
    the payload smaller."""
    compressor = _compressor(level, threads, len(data))
    compressed: bytes = compressor.compress(data)
    if len(compressed) >= len(data):
        return None
    return envelope_header(level, len(compressed)), compressed


_STABLE_INPUT = 1006
"""libzstd's `ZSTD_c_stableInBuffer` (its experimental parameter 9): the input stays
where it is between calls, so zstd compresses it in place, block by block, as its
one-shot call does (the same frame, byte for byte), while the frame comes out in
slices."""
_FRAME_SLICE = 1024 * 1024  # compressed bytes handed out at a time


def compress_to(
    data: memoryview, level: int, spool: Spool, threads: int = 0
) -> Sequence[bytes | bytearray | memoryview] | None:
    """`compress`, the compressed bytes written to `spool` as they come rather than
    into one buffer: the envelope's header then its compressed bytes (as chunks), or
    None when compressing does not make the payload smaller."""
    size = _frame_in_slices(data, level, spool.write, _threaded(threads, len(data)))
    if size is None:  # no cffi bindings of libzstd here: the one-shot call
        return compress(data, level, threads)
    if size >= len(data):
        return None
    return spool.chunks(envelope_header(level, size))


def _frame_in_slices(
    data: memoryview, level: int, write: Callable[[memoryview], Any], threads: int = 0
) -> int | None:
    """The one-shot zstd frame of `data` (`compress`'s, with as many worker threads),
    handed to `write` in slices (a reused buffer: `write` copies what it keeps) → its
    size; None when zstandard's cffi bindings of libzstd (or its stable-input mode)
    are not available."""
    _zstd()  # the extra's error when zstandard is missing
    try:
        bindings: Any = importlib.import_module("zstandard.backend_cffi")
    except ImportError:  # zstandard without cffi (cryptography brings it in the extra)
        return None
    ffi, lib = bindings.ffi, bindings.lib
    context = lib.ZSTD_createCCtx()
    if context == ffi.NULL:
        raise MemoryError("zstd could not allocate a compression context")
    try:
        settings = [
            (lib.ZSTD_c_compressionLevel, level),
            (lib.ZSTD_c_contentSizeFlag, 1),
            (_STABLE_INPUT, 1),
        ]
        if threads:
            settings += [(lib.ZSTD_c_nbWorkers, threads), (lib.ZSTD_c_jobSize, _JOB_SIZE)]
        for parameter, value in settings:
            if lib.ZSTD_isError(lib.ZSTD_CCtx_setParameter(context, parameter, value)):
                return None
        lib.ZSTD_CCtx_setPledgedSrcSize(context, len(data))
        with ffi.from_buffer(data) as source_bytes:
            source = ffi.new("ZSTD_inBuffer *", {"src": source_bytes, "size": len(data)})
            out = ffi.new("char[]", _FRAME_SLICE)
            sink = ffi.new("ZSTD_outBuffer *", {"dst": out, "size": _FRAME_SLICE})
            window = memoryview(ffi.buffer(out))
            total = 0
            while True:
                sink.pos = 0
                left = lib.ZSTD_compressStream2(context, sink, source, lib.ZSTD_e_end)
                if lib.ZSTD_isError(left):
                    reason = ffi.string(lib.ZSTD_getErrorName(left)).decode()
                    raise PayloadFormatError(f"the payload could not be compressed: {reason}")
                write(window[: sink.pos])
                total += sink.pos
                if left == 0:
                    return int(total)
    finally:
        lib.ZSTD_freeCCtx(context)


def decompress(data: bytes | bytearray | memoryview) -> bytes:
    """The payload in an envelope (any key order, any MessagePack integer or string form)."""
    envelope = _Reader(memoryview(data).cast("B")).read()
    if not isinstance(envelope, dict):
        raise PayloadFormatError("a compressed payload is not a MessagePack map")
    settings, payload = envelope.get("compression"), envelope.get("payload")
    if not isinstance(settings, dict) or not isinstance(payload, memoryview):
        raise PayloadFormatError(
            "a compressed payload has no `compression` settings or no binary `payload`"
        )
    algorithm = settings.get("algorithm")
    if algorithm != _ZSTD:
        raise PayloadFormatError(f"unsupported compression algorithm {algorithm!r}")
    level = settings.get("level", 3)
    if not isinstance(level, int) or not 1 <= level <= 22:
        raise PayloadFormatError(f"invalid zstd level {level!r} in a compressed payload")
    zstd = _zstd()
    try:
        if zstd.frame_content_size(payload) >= 0:
            result: bytes = zstd.ZstdDecompressor().decompress(payload)
            return result
        # a frame without its size (written by a streaming compressor): read it out
        return zstd.ZstdDecompressor().decompressobj().decompress(payload)  # type: ignore[no-any-return]
    except zstd.ZstdError as exc:
        raise PayloadFormatError(f"the zstd frame does not decompress: {exc}") from None


def compress_stream(
    slices: Iterable[bytes | bytearray | memoryview],
    size: int,
    level: int,
    threads: int,
    spool: Spool,
) -> Sequence[bytes | bytearray | memoryview]:
    """The envelope's header, then the compressed bytes (as `spool` keeps them) of
    `size` bytes arriving in slices (each consumed before the next is read: a reused
    buffer will do). The frame declares its content size, as every client needs;
    beyond zstd's window (2 MiB at level 3) its bytes differ from a one-shot
    compression's, and decode the same."""
    zstd = _zstd()
    stream = _compressor(level, threads, size).compressobj(size=size)
    try:
        for piece in slices:
            out = stream.compress(piece)
            if out:
                spool.write(out)
        spool.write(stream.flush())
    except zstd.ZstdError as exc:  # the source did not hold `size` bytes
        raise PayloadFormatError(f"the payload could not be compressed: {exc}") from None
    return spool.chunks(envelope_header(level, spool.size))


_HEAD = 256  # bytes read first from a stream: the envelope's header is about 50
_CHUNK = 256 * 1024  # compressed bytes per step (its output is a few times larger)


def decompress_stream(
    source: BinaryIO, write: Callable[[bytes], Any] | None = None
) -> bytes | bytearray | int:
    """`decompress` of an envelope read from a file object: the compressed bytes are
    never all in memory, the payload is written once into its final buffer, or, with
    `write`, handed to it in slices (→ the number of bytes written)."""
    head = source.read(_HEAD)
    reader = _Reader(memoryview(head), lazy_payload=True)
    try:
        reader.read()
    except (_PayloadNotLast, PayloadFormatError):
        reader.payload = None
    settings = reader.settings
    total = -1
    zstd = _zstd()
    if (
        reader.payload is not None
        and isinstance(settings, dict)
        and settings.get("algorithm") == _ZSTD
    ):
        start, size = reader.payload
        first = head[start : start + size]
        try:
            total = zstd.frame_content_size(first)
        except zstd.ZstdError:
            total = -1
    if total < 0:  # an unusual layout, or no size in the frame: simply read it all
        whole = decompress(head + source.read())
        return whole if write is None else _written(write, whole)
    out = bytearray(0 if write is not None else total)
    view = memoryview(out)
    pos = 0
    body = _Body(first, source, size - len(first))
    try:  # decompressed straight into `out` (or handed on), read in slices
        with zstd.ZstdDecompressor().stream_reader(body, read_size=_CHUNK) as stream:
            while pos < total:
                if write is None:
                    n = stream.readinto(view[pos:])
                else:
                    piece = stream.read(min(_OUT, total - pos))
                    n = len(piece)
                    if n:
                        write(piece)
                if n == 0:
                    break
                pos += n
    except zstd.ZstdError as exc:
        raise PayloadFormatError(f"the zstd frame does not decompress: {exc}") from None
    if pos != total or body.remaining > 0:
        raise PayloadFormatError("a zstd frame does not hold its declared size")
    return out if write is None else pos


_OUT = 1024 * 1024  # decompressed bytes handed to a writer at a time


def _written(write: Callable[[bytes], Any], data: bytes) -> int:
    write(data)
    return len(data)


class _Body:
    """The compressed bytes: those read with the header, then the rest of the source
    (never past the envelope's payload)."""

    def __init__(self, first: bytes, source: BinaryIO, remaining: int) -> None:
        self._first = first
        self._source = source
        self.remaining = remaining

    def read(self, size: int = -1) -> bytes:
        if self._first:
            first, self._first = self._first, b""
            return first
        if self.remaining <= 0:
            return b""
        piece = self._source.read(self.remaining if size < 0 else min(size, self.remaining))
        if not piece:
            raise PayloadFormatError("an offloaded compressed payload is truncated")
        self.remaining -= len(piece)
        return piece


class _PayloadNotLast(Exception):
    """The envelope has entries after its payload (not what any client writes)."""


class _Reader:
    """The MessagePack subset an envelope uses: maps, strings, integers, binaries,
    nil and booleans. Binaries come out as views of the input (no copy)."""

    __slots__ = ("_data", "_lazy", "_pos", "payload", "settings")

    def __init__(self, data: memoryview, lazy_payload: bool = False) -> None:
        self._data = data
        self._pos = 0
        # lazy: the top-level "payload" binary is not read, only located (its start in
        # `data` and its size), and must be the map's last entry
        self._lazy = lazy_payload
        self.payload: tuple[int, int] | None = None
        self.settings: Any = None

    def _take(self, n: int) -> memoryview:
        start, self._pos = self._pos, self._pos + n
        if self._pos > len(self._data):
            raise PayloadFormatError("a compressed payload's envelope is truncated")
        return self._data[start : self._pos]

    def _uint(self, n: int) -> int:
        return int.from_bytes(self._take(n), "big")

    def read(self) -> Any:
        tag = self._uint(1)
        if tag <= 0x7F:
            return tag
        if tag >= 0xE0:
            return tag - 0x100
        if 0x80 <= tag <= 0x8F:
            return self._map(tag & 0x0F)
        if 0xA0 <= tag <= 0xBF:
            return self._text(tag & 0x1F)
        simple = {0xC0: None, 0xC2: False, 0xC3: True}
        if tag in simple:
            return simple[tag]
        if tag in (0xC4, 0xC5, 0xC6):
            return self._take(self._uint(1 << (tag - 0xC4)))
        if tag in (0xCC, 0xCD, 0xCE, 0xCF):
            return self._uint(1 << (tag - 0xCC))
        if tag in (0xD0, 0xD1, 0xD2, 0xD3):
            return int.from_bytes(self._take(1 << (tag - 0xD0)), "big", signed=True)
        if tag in (0xD9, 0xDA, 0xDB):
            return self._text(self._uint(1 << (tag - 0xD9)))
        if tag in (0xDE, 0xDF):
            return self._map(self._uint(2 if tag == 0xDE else 4))
        raise PayloadFormatError(f"unexpected MessagePack type 0x{tag:02x} in a compressed payload")

    def _text(self, n: int) -> str:
        try:
            return str(self._take(n), "utf-8")
        except UnicodeDecodeError:
            raise PayloadFormatError("invalid UTF-8 in a compressed payload's envelope") from None

    def _map(self, n: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        lazy, self._lazy = self._lazy, False  # only the top-level map's payload
        for index in range(n):
            key = self.read()
            if isinstance(key, memoryview):
                key = key.tobytes()
            if lazy and key == "payload":
                if index != n - 1:
                    raise _PayloadNotLast
                tag = self._uint(1)
                if tag not in (0xC4, 0xC5, 0xC6):
                    raise PayloadFormatError("a compressed payload's `payload` is not binary")
                size = self._uint(1 << (tag - 0xC4))
                self.payload = (self._pos, size)
                continue
            out[key] = self.read()
        if lazy:
            self.settings = out.get("compression")
        return out
