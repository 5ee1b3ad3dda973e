"""The bodies every benchmark decodes: realistic, valid for both SDKs, built here.

Stdlib only, deterministic. Sizes follow the benchmark plan: a 500-entry
conversation history, a 200-choice chat completion, a model list, a file list,
and event streams for chat and conversations.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

CREATED = 1_759_500_000
TIMESTAMP = "2025-10-03T12:00:00.123456Z"
MODEL = "mistral-medium-latest"
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "the",
    "lazy",
    "dog",
    "while",
    "the",
    "agent",
    "plans",
    "its",
    "next",
    "step",
]


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _text(i: int, words: int) -> str:
    return " ".join(WORDS[(i + k) % len(WORDS)] for k in range(words))


def _id(prefix: str, i: int) -> str:
    return f"{prefix}_{uuid.UUID(int=i).hex[:24]}"


def _entry(i: int) -> dict[str, Any]:
    """One conversation entry: user input, tool call, tool result, model output."""
    base = {"object": "entry", "created_at": TIMESTAMP, "completed_at": TIMESTAMP}
    kind = i % 4
    if kind == 0:
        return {
            **base,
            "type": "message.input",
            "id": _id("msg", i),
            "role": "user",
            "content": _text(i, 30),
            "prefix": False,
        }
    if kind == 1:
        return {
            **base,
            "type": "function.call",
            "id": _id("fc", i),
            "tool_call_id": _id("call", i),
            "name": "search_mail",
            "arguments": json.dumps({"query": _text(i, 6), "limit": 10}),
        }
    if kind == 2:
        return {
            **base,
            "type": "function.result",
            "id": _id("fr", i),
            "tool_call_id": _id("call", i - 1),
            "result": json.dumps([{"subject": _text(i + k, 8), "from": "a@b.c"} for k in range(3)]),
        }
    return {
        **base,
        "type": "message.output",
        "id": _id("msg", i),
        "agent_id": None,
        "model": MODEL,
        "role": "assistant",
        "content": [{"type": "text", "text": _text(i, 60)}],
    }


def conversation_history(entries: int = 500) -> bytes:
    return _dumps(
        {
            "object": "conversation.history",
            "conversation_id": _id("conv", 1),
            "entries": [_entry(i) for i in range(entries)],
        }
    )


def chat_completion(choices: int = 200) -> bytes:
    return _dumps(
        {
            "id": "cmpl-" + uuid.UUID(int=7).hex,
            "object": "chat.completion",
            "model": MODEL,
            "created": CREATED,
            "usage": {"prompt_tokens": 24, "completion_tokens": 60 * choices, "total_tokens": 0},
            "choices": [
                {
                    "index": i,
                    "message": {
                        "role": "assistant",
                        "content": _text(i, 60),
                        "tool_calls": None,
                        "prefix": False,
                    },
                    "finish_reason": "stop",
                }
                for i in range(choices)
            ],
        }
    )


def small_chat_completion() -> bytes:
    """What the per-call benchmark's server answers."""
    return chat_completion(1)


def model_list(models: int = 60) -> bytes:
    capabilities = {
        "completion_chat": True,
        "completion_fim": False,
        "function_calling": True,
        "fine_tuning": False,
        "vision": True,
        "classification": False,
    }
    return _dumps(
        {
            "object": "list",
            "data": [
                {
                    "id": f"mistral-model-{i}",
                    "object": "model",
                    "created": CREATED,
                    "owned_by": "mistralai",
                    "capabilities": capabilities,
                    "name": f"mistral-model-{i}",
                    "description": _text(i, 12),
                    "max_context_length": 131072,
                    "aliases": [f"mistral-model-{i}-latest"],
                    "deprecation": None,
                    "default_model_temperature": 0.3,
                    "type": "base",
                }
                for i in range(models)
            ],
        }
    )


def file_list(files: int = 100) -> bytes:
    return _dumps(
        {
            "object": "list",
            "total": files,
            "data": [
                {
                    "id": str(uuid.UUID(int=i + 1)),
                    "object": "file",
                    "bytes": 1000 + i,
                    "created_at": CREATED + i,
                    "filename": f"train-{i}.jsonl",
                    "purpose": "fine-tune",
                    "sample_type": "instruct",
                    "num_lines": 100 + i,
                    "mimetype": "application/jsonl",
                    "source": "upload",
                    "signature": None,
                }
                for i in range(files)
            ],
        }
    )


def chat_stream(events: int) -> bytes:
    """`events` completion chunks, the last with usage, then `[DONE]`."""
    out = []
    for i in range(events):
        chunk: dict[str, Any] = {
            "id": "cmpl-stream",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": " " + WORDS[i % len(WORDS)]},
                    "finish_reason": "stop" if i == events - 1 else None,
                }
            ],
        }
        if i == events - 1:
            chunk["usage"] = {"prompt_tokens": 5, "completion_tokens": events, "total_tokens": 0}
        out.append(b"data: " + _dumps(chunk) + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def conversation_stream(events: int) -> bytes:
    """started, `events - 2` message deltas, done: as `event:` + `data:` pairs."""

    def event(name: str, data: dict[str, Any]) -> bytes:
        return b"event: " + name.encode() + b"\ndata: " + _dumps({"type": name, **data}) + b"\n\n"

    out = [
        event(
            "conversation.response.started",
            {"created_at": TIMESTAMP, "conversation_id": _id("conv", 1)},
        )
    ]
    for i in range(events - 2):
        out.append(
            event(
                "message.output.delta",
                {
                    "created_at": TIMESTAMP,
                    "output_index": 0,
                    "id": _id("msg", 9),
                    "content_index": 0,
                    "model": MODEL,
                    "agent_id": None,
                    "role": "assistant",
                    "content": " " + WORDS[i % len(WORDS)],
                },
            )
        )
    out.append(
        event(
            "conversation.response.done",
            {
                "created_at": TIMESTAMP,
                "usage": {"prompt_tokens": 5, "completion_tokens": events, "total_tokens": 0},
            },
        )
    )
    return b"".join(out)
