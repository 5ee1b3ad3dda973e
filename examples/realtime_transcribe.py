"""Live transcription: stream a WAV file over the realtime WebSocket and print the
text as it arrives.

Needs: mistral-sdk[realtime] (`pip install 'mistral-sdk[realtime]'`); without
MISTRAL_API_KEY it runs against the local realtime stand-in.

    python examples/realtime_transcribe.py [speech.wav]

Without a file, a generated 2-second 16 kHz tone stands in for speech (the local mock
answers with placeholder words).
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

from _connect import connect_realtime, needs

from mistral_sdk import models

with needs("pip install 'mistral-sdk[realtime]'", "websockets"):
    from mistral_sdk.realtime import TurnEnd

MODEL = "voxtral-mini-transcribe-realtime-latest"
CHUNK_SECONDS = 0.1  # a microphone delivers audio in small pieces


def tone_wav(seconds: float = 2.0, rate: int = 16000) -> bytes:
    """A WAV file with a 440 Hz tone: 16-bit mono pcm."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def chunks(wav: wave.Wave_read) -> Iterator[bytes]:
    """The file's frames, CHUNK_SECONDS at a time, as they would come from a microphone."""
    per_chunk = int(wav.getframerate() * CHUNK_SECONDS)
    while frames := wav.readframes(per_chunk):
        yield frames


def main() -> None:
    data = Path(sys.argv[1]).read_bytes() if len(sys.argv) > 1 else tone_wav()
    with wave.open(io.BytesIO(data), "rb") as wav, connect_realtime() as client:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise SystemExit("this example sends 16-bit mono WAV files")
        audio_format = {"encoding": "pcm_s16le", "sample_rate": wav.getframerate()}
        for event in client.audio.realtime.transcribe(
            chunks(wav), model=MODEL, audio_format=audio_format
        ):
            if isinstance(event, models.TranscriptionStreamTextDelta):
                print(event.text, end="", flush=True)
            elif isinstance(event, TurnEnd):
                print(f"  [turn ended at {event.time_s:.1f} s]", flush=True)
            elif isinstance(event, models.TranscriptionStreamDone):
                print(f"\nfull text: {event.text!r} ({event.usage.total_tokens} tokens)")


if __name__ == "__main__":
    main()
