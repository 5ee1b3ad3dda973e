"""Realistic response bodies for the decode and streaming benchmarks.

Built in code (not copied from the spec) so that their size is a parameter.
The shapes follow the spec's schemas: a conversation history mixes every
common entry type, output messages carry lists of content chunks, and a chat
stream is the SSE body the API sends for `stream=true`.
"""

from __future__ import annotations

import json
from typing import Any

_CREATED = "2026-11-24T10:00:00.000000Z"


def _entry(i: int) -> dict[str, Any]:
    base: dict[str, Any] = {"object": "entry", "id": f"msg_{i:06d}", "created_at": _CREATED}
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
            "completed_at": _CREATED,
            "model": "mistral-medium-latest",
        }
    return {
        **base,
        "type": "message.output",
        "role": "assistant",
        "completed_at": _CREATED,
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
