"""Where a compressed payload waits for its upload to blob storage: in memory up to a
limit, beyond it in an anonymous temporary file.

An offloaded blob is named by the SHA-256 of all its bytes, and its envelope declares
their size before them, so nothing can be uploaded before the last byte is
compressed. Kept in memory, a large payload would be held twice: the caller's, and
its compressed frame. The file is `tempfile.TemporaryFile` (in `TMPDIR`, readable by
its owner only, already unlinked where the system allows it), closed when the upload
is done.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from typing import IO, TypeAlias, overload

from ._errors import PayloadFormatError, WorkflowEncodingError

__all__ = ["SLICE", "FileChunks", "Spool", "chunk_sizes"]

SLICE = 1024 * 1024  # bytes read back from the file at a time

Buffer: TypeAlias = "bytes | bytearray | memoryview"


class Spool:
    """Bytes written in slices: kept as pieces until they pass `limit` bytes, then
    moved to a temporary file, where the rest follows (None: kept in memory)."""

    __slots__ = ("_file", "_limit", "_pieces", "size")

    def __init__(self, limit: int | None) -> None:
        self._limit = limit
        self._pieces: list[bytes] = []
        self._file: IO[bytes] | None = None
        self.size = 0

    @property
    def on_disk(self) -> bool:
        """Whether the bytes went to the temporary file."""
        return self._file is not None

    def write(self, data: Buffer) -> None:
        """Keep a copy of `data` (the caller may reuse its buffer)."""
        self.size += len(data)
        if self._file is None:
            self._pieces.append(data if isinstance(data, bytes) else bytes(data))
            if self._limit is None or self.size <= self._limit:
                return
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
                for piece in self._pieces:
                    self._file.write(piece)
                self._pieces = []
            else:
                self._file.write(data)
        except OSError as exc:  # a full disk, no TMPDIR: say which file and what to do
            raise WorkflowEncodingError(
                "could not keep the compressed payload in a temporary file in "
                f"{tempfile.gettempdir()!r} until its upload ({type(exc).__name__}: {exc}); "
                "free space there, set TMPDIR, or keep it in memory with "
                "Offloading(spool_min_bytes=None)"
            ) from exc

    def chunks(self, head: bytes) -> Sequence[Buffer]:
        """`head`, then the bytes written: a tuple while they are in memory, else
        `FileChunks` reading the file a slice at a time."""
        if self._file is None:
            return (head, *self._pieces)
        self._file.flush()
        return FileChunks(head, self._file, self.size)

    def close(self) -> None:
        """Drop the bytes (the file is removed)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._pieces = []


class FileChunks(Sequence[bytes]):
    """`head`, then `size` bytes of `file` in slices of `SLICE`, each read when it is
    asked for: iterating holds one slice at a time."""

    def __init__(self, head: bytes, file: IO[bytes], size: int) -> None:
        self._head = head
        self._file = file
        self._lock = threading.Lock()  # one position in the file: one read at a time
        self.sizes = [len(head), *(min(SLICE, size - start) for start in range(0, size, SLICE))]

    def __len__(self) -> int:
        return len(self.sizes)

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.sizes)
        if not 0 <= index < len(self.sizes):
            raise IndexError("chunk index out of range")
        if index == 0:
            return self._head
        with self._lock:
            self._file.seek((index - 1) * SLICE)
            data = self._file.read(self.sizes[index])
        if len(data) != self.sizes[index]:
            raise PayloadFormatError("the temporary file of a compressed payload was truncated")
        return data


def chunk_sizes(chunks: Sequence[Buffer]) -> list[int]:
    """The chunks' sizes (for `FileChunks`, without reading the file)."""
    if isinstance(chunks, FileChunks):
        return chunks.sizes
    return [len(memoryview(chunk).cast("B")) for chunk in chunks]
