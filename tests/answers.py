"""Small API answers that several test modules serve from their mock transports."""

from __future__ import annotations

import uuid
from typing import Any

# A one-choice chat completion (`chat.complete`).
CHAT_COMPLETION: dict[str, Any] = {
    "id": "c1",
    "object": "chat.completion",
    "model": "m",
    "created": 1,
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    "choices": [
        {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}
    ],
}


def file_json(i: int) -> dict[str, Any]:
    """File number `i` of a `files.list` page."""
    return {
        "id": str(uuid.UUID(int=i)), "object": "file", "bytes": 10, "created_at": 1,
        "filename": f"f{i}.jsonl", "purpose": "batch", "sample_type": "batch_request",
        "source": "upload",
    }  # fmt: skip
