"""`BatchResults`: a finished batch's results, kept on disk and read line by line."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import weakref
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from .._errors import MistralError
from ._inputs import InputIndex, input_ids
from ._plan import ResultParser, custom_id_of, missing
from ._types import BatchResult, Endpoint

if TYPE_CHECKING:
    from .. import models

__all__ = ["BatchResults", "ResultFile"]

R = TypeVar("R")


class ResultFile:
    """A downloaded output or error file: its id and where it is on disk."""

    __slots__ = ("file_id", "kind", "path")

    def __init__(self, file_id: str, path: Path, kind: str) -> None:
        self.file_id = file_id
        self.path = path
        self.kind = kind  # "output" or "error"

    def __repr__(self) -> str:
        return f"<ResultFile {self.kind} {self.file_id} at {self.path}>"


class BatchResults(Generic[R]):
    """Every result of a batch, read from its downloaded output and error files.

    - iterate (`for result in results`): file order, one line at a time; `async for`
      reads the same in a worker thread, a block of lines at a time, so an event loop
      is never held up by the disk;
    - `results[custom_id]` / `results.get(custom_id)`: by custom id (an index on disk,
      built on first use, so a million results need no memory);
    - `results.in_input_order()`: in the order of the input (a request without a line
      gives a "missing" error result);
    - `results.failed()` / `failed_ids()`: the requests without a response.

    `jobs` are the final `models.BatchJob`s; `files` the downloaded files (their ids
    are the API's: nothing is deleted there). `close()` (or a `with` block) removes
    the local copies when the SDK made the directory.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        jobs: list[models.BatchJob],
        files: list[ResultFile],
        directory: Path,
        inputs: list[Path],
        *,
        owns_directory: bool,
    ) -> None:
        self.endpoint = endpoint
        self.jobs = jobs
        self.files = files
        self.directory = directory
        self.inputs = inputs  # local input files, for the input order
        self._input_index = InputIndex(inputs, directory / "inputs.sqlite3")
        self._parser: ResultParser[R] = ResultParser(endpoint, self._input_index.line)
        self._index: sqlite3.Connection | None = None
        self._cleanup = (
            weakref.finalize(self, shutil.rmtree, directory, True) if owns_directory else None
        )

    # -- reading

    def __iter__(self) -> Iterator[BatchResult[R]]:
        for f in self.files:
            yield from self._parser.parse_lines(_all_lines(f.path), f.file_id)

    async def __aiter__(self) -> AsyncIterator[BatchResult[R]]:
        import anyio.to_thread  # httpx2's own dependency; asyncio and trio alike

        results = iter(self)
        blocks = iter(lambda: list(itertools.islice(results, _BLOCK)), [])
        empty: list[BatchResult[R]] = []
        while block := await anyio.to_thread.run_sync(next, blocks, empty):
            for result in block:
                yield result

    def failed(self) -> Iterator[BatchResult[R]]:
        """The results with an error, in file order."""
        return (r for r in self if r.error is not None)

    def failed_ids(self) -> set[str]:
        """The custom ids of the requests that have no response (named on their line)."""
        return {r.custom_id for r in self.failed() if r.custom_id is not None}

    @property
    def succeeded(self) -> int:
        return sum(j.succeeded_requests for j in self.jobs)

    @property
    def failed_count(self) -> int:
        return sum(j.failed_requests for j in self.jobs)

    @property
    def total(self) -> int:
        return sum(j.total_requests for j in self.jobs)

    def get(self, custom_id: str) -> BatchResult[R] | None:
        """The result for `custom_id`, or None when no file has a line for it."""
        index = self._ensure_index()
        row = index.execute(
            "SELECT file, offset, line FROM results WHERE custom_id = ? ORDER BY file LIMIT 1",
            (custom_id,),
        ).fetchone()
        if row is None:
            return None
        f = self.files[row[0]]
        with open(f.path, "rb") as handle:
            handle.seek(row[1])
            raw = handle.readline()
        return self._parser.parse(raw, f.file_id, row[2])

    def __getitem__(self, custom_id: str) -> BatchResult[R]:
        result = self.get(custom_id)
        if result is None:
            raise KeyError(custom_id)
        return result

    def __contains__(self, custom_id: object) -> bool:
        return isinstance(custom_id, str) and self.get(custom_id) is not None

    def in_input_order(self, custom_ids: Iterable[str] | None = None) -> Iterator[BatchResult[R]]:
        """The results in the order of `custom_ids` (default: the input files' order)."""
        if custom_ids is None:
            if not self.inputs:
                raise MistralError(
                    "the input files are not here (results(input_order=False)):"
                    " pass custom_ids=..., or results() to download them"
                )
            ordered: Iterable[tuple[str, int | None]] = input_ids(self.inputs)
        else:
            ordered = ((c, None) for c in custom_ids)
        for custom_id, line in ordered:
            result = self.get(custom_id)
            yield result if result is not None else missing(custom_id, line)

    def _ensure_index(self) -> sqlite3.Connection:
        if self._index is not None:
            return self._index
        db = sqlite3.connect(self.directory / "index.sqlite3", check_same_thread=False)
        db.execute("DROP TABLE IF EXISTS results")
        db.execute(
            "CREATE TABLE results (custom_id TEXT, file INTEGER, offset INTEGER, line INTEGER)"
        )
        with db:
            for number, f in enumerate(self.files):
                db.executemany("INSERT INTO results VALUES (?, ?, ?, ?)", _offsets(f.path, number))
            db.execute("CREATE INDEX results_id ON results (custom_id)")
        self._index = db
        return db

    # -- lifetime

    def close(self) -> None:
        """Close the index; remove the downloaded files when the SDK chose their directory."""
        if self._index is not None:
            self._index.close()
            self._index = None
        self._input_index.close()
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> BatchResults[R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<BatchResults {self.endpoint.path}: {self.succeeded} succeeded,"
            f" {self.failed_count} failed of {self.total}>"
        )


_BLOCK = 1000  # results read per trip to a worker thread by `async for`


def _all_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        yield from f


def _offsets(path: Path, file_number: int) -> Iterator[tuple[str, int, int, int]]:
    offset = 0
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            custom_id = custom_id_of(raw)
            if custom_id is not None:
                yield custom_id, file_number, offset, number
            offset += len(raw)
