"""Hand-written additions to `client.audio`: `client.audio.realtime`, live transcription
and speech over WebSockets (the `realtime` extra).

`AsyncRealtime` and its generated twin `Realtime` (`mistral_sdk._blocking.audio`)
are only the way in: touching `client.audio.realtime`
imports nothing of `mistral_sdk.realtime`; a method loads the session machinery when
it is called, and websockets itself when a session opens.
"""

from __future__ import annotations

import functools
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Coroutine,
    Generator,
    Iterable,
    Mapping,
)
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

if TYPE_CHECKING:
    from ._client import AsyncAPIClient
    from .realtime import (
        AsyncRealtimeSpeechConnection,
        AsyncRealtimeTranscriptionConnection,
        AudioFormat,
        RealtimeSpeechEvent,
        RealtimeTranscriptionEvent,
        TurnDetectionConfig,
    )

__all__ = ["AsyncAudioHelpers", "AsyncRealtime", "Opening"]

P = ParamSpec("P")
C = TypeVar("C", bound="AsyncRealtimeTranscriptionConnection | AsyncRealtimeSpeechConnection")


class Opening(Coroutine[Any, Any, C]):
    """What the async `connect_*` methods return: `await` it for the session, or enter
    it with `async with` directly (the session closes when the block ends). It is the
    connecting coroutine itself, too (`asyncio.run(...)`, `create_task(...)`), as
    aiohttp's request context managers are."""

    __slots__ = ("_connecting", "_session")

    def __init__(self, connecting: Coroutine[Any, Any, C]) -> None:
        self._connecting = connecting
        self._session: C | None = None

    def __await__(self) -> Generator[Any, None, C]:
        return self._connecting.__await__()

    def send(self, value: Any) -> Any:
        return self._connecting.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None and tb is None:
            return self._connecting.throw(typ)
        return self._connecting.throw(typ, val, tb)

    def close(self) -> None:
        self._connecting.close()

    async def __aenter__(self) -> C:
        self._session = await self._connecting
        return self._session

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._session is not None:
            await self._session.__aexit__(*exc_info)


def _opening(method: Callable[P, Coroutine[Any, Any, C]]) -> Callable[P, Opening[C]]:
    """An async `connect_*` returning an `Opening` of its session (the blocking ones
    return the session itself, already a context manager)."""

    @functools.wraps(method)
    def connect(*args: P.args, **kwargs: P.kwargs) -> Opening[C]:
        return Opening(method(*args, **kwargs))

    return connect


# --- async: its blocking twin is generated into mistral_sdk._blocking (make unasync) ---


class AsyncAudioHelpers:
    """`client.audio.realtime`: live transcription and speech (needs the `realtime` extra)."""

    __slots__ = ()

    @property
    def realtime(self) -> AsyncRealtime:
        """Live transcription and speech over WebSockets (`pip install 'mistral-sdk[realtime]'`)."""
        return AsyncRealtime(cast(Any, self)._client)


