"""`python stream_server.py UDS_PATH`: the leak tests' server, in a process of its own.

Every request gets a chunked `text/event-stream` with three events that then
stays open until the client closes its end, so every stream the client
abandons has unread data. Running apart from the client, the server shares
neither its GIL nor its descriptor table; asyncio keeps it cheap per connection.

Prints `ready` once listening. When stdin closes it waits (briefly) for the
clients' connections to end, prints `{"connections": N, "open": M}` and exits.
It never lives longer than `LIFETIME` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import threading

LIFETIME = 300.0
HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
EVENTS = b"".join(
    b"%x\r\n%s\r\n" % (len(e), e) for e in (b'data: {"n": %d}\n\n' % i for i in range(3))
)


async def main(path: str) -> None:
    counts = {"connections": 0, "open": 0}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counts["connections"] += 1
        counts["open"] += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(HEAD + EVENTS)
            while await reader.read(65536):  # until the client leaves
                pass
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            counts["open"] -= 1
            writer.close()

    server = await asyncio.start_unix_server(handle, path, backlog=1024)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()

    def wait_for_stdin() -> None:  # a daemon thread: never holds up the exit
        sys.stdin.read()
        loop.call_soon_threadsafe(stdin_closed.set)

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stdin_closed.wait(), LIFETIME)
    for _ in range(500):  # up to 5 s for the last connections to end
        if not counts["open"]:
            break
        await asyncio.sleep(0.01)
    server.close()
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
