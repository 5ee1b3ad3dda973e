"""A minimal HTTP/1.1 server with keep-alive, for the per-call and download benchmarks.

Stdlib asyncio, run in its own process so that it does not share the client's
interpreter: `python loopback_server.py [--download-mb N]` prints its port, then
serves until killed. Every POST gets a small chat completion; `GET /v1/files/<id>/content`
gets N MB of bytes, written in 1 MB chunks (never held whole in memory).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import payloads

MB = 1024 * 1024


def _head(status: str, content_type: str, length: int) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\n"
        f"content-length: {length}\r\nconnection: keep-alive\r\n\r\n"
    ).encode()


async def serve(download_mb: int) -> None:
    body = payloads.small_chat_completion()
    json_answer = _head("200 OK", "application/json", len(body)) + body
    chunk = b"\xab" * MB

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                if head.startswith(b"GET ") and b"/content" in head.split(b"\r\n", 1)[0]:
                    writer.write(_head("200 OK", "application/octet-stream", download_mb * MB))
                    for _ in range(download_mb):
                        writer.write(chunk)
                        await writer.drain()
                else:
                    writer.write(json_answer)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--download-mb", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(serve(args.download_mb))


if __name__ == "__main__":
    main()
