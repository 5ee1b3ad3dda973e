#!/usr/bin/env python3
"""A local stand-in for Mistral's realtime audio WebSockets, for examples and tests.

Speaks both protocols as the API does (see docs/realtime.md):

- `/v1/audio/transcriptions/realtime?model=...`: `session.created`, then for
  `session.update` a `session.updated`; every 3,200 bytes of audio appended (0.1 s of
  16 kHz pcm_s16le) a word as `transcription.text.delta`; `input_audio.flush` gives
  `turn.start` / `turn.end`; `input_audio.end` gives `transcription.language`, a
  `transcription.segment` and `transcription.done`, then a normal close.
- `/v1/audio/speech/realtime?model=...`: `session.created`; `input_text.append` is
  kept; `input_text.flush` turns the text so far into `speech.audio.delta` events
  (deterministic fake pcm, 4 bytes per character); `input_text.end` gives
  `speech.audio.done` with usage, then a normal close. `voice: "unknown"` in a
  `session.update` closes the connection with code 1008 and a reason, as the API does.

The model name scripts faults: `mock-error-handshake` (an `error` event instead of
`session.created`), `mock-close-handshake` (close 1008 before `session.created`),
`mock-silent` (never creates the session), `mock-error-after-audio` (an `error` event
after the first audio), `mock-drop` (the connection vanishes after the first audio),
`mock-unknown-event` (an event type the SDK does not know, before the words),
`mock-flood` (sends 2,000 64 KiB deltas as fast as the client reads them; the number
sent so far is on `RealtimeMock.sent`), `mock-503-once` (the first upgrade of each
model answers 503, then it works). A missing `Authorization: Bearer` header is a 401.

    from mock_realtime import start_realtime_mock
    base_url, stop = start_realtime_mock()        # http://127.0.0.1:<port>
    client = Mistral(api_key="mock-key", base_url=base_url)

or `python scripts/mock_realtime.py [--port N]` to run it in the foreground.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http
import json
import os
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

__all__ = ["RealtimeMock", "start_realtime_mock"]

BYTES_PER_WORD = 3200
WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]


class RealtimeMock:
    """The server's state, readable by tests: connections and what they received."""

    def __init__(self) -> None:
        self.sent = 0  # flood messages sent
        self.received: list[dict[str, Any]] = []  # client messages, in order
        self.open_connections = 0
        self.refused: dict[str, int] = {}  # upgrades answered 503, by model
        self.headers: list[dict[str, str]] = []

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        self.headers.append({k.lower(): v for k, v in request.headers.raw_items()})
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return _http(http.HTTPStatus.UNAUTHORIZED, {"message": "Unauthorized", "code": 1000})
        model = _query(request.path).get("model", "")
        if model == "mock-503-once" and not self.refused.get(model):
            self.refused[model] = 1
            return _http(http.HTTPStatus.SERVICE_UNAVAILABLE, {"message": "try again"})
        return None

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        path = urllib.parse.urlsplit(ws.request.path).path
        model = _query(ws.request.path).get("model", "")
        self.open_connections += 1
        try:
            if path == "/v1/audio/transcriptions/realtime":
                await self._transcription(ws, model)
            elif path == "/v1/audio/speech/realtime":
                await self._speech(ws, model)
            else:
                await ws.close(1008, f"no such endpoint: {path}")
        finally:
            self.open_connections -= 1

    async def _handshake(self, ws: ServerConnection, model: str, session: dict[str, Any]) -> bool:
        if model == "mock-error-handshake":
            await _send(
                ws, {"type": "error", "error": {"message": "model not found", "code": 3001}}
            )
            await ws.close()
            return False
        if model == "mock-close-handshake":
            await ws.close(1008, "model not allowed for this key")
            return False
        if model == "mock-silent":
            await ws.wait_closed()  # never a session.created; the client gives up
            return False
        await _send(ws, {"type": "session.created", "session": session})
        return True

    async def _transcription(self, ws: ServerConnection, model: str) -> None:
        session: dict[str, Any] = {
            "request_id": str(uuid.uuid4()),
            "model": model,
            "audio_format": {"encoding": "pcm_s16le", "sample_rate": 16000},
        }
        if not await self._handshake(ws, model, session):
            return
        if model == "mock-flood":
            # random text: compression must not shrink what the socket buffers hold
            text = base64.b64encode(os.urandom(49152)).decode()
            await self._flood(ws, {"type": "transcription.text.delta", "text": text})
            return
        pending = 0
        words: list[str] = []
        audio_seen = False
        async for raw in ws:
            message = json.loads(raw)
            self.received.append(message)
            kind = message.get("type")
            if kind == "session.update":
                session.update(message["session"])
                await _send(ws, {"type": "session.updated", "session": session})
            elif kind == "input_audio.append":
                pending += len(base64.b64decode(message["audio"]))
                if not audio_seen:
                    audio_seen = True
                    if model == "mock-error-after-audio":
                        await _send(
                            ws,
                            {"type": "error", "error": {"message": "audio too loud", "code": 42}},
                        )
                    elif model == "mock-drop":
                        assert ws.transport is not None
                        ws.transport.abort()
                        return
                    elif model == "mock-unknown-event":
                        await _send(ws, {"type": "transcription.sentiment", "mood": "cheerful"})
                while pending >= BYTES_PER_WORD:
                    pending -= BYTES_PER_WORD
                    word = WORDS[len(words) % len(WORDS)]
                    await _send(
                        ws,
                        {"type": "transcription.text.delta", "text": (" " if words else "") + word},
                    )
                    words.append(word)
            elif kind == "input_audio.flush":
                at = len(words) * 0.1
                await _send(ws, {"type": "turn.start", "time_s": 0.0})
                await _send(ws, {"type": "turn.end", "time_s": at, "end_reason": "silence"})
            elif kind == "input_audio.end":
                text = " ".join(words)
                await _send(ws, {"type": "transcription.language", "audio_language": "en"})
                await _send(
                    ws,
                    {
                        "type": "transcription.segment",
                        "text": text,
                        "start": 0.0,
                        "end": len(words) * 0.1,
                    },
                )
                await _send(
                    ws,
                    {
                        "type": "transcription.done",
                        "model": model,
                        "text": text,
                        "language": "en",
                        "usage": {
                            "prompt_tokens": 4,
                            "completion_tokens": len(words),
                            "total_tokens": 4 + len(words),
                        },
                    },
                )
                await ws.close()
                return

    async def _speech(self, ws: ServerConnection, model: str) -> None:
        session: dict[str, Any] = {
            "request_id": str(uuid.uuid4()),
            "model": model,
            "is_ref_audio": False,
            "streaming_mode": "responsive",
            "response_format": "pcm",
            "expressiveness": 1.0,
            "voice": None,
        }
        if not await self._handshake(ws, model, session):
            return
        text = ""
        characters = 0
        async for raw in ws:
            message = json.loads(raw)
            self.received.append(message)
            kind = message.get("type")
            if kind == "session.update":
                if message["session"].get("voice") == "unknown":
                    await ws.close(1008, "unknown voice: unknown")
                    return
                session.update(message["session"])
                await _send(ws, {"type": "session.updated", "session": session})
            elif kind == "input_text.append":
                text += message["text"]
            elif kind == "input_text.flush":
                text += message.get("text") or ""
                for word in text.split():
                    characters += len(word)
                    audio = _fake_pcm(word)
                    await _send(
                        ws,
                        {
                            "type": "speech.audio.delta",
                            "audio_data": base64.b64encode(audio).decode(),
                        },
                    )
                text = ""
            elif kind == "input_text.end":
                await _send(
                    ws,
                    {
                        "type": "speech.audio.done",
                        "usage": {"prompt_tokens": characters, "total_tokens": characters},
                    },
                )
                await ws.close()
                return

    async def _flood(self, ws: ServerConnection, event: dict[str, Any]) -> None:
        data = json.dumps(event)
        try:
            for _ in range(2000):
                await ws.send(data)
                self.sent += 1
        except ConnectionClosed:  # the client hung up: the test is over
            return
        await ws.close()


