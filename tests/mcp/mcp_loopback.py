"""Loopback servers for the MCP tests: an ASGI app served by uvicorn in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any


def serve(app: Any, sock: socket.socket | None = None) -> tuple[str, Callable[[], None]]:
    """Serve an ASGI app on a loopback port in a thread: (base URL, stop).

    `sock`: a socket bound beforehand (`reserve()`), for apps that must know their URL."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="on")
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock] if sock else None}, daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the loopback MCP server did not start")
        time.sleep(0.01)
    port = sock.getsockname()[1] if sock else server.servers[0].sockets[0].getsockname()[1]

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def reserve() -> tuple[socket.socket, str]:
    """A loopback socket, bound and listening, and its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"
