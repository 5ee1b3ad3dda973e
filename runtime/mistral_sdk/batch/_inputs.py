"""Where each request is in a batch's input: the custom ids in input order, and the
line of each (1-based over the whole input, blank lines not counted, as
`BatchInputError.line` counts), for the input order and for the errors of results."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ._plan import custom_id_of, jsonl_lines

__all__ = ["InputIndex", "input_ids"]


def input_ids(paths: list[Path]) -> Iterator[tuple[str, int]]:
    """(custom id, input line) of every request, in input order, read line by line."""
    line = 0
    for path in paths:
        for raw in jsonl_lines(path):
            line += 1
            custom_id = custom_id_of(raw)
            if custom_id is not None:
                yield custom_id, line


class InputIndex:
    """The input line of a custom id, from an index on disk (`database`), built on the
    first lookup: one pass over the input files, then one query per lookup."""

    def __init__(self, paths: list[Path], database: Path) -> None:
        self.paths = paths
        self.database = database
        self._db: sqlite3.Connection | None = None

    def line(self, custom_id: str) -> int | None:
        if not self.paths:
            return None
        if self._db is None:
            self._db = self._build()
        row = self._db.execute(
            "SELECT line FROM inputs WHERE custom_id = ? ORDER BY line LIMIT 1", (custom_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _build(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.database, check_same_thread=False)
        db.execute("DROP TABLE IF EXISTS inputs")
        db.execute("CREATE TABLE inputs (custom_id TEXT, line INTEGER)")
        with db:
            db.executemany("INSERT INTO inputs VALUES (?, ?)", input_ids(self.paths))
            db.execute("CREATE INDEX inputs_id ON inputs (custom_id)")
        return db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
