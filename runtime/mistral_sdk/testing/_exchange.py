"""One request to the mock and the answer it gets, whatever carries them.

The mock's routes (`_app.py`) and flow modules read a request and write an answer
through an `Exchange`; they never see a socket. The HTTP server (`_server.py`) and
the in-process httpx2 transports (`_transport.py`) each turn an `Exchange`'s
`Answer` into what they carry: bytes on a connection, or an `httpx2.Response`.

An answer's body is either whole (`body`) or a sequence of chunks sent as they come
(`frames`: event streams). `cut` breaks it off (a JSON body after half its bytes, a
stream after its first chunk), and a `frames` iterator that raises
`ConnectionAbortedError` breaks it off there: both end as a body the client sees
cut short. `no_answer` is a request that never gets one ("timeout": the client's
read timeout; "connect": the connection refused).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Answer", "Exchange", "sse_frame"]


@dataclass
class Answer:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    frames: Iterable[bytes] | None = None  # a streamed body, chunk by chunk
    cut: bool = False
    cut_after: int = 1  # chunks of a stream sent before a cut
    no_answer: str | None = None  # "timeout" or "connect"
    delay: float = 0.0  # seconds between frames (the HTTP server's demo pacing)

    def chunks(self) -> Iterator[bytes]:
        """The body's chunks as they are sent; `ConnectionAbortedError` where it breaks off."""
        if self.frames is None:
            if self.cut:
                yield self.body[: len(self.body) // 2]
                raise ConnectionAbortedError("mock: the answer was cut")
            yield self.body
            return
        for sent, frame in enumerate(self.frames):
            if sent >= self.cut_after and self.cut:
                raise ConnectionAbortedError("mock: the stream was cut")
            if sent and self.delay:
                time.sleep(self.delay)
            yield frame


def sse_frame(data: str, event: str | None = None, event_id: str | None = None) -> bytes:
    """One server-sent event, blank line included."""
    head = (f"event: {event}\n" if event else "") + (f"id: {event_id}\n" if event_id else "")
    return f"{head}data: {data}\n\n".encode()


class Exchange:
    """A request (`command`, `path` with its query, `headers`, body) and its answer.

    `headers` is any case-insensitive mapping (an `email.message.Message` from the
    HTTP server, `httpx2.Headers` in process). The `send_*` methods set `answer`;
    the first one wins, as on a connection.
    """

    def __init__(
        self,
        command: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes,
        *,
        stream_delay: float = 0.0,
    ) -> None:
        self.command = command
        self.path = path  # with the query, as sent
        self.headers = headers
        self._body = body
        self.stream_delay = stream_delay
        self.fault = ""  # "cut": answer normally, then break off
        self.cut_after = 1
        self.answer: Answer | None = None

    def read_body(self) -> bytes:
        return self._body

    # -- answers

    def _set(self, answer: Answer) -> None:
        if self.answer is None:
            if self.fault == "cut":
                answer.cut, answer.cut_after = True, self.cut_after
            self.answer = answer

    def send(self, status: int, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        headers = list(headers)
        if not any(name.lower() == "x-request-id" for name, _ in headers):
            headers.append(("x-request-id", uuid.uuid4().hex))
        self._set(Answer(status, headers, body))

    def send_json(self, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        data = json.dumps(payload).encode()
        self.send(status, data, [("Content-Type", "application/json"), *headers])

    def send_empty(self) -> None:
        self._set(Answer(204, [("Content-Length", "0")]))

    def send_bytes(self, data: bytes, content_type: str = "application/octet-stream") -> None:
        self._set(Answer(200, [("Content-Type", content_type)], data))

    def send_frames(self, frames: Iterable[bytes], *, paced: bool = True) -> None:
        """An event stream of ready-made frames; `paced`: the HTTP server waits
        `stream_delay` between them (so that a demo's streaming is visible)."""
        headers = [
            ("Content-Type", "text/event-stream"),
            ("Cache-Control", "no-cache"),
            ("x-request-id", uuid.uuid4().hex),
        ]
        delay = self.stream_delay if paced else 0.0
        self._set(Answer(200, headers, frames=frames, delay=delay))

    def send_sse(self, events: Iterable[tuple[str | None, str, str | None]]) -> None:
        """An event stream of `(event name, data, id)`."""
        self.send_frames(sse_frame(data, event, event_id) for event, data, event_id in events)

    def send_sse_frames(self, frames: list[str]) -> None:
        """Ready-made SSE frames (each `field: value` lines, without the blank line),
        without pauses between them."""
        self.send_frames((f"{f}\n\n".encode() for f in frames), paced=False)

    def send_no_answer(self, kind: str) -> None:
        self._set(Answer(0, no_answer=kind))
