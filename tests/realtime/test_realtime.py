"""Realtime transcription and speech against the local WebSocket stand-in
(scripts/mock_realtime.py), sync and async."""

from __future__ import annotations

import array
import asyncio
import base64
import gc
import logging
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, models
from mistral_sdk.realtime import (
    MAX_AUDIO_CHUNK,
    RealtimeConnectionClosed,
    RealtimeError,
    RealtimeErrorEvent,
    SpeechSessionCreated,
    SpeechSessionUpdated,
    TranscriptionSessionCreated,
    TranscriptionSessionUpdated,
    TurnEnd,
    TurnStart,
    audio_bytes,
)

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from mock_realtime import RealtimeMock, start_realtime_mock  # noqa: E402

KEY = "sk-realtime-secret-key"
PCM = {"encoding": "pcm_s16le", "sample_rate": 16000}


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, RealtimeMock]]:
    base_url, stop, mock = start_realtime_mock()
    yield base_url, mock
    stop()


@pytest.fixture
def base(server: tuple[str, RealtimeMock]) -> Iterator[str]:
    base_url, mock = server
    mock.received.clear()
    yield base_url
    _wait_until(lambda: mock.open_connections == 0, "a connection was left open")


@pytest.fixture
def mock(server: tuple[str, RealtimeMock]) -> RealtimeMock:
    return server[1]


def _wait_until(check: Callable[[], bool], message: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.01)


async def _no_sleep(seconds: float) -> None:
    return None


def _client(mode: str, base_url: str, **options: Any) -> Any:
    if mode == "sync":
        client = Mistral(api_key=KEY, base_url=base_url, **options)
        client._sleep = lambda seconds: None
    else:
        client = AsyncMistral(api_key=KEY, base_url=base_url, **options)
        client._sleep = _no_sleep
    return client


def collect(mode: str, base_url: str, kind: str, inputs: Any, **options: Any) -> list[Any]:
    """Every event of `transcribe` / `speak`, with the sync or the async client."""
    client = _client(mode, base_url)
    if mode == "sync":
        return list(getattr(client.audio.realtime, kind)(inputs, **options))

    async def run() -> list[Any]:
        return [e async for e in getattr(client.audio.realtime, kind)(inputs, **options)]

    return asyncio.run(run())


