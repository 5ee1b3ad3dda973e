"""Payloads given as a stream: a binary file object or an iterable of byte chunks in,
a writable file object out. The codec reads a source in slices into one reused
buffer, so a payload read from a file is never whole in memory unless a step needs
it whole (partial encryption, offloading uncompressed bytes).
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TypeAlias

from ._errors import EncodingConfigError, PayloadFormatError, WorkflowEncodingError

__all__ = ["SLICE", "Sink", "Source", "read_all", "rewind", "slices", "source_size", "start_of"]

SLICE = 1024 * 1024  # bytes read from a source at a time

Source: TypeAlias = "BinaryIO | Iterable[bytes | bytearray | memoryview]"


def _is_file(source: Any) -> bool:
    return hasattr(source, "read")


def source_size(source: Source, size: int | None) -> int:
    """The payload's length: `size`, else what is left of a regular or seekable file."""
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise EncodingConfigError(f"size must be a byte count >= 0, got {size!r}", field="size")
        return size
    if _is_file(source):
        file: Any = source
        try:
            info = os.fstat(file.fileno())
            if stat.S_ISREG(info.st_mode):
                return max(info.st_size - int(file.tell()), 0)
        except (AttributeError, OSError, io.UnsupportedOperation):
            pass
        if getattr(file, "seekable", lambda: False)():
            here = file.tell()
            end = file.seek(0, io.SEEK_END)
            file.seek(here)
            return int(end - here)
    raise EncodingConfigError(
        "give size= for a source whose length is not known in advance (the zstd frame "
        "and the encrypted payload declare it before the bytes)",
        field="size",
    )


def slices(source: Source, size: int) -> Iterator[memoryview]:
    """The source's bytes in slices of at most `SLICE`, each valid until the next is
    asked for; exactly `size` bytes, else PayloadFormatError."""
    total = 0
    if _is_file(source):
        file: Any = source
        buffer = bytearray(min(SLICE, max(size, 1)))
        view = memoryview(buffer)
        readinto = getattr(file, "readinto", None)
        while True:
            if readinto is not None:
                n = readinto(view)
                piece = view[: n or 0]
            else:
                piece = _bytes(file.read(len(buffer)))
            if not piece:
                break
            total += len(piece)
            if total > size:
                break
            yield piece
    else:
        for chunk in source:
            piece = _bytes(chunk)
            total += len(piece)
            if total > size:
                break
            if piece:
                yield piece
    if total != size:
        more = "more than" if total > size else f"{total} bytes, not"
        raise PayloadFormatError(f"the source held {more} its size, {size} bytes")


def _bytes(data: Any) -> memoryview:
    if isinstance(data, str):
        raise EncodingConfigError(
            "the source gives text: open the file in binary mode ('rb') or give bytes",
            field="source",
        )
    return memoryview(data).cast("B")


def read_all(source: Source, size: int) -> bytearray:
    """The whole payload in one buffer (filled in place from a file)."""
    out = bytearray(size)
    pos = 0
    for piece in slices(source, size):
        out[pos : pos + len(piece)] = piece
        pos += len(piece)
    return out


def rewind(source: Source, start: int | None) -> bool:
    """Back to `start` in a seekable file; whether it could."""
    if start is None:
        return False
    source.seek(start)  # type: ignore[union-attr]
    return True


def start_of(source: Source) -> int | None:
    """Where a seekable file stands (None: not a seekable file)."""
    if _is_file(source) and getattr(source, "seekable", lambda: False)():
        return int(source.tell())  # type: ignore[union-attr]
    return None


class Sink:
    """A writable file object the decoded payload goes to; an error writing it names
    that step (not the storage, whose read it may interrupt)."""

    __slots__ = ("_file", "written")

    def __init__(self, file: BinaryIO) -> None:
        if not hasattr(file, "write"):
            raise EncodingConfigError(
                f"the sink must be a writable binary file object, got {type(file).__name__}",
                field="sink",
            )
        self._file = file
        self.written = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        try:
            self._file.write(data)
        except (OSError, ValueError, TypeError) as exc:
            raise WorkflowEncodingError(
                f"could not write the decoded payload: {type(exc).__name__}: {exc}"
            ) from exc
        self.written += len(data)
