"""Blocking realtime connections (`Mistral().audio.realtime`), on websockets' threaded client.

The decisions live in `_protocol.Session`; this module only moves messages.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import _connect
from ._protocol import (
    FLUSH_AUDIO,
    FLUSH_TEXT,
    TRANSCRIPTION,
    AudioFormat,
    Kind,
    RealtimeSpeechEvent,
    RealtimeSpeechSession,
    RealtimeTranscriptionEvent,
    RealtimeTranscriptionSession,
    Session,
    TurnDetectionConfig,
    audio_messages,
    connect_arguments,
    session_fields,
    session_update,
    text_message,
)

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

    from .._client import SyncAPIClient

__all__ = ["RealtimeSpeechConnection", "RealtimeTranscriptionConnection", "connect", "run"]

E = TypeVar("E")


def _abandon(ws: ClientConnection) -> None:
    """Finalizer of a connection nobody closed: drop the socket (no handshake, which
    could block inside the garbage collector)."""
    with contextlib.suppress(OSError):
        ws.socket.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        ws.socket.close()


class _Connection(Generic[E]):
    """One open realtime session. Iterate it for typed events; a context manager."""

    def __init__(self, ws: ClientConnection, state: Session, prelude: list[Any]) -> None:
        self._ws = ws
        self._state = state
        self._prelude = prelude  # events that arrived with the handshake
        self._closed = False
        self._finalizer = weakref.finalize(self, _abandon, ws)

    @property
    def request_id(self) -> str | None:
        """The server's id for this session (from `session.created`)."""
        return getattr(self._state.session, "request_id", None)

    @property
    def closed(self) -> bool:
        return self._closed

    def _send(self, message: str) -> None:
        from websockets.exceptions import ConnectionClosed

        if self._closed:
            raise RuntimeError("the realtime connection is closed")
        try:
            self._ws.send(message)
        except ConnectionClosed as exc:
            self._state.closed(*_close_info(exc), handshake=False)
            raise RuntimeError("the server ended the realtime session") from exc
        self._state.sent_input = True

    def _update(self, fields: Mapping[str, Any]) -> None:
        message = session_update(self._state.kind, fields)
        if message is None:
            raise ValueError("update_session: give at least one field")
        self._send(message)

    def end(self) -> None:
        """Tell the server the input is over; the remaining events follow."""
        if not self._state.input_ended:
            self._send(self._state.kind.end_message)
            self._state.input_ended = True

    def recv(self, timeout: float | None = None) -> E | None:
        """The next event, or None when the session has ended.

        Raises `TimeoutError` when `timeout` seconds pass without one.
        """
        from websockets.exceptions import ConnectionClosed

        if self._prelude:
            return self._prelude.pop(0)  # type: ignore[no-any-return]
        if self._state.done or self._closed:
            return None
        try:
            message = self._ws.recv(timeout=timeout)
        except ConnectionClosed as exc:
            self._closed = True
            self._finalizer.detach()
            self._state.closed(*_close_info(exc), handshake=False)
            return None
        return self._state.receive(message)  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[E]:
        while (event := self.recv()) is not None:
            yield event

    def close(self) -> None:
        """End the input if it was not (the server then finishes), and close."""
        if self._closed:
            return
        self._closed = True
        self._finalizer.detach()
        try:
            if self._state.should_end_input():
                with contextlib.suppress(Exception):
                    self._ws.send(self._state.kind.end_message)
                    self._state.input_ended = True
            self._ws.close()
        except BaseException:
            _abandon(self._ws)
            raise

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {state} request_id={self.request_id!r}>"


_C = TypeVar("_C", bound=_Connection[Any])


def _close_info(exc: Any) -> tuple[int | None, str]:
    rcvd = exc.rcvd
    return (rcvd.code, rcvd.reason) if rcvd is not None else (None, "")


class RealtimeTranscriptionConnection(_Connection[RealtimeTranscriptionEvent]):
    """A live transcription session: send audio, iterate the transcription events."""

    @property
    def session(self) -> RealtimeTranscriptionSession:
        """The session as the server last described it."""
        return self._state.session  # type: ignore[no-any-return]

    def send_audio(self, audio: object) -> None:
        """Send audio (bytes, bytearray, memoryview or a numpy-like buffer) in the
        session's format; chunks over the protocol's limit are split."""
        for message in audio_messages(audio):
            self._send(message)

    def flush(self) -> None:
        """Ask the server to transcribe what it has so far."""
        self._send(FLUSH_AUDIO)

    def update_session(
        self,
        *,
        audio_format: AudioFormat | Mapping[str, Any] | None = None,
        target_streaming_delay_ms: int | None = None,
        diarize: bool | None = None,
        context_bias: list[str] | None = None,
        language: str | None = None,
        speaker_references: Mapping[str, str] | None = None,
        turn_detection: TurnDetectionConfig | Mapping[str, Any] | None = None,
    ) -> None:
        """Change the session (most fields only before audio is sent)."""
        self._update(session_fields(self._state.kind, locals()))


