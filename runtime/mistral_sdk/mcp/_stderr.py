"""The stderr of a stdio MCP server: logged, not printed, and read for what it explains.

A server's stderr is its log: a Python server built with the `mcp` package writes the
whole traceback of a tool that raised there, and a server that cannot start writes why.
Passed through to the caller's terminal, that is noise in the middle of their output;
thrown away, the reason a server failed is lost. So by default (no `errlog=`) the
server writes into a pipe that a thread reads line by line: each line goes to the
`mistral_sdk.mcp` logger at INFO (shown with `MISTRAL_LOG=info`), and the last lines
are kept, for two uses:

- the errors of a server that could not start or died quote the end of its stderr;
- a tool that raised is reported by a server built with the `mcp` package only as
  "Error executing tool NAME" (the exception's text stays on the server, by design);
  its log has the exception, and `crash` finds its last line
  (`RuntimeError: the station is offline`) for the model.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from typing import Any, TextIO

__all__ = ["ServerLog", "masked_crash"]

logger = logging.getLogger("mistral_sdk.mcp")

_KEPT = 400  # lines kept for errors and crash lookups
_TAIL = 6  # lines quoted in an error
_WAIT = 1.0  # seconds to wait for a line the server has written but we have not read
_POLL = 0.01

# What the `mcp` package's server sends instead of a crashed tool's exception.
_MASKED = "Error executing tool "
_CAUSE_SEPARATORS = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)


def masked_crash(name: str, result: Any) -> bool:
    """`result` (a `CallToolResult`) is how a server built with the `mcp` package
    answers for tool `name` when it crashed: an error with only the masked text."""
    if not getattr(result, "is_error", False):
        return False
    texts = [getattr(b, "text", None) for b in getattr(result, "content", None) or ()]
    return (
        len(texts) == 1
        and isinstance(texts[0], str)
        and (texts[0] == f"{_MASKED}{name}" or texts[0].startswith(f"{_MASKED}{name}: "))
    )


class ServerLog:
    """A pipe for a stdio server's stderr (`writer`), read by a thread (see above)."""

    def __init__(self, label: str) -> None:
        self.label = label
        read_fd, write_fd = os.pipe()
        self.writer: TextIO = os.fdopen(write_fd, "w")
        self._reader = os.fdopen(read_fd, "rb")
        self._lines: collections.deque[str] = collections.deque(maxlen=_KEPT)
        self._seen = 0  # lines read in all: a position that survives the deque's trimming
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._pump, name=f"mcp-stderr {label}", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        with self._reader:
            for raw in self._reader:
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                logger.info("%s: %s", self.label, line)
                with self._lock:
                    self._lines.append(line)
                    self._seen += 1

    def started(self) -> None:
        """The server process has its own copy of the pipe (or never will): close ours,
        so that the reader ends when the server does."""
        if not self.writer.closed:
            self.writer.close()

    @property
    def ended(self) -> bool:
        """The server closed its stderr (it exited) and every line has been read."""
        return not self._thread.is_alive()

    def position(self) -> int:
        with self._lock:
            return self._seen

    def since(self, position: int) -> list[str]:
        with self._lock:
            new = self._seen - position
            return list(self._lines)[-new:] if new > 0 else []

    def tail(self) -> str:
        """The last lines, to quote in an error ("" when the server wrote nothing)."""
        with self._lock:
            lines = [line for line in self._lines if line.strip()][-_TAIL:]
        return "\n".join(f"    {line}" for line in lines)

    async def wait_end(self) -> None:
        """Wait (bounded) for the reader to reach the end of a server that exited."""
        import anyio

        for _ in range(int(_WAIT / _POLL)):
            if self.ended:
                return
            await anyio.sleep(_POLL)

    async def crash(self, name: str, position: int) -> str | None:
        """The exception line of tool `name`'s crash logged after `position`: the
        server writes its log before its answer, so the lines are in the pipe already,
        if not yet read (hence the bounded wait)."""
        import anyio

        end = f"UnexpectedToolError: {_MASKED}{name}"
        for _ in range(int(_WAIT / _POLL)):
            lines = self.since(position)
            for index, line in enumerate(lines):
                if end in line:
                    return _root_exception(lines[: index + 1])
            if self.ended:
                return None
            await anyio.sleep(_POLL)
        return None


def _root_exception(lines: list[str]) -> str | None:
    """The first exception of the chained traceback that ends `lines`: Python prints a
    chain cause first, so that is the tool's own exception, under the wrapper the
    server raised (`UnexpectedToolError`)."""
    start = len(lines)
    while True:  # back to the first traceback of the chain
        heads = [i for i in range(start) if lines[i].startswith("Traceback (most recent")]
        if not heads:
            break
        start = heads[-1]
        above = [line for line in lines[:start] if line.strip()]
        if not above or above[-1] not in _CAUSE_SEPARATORS:
            break
    for line in lines[start + 1 :]:
        if line and not line[0].isspace():  # the first unindented line: `Type: message`
            return line
    return None
