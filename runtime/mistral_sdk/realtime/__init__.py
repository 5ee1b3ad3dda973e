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
from ._async import AsyncRealtimeSpeechConnection, AsyncRealtimeTranscriptionConnection
from ._errors import RealtimeConnectionClosed, RealtimeError, RealtimeProtocolError
from ._protocol import (
    MAX_AUDIO_CHUNK,
    AudioFormat,
    RealtimeErrorDetail,
    RealtimeErrorEvent,
    RealtimeSpeechEvent,
    RealtimeSpeechSession,
    RealtimeTranscriptionEvent,
    RealtimeTranscriptionSession,
    SpeechSessionCreated,
    SpeechSessionUpdated,
    TranscriptionSessionCreated,
    TranscriptionSessionUpdated,
    TurnDetectionConfig,
    TurnEagerEnd,
    TurnEnd,
    TurnResume,
    TurnStart,
    audio_bytes,
)
from ._sync import RealtimeSpeechConnection, RealtimeTranscriptionConnection

__all__ = [
    "MAX_AUDIO_CHUNK",
    "AsyncRealtime",
    "AsyncRealtimeSpeechConnection",
    "AsyncRealtimeTranscriptionConnection",
    "AudioFormat",
    "Realtime",
    "RealtimeConnectionClosed",
    "RealtimeError",
    "RealtimeErrorDetail",
    "RealtimeErrorEvent",
    "RealtimeProtocolError",
    "RealtimeSpeechConnection",
    "RealtimeSpeechEvent",
    "RealtimeSpeechSession",
    "RealtimeTranscriptionConnection",
    "RealtimeTranscriptionEvent",
    "RealtimeTranscriptionSession",
    "SpeechSessionCreated",
    "SpeechSessionUpdated",
    "TranscriptionSessionCreated",
    "TranscriptionSessionUpdated",
    "TurnDetectionConfig",
    "TurnEagerEnd",
    "TurnEnd",
    "TurnResume",
    "TurnStart",
    "audio_bytes",
]
