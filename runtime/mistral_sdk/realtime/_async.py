"""Realtime sessions: `AsyncMistral().audio.realtime` and its connections.

The decisions live in `_protocol.Session`, and what differs between asyncio and
threads in two small modules; this one only moves messages. Its blocking twin,
`mistral_sdk._blocking.realtime`, is generated from it by generator/unasync.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack

from . import _aio, _connect
from ._protocol import (
    FLUSH_AUDIO,
    FLUSH_TEXT,
    KINDS,
    TRANSCRIPTION,
    Kind,
    RealtimeSpeechEvent,
    RealtimeSpeechSession,
    RealtimeTranscriptionEvent,
    RealtimeTranscriptionSession,
    Session,
    SpeechSettings,
    TranscriptionSettings,
    audio_messages,
    connect_arguments,
    session_fields,
    session_update,
    settings_update,
    text_message,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from .._client import AsyncAPIClient

__all__ = [
    "AsyncRealtimeSpeechConnection",
    "AsyncRealtimeTranscriptionConnection",
    "connect",
    "run",
]

E = TypeVar("E")


class _AsyncConnection(Generic[E]):
    """One open realtime session: iterate it for typed events; a context manager."""

    def __init__(self, ws: ClientConnection, state: Session, prelude: list[Any]) -> None:
        self._ws = ws
        self._state = state
        # events not yet delivered: those that came with the handshake, and those
        # that arrived while closing waited for the final one
        self._prelude = prelude
        self._closed = False
        # one reader at a time: a task (thread) iterating, or closing waiting for the end
        self._receiving = _aio.Lock()
        self._finalizer = _aio.release_when_collected(self, ws)

    @property
    def request_id(self) -> str | None:
        """The server's id for this session (from `session.created`)."""
        return getattr(self._state.session, "request_id", None)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def done(self) -> bool:
        """Whether the session's final event (`transcription.done` / `speech.audio.done`)
        arrived. False after `close()` means closing gave up waiting for it."""
        return bool(self._state.done)

    async def _send(self, message: str) -> None:
        from websockets.exceptions import ConnectionClosed

        if self._closed:
            raise self._state.gone("the session is closed")
        if self._state.done:  # the server closes the session after its final event
            raise self._state.gone(f"the session ended ({self._state.kind.done_event} arrived)")
        try:
            await self._ws.send(message)
        except ConnectionClosed as exc:
            self._state.lost(exc, handshake=False)  # raises unless the server ended cleanly
            raise self._state.gone("the server ended the session") from exc
        self._state.sent_input = True

    async def _update(self, fields: Mapping[str, Any]) -> None:
        message = session_update(self._state.kind, fields)
        if message is None:
            raise ValueError("update_session: give at least one field")
        await self._send(message)

    async def end(self) -> None:
        """Tell the server the input is over; the remaining events follow."""
        if not self._state.input_ended:
            await self._send(self._state.kind.end_message)
            self._state.input_ended = True

    async def recv(self, timeout: float | None = None) -> E | None:
        """The next event, or None when the session has ended.

        Raises `TimeoutError` when `timeout` seconds pass without one.
        """
        from websockets.exceptions import ConnectionClosed

        async with self._receiving:
            if self._prelude:
                return self._prelude.pop(0)  # type: ignore[no-any-return]
            if self._state.done or self._closed:
                return None
            try:
                message = await _aio.recv(self._ws, timeout)
            except ConnectionClosed as exc:
                self._closed = True
                self._finalizer.detach()
                self._state.lost(exc, handshake=False)
                return None
            return self._state.receive(message)  # type: ignore[no-any-return]

    def __aiter__(self) -> AsyncIterator[E]:
        return self._events()

    async def _events(self) -> AsyncIterator[E]:
        while (event := await self.recv()) is not None:
            yield event

    async def close(self, *, timeout: float | None = None) -> None:
        """End the input if it was not, wait for the session's final event, and close.

        The server answers the end of the input with its last events (the final
        transcript, the last audio) and the final one: closing waits for it at most
        `timeout` seconds (default `END_TIMEOUT`, 5 s; 0: not at all), then logs a
        warning and closes without it (`done` stays False). Events that arrive
        meanwhile are kept: iterating the closed session still gives them. An error the
        server reports meanwhile is raised.
        """
        if self._closed:
            return
        try:
            if self._state.should_end_input():
                with contextlib.suppress(Exception):
                    await self._ws.send(self._state.kind.end_message)
                    self._state.input_ended = True
            wait = _connect.END_TIMEOUT if timeout is None else timeout
            if wait > 0 and self._state.input_ended and not self._state.done:
                await self._await_final(wait)
            self._closed = True
            self._finalizer.detach()
            await self._ws.close()
        except BaseException:  # interrupted while closing, or an error: drop the socket
            self._closed = True
            self._finalizer.detach()
            _aio.drop(self._ws)
            raise

    async def _await_final(self, timeout: float) -> None:
        """Read until the final event or `timeout` seconds, in turn with a task (thread)
        that iterates the session; the events this reads wait in the prelude for it."""
        from websockets.exceptions import ConnectionClosed

        deadline = _connect.clock() + timeout
        while not self._state.done:
            remaining = deadline - _connect.clock()
            if remaining <= 0:
                _connect.gave_up_waiting(self._state.kind, timeout)
                return
            if not await _aio.acquire(self._receiving, remaining):
                continue
            try:
                if not self._state.done:
                    message = await _aio.recv(self._ws, remaining)
                    self._prelude.append(self._state.receive(message))
            except TimeoutError:
                continue
            except ConnectionClosed as exc:
                self._state.lost(exc, handshake=False)  # raises unless it ended cleanly
                return
            finally:
                self._receiving.release()

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        # leaving on an exception (a break out of `transcribe`, a cancelled task):
        # close at once, without waiting for the session's last events
        await self.close(timeout=0 if exc_info[0] is not None else None)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {state} request_id={self.request_id!r}>"


