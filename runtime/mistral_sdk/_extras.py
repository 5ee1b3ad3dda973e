"""Fields the spec does not declare: `extra_fields(model)` reads those the server sent,
`with_extra_fields(obj, ...)` sends some inside a request object.

When Mistral ships a new field (`usage.prompt_tokens_details`, `choices[].logprobs`, ...),
the decoder skips it: the fast path stays as fast as decoding into the models. The JSON a
top-level model was decoded from stays referenced (not copied, not parsed) while the
model lives; `extra_fields` parses it on demand, untyped, and finds the JSON object of
the model asked about (the top-level one, or any model inside it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from ._check import WithExtra
from ._codec import Unknown, _enc_hook, fields_of, sources

__all__ = ["extra_fields", "with_extra_fields"]

_MISSING: Any = object()


def extra_fields(model: Any) -> dict[str, Any]:
    """The fields of `model` that the server sent but the spec does not declare, as
    plain JSON values (`{}` when there are none).

        reply = client.chat.complete(...)
        mistral_sdk.extra_fields(reply.usage)  # {"prompt_tokens_details": {"cached_tokens": 8}}

    `model` is a model the client decoded (a response, a stream event, or any model
    inside one) or one from `mistral_sdk.decode`. An `Unknown` holds everything it
    received in `.raw` already, so it has no extra fields.
    """
    if isinstance(model, Unknown):
        return {}
    if not isinstance(model, msgspec.Struct):
        raise TypeError(f"extra_fields() takes a model, not {type(model).__name__}")
    raw = _raw_object(model)
    if raw is _MISSING:
        raise ValueError(
            f"this {type(model).__name__} was not decoded from a server's answer (it was "
            "built in code, or its answer is gone): it has no extra fields to read"
        )
    declared = {f.encode_name for f in fields_of(type(model))}
    tag = model.__struct_config__.tag_field
    if tag is not None:
        declared.add(tag)
    return {k: v for k, v in raw.items() if k not in declared} if isinstance(raw, dict) else {}


def with_extra_fields(
    obj: Mapping[str, Any] | msgspec.Struct, fields: Mapping[str, Any] | None = None, /, **more: Any
) -> Any:
    """`obj`, a request object (a dict or a model), with fields its model does not
    declare: for a field the API takes before the spec describes it.

        messages=[with_extra_fields({"role": "user", "content": "hi"}, cache_hint="long")]

    Request dicts are checked before anything is sent, and a key the model does not
    declare is an error (most often a typo). In the object this returns, the declared
    fields are checked as usual and the extra ones (`fields`, `**more`) are sent as
    given. At the top level of a body, `extra_body=` does the same; a whole union
    variant the SDK does not know yet goes as `mistral_sdk.Unknown(value)`.

    Type checkers see `Any`: the object is more than its typed dict says, by design
    (as an `Unknown` is), and goes where that dict or model goes.
    """
    extra = {**(fields or {}), **more}
    if not extra:
        raise ValueError("with_extra_fields() needs at least one extra field")
    if isinstance(obj, msgspec.Struct):
        base = msgspec.to_builtins(obj, enc_hook=_enc_hook)
    elif isinstance(obj, Mapping):
        base = dict(obj)
    else:
        raise TypeError(f"with_extra_fields() takes a dict or a model, not {type(obj).__name__}")
    return WithExtra({**base, **extra}, extra)


def _raw_object(model: msgspec.Struct) -> Any:
    """The JSON value `model` was decoded from: its own document's, else the one of the
    decoded document that contains it (the latest first)."""
    entry = sources.get(id(model))
    if entry is not None and entry[0]() is model:
        return msgspec.json.decode(entry[1])
    for ref, data in reversed(list(sources.values())):
        root = ref()
        if root is None or not _contains(root, model):
            continue
        return _find(root, msgspec.json.decode(data), model)
    return _MISSING


def _contains(typed: Any, target: Any) -> bool:
    """Whether `target` is `typed` or inside it (by identity)."""
    if typed is target:
        return True
    if isinstance(typed, msgspec.Struct):
        return any(_contains(getattr(typed, f.name), target) for f in fields_of(type(typed)))
    if isinstance(typed, (list, tuple)):
        return any(_contains(item, target) for item in typed)
    if isinstance(typed, dict):
        return any(_contains(item, target) for item in typed.values())
    return False


def _find(typed: Any, raw: Any, target: Any) -> Any:
    """Walk the model and its JSON side by side down to `target`; its JSON value."""
    if typed is target:
        return raw
    if isinstance(typed, msgspec.Struct) and isinstance(raw, dict):
        for f in fields_of(type(typed)):
            child = getattr(typed, f.name)
            if isinstance(child, (msgspec.Struct, list, tuple, dict)):
                found = _find(child, raw.get(f.encode_name), target)
                if found is not _MISSING:
                    return found
    elif isinstance(typed, (list, tuple)) and isinstance(raw, list):
        for item, raw_item in zip(typed, raw, strict=False):
            found = _find(item, raw_item, target)
            if found is not _MISSING:
                return found
    elif isinstance(typed, dict) and isinstance(raw, dict):
        for key, item in typed.items():
            found = _find(item, raw.get(key), target)
            if found is not _MISSING:
                return found
    return _MISSING
