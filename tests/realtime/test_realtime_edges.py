"""Realtime sessions at their edges (issue 28): the open deadline, closing after the
end of the input, `async with` on the async client, a send after the server closed.

Against real local servers: a TCP socket that accepts and never answers, a scripted
`websockets` server, and the project's stand-in (scripts/mock_realtime.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, models
from mistral_sdk.realtime import (
    RealtimeConnectionClosed,
    TranscriptionSessionCreated,
    _aio,
    _connect,
    _threads,
)

pytest.importorskip("websockets")
from websockets.asyncio.server import ServerConnection, serve

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from mock_realtime import start_realtime_mock  # noqa: E402

KEY = "sk-edges"


# --- servers -------------------------------------------------------------------------


@pytest.fixture
def silent() -> Iterator[tuple[str, list[socket.socket]]]:
    """A TCP server that accepts every connection and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    server.close()
    for conn in accepted:
        conn.close()


Handler = Callable[[ServerConnection], Awaitable[None]]


class Scripted:
    """A `websockets` server in a thread, each connection handled by `handler`;
    `log` records what it did (and whether its last events got out)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.log: list[str] = []
        self.url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Future[None] | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True)
        self._thread.start()
        self._ready.wait(10)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = self._loop.create_future()
        async with serve(self.handler, "127.0.0.1", 0) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            self.url = f"http://127.0.0.1:{port}"
            self._ready.set()
            await self._stop

    def close(self) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)


def created() -> str:
    session = {
        "request_id": "r-1",
        "model": "m",
        "audio_format": {"encoding": "pcm_s16le", "sample_rate": 16000},
    }
    return json.dumps({"type": "session.created", "session": session})


DONE = json.dumps(
    {
        "type": "transcription.done",
        "model": "m",
        "text": "late words",
        "language": "en",
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    }
)
DELTA = json.dumps({"type": "transcription.text.delta", "text": "late words"})


def slow_final(log: list[str], delay: float, final: bool = True) -> Handler:
    """The API's shape: the last events come a while after `input_audio.end`."""
    from websockets.exceptions import ConnectionClosed

    async def handler(ws: ServerConnection) -> None:
        await ws.send(created())
        async for raw in ws:
            kind = json.loads(raw)["type"]
            log.append(kind)
            if kind == "input_audio.end":
                await asyncio.sleep(delay)
                if not final:
                    await ws.wait_closed()
                    log.append("closed by the client")
                    return
                try:
                    await ws.send(DELTA)
                    await ws.send(DONE)
                except ConnectionClosed:
                    log.append("too late: the client had closed")
                    return
                log.append("final events sent")
                await ws.close()
                return

    return handler


@pytest.fixture
def scripted() -> Iterator[Callable[[Handler], Scripted]]:
    servers: list[Scripted] = []

    def start(handler: Handler) -> Scripted:
        servers.append(Scripted(handler))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def client(mode: str, base_url: str, **options: Any) -> Any:
    if mode == "sync":
        return Mistral(api_key=KEY, base_url=base_url, **options)
    return AsyncMistral(api_key=KEY, base_url=base_url, **options)


def connect(mode: str, base_url: str, **options: Any) -> Any:
    """`connect_transcription(model="m", **options)` with either client (the async one run)."""
    realtime = client(mode, base_url).audio.realtime
    if mode == "sync":
        return realtime.connect_transcription(model="m", **options)
    return asyncio.run(realtime.connect_transcription(model="m", **options))


# --- open_timeout: one deadline ------------------------------------------------------


def test_open_timeout_bounds_every_attempt_together(
    mode: str, silent: tuple[str, list[socket.socket]]
) -> None:
    base_url, accepted = silent
    with pytest.raises(mistral_sdk.APITimeoutError, match=r"open_timeout=0\.5 s"):
        connect(mode, base_url, open_timeout=0.5)  # max_retries is 2
    # a timed-out attempt used the whole budget: no second connection (was: 3, 1.5 s+)
    assert len(accepted) == 1