class AsyncRealtime:
    """`AsyncMistral().audio.realtime`: live transcription and speech over WebSockets.

    Needs `pip install 'mistral-sdk[realtime]'`.
    """

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    @_opening
    async def connect_transcription(
        self,
        *,
        model: str,
        audio_format: AudioFormat | Mapping[str, Any] | None = None,
        target_streaming_delay_ms: int | None = None,
        diarize: bool | None = None,
        context_bias: list[str] | None = None,
        language: str | None = None,
        speaker_references: Mapping[str, str] | None = None,
        turn_detection: TurnDetectionConfig | Mapping[str, Any] | None = None,
        errors_as_events: bool = False,
        open_timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
    ) -> AsyncRealtimeTranscriptionConnection:
        """Open a transcription session and wait until the server has created it.

        The session settings given are checked before connecting and sent as a
        `session.update` once the server has created the session.

        Args:
            model: the realtime transcription model.
            audio_format: the audio's `encoding` and `sample_rate` (an `AudioFormat` or a dict).
            target_streaming_delay_ms: how far behind the audio the text may lag.
            diarize: tag speakers inline.
            context_bias: phrases or terms to bias the transcription towards.
            language: the ISO-639-1 code of the audio's language.
            speaker_references: reference audio for known speakers, by name (needs `diarize`).
            turn_detection: emit `turn.*` events (a `TurnDetectionConfig` or a dict).
            errors_as_events: deliver server `error` events instead of raising `RealtimeError`.
            open_timeout: seconds for connecting, the upgrade and `session.created`, retries
                included (default 10): then `APITimeoutError`.
            extra_headers: headers for the upgrade request.
            extra_query: query parameters for the WebSocket URL.
        """
        from .realtime import _async
        from .realtime._protocol import TRANSCRIPTION

        connection = await _async.connect(self._client, TRANSCRIPTION, locals())
        return cast("AsyncRealtimeTranscriptionConnection", connection)

    async def transcribe(
        self, audio: Iterable[Any] | AsyncIterable[Any], *, model: str, **options: Any
    ) -> AsyncIterator[RealtimeTranscriptionEvent]:
        """Stream `audio` and yield the events until `transcription.done`; the audio is
        read and sent while the events arrive (by a background thread, or a task with
        the async client).

        Args:
            audio: bytes-like chunks (bytes, bytearray, memoryview, numpy arrays), in the
                session's `audio_format`; split at the protocol's limit. An iterable (the
                async client also takes an async iterable).
            model: the realtime transcription model.
            options: the session settings and options of `connect_transcription`.
        """
        from .realtime import _async

        connection = await self.connect_transcription(model=model, **options)
        async for event in _async.run(connection, connection.send_audio, audio):
            yield event

    @_opening
    async def connect_speech(
        self,
        *,
        model: str,
        voice: str | None = None,
        ref_audio: bytes | str | None = None,
        response_format: str | None = None,
        streaming_mode: str | None = None,
        expressiveness: float | None = None,
        errors_as_events: bool = False,
        open_timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
    ) -> AsyncRealtimeSpeechConnection:
        """Open a speech session and wait until the server has created it.

        Args:
            model: the realtime speech model.
            voice: a preset voice (exclusive with `ref_audio`).
            ref_audio: reference audio to clone (bytes, base64-encoded for you, or base64 text).
            response_format: `pcm` (32-bit float little-endian mono), `wav`, `mp3`, `flac`, `opus`.
            streaming_mode: `responsive` (short chunks) or `long_form` (smoother long texts).
            expressiveness: higher is more expressive (at least 1.0).
            errors_as_events: deliver server `error` events instead of raising `RealtimeError`.
            open_timeout: seconds for connecting, the upgrade and `session.created`, retries
                included (default 10): then `APITimeoutError`.
            extra_headers: headers for the upgrade request.
            extra_query: query parameters for the WebSocket URL.
        """
        from .realtime import _async
        from .realtime._protocol import SPEECH

        connection = await _async.connect(self._client, SPEECH, locals())
        return cast("AsyncRealtimeSpeechConnection", connection)

    async def speak(
        self, text: str | Iterable[str] | AsyncIterable[str], *, model: str, **options: Any
    ) -> AsyncIterator[RealtimeSpeechEvent]:
        """Speak `text` and yield the events until `speech.audio.done`; the pieces are
        read and sent while the events arrive (by a background thread, or a task with
        the async client).

        Args:
            text: one string, or an iterable of pieces (as a language model writes them;
                the async client also takes an async iterable).
            model: the realtime speech model.
            options: the session settings and options of `connect_speech`.
        """
        from .realtime import _async

        connection = await self.connect_speech(model=model, **options)
        pieces = [text] if isinstance(text, str) else text
        async for event in _async.run(connection, connection.send_text, pieces):
            yield event
