"""An HTTP/1.1 keep-alive server that answers calls and streams, and counts connections.

Stdlib asyncio, in its own process: `python scale_server.py [--stream-bytes N]` prints
its port, then serves until killed.

- `POST /v1/chat/completions`: a small chat completion, or, when the body asks for a
  stream, a chat event stream ending with `[DONE]`;
- `POST /v1/conversations`: a conversation event stream ending with
  `conversation.response.done`;
- `GET /v1/workflows/executions/<id>/stream`: workflow events ending with the run's
  `WORKFLOW_EXECUTION_COMPLETED`;
- `GET /stats`: `{"accepted": connections accepted, "open": open now, "peak": most open
  at once}` since the last `POST /stats/reset`.

A stream carries `--stream-events` small events (default 8); a request that says `big`
(in its target or body: a model or execution id) gets events of about 2 KB until
`--stream-bytes` (default 100 MB) were sent, written in 64 KB pieces (chunked), never
held whole.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import payloads

PIECE = 64 * 1024
BIG_TEXT = "lorem ipsum " * 170  # an event of about 2 KB


def _head(status: str, content_type: str, length: int | None = None) -> bytes:
    size = f"content-length: {length}" if length is not None else "transfer-encoding: chunked"
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\n{size}\r\n"
        "connection: keep-alive\r\n\r\n"
    ).encode()


def chat_events(text: str) -> tuple[bytes, bytes]:
    """(one chat chunk event, the end)"""
    chunk = {
        "id": "cmpl-0123456789abcdef",
        "object": "chat.completion.chunk",
        "created": 1764000000,
        "model": payloads.MODEL,
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n", b"data: [DONE]\n\n"


def conversation_events(text: str) -> tuple[bytes, bytes, bytes]:
    """(the start, one delta, the end)"""

    def event(name: str, data: dict[str, Any]) -> bytes:
        body = json.dumps({"type": name, "created_at": payloads.TIMESTAMP, **data})
        return f"event: {name}\ndata: {body}\n\n".encode()

    start = event("conversation.response.started", {"conversation_id": "conv_0123"})
    delta = event(
        "message.output.delta",
        {"output_index": 0, "id": "msg_0123", "content_index": 0, "model": payloads.MODEL,
         "role": "assistant", "content": text},
    )  # fmt: skip
    done = event(
        "conversation.response.done",
        {"usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}},
    )
    return start, delta, done


def workflow_event(event_type: str, exec_id: str, text: str, seq: int = 1) -> bytes:
    body = {
        "stream": "s",
        "broker_sequence": seq,
        "workflow_context": {"namespace": "n", "workflow_name": "w", "workflow_exec_id": exec_id},
        "data": {
            "event_type": event_type,
            "event_id": "e",
            "event_timestamp": 1,
            "root_workflow_exec_id": exec_id,
            "parent_workflow_exec_id": None,
            "continued_run_id": None,
            "first_execution_run_id": None,
            "schedule_id": None,
            "workflow_exec_id": exec_id,
            "workflow_run_id": "r",
            "workflow_name": "w",
            "attributes": (
                {"task_id": "t", "result": {"type": "json", "value": {"ok": True}}}
                if event_type == "WORKFLOW_EXECUTION_COMPLETED"
                else {
                    "custom_task_id": "t",
                    "custom_task_type": "log",
                    "payload": {"type": "json", "value": {"log": text}},
                }
            ),
        },
    }
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def stream_body(kind: str, path: str, *, events: int, total: int | None) -> Iterator[bytes]:
    """The SSE body of stream `kind`, in pieces of about PIECE bytes."""
    text = BIG_TEXT if total else " token"
    if kind == "chat":
        first, middle, end = b"", *chat_events(text)
    elif kind == "conversation":
        first, middle, end = conversation_events(text)
    else:
        run_id = path.split("/")[-2]
        first = b""
        middle = workflow_event("CUSTOM_TASK_IN_PROGRESS", run_id, text)
        end = workflow_event("WORKFLOW_EXECUTION_COMPLETED", run_id, "done")
    repeat = max(1, PIECE // len(middle))
    piece = middle * repeat
    sent = 0
    yield first
    if total is None:
        yield middle * events + end
        return
    while sent < total:
        yield piece
        sent += len(piece)
    yield end


class Stats:
    def __init__(self) -> None:
        self.accepted = self.open = self.peak = 0

    def reset(self) -> None:
        self.accepted, self.peak = 0, self.open

    def as_json(self) -> bytes:
        return json.dumps(
            {"accepted": self.accepted, "open": self.open, "peak": self.peak}
        ).encode()


async def serve(events: int, total: int) -> None:
    completion = payloads.small_chat_completion()
    json_answer = _head("200 OK", "application/json", len(completion)) + completion
    stats = Stats()

    async def answer(writer: asyncio.StreamWriter, head: bytes, body: bytes) -> None:
        line = head.split(b"\r\n", 1)[0].decode()
        method, target = line.split(" ")[:2]
        path = target.split("?")[0]
        if path == "/stats":
            if method == "POST":
                stats.reset()
            data = stats.as_json()
            writer.write(_head("200 OK", "application/json", len(data)) + data)
            return
        if path == "/v1/chat/completions" and b'"stream":true' not in body.replace(b" ", b""):
            writer.write(json_answer)
            return
        kind = (
            "chat"
            if path == "/v1/chat/completions"
            else "conversation"
            if path == "/v1/conversations"
            else "workflow"
        )
        writer.write(_head("200 OK", "text/event-stream"))
        big = b"big" in head.split(b"\r\n", 1)[0] or b"big" in body
        for piece in stream_body(kind, path, events=events, total=total if big else None):
            if piece:
                writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                await writer.drain()
        writer.write(b"0\r\n\r\n")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stats.accepted += 1
        stats.open += 1
        stats.peak = max(stats.peak, stats.open)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                await answer(writer, head, body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            stats.open -= 1
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=2048)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stream-events", type=int, default=8)
    parser.add_argument("--stream-bytes", type=int, default=100 * 2**20)
    args = parser.parse_args()
    asyncio.run(serve(args.stream_events, args.stream_bytes))


if __name__ == "__main__":
    main()
