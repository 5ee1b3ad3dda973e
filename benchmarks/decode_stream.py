"""Decoding and streaming cost against untyped msgspec, in one run.

- a 500-entry conversation history: `mistral_sdk.decode` into the typed model
  (fast path: every tag known), with one unknown entry type and with one `null` in
  an optional non-nullable field (both on the lenient path), against
  `msgspec.json.decode` of the same bytes without a type; with every date-time a
  date alone (read as midnight, on the lenient path: docs/unions.md); and what
  `mistral_sdk.extra_fields` costs when someone asks (nothing before);
- a streamed chat completion, end to end through `client.chat.stream` on an httpx2
  MockTransport (one network chunk per event, like a real token stream): µs per
  event, against splitting the same body on blank lines and decoding each event
  untyped; and the same stream assembled into its final response (`stream.final()`;
  every chat stream feeds its accumulator as it goes).

Run: `python benchmarks/decode_stream.py [--rounds N] [--cpu]`. Best-of-N timings
(`--cpu`: of this process's CPU time, steadier on a machine shared with other jobs).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2
import msgspec

sys.path.insert(0, str(Path(__file__).parent))
import payloads

import mistral_sdk
from mistral_sdk import models

CLOCK = time.perf_counter  # --cpu: time.process_time (this process's CPU time only)


def best(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up: decoders and lenient twins are built once
    times = []
    for _ in range(rounds):
        start = CLOCK()
        fn()
        times.append(CLOCK() - start)
    return min(times)


def history(rounds: int) -> list[tuple[str, float, float]]:
    data = payloads.conversation_history(500)
    body = json.loads(data)
    body["entries"][250] = {"object": "entry", "type": "memory.write", "id": "m", "x": [1]}
    with_unknown = json.dumps(body).encode()
    # one null where the spec says "optional, not nullable" (read as absent: lenient path)
    body = json.loads(data)
    body["entries"][250]["prefix"] = None
    with_null = json.dumps(body).encode()
    # every date-time a date alone, as some servers send (read as midnight: lenient path)
    body = json.loads(data)
    for entry in body["entries"]:
        for name in ("created_at", "completed_at"):
            if isinstance(entry.get(name), str):
                entry[name] = entry[name][:10]
    with_dates = json.dumps(body).encode()
    untyped = best(lambda: msgspec.json.decode(data), rounds)
    typed = best(lambda: mistral_sdk.decode(data, models.ConversationHistory), rounds)
    lenient = best(lambda: mistral_sdk.decode(with_unknown, models.ConversationHistory), rounds)
    nulls = best(lambda: mistral_sdk.decode(with_null, models.ConversationHistory), rounds)
    dates = best(lambda: mistral_sdk.decode(with_dates, models.ConversationHistory), rounds)
    # undeclared fields cost nothing until asked for; then one untyped parse and a walk
    decoded = mistral_sdk.decode(data, models.ConversationHistory)
    entry = decoded.entries[400]
    extra = best(lambda: mistral_sdk.extra_fields(entry), rounds)
    return [
        ("history (500 entries), untyped msgspec", untyped, 1.0),
        ("history (500 entries), typed, all tags known", typed, typed / untyped),
        ("history (500 entries), typed, one unknown entry", lenient, lenient / untyped),
        ("history (500 entries), typed, one null read as absent", nulls, nulls / untyped),
        ("history (500 entries), typed, every date-time a date alone", dates, dates / untyped),
        ("history (500 entries), extra_fields(entries[400]) on demand", extra, extra / untyped),
    ]


class _Chunks(httpx2.SyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield from self.chunks


def stream(events: int, rounds: int) -> list[tuple[str, float, float]]:
    body = payloads.chat_stream(events)
    chunks = [part + b"\n\n" for part in body.split(b"\n\n") if part]

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, stream=_Chunks(chunks)
        )

    client = mistral_sdk.Mistral(
        api_key="bench",
        base_url="https://api.test",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )

    def typed() -> None:
        n = 0
        with client.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as s:
            for _ in s:
                n += 1
        assert n == events

    def assembled() -> None:
        with client.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}]) as s:
            for _ in s:
                pass
            assert s.final().choices  # the whole response, joined from the events

    def untyped() -> None:
        for chunk in chunks:
            text = chunk[6:-2]
            if text != b"[DONE]":
                msgspec.json.decode(text)

    t_typed = best(typed, rounds) / events
    t_untyped = best(untyped, rounds) / events
    t_final = best(assembled, rounds) / events
    return [
        ("chat stream per event, untyped msgspec (no HTTP)", t_untyped, 1.0),
        ("chat stream per event, client.chat.stream end to end", t_typed, t_typed / t_untyped),
        ("the same, then stream.final() (the assembled response)", t_final, t_final / t_untyped),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU time (on a shared machine, what the work costs)",
    )
    parser.add_argument("--write", action="store_true", help="into docs/unions.md")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    rows = history(args.rounds) + stream(args.events, max(5, args.rounds // 3))
    lines = ["| measure | time | ratio to untyped |", "|---|---:|---:|"]
    for name, seconds, ratio in rows:
        unit = f"{seconds * 1e6:.2f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.3f} ms"
        lines.append(f"| {name} | {unit} | {ratio:.2f} |")
    print("\n".join(lines))
    if args.write:
        import docblock

        docblock.write("docs/unions.md", "decode-bench", "decode_stream.py",
                       "make bench-decode", "\n".join(lines))  # fmt: skip


if __name__ == "__main__":
    main()
