"""`Progress`: how far a file transfer or a batch job has come, for a progress callback.

`files.upload(..., progress=cb)` and `files.download(..., progress=cb)` (every
operation that sends or receives a file) call `cb(Progress(...))` as the bytes go;
the batch runner (`mistral_sdk.batch`) reports its uploads, its jobs' request
counts and its downloads through the same callback.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast

from msgspec import UNSET, UnsetType

from ._types import FileInput

__all__ = ["Progress", "ProgressCallback", "with_progress"]


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress report.

    `stage` is "upload" or "download" (`completed`/`total`: bytes), or "job" (a batch
    job: `completed`/`total` requests, with `succeeded`, `failed` and `status`).
    `total` is None when unknown (a stream without a length). `name` says what
    moves: a file name or id, or the job id.
    """

    stage: str
    completed: int
    total: int | None = None
    name: str | None = None
    succeeded: int | None = None
    failed: int | None = None
    status: str | None = None

    @property
    def fraction(self) -> float | None:
        """`completed / total` (0.0 to 1.0), or None when the total is unknown or zero."""
        if not self.total:
            return None
        return min(self.completed / self.total, 1.0)


ProgressCallback = Callable[[Progress], object]


class _ProgressReader:
    """A readable file that reports every chunk read by httpx2's multipart encoder.

    httpx2 seeks back to the start on a retry: the count starts again from there.
    `seek`/`tell` let httpx2 compute Content-Length without reading.
    """

    def __init__(self, raw: Any, progress: ProgressCallback, name: str | None) -> None:
        self._raw = raw
        self._progress = progress
        self.name = name
        self._total: int | None = None
        if self.seekable():
            start = raw.tell()
            self._total = raw.seek(0, os.SEEK_END) - start
            raw.seek(start)
        self._done = 0

    def seekable(self) -> bool:
        check = getattr(self._raw, "seekable", None)
        return bool(check()) if callable(check) else hasattr(self._raw, "seek")

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = cast(int, self._raw.seek(offset, whence))
        self._done = position
        return position

    def tell(self) -> int:
        return cast(int, self._raw.tell())

    def read(self, size: int = -1) -> bytes:
        chunk = cast(bytes, self._raw.read(size))
        if chunk:
            self._done += len(chunk)
            self._progress(Progress("upload", self._done, self._total, self.name))
        return chunk

    def close(self) -> None:
        close = getattr(self._raw, "close", None)
        if callable(close):
            close()


def with_progress(
    file: FileInput | UnsetType, progress: ProgressCallback | None
) -> FileInput | UnsetType:
    """`file` (any `FileInput`) as one whose reads are reported to `progress`; an
    optional file that was not given stays unset (nothing is sent)."""
    if progress is None or file is UNSET:
        return file
    from ._request import _LazyFile  # the same lazy opening as an unwrapped path

    filename: str | None = None
    content_type: str | None = None
    content: Any = file
    if isinstance(file, tuple):
        filename, content = file[0], file[1]
        content_type = file[2] if len(file) == 3 else None
    if isinstance(content, (str, os.PathLike)):
        path = os.fspath(content)
        filename = filename or os.path.basename(path) or None
        raw: Any = _LazyFile(path)
    elif isinstance(content, (bytes, bytearray, memoryview)):
        raw = io.BytesIO(bytes(content))
    else:
        raw = cast(IO[bytes], content)
        name = getattr(content, "name", None)
        if filename is None and isinstance(name, str):
            filename = os.path.basename(name) or None
    reader = cast(IO[bytes], _ProgressReader(raw, progress, filename))
    if content_type is not None:
        return (filename, reader, content_type)
    return (filename, reader)