class RealtimeSpeechConnection(_Connection[RealtimeSpeechEvent]):
    """A live speech session: send text, iterate the audio events."""

    @property
    def session(self) -> RealtimeSpeechSession:
        return self._state.session  # type: ignore[no-any-return]

    def send_text(self, text: str) -> None:
        """Append text to speak."""
        self._send(text_message(text))

    def flush(self, text: str | None = None) -> None:
        """Speak what was sent so far (with `text` as a last piece)."""
        self._send(FLUSH_TEXT if text is None else text_message(text, flush=True))

    def update_session(
        self,
        *,
        voice: str | None = None,
        ref_audio: bytes | str | None = None,
        response_format: str | None = None,
        streaming_mode: str | None = None,
        expressiveness: float | None = None,
    ) -> None:
        """Change the voice or the audio format."""
        self._update(session_fields(self._state.kind, locals()))


def _open(
    client: SyncAPIClient,
    kind: Kind,
    model: str,
    session: Mapping[str, Any],
    *,
    errors_as_events: bool,
    open_timeout: float | None,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
) -> tuple[ClientConnection, Session, list[Any]]:
    """Connect (retrying what the client's policy retries), wait for
    `session.created`, and send the session's settings."""
    _connect.require_websockets()
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    update = session_update(kind, session)  # checked before connecting
    auth = client._auth_headers(None, extra_headers)
    where = _connect.target(client, kind.path, model, auth, extra_headers, extra_query)
    timeout = _connect.DEFAULT_OPEN_TIMEOUT if open_timeout is None else open_timeout
    attempt = 0
    while True:
        deadline = time.monotonic() + timeout
        try:
            # websockets 17 wants `with connect(...)`; __enter__ gives the connection
            # in every version (older ones return it directly); we close it ourselves
            ws = connect(
                where.url,
                additional_headers=where.headers,
                user_agent_header=_connect.user_agent_header(),
                open_timeout=timeout,
                max_size=_connect.MAX_MESSAGE,
                max_queue=_connect.MAX_QUEUE,
                close_timeout=_connect.CLOSE_TIMEOUT,
                logger=_connect.LOGGER,
            ).__enter__()
            break
        except Exception as exc:
            error, retry, headers = _connect.failure(exc, where)
            if not retry or attempt >= client.max_retries:
                raise error from exc
            client._sleep(_connect.delay(attempt, client.max_retries, headers))
            attempt += 1
    state = Session(kind, errors_as_events=errors_as_events)
    prelude: list[Any] = []
    try:
        while state.session is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                prelude.append(state.handshake(ws.recv(timeout=remaining)))
            except ConnectionClosed as exc:
                state.closed(*_close_info(exc), handshake=True)
        if update is not None:
            ws.send(update)
    except TimeoutError:
        _abandon(ws)
        from .._errors import APITimeoutError

        raise APITimeoutError(
            f"realtime {kind.name}: no session.created within {timeout:g} s"
        ) from None
    except BaseException:
        _abandon(ws)
        raise
    return ws, state, prelude


def _feed(send: Any, finish: Any, items: Iterable[Any], failed: list[BaseException]) -> None:
    """The sender thread of the one-call helpers."""
    try:
        for item in items:
            send(item)
        finish()
    except BaseException as exc:
        failed.append(exc)


def _run(connection: _Connection[E], send: Any, finish: Any, items: Iterable[Any]) -> Iterator[E]:
    failed: list[BaseException] = []
    sender = threading.Thread(
        target=_feed, args=(send, finish, items, failed), name="mistral-realtime-send", daemon=True
    )
    with connection:
        sender.start()
        try:
            while True:
                if failed:
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
            connection.close()
            sender.join(timeout=_connect.DEFAULT_OPEN_TIMEOUT)
    if failed and not isinstance(failed[0], RuntimeError):
        raise failed[0]


def connect(client: SyncAPIClient, kind: Kind, arguments: Mapping[str, Any]) -> _Connection[Any]:
    """Open a session for a connect method of `client.audio.realtime` (mistral_sdk._audio),
    from its `arguments` (the method's `locals()`): the model, the session settings and
    the options."""
    model, session, options = connect_arguments(kind, arguments)
    ws, state, prelude = _open(client, kind, model, session, **options)
    connection = (
        RealtimeTranscriptionConnection if kind is TRANSCRIPTION else RealtimeSpeechConnection
    )
    return connection(ws, state, prelude)


def run(connection: _Connection[E], send: Any, items: Iterable[Any]) -> Iterator[E]:
    """The one-call helpers (`transcribe`, `speak`): `send` each of `items` from a
    background thread, then flush and end the input; yield the events meanwhile."""

    def finish() -> None:
        connection.flush()  # type: ignore[attr-defined]
        connection.end()

    return _run(connection, send, finish, items)
