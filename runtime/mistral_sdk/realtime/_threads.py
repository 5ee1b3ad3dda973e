"""What only the blocking realtime connections do: websockets' threaded client, its
own timeouts, the sender as a thread. `_aio.py` is its async counterpart; the
connections built on either (`_async.py`, and its twin `_blocking/realtime.py`
generated from it) are the same code."""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from . import _connect
from ._errors import RealtimeConnectionClosed

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

    from .._blocking.realtime import _Connection

E = TypeVar("E")


def connect(url: str, **options: Any) -> ClientConnection:
    from websockets.sync.client import connect

    # websockets 17 wants `with connect(...)`; __enter__ gives the connection in
    # every version (older ones return it directly); we close it ourselves
    connection: ClientConnection = connect(url, **options).__enter__()
    return connection


def recv(ws: ClientConnection, timeout: float | None) -> str | bytes:
    """The next message; `TimeoutError` when `timeout` seconds pass without one."""
    return ws.recv(timeout=timeout)


Lock = threading.Lock


def acquire(lock: threading.Lock, timeout: float) -> bool:
    """Take `lock` within `timeout` seconds; False when that is not possible."""
    return lock.acquire(timeout=timeout)


def drop(ws: ClientConnection) -> None:
    """Close the socket now, without the closing handshake (which could block, inside
    the garbage collector too)."""
    with contextlib.suppress(OSError):
        ws.socket.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        ws.socket.close()


def release_when_collected(owner: object, ws: ClientConnection) -> weakref.finalize[..., object]:
    """Drop the socket when `owner` (a connection nobody closed) is collected."""
    return weakref.finalize(owner, drop, ws)


def _feed(
    send: Callable[[Any], None],
    finish: Callable[[], None],
    items: Iterable[Any],
    failed: list[BaseException],
) -> None:
    try:
        for item in items:
            send(item)
        finish()
    except BaseException as exc:
        failed.append(exc)


def run(
    connection: _Connection[E],
    send: Callable[[Any], None],
    finish: Callable[[], None],
    items: Iterable[Any],
) -> Iterator[E]:
    """The events of `connection` while a thread sends `items` (then `finish()`)."""
    failed: list[BaseException] = []
    sender = threading.Thread(
        target=_feed, args=(send, finish, items, failed), name="mistral-realtime-send", daemon=True
    )
    with connection:
        sender.start()
        try:
            while True:
                # the session ended under the sender: what ended it is received
                if failed and not isinstance(failed[0], RealtimeConnectionClosed):
                    raise failed[0]
                # wake up now and then to notice a failed sender
                try:
                    event = connection.recv(timeout=0.5 if sender.is_alive() else None)
                except TimeoutError:
                    continue
                if event is None:
                    break
                yield event
        finally:
            # every event was read, or the caller left early: no wait for more
            connection.close(timeout=0)
            sender.join(timeout=_connect.DEFAULT_OPEN_TIMEOUT)
    if failed and not isinstance(failed[0], RealtimeConnectionClosed):
        raise failed[0]
