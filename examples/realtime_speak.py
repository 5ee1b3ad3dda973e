"""Live speech: send text over the realtime WebSocket and write the audio it sends
back to a file as it arrives.

Needs: mistral-sdk[realtime] (`pip install 'mistral-sdk[realtime]'`); without
MISTRAL_API_KEY it runs against the local realtime stand-in.

    python examples/realtime_speak.py [out.pcm]

The audio is raw 32-bit float little-endian mono pcm (`response_format="pcm"`); play
it with `ffplay -f f32le -ar 24000 out.pcm`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _connect import connect_realtime, needs

from mistral_sdk import models

with needs("pip install 'mistral-sdk[realtime]'", "websockets"):
    from mistral_sdk.realtime import audio_bytes

MODEL = "voxtral-mini-tts-latest"
TEXT = ["Bonjour! ", "This sentence arrives in pieces, ", "as a language model writes it."]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "speech.pcm"
    written = 0
    with connect_realtime() as client, out.open("wb") as sink:
        for event in client.audio.realtime.speak(TEXT, model=MODEL, response_format="pcm"):
            if isinstance(event, models.SpeechStreamAudioDelta):
                written += sink.write(audio_bytes(event))
                print(f"\r{written} bytes of audio", end="", flush=True)
            elif isinstance(event, models.SpeechStreamDone):
                print(f"\ndone: {event.usage.prompt_tokens} tokens -> {out}")


if __name__ == "__main__":
    main()
