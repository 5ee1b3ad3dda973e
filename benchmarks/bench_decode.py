"""Decoding response bodies into typed objects, as each client does it.

mistral-sdk: `mistral_sdk.decode(body, models.X)` (msgspec, what the client calls).
official: `unmarshal_json(body.decode(), models.X)` (pydantic, what its methods call
on every response, text decoding included). floor: `msgspec.json.decode(body)`, untyped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import payloads
from timing import compare

# benchmark -> (body, our model name, the official SDK's model name)
CASES: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "decode_history": (payloads.conversation_history, "ConversationHistory", "ConversationHistory"),
    "decode_completion": (
        payloads.chat_completion,
        "ChatCompletionResponse",
        "ChatCompletionResponse",
    ),
    "decode_models": (payloads.model_list, "ModelList", "ModelList"),
    "decode_files": (payloads.file_list, "ListFilesResponse", "ListFilesResponse"),
}


def _programs(body: bytes, ours: str, theirs: str) -> dict[str, Callable[[], Any]]:
    from mistralai.client import models as official_models
    from mistralai.client.utils import unmarshal_json

    import mistral_sdk
    from mistral_sdk import models

    our_type = getattr(models, ours)
    their_type = getattr(official_models, theirs)
    return {
        "mistral-sdk": lambda: mistral_sdk.decode(body, our_type),
        "official": lambda: unmarshal_json(body.decode(), their_type),
        "floor": lambda: msgspec.json.decode(body),
    }


def _check(name: str, programs: dict[str, Callable[[], Any]]) -> None:
    """Both SDKs decode the body into their typed model, not a fallback."""
    from mistral_sdk import Unknown

    ours = programs["mistral-sdk"]()
    entries = getattr(ours, "entries", None) or getattr(ours, "data", None) or []
    unknown = [e for e in entries if isinstance(e, Unknown)]
    if unknown:
        raise RuntimeError(f"{name}: mistral-sdk decoded {len(unknown)} items as Unknown")
    programs["official"]()


def measure() -> dict[str, dict[str, float]]:
    """{benchmark: {program: seconds per decode}}"""
    results = {}
    for name, (build, ours, theirs) in CASES.items():
        programs = _programs(build(), ours, theirs)
        _check(name, programs)
        results[name] = compare(programs)
    return results


if __name__ == "__main__":
    for bench, row in measure().items():
        print(bench, {k: f"{v * 1e6:.0f} us" for k, v in row.items()})
