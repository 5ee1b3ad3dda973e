"""Live transcription and live speech over WebSockets: `client.audio.realtime`.

    with client.audio.realtime.connect_transcription(
        model="voxtral-mini-transcribe-realtime-2602",
        audio_format={"encoding": "pcm_s16le", "sample_rate": 16000},
    ) as session:
        session.send_audio(pcm_bytes)
        session.end()
        for event in session:
            ...

Needs the `websockets` package (`pip install 'mistral-sdk[realtime]'`), imported
only when a session is opened. See docs/realtime.md.
"""

from typing import TYPE_CHECKING, Any

from .._audio import AsyncRealtime
from .._blocking.audio import Realtime
from . import _protocol
from ._async import AsyncRealtimeSpeechConnection, AsyncRealtimeTranscriptionConnection
from ._errors import RealtimeConnectionClosed, RealtimeError, RealtimeProtocolError
from ._protocol import *  # noqa: F403 - its __all__, as asyncio's __init__ does
from ._protocol import audio_bytes

if TYPE_CHECKING:
    from .._blocking.realtime import RealtimeSpeechConnection, RealtimeTranscriptionConnection
else:

    def __getattr__(name: str) -> Any:
        # The blocking connections are generated into mistral_sdk._blocking (the async
        # ones' twins), and import this package's modules: they load on first use, so
        # that either package can be imported first.
        if name in ("RealtimeSpeechConnection", "RealtimeTranscriptionConnection"):
            from .._blocking import realtime

            return getattr(realtime, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncRealtime",
    "AsyncRealtimeSpeechConnection",
    "AsyncRealtimeTranscriptionConnection",
    "Realtime",
    "RealtimeConnectionClosed",
    "RealtimeError",
    "RealtimeProtocolError",
    "RealtimeSpeechConnection",
    "RealtimeTranscriptionConnection",
    "audio_bytes",
]
__all__ += _protocol.__all__
