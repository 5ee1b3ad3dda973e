"""Streaming: seconds per event for chat and conversation streams, through each
client's own streaming method, over an in-memory transport that hands the body
over in 8 KB chunks (as a socket would). The floor is raw httpx2: lines split by
httpx2, `data:` payloads decoded by msgspec into plain dicts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import msgspec
import payloads
from timing import compare

EVENTS = 1000
CHUNK = 8192
MESSAGES = [{"role": "user", "content": "Count to a thousand."}]


def _chunks(body: bytes) -> Iterator[bytes]:
    for i in range(0, len(body), CHUNK):
        yield body[i : i + CHUNK]


def _handler(httpx_module: Any, body: bytes) -> Callable[[Any], Any]:
    def handle(request: Any) -> Any:
        return httpx_module.Response(
            200, content=_chunks(body), headers={"content-type": "text/event-stream"}
        )

    return handle


def _floor(body: bytes) -> Callable[[], int]:
    http = httpx2.Client(transport=httpx2.MockTransport(_handler(httpx2, body)))

    def run() -> int:
        n = 0
        with http.stream("POST", "https://bench/v1/x", json={"stream": True}) as response:
            for line in response.iter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    msgspec.json.decode(line[6:])
                    n += 1
        return n

    return run


def _consume(client: Any, kind: str) -> Callable[[], int]:
    """One streamed call, every event read; both SDKs spell it the same way."""

    def run() -> int:
        if kind == "chat":
            stream = client.chat.stream(model=payloads.MODEL, messages=MESSAGES)
        else:
            stream = client.beta.conversations.start_stream(inputs="hi", model=payloads.MODEL)
        with stream:
            return sum(1 for _ in stream)

    return run


def _ours(body: bytes, kind: str) -> Callable[[], int]:
    import mistral_sdk

    client = mistral_sdk.Mistral(
        api_key="bench",
        base_url="https://bench",
        http_client=httpx2.Client(transport=httpx2.MockTransport(_handler(httpx2, body))),
    )

    return _consume(client, kind)


def _official(body: bytes, kind: str) -> Callable[[], int]:
    import httpx2
    from mistralai.client import Mistral

    client = Mistral(
        api_key="bench",
        server_url="https://bench",
        client=httpx2.Client(transport=httpx2.MockTransport(_handler(httpx2, body))),
    )

    return _consume(client, kind)


def measure() -> dict[str, dict[str, float]]:
    """{benchmark: {program: seconds per event}}"""
    bodies = {
        "chat": payloads.chat_stream(EVENTS),
        "conversation": payloads.conversation_stream(EVENTS),
    }
    results: dict[str, dict[str, float]] = {}
    for kind, body in bodies.items():
        programs = {
            "mistral-sdk": _ours(body, kind),
            "official": _official(body, kind),
            "floor": _floor(body),
        }
        for name, run in programs.items():
            count = run()
            if count != EVENTS:
                raise RuntimeError(f"{name} read {count} {kind} events, expected {EVENTS}")
        per_stream = compare(programs)
        results[f"stream_{kind}"] = {name: t / EVENTS for name, t in per_stream.items()}
    return results


if __name__ == "__main__":
    for bench, row in measure().items():
        print(bench, {k: f"{v * 1e6:.1f} us/event" for k, v in row.items()})
