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

from .._audio import AsyncRealtime, Realtime
from . import _protocol
from ._async import AsyncRealtimeSpeechConnection, AsyncRealtimeTranscriptionConnection
from ._errors import RealtimeConnectionClosed, RealtimeError, RealtimeProtocolError
from ._protocol import *  # noqa: F403 - its __all__, as asyncio's __init__ does
from ._protocol import audio_bytes
from ._sync import RealtimeSpeechConnection, RealtimeTranscriptionConnection

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
