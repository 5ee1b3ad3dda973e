"""A scripted HTTP/1.1 server on a real socket, for fault-injection tests.

Each test queues *actions*; every request received takes the next one (or the
default action when the queue is empty). An action writes whatever bytes it
likes to the raw socket, so a test can answer normally, hang, drip, cut the
connection, reset it, or send malformed HTTP. Connections are kept alive
between requests unless the action says otherwise.

The server is bounded in time: it shuts itself down after `lifetime` seconds
even if a test forgets to, and every blocking wait inside an action ends when
the server stops.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

__all__ = [
    "Action",
    "FaultServer",
    "Received",
    "drip",
    "echo",
    "hang",
    "huge_header",
    "redirect",
    "reply",
    "reset",
    "sse",
    "truncated",
]


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    target: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    peer: str = ""


Action = Callable[["Connection", Received], bool]  # returns: keep the connection open?


class Connection:
    """The server side of one client connection."""

    def __init__(self, sock: socket.socket, server: FaultServer) -> None:
        self.sock = sock
        self.server = server
        self._buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def wait(self, seconds: float) -> bool:
        """Sleep, waking early when the server stops. True if it stopped."""
        return self.server.stopped.wait(seconds)

    def reset(self) -> None:
        """Close with RST instead of FIN (SO_LINGER 0): the client sees ECONNRESET."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    # -- reading requests -------------------------------------------------------

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self._buf += chunk
        return True

    def _read_until(self, marker: bytes) -> bytes | None:
        while marker not in self._buf:
            if not self._fill():
                return None
        head, _, self._buf = self._buf.partition(marker)
        return head

    def _read_exactly(self, n: int) -> bytes | None:
        while len(self._buf) < n:
            if not self._fill():
                return None
        data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def read_request(self) -> Received | None:
        head = self._read_until(b"\r\n\r\n")
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size_line = self._read_until(b"\r\n")
                if size_line is None:
                    return None
                size = int(size_line.split(b";")[0], 16)
                chunk = self._read_exactly(size + 2)
                if chunk is None:
                    return None
                if size == 0:
                    break
                parts.append(chunk[:-2])
            body = b"".join(parts)
        elif "content-length" in headers:
            data = self._read_exactly(int(headers["content-length"]))
            if data is None:
                return None
            body = data
        return Received(method, target, headers, body)


@dataclass
class FaultServer:
    """`with FaultServer() as server:` then `server.url`, `server.queue(...)`."""

    lifetime: float = 60.0
    default: Action | None = None
    uds: str | None = None  # serve on a Unix socket path instead of 127.0.0.1
    received: list[Received] = field(default_factory=list)
    connections: int = 0  # accepted so far
    peak_open: int = 0  # most connections open at once

    def __post_init__(self) -> None:
        self.stopped = threading.Event()
        self._actions: deque[Action] = deque()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._open: set[socket.socket] = set()
        if self.uds is not None:
            self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._listener.bind(self.uds)
        else:
            self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(512)
        self._listener.settimeout(0.02)  # how soon stop() is noticed

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return "http://localhost" if self.uds else f"http://127.0.0.1:{self.port}"

    def queue(self, *actions: Action) -> None:
        with self._lock:
            self._actions.extend(actions)

    def start(self) -> FaultServer:
        thread = threading.Thread(target=self._serve, name="fault-server", daemon=True)
        thread.start()
        self._threads.append(thread)
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self._timer.cancel()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(5)
        self._listener.close()
        with self._lock:
            leftover = list(self._open)
        for sock in leftover:
            with contextlib.suppress(OSError):
                sock.close()
        if self.uds is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.uds)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.add(sock)
                self.peak_open = max(self.peak_open, len(self._open))
            threading.Thread(target=self._handle, args=(sock,), daemon=True).start()

    def _next_action(self) -> Action:
        with self._lock:
            if self._actions:
                return self._actions.popleft()
        return self.default or reply(200, {"ok": True})

    def _handle(self, sock: socket.socket) -> None:
        sock.settimeout(min(self.lifetime, 10.0))
        conn = Connection(sock, self)
        try:
            while not self.stopped.is_set():
                request = conn.read_request()
                if request is None:
                    break
                with self._lock:
                    self.received.append(request)
                if not self._next_action()(conn, request):
                    break
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()


# -- actions -------------------------------------------------------------------


def _head(status: int, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> bytes:
    items = headers.items() if isinstance(headers, Mapping) else headers
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in items]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


_REASONS = {
    200: "OK",
    204: "No Content",
    302: "Found",
    307: "Temporary Redirect",
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def reply(
    status: int,
    body: Any = b"",
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
) -> Action:
    """A complete response; a non-bytes `body` is sent as JSON."""
    data = body if isinstance(body, bytes) else msgspec.json.encode(body)

    def act(conn: Connection, req: Received) -> bool:
        head = {"content-type": content_type, "content-length": str(len(data)), **(headers or {})}
        conn.send(_head(status, head) + data)
        return True

    return act


def echo(delay: float = 0.0) -> Action:
    """Answer with the request's target and body (after `delay` seconds), so that
    concurrent callers can check they got their own answer."""

    def act(conn: Connection, req: Received) -> bool:
        if delay and conn.wait(delay):
            return False
        body = {"target": req.target, "body": req.body.decode("latin-1")}
        return reply(200, body)(conn, req)

    return act


def reset() -> Action:
    """Read the request, then reset the connection without answering."""

    def act(conn: Connection, req: Received) -> bool:
        conn.reset()
        return False

    return act


def hang(seconds: float = 30.0) -> Action:
    """Never answer (until `seconds` pass or the server stops)."""

    def act(conn: Connection, req: Received) -> bool:
        conn.wait(seconds)
        return False

    return act


def drip(body: bytes, every: float, status: int = 200, chunk: int = 1) -> Action:
    """Headers at once, then the body `chunk` bytes at a time, one per `every` s."""

    def act(conn: Connection, req: Received) -> bool:
        conn.send(
            _head(status, {"content-type": "application/json", "content-length": str(len(body))})
        )
        for i in range(0, len(body), chunk):
            if conn.wait(every):
                return False
            conn.send(body[i : i + chunk])
        return True

    return act


def truncated(body: bytes, declared: int, status: int = 200) -> Action:
    """Announce `declared` bytes, send `body` (fewer), then close."""

    def act(conn: Connection, req: Received) -> bool:
        conn.send(
            _head(status, {"content-type": "application/json", "content-length": str(declared)})
            + body
        )
        return False

    return act


def sse(
    events: Iterable[bytes], *, cut: bool = False, hold: bool = False, every: float = 0.0
) -> Action:
    """A chunked `text/event-stream`. `cut` closes the socket before the last
    chunk; `hold` keeps the stream open after the events until the client leaves."""

    def act(conn: Connection, req: Received) -> bool:
        conn.send(_head(200, {"content-type": "text/event-stream", "transfer-encoding": "chunked"}))
        for event in events:
            if every and conn.wait(every):
                return False
            conn.send(b"%x\r\n%s\r\n" % (len(event), event))
        if cut:
            return False
        if hold:
            while conn.sock.recv(4096):  # until the client closes its end
                pass
            return False
        conn.send(b"0\r\n\r\n")
        return True

    return act


def redirect(location: str, status: int = 307) -> Action:
    return reply(status, b"", {"location": location})


def huge_header(size: int) -> Action:
    """A response whose header block is `size` bytes: more than clients accept."""

    def act(conn: Connection, req: Received) -> bool:
        conn.send(_head(200, {"content-length": "2", "x-padding": "a" * size}) + b"{}")
        return True

    return act
