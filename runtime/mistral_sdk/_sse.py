"""An incremental Server-Sent Events decoder (WHATWG HTML § 9.2.6). Pure, no I/O.

Feed it bytes in chunks of any size; it returns the events completed so far.
Line endings may be LF, CRLF or CR, even split across chunks; lines may be of
any length (no 64 KiB limit). The text is decoded once per chunk rather than
once per line, and no regular expression runs per event, because this sits on
the hot path of every streamed token.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SSEDecoder", "ServerSentEvent"]


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event. `event` is None when the stream named no type
    (the spec's implicit "message"); `id` is the last event id seen on the
    stream, which persists across events as the spec says. Compared by value
    (mutable, so unhashable)."""

    event: str | None = None
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Turns a byte stream into `ServerSentEvent`s: `feed(chunk)` then `close()`."""

    __slots__ = ("_data", "_event", "_last_id", "_pending", "_pending_cr", "_retry", "_started")

    def __init__(self) -> None:
        self._pending: list[bytes] = []  # bytes of the current, unfinished line
        self._pending_cr = False  # last chunk ended in CR: a leading LF is its pair
        self._started = False  # a BOM is only stripped at the very start
        self._data: list[str] = []
        self._event: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume `chunk`; return the events it completed (often none or one)."""
        if not chunk:
            return []
        if self._pending_cr:
            self._pending_cr = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
        if b"\r" in chunk:
            # Normalise CRLF and lone CR to LF. A CR at the very end may be the
            # first half of a CRLF whose LF arrives with the next chunk.
            self._pending_cr = chunk[-1] == 0x0D
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        end = chunk.rfind(b"\n")
        if end < 0:
            self._pending.append(chunk)
            return []
        # The common case (a chunk that ends at a line end) copies nothing.
        complete = chunk if end + 1 == len(chunk) else chunk[: end + 1]
        if self._pending:
            self._pending.append(complete)
            complete = b"".join(self._pending)
            self._pending = []
        if end + 1 < len(chunk):
            self._pending.append(chunk[end + 1 :])
        # Lines end at an ASCII byte, so `complete` never splits a UTF-8 sequence.
        text = complete.decode("utf-8", "replace")
        if not self._started:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        lines = text.split("\n")
        lines.pop()  # the empty string after the final LF
        return self._lines(lines)

    def end(self) -> list[ServerSentEvent]:
        """The body ended: the last event when its lines are all complete (each ended
        by a newline) but the closing blank line never came, as some servers end a
        stream (`data: [DONE]\n`). Browsers drop it; the official SDK reads it. A line
        cut mid-way stays incomplete (see `close`)."""
        if self._pending or not self._data:
            return []
        return self._lines([""])

    def close(self) -> str:
        """End of stream. Per the spec an event without its final blank line is
        incomplete and discarded; its text (and an unfinished line) is returned so
        that a caller can report what was cut. Resets the decoder."""
        tail = b"".join(self._pending).decode("utf-8", "replace")
        partial = "\n".join([*self._data, tail] if tail else self._data)
        self._pending = []
        self._pending_cr = False
        self._data = []
        self._event = None
        return partial

    def _lines(self, lines: list[str]) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if not line:
                # A blank line dispatches; an event with no data is dropped.
                if data:
                    events.append(
                        ServerSentEvent(self._event, "\n".join(data), self._last_id, self._retry)
                    )
                    data = self._data = []
                self._event = None
                self._retry = None
                continue
            if line.startswith("data:"):  # the overwhelmingly common case first
                value = line[5:]
                data.append(value[1:] if value.startswith(" ") else value)
                continue
            if line[0] == ":":
                continue  # comment (often a keep-alive)
            name, colon, value = line.partition(":")
            if colon and value.startswith(" "):
                value = value[1:]
            if name == "event":
                self._event = value
            elif name == "data":
                data.append(value)  # "data" without a colon: an empty line of data
            elif name == "id":
                if "\0" not in value:
                    self._last_id = value
            elif name == "retry" and value.isascii() and value.isdigit():
                self._retry = int(value)
            # any other field name is ignored
        return events
