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
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar, Unpack, cast

if TYPE_CHECKING:
    from ._client import AsyncAPIClient
    from .realtime import (
        AsyncRealtimeSpeechConnection,
        AsyncRealtimeTranscriptionConnection,
        RealtimeSpeechEvent,
        RealtimeTranscriptionEvent,
        SpeechOptions,
        TranscriptionOptions,
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
        self, *, model: str, **options: Unpack[TranscriptionOptions]
    ) -> AsyncRealtimeTranscriptionConnection:
        """Open a transcription session and wait until the server has created it.

        Args:
            model: the realtime transcription model.
            options: the session's settings (`TranscriptionSettings`: `audio_format`,
                `language`, `diarize`, `turn_detection`, ...), checked before connecting
                and sent as a `session.update` once the server has created the session;
                and how to connect (`ConnectOptions`: `errors_as_events`, `open_timeout`,
                `extra_headers`, `extra_query`).
        """
        return cast(
            "AsyncRealtimeTranscriptionConnection",
            await self._connect("transcription", model, options),
        )

    async def transcribe(
        self,
        audio: Iterable[Any] | AsyncIterable[Any],
        *,
        model: str,
        **options: Unpack[TranscriptionOptions],
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
        self, *, model: str, **options: Unpack[SpeechOptions]
    ) -> AsyncRealtimeSpeechConnection:
        """Open a speech session and wait until the server has created it.

        Args:
            model: the realtime speech model.
            options: the session's settings (`SpeechSettings`: `voice` or `ref_audio`,
                `response_format`, `streaming_mode`, `expressiveness`), checked before
                connecting; and how to connect (`ConnectOptions`, as for
                `connect_transcription`).
        """
        return cast("AsyncRealtimeSpeechConnection", await self._connect("speech", model, options))

    async def speak(
        self,
        text: str | Iterable[str] | AsyncIterable[str],
        *,
        model: str,
        **options: Unpack[SpeechOptions],
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

    async def _connect(
        self, kind: Literal["transcription", "speech"], model: str, options: Mapping[str, Any]
    ) -> Any:
        from .realtime import _async

        return await _async.connect(self._client, kind, model, options)