def test_the_default_open_timeout_is_that_deadline(
    mode: str, silent: tuple[str, list[socket.socket]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url, accepted = silent
    monkeypatch.setattr(_connect, "DEFAULT_OPEN_TIMEOUT", 0.4)  # 10 s in production
    with pytest.raises(mistral_sdk.APITimeoutError, match=r"open_timeout=0\.4 s"):
        connect(mode, base_url)
    assert len(accepted) == 1


def test_the_default_deadline_arithmetic(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the default 10 s, attempts that each take 4 s and the pauses between them
    end in APITimeoutError at 10 s at most, each attempt given what is left."""
    now = [0.0]
    budgets: list[float] = []

    def refused_after_4s(url: str, **options: Any) -> Any:
        budget = options["open_timeout"]
        budgets.append(budget)
        if budget < 4.0:  # as websockets does: the attempt times out at its budget
            now[0] += budget
            raise TimeoutError
        now[0] += 4.0
        raise ConnectionRefusedError("refused")

    async def arefused_after_4s(url: str, **options: Any) -> Any:
        return refused_after_4s(url, **options)

    monkeypatch.setattr(_connect, "clock", lambda: now[0])
    monkeypatch.setattr(_threads, "connect", refused_after_4s)
    monkeypatch.setattr(_aio, "connect", arefused_after_4s)
    c = client(mode, "http://127.0.0.1:9", max_retries=5)
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    async def apause(seconds: float) -> None:
        pause(seconds)

    c._sleep = pause if mode == "sync" else apause
    with pytest.raises(mistral_sdk.APITimeoutError, match=r"open_timeout=10 s \(\d attempt"):
        if mode == "sync":
            c.audio.realtime.connect_transcription(model="m")
        else:
            asyncio.run(c.audio.realtime.connect_transcription(model="m"))
    assert _connect.DEFAULT_OPEN_TIMEOUT == 10.0
    assert budgets[0] == 10.0
    spent = 0.0
    for budget, paused in zip(budgets, [*pauses, 0.0], strict=True):
        assert budget == pytest.approx(10.0 - spent)  # what is left of the deadline
        spent += min(4.0, budget) + paused
    assert now[0] <= 10.0 and len(budgets) < 6  # stopped by the deadline, not max_retries


# --- closing after the end of the input ------------------------------------------------


def test_leaving_after_end_waits_for_the_final_event(
    mode: str, scripted: Callable[[Handler], Scripted]
) -> None:
    log: list[str] = []
    server = scripted(slow_final(log, delay=0.3))
    if mode == "sync":
        with connect(mode, server.url) as session:
            session.send_audio(b"\0" * 3200)
            session.end()
        events = list(session)  # what arrived while closing waited is kept
    else:

        async def run() -> tuple[Any, list[Any]]:
            realtime = client(mode, server.url).audio.realtime
            async with realtime.connect_transcription(model="m") as session:
                await session.send_audio(b"\0" * 3200)
                await session.end()
            return session, [e async for e in session]

        session, events = asyncio.run(run())
    assert session.closed and session.done
    assert log[-1] == "final events sent"
    assert [type(e) for e in events] == [
        TranscriptionSessionCreated,  # never read before: still there
        models.TranscriptionStreamTextDelta,
        models.TranscriptionStreamDone,
    ]


def test_closing_gives_up_after_its_bound_and_says_so(
    mode: str, scripted: Callable[[Handler], Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []
    server = scripted(slow_final(log, delay=0.0, final=False))  # never sends the end
    caplog.set_level(logging.WARNING, "mistral_sdk.realtime")
    if mode == "sync":
        session = connect(mode, server.url)
        session.send_audio(b"\0" * 3200)
        session.end()
        session.close(timeout=0.3)
    else:

        async def run() -> Any:
            realtime = client(mode, server.url).audio.realtime
            session = await realtime.connect_transcription(model="m")
            await session.send_audio(b"\0" * 3200)
            await session.end()
            await session.close(timeout=0.3)
            return session

        session = asyncio.run(run())
    assert session.closed and not session.done
    assert "no transcription.done within 0.3 s after the end of the input" in caplog.text


def test_leaving_on_an_error_does_not_wait(
    mode: str, scripted: Callable[[Handler], Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []
    server = scripted(slow_final(log, delay=0.0, final=False))
    caplog.set_level(logging.WARNING, "mistral_sdk.realtime")
    with pytest.raises(KeyError):
        if mode == "sync":
            with connect(mode, server.url) as session:
                session.send_audio(b"\0" * 3200)
                raise KeyError("the caller's own error")
        else:

            async def run() -> None:
                realtime = client(mode, server.url).audio.realtime
                async with realtime.connect_transcription(model="m") as session:
                    await session.send_audio(b"\0" * 3200)
                    raise KeyError("the caller's own error")

            asyncio.run(run())
    assert "no transcription.done" not in caplog.text  # closed at once: nothing given up
    assert _connect.END_TIMEOUT == 5.0  # the bound docs/realtime.md states
    doc = (REPO / "docs" / "realtime.md").read_text(encoding="utf-8")
    assert "`END_TIMEOUT`" in doc and "at most 5 s" in " ".join(doc.split())


def test_a_reader_task_gets_the_final_event_when_the_sender_leaves(
    scripted: Callable[[Handler], Scripted],
) -> None:
    log: list[str] = []
    server = scripted(slow_final(log, delay=0.3))

    async def run() -> list[Any]:
        realtime = client("async", server.url).audio.realtime
        async with realtime.connect_transcription(model="m") as session:
            reader = asyncio.ensure_future(_collect(session))
            await session.send_audio(b"\0" * 3200)
            await session.end()
        return await reader

    events = asyncio.run(run())
    assert isinstance(events[-1], models.TranscriptionStreamDone)
    assert log[-1] == "final events sent"


async def _collect(session: Any) -> list[Any]:
    return [event async for event in session]


# --- async with, directly -----------------------------------------------------------


def test_async_with_connect_directly_for_both_kinds() -> None:
    base_url, stop, _ = start_realtime_mock()
    try:

        async def run() -> tuple[list[Any], list[Any]]:
            realtime = client("async", base_url).audio.realtime
            async with realtime.connect_transcription(model="m") as heard:
                await heard.send_audio(b"\0" * 6400)
                await heard.end()
                words = [e async for e in heard]
            async with realtime.connect_speech(model="m", response_format="pcm") as spoken:
                await spoken.flush("Hello there")
                await spoken.end()
                audio = [e async for e in spoken]
            assert heard.closed and spoken.closed
            return words, audio

        words, audio = asyncio.run(run())
    finally:
        stop()
    assert isinstance(words[-1], models.TranscriptionStreamDone)
    assert isinstance(audio[-1], models.SpeechStreamDone)
    assert any(isinstance(e, models.SpeechStreamAudioDelta) for e in audio)


# --- a send after the server closed ---------------------------------------------------


def test_a_send_after_the_server_closed_cleanly_is_a_connection_error(mode: str) -> None:
    base_url, stop, _ = start_realtime_mock()
    try:
        if mode == "sync":
            session = connect(mode, base_url)
            session.send_audio(b"\0" * 3200)
            session.end()
            assert isinstance(list(session)[-1], models.TranscriptionStreamDone)
            with pytest.raises(RealtimeConnectionClosed, match="nothing more can be sent"):
                session.send_audio(b"\0" * 3200)
        else:

            async def run() -> None:
                session = await client(mode, base_url).audio.realtime.connect_transcription(
                    model="m"
                )
                await session.send_audio(b"\0" * 3200)
                await session.end()
                assert isinstance([e async for e in session][-1], models.TranscriptionStreamDone)
                with pytest.raises(RealtimeConnectionClosed, match="nothing more can be sent"):
                    await session.send_audio(b"\0" * 3200)

            asyncio.run(run())
    finally:
        stop()


def test_a_send_after_an_unread_clean_close_is_a_connection_error(
    mode: str, scripted: Callable[[Handler], Scripted]
) -> None:
    async def close_at_once(ws: ServerConnection) -> None:
        await ws.send(created())
        await ws.close()  # 1000, no reason: a clean end the client has not read yet

    server = scripted(close_at_once)

    def send_until_refused(send: Callable[[bytes], Any]) -> BaseException:
        for _ in range(200):
            try:
                send(b"\0")
            except Exception as exc:
                return exc
            time.sleep(0.01)
        raise AssertionError("every send succeeded after the server closed")

    if mode == "sync":
        error = send_until_refused(connect(mode, server.url).send_audio)
    else:

        async def run() -> BaseException:
            realtime = client(mode, server.url).audio.realtime
            session = await realtime.connect_transcription(model="m")
            for _ in range(200):
                try:
                    await session.send_audio(b"\0")
                except Exception as exc:
                    return exc
                await asyncio.sleep(0.01)
            raise AssertionError("every send succeeded after the server closed")

        error = asyncio.run(run())
    assert isinstance(error, RealtimeConnectionClosed), repr(error)
    assert isinstance(error, mistral_sdk.APIConnectionError)
    assert "the server ended the session" in str(error)
