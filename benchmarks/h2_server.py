"""A local HTTP/2 server (hypercorn, cleartext with prior knowledge, HTTP/1.1 too) that
answers chat completions and chat streams, and counts connections.

`python h2_server.py` prints its port, then serves until killed. Same answers as
`scale_server.py` (8-event chat streams ending with `[DONE]`); `GET /stats` gives
`{"accepted", "open", "peak"}` since `POST /stats`.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import payloads
from scale_server import Stats, chat_events

EVENTS = 8


def app_and_stats() -> tuple[Any, Stats]:
    stats = Stats()
    completion = payloads.small_chat_completion()
    event, end = chat_events(" token")
    stream = event * EVENTS + end
    seen: set[tuple[str, int]] = set()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        client = tuple(scope.get("client") or ("", 0))
        if client not in seen:  # one connection per client address and port
            seen.add(client)  # type: ignore[arg-type]
            stats.accepted += 1
            stats.open = len(seen)
            stats.peak = max(stats.peak, stats.open)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["path"] == "/stats":
            if scope["method"] == "POST":
                seen.clear()
                stats.open = 0
                stats.reset()
            data, kind = stats.as_json(), b"application/json"
        elif b'"stream":true' in body.replace(b" ", b""):
            data, kind = stream, b"text/event-stream"
        else:
            data, kind = completion, b"application/json"
        headers = [(b"content-type", kind), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    return app, stats


async def main() -> None:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = None
    config.keep_alive_timeout = 60
    config.h2_max_concurrent_streams = 100
    config.backlog = 2048
    app, _ = app_and_stats()
    print(json.dumps(port), flush=True)
    await serve(app, config)


if __name__ == "__main__":
    asyncio.run(main())
