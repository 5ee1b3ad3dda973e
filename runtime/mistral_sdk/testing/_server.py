"""The mock over HTTP: `mistral mock`, `make mock`, and `mistral_sdk.testing.serve()`.

A `ThreadingHTTPServer` (standard library) whose handler reads a request into an
`Exchange`, lets the app answer it and writes the answer: whole bodies with their
length, event streams chunked (so that one cut short is seen as one by the client),
paced by its `stream_delay` so that a demo's streaming is visible.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._app import MockApp
from ._exchange import Answer, Exchange

__all__ = ["HTTPMock", "start_mock"]

STREAM_DELAY = 0.02  # seconds between the events of scripted streams: a demo shows them
NO_ANSWER_HOLD = 30.0  # seconds a "timeout" fault holds the connection over HTTP


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mistral-mock/0.2"
    # headers and body go out in separate writes: without this, Nagle's algorithm and
    # the client's delayed ACK hold every answer back ~40 ms
    disable_nagle_algorithm = True
    server: HTTPMock

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes:
        """The whole request body, by Content-Length or chunked."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        exchange = Exchange(
            self.command,
            self.path,
            self.headers,  # type: ignore[arg-type]  # a Message: a case-insensitive mapping
            self._read_body(),
            stream_delay=self.server.stream_delay,
        )
        self.server.app.handle(exchange)
        answer = exchange.answer or Answer(500, body=b'{"detail": "the mock gave no answer"}')
        self._write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def _write(self, answer: Answer) -> None:
        if answer.no_answer is not None:  # nothing comes back: the client times out
            time.sleep(NO_ANSWER_HOLD if answer.no_answer == "timeout" else 0)
            self.close_connection = True
            return
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        streamed = answer.frames is not None
        if streamed:
            self.send_header("Transfer-Encoding", "chunked")
            # said, not only done: a client that reuses the connection before it sees
            # the close gets "Server disconnected" (httpcore2 checks an idle connection
            # only when it takes it)
            self.send_header("Connection", "close")
            self.close_connection = True
        elif not any(name.lower() == "content-length" for name, _ in answer.headers):
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        try:
            for chunk in answer.chunks():
                if streamed:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                else:
                    self.wfile.write(chunk)
            if streamed:
                self.wfile.write(b"0\r\n\r\n")
        except ConnectionAbortedError:
            self.close_connection = True  # cut: no end of the body, the connection closes
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading


class HTTPMock(ThreadingHTTPServer):
    """The mock on a port; `app` is what it answers with."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        app: MockApp,
        *,
        verbose: bool = False,
        stream_delay: float = STREAM_DELAY,
    ) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.verbose = verbose
        self.stream_delay = stream_delay
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="mistral-mock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and free the port."""
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def start_mock(verbose: bool = False, port: int = 0, app: MockApp | None = None) -> tuple[str, Any]:
    """Start the mock on 127.0.0.1 (a free port unless `port` is given) in a background
    thread. Returns `(base_url, stop)`."""
    server = HTTPMock(("127.0.0.1", port), app or MockApp(), verbose=verbose)
    server.start()
    return server.url, server.stop