def _fake_pcm(word: str) -> bytes:
    """4 bytes (one f32 sample) per character: deterministic, checkable."""
    return b"".join(bytes([ord(c) % 256, 0, 0, 0]) for c in word)


def _query(path: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))


def _http(status: http.HTTPStatus, body: dict[str, Any]) -> Response:
    content = json.dumps(body).encode()
    headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(content)))])
    return Response(status.value, status.phrase, headers, content)


async def _send(ws: ServerConnection, event: dict[str, Any]) -> None:
    await ws.send(json.dumps(event))


def start_realtime_mock(
    host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None], RealtimeMock]:
    """Serve in a background thread: (base URL, stop function, server state)."""
    mock = RealtimeMock()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Server] = {}

    async def main() -> None:
        server = await serve(mock.handler, host, port, process_request=mock.process_request)
        holder["server"] = server
        ready.set()
        await server.wait_closed()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    ready.wait(10)
    server = holder["server"]
    bound = next(iter(server.sockets)).getsockname()

    def stop() -> None:
        loop.call_soon_threadsafe(server.close)
        thread.join(10)
        if not thread.is_alive():
            loop.close()

    return f"http://{bound[0]}:{bound[1]}", stop, mock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    base_url, stop, _ = start_realtime_mock(port=args.port)
    print(f"realtime mock at {base_url} (Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop()


if __name__ == "__main__":
    main()
