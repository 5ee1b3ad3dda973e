"""JSON schemas of Python types (msgspec Structs, dataclasses, …) for the API.

Used for structured outputs (`chat.parse`) and function tools built from Python
callables. msgspec writes the schema; this module inlines the top-level `$ref`
and, for strict schemas, closes every object (`additionalProperties: false`).
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["json_schema"]


def _close_objects(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)


def json_schema(tp: Any, *, strict: bool = False) -> dict[str, Any]:
    """The JSON schema of `tp` with the top-level definition inlined."""
    try:
        schema: dict[str, Any] = msgspec.json.schema(tp)
    except TypeError as exc:
        raise TypeError(f"cannot describe {tp!r} as a JSON schema: {exc}") from None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        defs = dict(schema.get("$defs", {}))
        name = ref.removeprefix("#/$defs/")
        # A self-referencing type keeps its definition for the inner references.
        referenced = msgspec.json.encode(list(defs.values())).find(ref.encode()) >= 0
        root = dict(defs[name]) if referenced else defs.pop(name)
        schema = root if not defs else {**root, "$defs": defs}
    if strict:
        _close_objects(schema)
    return schema
