"""Realistic response bodies for the decode, streaming and per-call benchmarks.

Built in code (not copied from the spec) so that their size is a parameter, and
valid for both SDKs compared (`benchmarks/run.py` checks that each decodes them
into typed models). The shapes follow the spec's schemas: a conversation history
mixes every common entry type, output messages carry lists of content chunks, and
the streams are the SSE bodies the API sends.
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
    base: dict[str, Any] = {"object": "entry", "id": f"msg_{i:06d}", "created_at": TIMESTAMP}
    kind = i % 5
    if kind == 0:
        return {
            **base,
            "type": "message.input",
            "role": "user",
            "content": f"Question number {i}: what is the weather like in Paris today?",
        }
    if kind == 1:
        return {
            **base,
            "type": "function.call",
            "tool_call_id": f"call_{i}",
            "name": "get_weather",
            "arguments": '{"city": "Paris", "unit": "celsius"}',
            "agent_id": "ag_0123",
            "model": "mistral-medium-latest",
        }
    if kind == 2:
        return {
            **base,
            "type": "function.result",
            "tool_call_id": f"call_{i - 1}",
            "result": '{"temperature": 18, "sky": "cloudy"}',
        }
    if kind == 3:
        return {
            **base,
            "type": "tool.execution",
            "name": "web_search",
            "arguments": '{"query": "paris weather"}',
            "completed_at": TIMESTAMP,
            "model": "mistral-medium-latest",
        }
    return {
        **base,
        "type": "message.output",
        "role": "assistant",
        "completed_at": TIMESTAMP,
        "agent_id": "ag_0123",
        "model": "mistral-medium-latest",
        "content": [
            {"type": "text", "text": f"It is 18 degrees and cloudy in Paris ({i})."},
            {
                "type": "tool_reference",
                "tool": "web_search",
                "title": "Météo Paris",
                "url": "https://example.com/paris",
            },
            {"type": "text", "text": "Take an umbrella."},
        ],
    }


def conversation_history(entries: int = 500) -> bytes:
    """`GET /v1/conversations/{id}/history` with `entries` entries."""
    body = {
        "object": "conversation.history",
        "conversation_id": "conv_0123456789",
        "entries": [_entry(i) for i in range(entries)],
    }
    return json.dumps(body).encode()


def chat_stream(events: int = 1000) -> bytes:
    """The SSE body of a streamed chat completion: `events` token chunks, then [DONE]."""
    lines = []
    for i in range(events):
        chunk: dict[str, Any] = {
            "id": "cmpl-0123456789abcdef",
            "object": "chat.completion.chunk",
            "created": 1764000000,
            "model": "mistral-small-latest",
            "choices": [{"index": 0, "delta": {"content": f" token{i}"}, "finish_reason": None}],
        }
        if i == 0:
            chunk["choices"][0]["delta"]["role"] = "assistant"
        if i == events - 1:
            chunk["choices"][0]["finish_reason"] = "stop"
            chunk["usage"] = {
                "prompt_tokens": 12,
                "completion_tokens": events,
                "total_tokens": 12 + events,
            }
        lines.append(f"data: {json.dumps(chunk)}\n\n")
    lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


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
