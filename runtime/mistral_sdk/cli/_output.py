"""Where the command line writes, and in which form.

Four modes: `rich` (tables, trees, live views and progress bars on a terminal),
`plain` (the same information as plain text lines: a pipe, a log file, or no rich
installed), `json` (one JSON document on stdout at the end) and `jsonl` (one JSON
value per line as things happen). Results go to stdout; notes and errors go to
stderr, so a script can parse stdout in every mode.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, Literal, TextIO

from ._watch import plain_value

__all__ = ["Mode", "Output", "RichMissing", "choose_mode"]

Mode = Literal["rich", "plain", "json", "jsonl"]


class RichMissing(Exception):
    """`--rich` was asked for without the `rich` package."""

    def __init__(self) -> None:
        super().__init__(
            "the terminal view needs the optional `rich` package: pip install mistral-sdk[cli]"
        )


def _have_rich() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("rich") is not None
    except (ImportError, ValueError):  # blocked (sys.modules["rich"] = None) or broken
        return False


def choose_mode(asked: str | None, stdout: TextIO) -> Mode:
    """The mode to use: the one asked for, else rich on a terminal (when installed)."""
    if asked in ("json", "jsonl", "plain"):
        return asked  # type: ignore[return-value]
    if asked == "rich":
        if not _have_rich():
            raise RichMissing()
        return "rich"
    isatty = getattr(stdout, "isatty", None)
    return "rich" if isatty is not None and isatty() and _have_rich() else "plain"


class Output:
    """The chosen mode and the streams it writes to."""

    def __init__(self, mode: Mode, stdout: TextIO | None = None, stderr: TextIO | None = None):
        self.mode = mode
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._consoles: dict[str, Any] = {}

    @property
    def scripted(self) -> bool:
        """Machine-readable output (`--json` / `--jsonl`)."""
        return self.mode in ("json", "jsonl")

    def console(self, stderr: bool = False) -> Any:
        """A rich Console on stdout (or stderr); only in rich mode."""
        from rich.console import Console

        # one console per stream: a live view and the notes printed meanwhile must share it
        key = "stderr" if stderr else "stdout"
        if key not in self._consoles:
            self._consoles[key] = Console(file=self.stderr if stderr else self.stdout)
        return self._consoles[key]

    # results

    def json(self, value: Any) -> None:
        """One value as JSON: indented in json/rich/plain mode, one line in jsonl mode."""
        data = plain_value(value)
        if self.mode == "jsonl":
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        elif self.mode == "rich":
            from rich.json import JSON

            self.console().print(JSON.from_data(data))
        else:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def jsonl(self, value: Any) -> None:
        """One value as one JSON line, whatever the mode (streams, `--all` items)."""
        self.stdout.write(json.dumps(plain_value(value), ensure_ascii=False) + "\n")
        self.stdout.flush()

    def text(self, text: str, end: str = "\n") -> None:
        """Human text on stdout."""
        self.stdout.write(text + end)
        self.stdout.flush()

    def note(self, text: str) -> None:
        """Progress and notes for a person: stderr, so stdout stays parseable."""
        if self.mode == "rich":
            self.console(stderr=True).print(text, style="dim", highlight=False)
        else:
            self.stderr.write(text + "\n")
            self.stderr.flush()

    def table(self, columns: list[str], rows: Iterable[list[Any]], title: str = "") -> None:
        """Rows as a table on a terminal, tab-separated lines otherwise."""
        rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
        if self.mode == "rich":
            from rich.table import Table

            table = Table(*columns, title=title or None, title_justify="left")
            for row in rows:
                table.add_row(*row)
            self.console().print(table)
            return
        self.stdout.write("\t".join(columns) + "\n")
        for row in rows:
            self.stdout.write("\t".join(row) + "\n")
        self.stdout.flush()

    def error(self, kind: str, message: str, **info: Any) -> None:
        """An error on stderr: a JSON object in json/jsonl mode, a line otherwise.

        `kind` is the SDK's exception class (`NotFoundError`); `info` what the API said
        (`status`, its error `type` and `code`, the `request_id`) or other context."""
        if self.scripted:
            body = {
                "class": kind,
                "message": message,
                **{k: v for k, v in info.items() if v is not None},
            }
            self.stderr.write(json.dumps({"error": body}, ensure_ascii=False) + "\n")
        else:
            extra = ", ".join(f"{k} {v}" for k, v in info.items() if v is not None)
            self.stderr.write(f"error: {kind}: {message}" + (f" ({extra})" if extra else "") + "\n")
        self.stderr.flush()
