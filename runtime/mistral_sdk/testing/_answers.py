"""Realistic answers the mock makes from a request's own values (its inputs, its model).

Shared by the routes (`_app.py`), the batch jobs' results (`_batch.py`) and the typed
builders of `mistral_sdk.testing`.
"""

from __future__ import annotations

import hashlib
import math
import struct
import uuid
from typing import Any

__all__ = ["EMBEDDING_SIZE", "embedding_vector", "embeddings", "usage"]

EMBEDDING_SIZE = 1024  # mistral-embed's
EMBED_MODEL = "mistral-embed"


def usage(prompt: int = 12, completion: int = 0) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def embedding_vector(text: str, size: int = EMBEDDING_SIZE) -> list[float]:
    """A unit vector of `size` floats, the same for the same text (a hash stretched to
    length), so that a test can compare similarities."""
    if size < 1:
        raise ValueError(f"size: an embedding has at least one dimension, got {size}")
    raw = b""
    counter = 0
    while len(raw) < 4 * size:
        raw += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    numbers = [n / 2**31 - 1.0 for n in struct.unpack(f"<{size}I", raw[: 4 * size])]
    norm = math.sqrt(sum(x * x for x in numbers)) or 1.0
    return [round(x / norm, 6) for x in numbers]


def _inputs(body: dict[str, Any]) -> list[str]:
    value = body.get("input", body.get("inputs"))
    if isinstance(value, list):
        return [v if isinstance(v, str) else str(v) for v in value]
    return [value if isinstance(value, str) else ""]


def embeddings(body: dict[str, Any]) -> dict[str, Any]:
    """`EmbeddingResponse` for an `embeddings.create` body: one vector per input, of its
    `output_dimension` (default `EMBEDDING_SIZE`), its model."""
    dimension = body.get("output_dimension")
    size = dimension if isinstance(dimension, int) and dimension > 0 else EMBEDDING_SIZE
    texts = _inputs(body)
    data = [
        {"object": "embedding", "index": i, "embedding": embedding_vector(text, size)}
        for i, text in enumerate(texts)
    ]
    tokens = sum(max(1, len(text.split())) for text in texts)
    return {
        "id": uuid.uuid4().hex,
        "object": "list",
        "model": body.get("model") or EMBED_MODEL,
        "data": data,
        "usage": usage(tokens, 0),
    }