def test_transcription_events_are_typed_and_the_session_is_configured(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    events = collect(
        mode,
        base,
        "transcribe",
        [b"\0" * 6400, b"\0" * 3200],
        model="voxtral",
        audio_format=PCM,
        language="en",
        turn_detection={"min_silence_ms": 300},
    )
    kinds = [type(e) for e in events]
    assert kinds == [
        TranscriptionSessionCreated,
        TranscriptionSessionUpdated,
        models.TranscriptionStreamTextDelta,
        models.TranscriptionStreamTextDelta,
        models.TranscriptionStreamTextDelta,
        TurnStart,
        TurnEnd,
        models.TranscriptionStreamLanguage,
        models.TranscriptionStreamSegmentDelta,
        models.TranscriptionStreamDone,
    ]
    assert "".join(e.text for e in events[2:5]) == "the quick brown"
    assert events[-1].text == "the quick brown" and events[-1].usage.total_tokens == 7
    assert events[1].session.language == "en"
    update = mock.received[0]
    assert update == {
        "type": "session.update",
        "session": {
            "audio_format": PCM,
            "language": "en",
            "turn_detection": {"min_silence_ms": 300},
        },
    }
    assert [m["type"] for m in mock.received[-2:]] == ["input_audio.flush", "input_audio.end"]


def test_speech_events_and_audio(mode: str, base: str, mock: RealtimeMock) -> None:
    events = collect(mode, base, "speak", ["Hello ", "big world"], model="voxtral-tts", voice="ada")
    assert [type(e) for e in events] == [
        SpeechSessionCreated,
        SpeechSessionUpdated,
        models.SpeechStreamAudioDelta,
        models.SpeechStreamAudioDelta,
        models.SpeechStreamAudioDelta,
        models.SpeechStreamDone,
    ]
    assert events[1].session.voice == "ada"
    audio = b"".join(audio_bytes(e) for e in events[2:5])
    assert len(audio) == 4 * len("Hellobigworld")
    assert events[-1].usage.prompt_tokens == len("Hellobigworld")
    assert [m["type"] for m in mock.received] == [
        "session.update",
        "input_text.append",
        "input_text.append",
        "input_text.flush",
        "input_text.end",
    ]


def test_audio_is_split_at_the_protocol_limit_and_any_buffer_is_accepted(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    big = bytes(range(256)) * (2 * MAX_AUDIO_CHUNK // 256) + b"tail"
    samples = array.array("h", [1, -1] * 1600)  # a typed buffer, like a numpy array
    collect(mode, base, "transcribe", [big, memoryview(samples), bytearray(b"ab")], model="m")
    appends = [
        base64.b64decode(m["audio"]) for m in mock.received if m["type"] == "input_audio.append"
    ]
    assert [len(a) for a in appends] == [MAX_AUDIO_CHUNK, MAX_AUDIO_CHUNK, 4, 6400, 2]
    assert b"".join(appends[:3]) == big
    assert appends[3] == samples.tobytes()


def test_audio_that_is_not_bytes_is_refused_naming_the_field(mode: str, base: str) -> None:
    with pytest.raises(mistral_sdk.RequestValidationError) as info:
        collect(mode, base, "transcribe", ["not audio"], model="m")
    assert info.value.field == "audio" and "str" in str(info.value)


def test_a_bad_session_setting_is_refused_before_connecting(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    before = len(mock.headers)
    with pytest.raises(mistral_sdk.RequestValidationError) as info:
        collect(mode, base, "transcribe", [], model="m", audio_format={"encoding": "pcm_s16le"})
    assert info.value.field == "audio_format" and "sample_rate" in str(info.value)
    assert len(mock.headers) == before


def test_a_misspelt_keyword_is_refused_before_connecting(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    before = len(mock.headers)
    with pytest.raises(
        TypeError, match=r"connect_speech\(\) got an unexpected keyword argument 'voise'"
    ):
        collect(mode, base, "speak", "hi", model="m", voise="ada")
    assert len(mock.headers) == before


def test_update_session_sends_the_settings_and_refuses_an_unknown_one(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    client = _client(mode, base)

    async def update(session: Any, **settings: Any) -> None:
        if mode == "sync":
            session.update_session(**settings)
        else:
            await session.update_session(**settings)

    async def run() -> None:
        if mode == "sync":
            session = client.audio.realtime.connect_speech(model="m")
        else:
            session = await client.audio.realtime.connect_speech(model="m")
        await update(session, voice="bob", expressiveness=1.5)
        with pytest.raises(
            TypeError, match=r"update_session\(\) got an unexpected keyword argument 'speed'"
        ):
            await update(session, voice="bob", speed=2)
        if mode == "sync":
            session.close()
        else:
            await session.close()

    asyncio.run(run())
    updates = [m for m in mock.received if m["type"] == "session.update"]
    assert updates == [
        {"type": "session.update", "session": {"voice": "bob", "expressiveness": 1.5}}
    ]


def test_an_unknown_event_type_is_an_unknown_with_its_raw_json(mode: str, base: str) -> None:
    events = collect(mode, base, "transcribe", [b"\0" * 3200], model="mock-unknown-event")
    unknown = [e for e in events if isinstance(e, mistral_sdk.Unknown)]
    assert len(unknown) == 1
    assert unknown[0].raw == {"type": "transcription.sentiment", "mood": "cheerful"}
    assert type(unknown[0]).__name__ == "UnknownRealtimeTranscriptionEvent"
    assert isinstance(events[-1], models.TranscriptionStreamDone)


def test_an_error_before_the_session_starts_raises(mode: str, base: str) -> None:
    with pytest.raises(RealtimeError) as info:
        collect(mode, base, "transcribe", [b"\0"], model="mock-error-handshake")
    assert info.value.code == 3001 and info.value.reason == "model not found"
    assert isinstance(info.value.event, RealtimeErrorEvent)
    assert isinstance(info.value, mistral_sdk.APIError)


def test_a_close_frame_before_the_session_starts_raises(mode: str, base: str) -> None:
    with pytest.raises(RealtimeError) as info:
        collect(mode, base, "transcribe", [b"\0"], model="mock-close-handshake")
    assert info.value.close_code == 1008
    assert info.value.reason == "model not allowed for this key"
    assert "1008" in str(info.value)


def test_an_error_after_the_handshake_raises_or_arrives_as_an_event(mode: str, base: str) -> None:
    with pytest.raises(RealtimeError) as info:
        collect(mode, base, "transcribe", [b"\0" * 3200], model="mock-error-after-audio")
    assert info.value.code == 42 and "audio too loud" in str(info.value)
    events = collect(
        mode,
        base,
        "transcribe",
        [b"\0" * 3200],
        model="mock-error-after-audio",
        errors_as_events=True,
    )
    assert any(isinstance(e, RealtimeErrorEvent) for e in events)
    assert isinstance(events[-1], models.TranscriptionStreamDone)


def test_a_close_frame_with_a_reason_is_an_error(mode: str, base: str) -> None:
    with pytest.raises(RealtimeError) as info:
        collect(mode, base, "speak", "Hi", model="tts", voice="unknown")
    assert info.value.close_code == 1008 and info.value.reason == "unknown voice: unknown"


def test_a_dropped_connection_is_a_connection_error(mode: str, base: str) -> None:
    with pytest.raises(RealtimeConnectionClosed) as info:
        collect(mode, base, "transcribe", [b"\0" * 3200, b"\0" * 3200], model="mock-drop")
    assert isinstance(info.value, mistral_sdk.APIConnectionError)
    assert info.value.events_received >= 1


def test_the_handshake_is_bounded_by_a_timeout(mode: str, base: str) -> None:
    with pytest.raises(mistral_sdk.APITimeoutError, match=r"session\.created"):
        collect(mode, base, "transcribe", [], model="mock-silent", open_timeout=0.3)


def test_a_refused_upgrade_is_the_status_error_without_the_key(mode: str, base: str) -> None:
    client = _client(mode, base)
    client._custom_headers["Authorization"] = "Basic nope"  # the mock wants a Bearer token
    with pytest.raises(mistral_sdk.AuthenticationError) as info:
        if mode == "sync":
            client.audio.realtime.connect_transcription(model="m")
        else:
            asyncio.run(client.audio.realtime.connect_transcription(model="m"))
    assert info.value.status_code == 401 and "Unauthorized" in str(info.value)
    assert KEY not in str(info.value) and "model=" not in str(info.value.request.url)


def test_a_503_at_connect_is_retried_by_the_client_policy(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    mock.refused.clear()
    events = collect(mode, base, "transcribe", [b"\0" * 3200], model="mock-503-once")
    assert isinstance(events[-1], models.TranscriptionStreamDone)
    assert mock.refused == {"mock-503-once": 1}
    mock.refused.clear()
    with pytest.raises(mistral_sdk.InternalServerError):  # max_retries=0: no second try
        _no_retry(mode, base)


def _no_retry(mode: str, base: str) -> None:
    client = _client(mode, base, max_retries=0)
    if mode == "sync":
        client.audio.realtime.connect_transcription(model="mock-503-once")
    else:
        asyncio.run(client.audio.realtime.connect_transcription(model="mock-503-once"))


def test_closing_sends_the_end_of_input_and_releases_the_socket(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    client = _client(mode, base)
    if mode == "sync":
        with client.audio.realtime.connect_transcription(model="m") as session:
            session.send_audio(b"\0" * 100)
            assert session.request_id
        assert session.closed
    else:

        async def run() -> Any:
            async with await client.audio.realtime.connect_transcription(model="m") as session:
                await session.send_audio(b"\0" * 100)
            return session

        session = asyncio.run(run())
        assert session.closed
    _wait_until(lambda: mock.received[-1:] == [{"type": "input_audio.end"}], "no input_audio.end")


def test_a_connection_nobody_closed_is_released_when_collected(
    base: str, mock: RealtimeMock
) -> None:
    client = _client("sync", base)
    session = client.audio.realtime.connect_transcription(model="m")
    _wait_until(lambda: mock.open_connections == 1, "not connected")
    del session
    gc.collect()
    _wait_until(lambda: mock.open_connections == 0, "the collected connection stayed open")


async def test_cancelling_the_task_closes_the_connection(base: str, mock: RealtimeMock) -> None:
    client = _client("async", base)

    async def listen() -> None:
        async with await client.audio.realtime.connect_transcription(model="m") as session:
            await session.send_audio(b"\0" * 3200)
            async for _ in session:
                await asyncio.sleep(10)

    task = asyncio.ensure_future(listen())
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    deadline = time.monotonic() + 5
    while mock.open_connections and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert mock.open_connections == 0


def test_a_slow_consumer_holds_the_server_back(mode: str, base: str, mock: RealtimeMock) -> None:
    """2,000 messages of 64 KiB (128 MB) are waiting; while the consumer sleeps, the
    server can push only what the bounded queue and the socket buffers take."""
    mock.sent = 0
    client = _client(mode, base)
    if mode == "sync":
        with client.audio.realtime.connect_transcription(model="mock-flood") as session:
            session.recv()
            time.sleep(0.5)
            in_flight = mock.sent
    else:

        async def run() -> int:
            connection = await client.audio.realtime.connect_transcription(model="mock-flood")
            async with connection as session:
                await session.recv()
                await asyncio.sleep(0.5)
                return mock.sent

        in_flight = asyncio.run(run())
    assert 0 < in_flight < 400, in_flight  # of 2,000


def test_the_key_is_never_logged(base: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="mistral_sdk.realtime"):
        collect("sync", base, "transcribe", [b"\0" * 3200], model="m")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Authorization: ***" in text
    assert KEY not in text


def test_custom_headers_and_the_user_agent_reach_the_server(base: str, mock: RealtimeMock) -> None:
    client = Mistral(api_key=KEY, base_url=base, default_headers={"x-team": "voice"})
    with client.audio.realtime.connect_speech(model="tts", extra_headers={"x-call": "1"}):
        pass
    headers = mock.headers[-1]
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["x-team"] == "voice" and headers["x-call"] == "1"
    assert headers["user-agent"].startswith("mistral-sdk/")


def _run_python(code: str, extra_env: dict[str, str] | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    env.update(extra_env or {})
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_websockets_is_imported_only_when_a_session_opens() -> None:
    out = _run_python("""
        import sys
        import mistral_sdk
        client = mistral_sdk.Mistral(api_key="k")
        client.audio.realtime
        mistral_sdk.AsyncMistral(api_key="k").audio.realtime
        print("websockets" in sys.modules)
    """)
    assert out.strip() == "False"


def test_without_the_extra_the_error_names_it() -> None:
    out = _run_python("""
        import sys
        sys.modules["websockets"] = None  # as if not installed
        import mistral_sdk
        client = mistral_sdk.Mistral(api_key="k", base_url="http://127.0.0.1:9")
        try:
            client.audio.realtime.connect_transcription(model="m")
        except mistral_sdk.MistralError as exc:
            print(exc)
    """)
    assert "pip install 'mistral-sdk[realtime]'" in out


async def test_an_async_connection_nobody_closed_is_released_when_collected(
    base: str, mock: RealtimeMock
) -> None:
    client = _client("async", base)
    session = await client.audio.realtime.connect_transcription(model="m")
    assert mock.open_connections == 1
    del session
    gc.collect()
    deadline = time.monotonic() + 5
    while mock.open_connections and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert mock.open_connections == 0


def test_each_session_takes_the_current_credential(
    mode: str, base: str, mock: RealtimeMock
) -> None:
    """A rotating key (a callable) is asked for each session, as for every request."""
    keys = iter(["key-one", "key-two"])
    if mode == "sync":
        client = Mistral(api_key=lambda: next(keys), base_url=base)
        for _ in range(2):
            with client.audio.realtime.connect_speech(model="tts"):
                pass
    else:

        async def provider() -> str:
            return next(keys)

        async def run() -> None:
            client = AsyncMistral(api_key=provider, base_url=base)
            for _ in range(2):
                async with await client.audio.realtime.connect_speech(model="tts"):
                    pass

        asyncio.run(run())
    assert [h["authorization"] for h in mock.headers[-2:]] == ["Bearer key-one", "Bearer key-two"]
