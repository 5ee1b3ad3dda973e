#!/usr/bin/env python3
"""Realtime audio: the SDK's cost per audio chunk sent and per event received,
against raw `websockets` (json + base64 by hand) on the same loopback server.

    make bench-realtime      (or: python benchmarks/bench_realtime.py)

The server (websockets, asyncio, in a thread) answers `session.created`, counts
`input_audio.append` messages and acknowledges the last one, and on request floods
`transcription.text.delta` events then `transcription.done`. Each figure is the
best of several rounds, per chunk or per event, in microseconds.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import threading
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from mistral_sdk import AsyncMistral, Mistral

CHUNKS = 2000  # 0.1 s of 16 kHz pcm_s16le each: 200 s of audio
CHUNK = b"\x01\x02" * 1600
EVENTS = 5000
ROUNDS = 5
CREATED = json.dumps(
    {
        "type": "session.created",
        "session": {
            "request_id": "bench",
            "model": "bench",
            "audio_format": {"encoding": "pcm_s16le", "sample_rate": 16000},
        },
    }
)
DELTA = json.dumps({"type": "transcription.text.delta", "text": " word"})
DONE = json.dumps(
    {
        "type": "transcription.done",
        "model": "bench",
        "text": "",
        "language": "en",
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
)


async def _handler(ws: ServerConnection) -> None:
    await ws.send(CREATED)
    appended = 0
    async for raw in ws:
        kind = json.loads(raw)["type"]
        if kind == "input_audio.append":
            appended += 1
            if appended == CHUNKS:
                await ws.send(DELTA)  # the acknowledgement
                appended = 0
        elif kind == "input_audio.flush":  # the "flood me" request
            for _ in range(EVENTS):
                await ws.send(DELTA)
            await ws.send(DONE)


def _serve() -> str:
    ready = threading.Event()
    address: list[str] = []

    async def main() -> None:
        async with serve(_handler, "127.0.0.1", 0, compression=None) as server:
            host, port = next(iter(server.sockets)).getsockname()[:2]
            address.append(f"http://{host}:{port}")
            ready.set()
            await asyncio.Future()

    threading.Thread(target=asyncio.run, args=(main(),), daemon=True).start()
    ready.wait(10)
    return address[0]


def _best(samples: list[float], count: int) -> float:
    return min(samples) / count * 1e6


async def _raw_async(url: str) -> tuple[float, float]:
    sends, recvs = [], []
    ws_url = url.replace("http://", "ws://") + "/v1/audio/transcriptions/realtime?model=bench"
    async with connect(ws_url, compression=None) as ws:
        json.loads(await ws.recv())
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(CHUNKS):
                audio = base64.b64encode(CHUNK).decode()
                await ws.send(json.dumps({"type": "input_audio.append", "audio": audio}))
            json.loads(await ws.recv())
            sends.append(time.perf_counter() - start)
            await ws.send(json.dumps({"type": "input_audio.flush"}))
            start = time.perf_counter()
            while json.loads(await ws.recv())["type"] != "transcription.done":
                pass
            recvs.append(time.perf_counter() - start)
    return _best(sends, CHUNKS), _best(recvs, EVENTS)


async def _sdk_async(url: str) -> tuple[float, float]:
    sends, recvs = [], []
    client = AsyncMistral(api_key="bench", base_url=url)
    session = await client.audio.realtime.connect_transcription(model="bench")
    async with session:
        await session.recv()  # session.created
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(CHUNKS):
                await session.send_audio(CHUNK)
            await session.recv()
            sends.append(time.perf_counter() - start)
            await session.flush()
            start = time.perf_counter()
            while (await session.recv()) is not None and not session._state.done:
                pass
            session._state.done = False  # the bench server's sessions go on
            recvs.append(time.perf_counter() - start)
    return _best(sends, CHUNKS), _best(recvs, EVENTS)


def _sdk_sync(url: str) -> tuple[float, float]:
    sends, recvs = [], []
    client = Mistral(api_key="bench", base_url=url)
    with client.audio.realtime.connect_transcription(model="bench") as session:
        session.recv()
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(CHUNKS):
                session.send_audio(CHUNK)
            session.recv()
            sends.append(time.perf_counter() - start)
            session.flush()
            start = time.perf_counter()
            while session.recv() is not None and not session._state.done:
                pass
            session._state.done = False
            recvs.append(time.perf_counter() - start)
    return _best(sends, CHUNKS), _best(recvs, EVENTS)


def _raw_sync(url: str) -> tuple[float, float]:
    from websockets.sync.client import connect as sync_connect

    sends, recvs = [], []
    ws_url = url.replace("http://", "ws://") + "/v1/audio/transcriptions/realtime?model=bench"
    with sync_connect(ws_url, compression=None) as ws:
        json.loads(ws.recv())
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(CHUNKS):
                audio = base64.b64encode(CHUNK).decode()
                ws.send(json.dumps({"type": "input_audio.append", "audio": audio}))
            json.loads(ws.recv())
            sends.append(time.perf_counter() - start)
            ws.send(json.dumps({"type": "input_audio.flush"}))
            start = time.perf_counter()
            while json.loads(ws.recv())["type"] != "transcription.done":
                pass
            recvs.append(time.perf_counter() - start)
    return _best(sends, CHUNKS), _best(recvs, EVENTS)


def run() -> dict[str, Any]:
    url = _serve()
    results = {
        "async": (asyncio.run(_sdk_async(url)), asyncio.run(_raw_async(url))),
        "sync": (_sdk_sync(url), _raw_sync(url)),
    }
    return results


def main() -> None:
    results = run()
    lines = [
        f"{CHUNKS} chunks of {len(CHUNK)} bytes sent, {EVENTS} events received, over loopback;"
        f" best of {ROUNDS}:",
        "",
        "| mode | per chunk sent: SDK | raw websockets | per event received: SDK | raw websockets |",
        "|---|---|---|---|---|",
    ]
    for mode, ((sdk_send, sdk_recv), (raw_send, raw_recv)) in results.items():
        lines.append(
            f"| {mode} | {sdk_send:.1f} µs | {raw_send:.1f} µs | {sdk_recv:.1f} µs | {raw_recv:.1f} µs |"
        )
    print("\n".join(lines))
    if "--write" in sys.argv[1:]:
        import docblock

        docblock.write("docs/realtime.md", "realtime-bench", "bench_realtime.py",
                       "make bench-realtime", "\n".join(lines))  # fmt: skip


if __name__ == "__main__":
    main()