_C = TypeVar("_C", bound=_AsyncConnection[Any])


class AsyncRealtimeTranscriptionConnection(_AsyncConnection[RealtimeTranscriptionEvent]):
    """A live transcription session: send audio, iterate the transcription events."""

    @property
    def session(self) -> RealtimeTranscriptionSession:
        """The session as the server last described it."""
        return self._state.session  # type: ignore[no-any-return]

    async def send_audio(self, audio: object) -> None:
        """Send audio (bytes, bytearray, memoryview or a numpy-like buffer) in the
        session's format; chunks over the protocol's limit are split. Waits while
        the network is busy."""
        for message in audio_messages(audio):
            await self._send(message)

    async def flush(self) -> None:
        """Ask the server to transcribe what it has so far."""
        await self._send(FLUSH_AUDIO)

    async def update_session(self, **settings: Unpack[TranscriptionSettings]) -> None:
        """Change the session's `settings` (most only before audio is sent)."""
        await self._update(settings_update(self._state.kind, settings))


class AsyncRealtimeSpeechConnection(_AsyncConnection[RealtimeSpeechEvent]):
    """A live speech session: send text, iterate the audio events."""

    @property
    def session(self) -> RealtimeSpeechSession:
        """The session as the server last described it."""
        return self._state.session  # type: ignore[no-any-return]

    async def send_text(self, text: str) -> None:
        """Append text to speak."""
        await self._send(text_message(text))

    async def flush(self, text: str | None = None) -> None:
        """Speak what was sent so far (with `text` as a last piece)."""
        await self._send(FLUSH_TEXT if text is None else text_message(text, flush=True))

    async def update_session(self, **settings: Unpack[SpeechSettings]) -> None:
        """Change the session's `settings`: the voice or the audio format."""
        await self._update(settings_update(self._state.kind, settings))


async def _open(
    client: AsyncAPIClient, kind: Kind, arguments: Mapping[str, Any]
) -> tuple[ClientConnection, Session, list[Any]]:
    """Connect (retrying what the client's policy retries), wait for `session.created`,
    and send the session's settings; `arguments` are those of the `connect_*` method."""
    _connect.require_websockets()
    from websockets.exceptions import ConnectionClosed

    update = session_update(kind, session_fields(kind, arguments))  # checked before connecting
    extra_headers = arguments["extra_headers"]
    auth = await client._auth_headers(None, extra_headers)
    where = _connect.target(
        client, kind.path, arguments["model"], auth, extra_headers, arguments["extra_query"]
    )
    open_timeout = arguments["open_timeout"]
    timeout = _connect.DEFAULT_OPEN_TIMEOUT if open_timeout is None else open_timeout
    # one deadline for every attempt, the pauses between them and `session.created`
    deadline = _connect.clock() + timeout
    attempt = 0
    while True:
        try:
            ws = await _aio.connect(
                where.url,
                additional_headers=where.headers,
                user_agent_header=_connect.user_agent_header(),
                open_timeout=max(deadline - _connect.clock(), 0.0),
                max_size=_connect.MAX_MESSAGE,
                max_queue=_connect.MAX_QUEUE,
                close_timeout=_connect.CLOSE_TIMEOUT,
                logger=_connect.LOGGER,
            )
            break
        except Exception as exc:
            error, retry, headers = _connect.failure(exc, where)
            pause = _connect.delay(attempt, client.max_retries, headers)
            if not retry or attempt >= client.max_retries:
                raise error from exc
            if _connect.clock() + pause >= deadline:
                raise _connect.out_of_time(kind.name, timeout, attempt + 1, error) from exc
            await client._sleep(pause)
            attempt += 1
    state = Session(kind, errors_as_events=arguments["errors_as_events"])
    prelude: list[Any] = []
    try:
        while state.session is None:
            remaining = deadline - _connect.clock()
            if remaining <= 0:
                raise TimeoutError
            try:
                message = await _aio.recv(ws, remaining)
            except ConnectionClosed as exc:
                state.lost(exc, handshake=True)
            prelude.append(state.handshake(message))
        if update is not None:
            await ws.send(update)
    except TimeoutError:
        _aio.drop(ws)
        from .._errors import APITimeoutError

        raise APITimeoutError(
            f"realtime {kind.name}: no session.created within open_timeout={timeout:g} s"
        ) from None
    except BaseException:
        _aio.drop(ws)
        raise
    return ws, state, prelude


async def connect(
    client: AsyncAPIClient, name: str, model: str, options: Mapping[str, Any]
) -> _AsyncConnection[Any]:
    """Open a session for a connect method of `client.audio.realtime`
    (mistral_sdk._audio): `name` is its kind's, and it was called with `model` and `options`."""
    kind = KINDS[name]
    opened = await _open(client, kind, connect_arguments(kind, model, options))
    if kind is TRANSCRIPTION:
        return AsyncRealtimeTranscriptionConnection(*opened)
    return AsyncRealtimeSpeechConnection(*opened)


async def run(connection: _AsyncConnection[E], send: Any, items: Any) -> AsyncIterator[E]:
    """The one-call helpers (`transcribe`, `speak`): send `items` (audio chunks or
    text pieces) while the events arrive, then flush and end the input."""

    async def finish() -> None:
        await connection.flush()  # type: ignore[attr-defined]
        await connection.end()

    async for event in _aio.run(connection, send, finish, items):
        yield event
