"""Request encoding: what a call costs before anything is sent (no network).

Each case validates the arguments against the request type (`convert_body`, the
"validate" row), then also builds the request (`build_request`: "validate + build",
what every generated method does before the transport), or writes batch input lines (`InputWriter.add`, the batch runner's
check before upload). Dict rows are the ones the unknown-key and missing-field
checks walk; typed rows go as they are.

- chat, small: one user message as a dict;
- chat, 40 messages + 2 tools as dicts (a conversation of content chunks, tool
  calls and tool results, and two function tools with a JSON schema each);
- chat, the same built from models (nothing to walk);
- conversation start: 40 input entries as dicts (an untagged union, matched by
  structure);
- batch input: 10,000 chat requests as dicts, validated and written as JSONL.

Run: `make bench-encode` (`python benchmarks/bench_encode.py [--repeats N]`); the
figure per row is the fastest repeat, in µs of this process's CPU time per request.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from timing import compare

import mistral_sdk
from mistral_sdk import models
from mistral_sdk._codec import convert_body
from mistral_sdk._request import build_request

BATCH = 10_000
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": f"tool_{i}",
            "description": "Look something up.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                "required": ["city"],
            },
        },
    }
    for i in range(2)
]


def _conversation(n: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [{"role": "system", "content": "Be brief."}]
    for i in range(n // 4):
        messages.append(
            {"role": "user", "content": [{"type": "text", "text": f"Question {i}, in detail?"}]}
        )
        messages.append(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": f"call{i}",
                        "type": "function",
                        "function": {"name": "tool_0", "arguments": '{"city": "Paris"}'},
                    }
                ],
            }
        )
        messages.append({"role": "tool", "tool_call_id": f"call{i}", "content": "sunny"})
        messages.append({"role": "assistant", "content": f"The answer to {i} is sunny."})
    return messages[:n]


def _entries(n: int) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": f"Question {i}?"}
        if i % 2 == 0
        else {"role": "assistant", "content": f"Answer {i}."}
        for i in range(n)
    ]


def _validate(type_: Any, values: dict[str, Any]) -> Callable[[], object]:
    """The body check alone (`convert_body`): what the dict checks add to."""
    return lambda: convert_body(type_, values)


def _send(type_: Any, values: dict[str, Any]) -> Callable[[], object]:
    """What a generated method does before the transport: validate, then build."""

    def call() -> object:
        body = convert_body(type_, values)
        return build_request(
            "POST", "https://api.test", "/v1/x", headers={"authorization": "Bearer x"}, json=body
        )

    return call


def measure(repeats: int) -> dict[str, float]:
    from mistral_sdk.batch import BatchLimits, endpoint
    from mistral_sdk.batch._plan import InputWriter

    small = {"model": "m", "messages": [{"role": "user", "content": "Say hello."}]}
    big = {"model": "m", "messages": _conversation(40), "tools": TOOLS, "temperature": 0.2}
    typed = convert_body(models.ChatCompletionRequest, big)
    typed_values = {f: getattr(typed, f) for f in ("model", "messages", "tools", "temperature")}
    start = {"model": "m", "inputs": _entries(40)}
    chat = endpoint("/v1/chat/completions")
    requests = [
        {"messages": [{"role": "user", "content": f"Question {i}?"}], "max_tokens": 64}
        for i in range(BATCH)
    ]
    scratch = Path(tempfile.mkdtemp(prefix="bench-encode-"))

    def batch() -> None:
        writer = InputWriter(chat, scratch, BatchLimits(), model="m")
        for i, request in enumerate(requests):
            writer.add(f"r{i}", request)
        writer.finish()

    cases = {
        "chat, small (dict)": (models.ChatCompletionRequest, small),
        "chat, 40 messages + 2 tools (dicts)": (models.ChatCompletionRequest, big),
        "chat, 40 messages + 2 tools (models)": (models.ChatCompletionRequest, typed_values),
        "conversation start, 40 entries (dicts)": (models.ConversationRequest, start),
    }
    rows = {f"{name}: validate": _validate(*case) for name, case in cases.items()}
    rows.update({f"{name}: validate + build": _send(*case) for name, case in cases.items()})
    # CPU time of this process: on a shared machine, what the work costs, not the waits
    seconds = compare(rows, repeats=repeats, clock=time.process_time, min_seconds=0.2)
    batched = compare({"": batch}, repeats=max(3, repeats // 3), clock=time.process_time)
    seconds[f"batch input, {BATCH:,} chat requests (dicts), per request"] = batched[""] / BATCH
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    print(f"mistral-sdk {mistral_sdk.__version__}, fastest of {args.repeats} repeats")
    print("| request | µs |")
    print("|---|---:|")
    for name, t in measure(args.repeats).items():
        print(f"| {name} | {t * 1e6:.2f} |")


if __name__ == "__main__":
    main()
