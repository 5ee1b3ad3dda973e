"""The JSON codec the client uses: `decode`, `encode`, and request-body conversion."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

_encoder = msgspec.json.Encoder()


def decode(data: bytes | str, type: type[T] | Any) -> T:  # noqa: A002 - public name from the guide
    """Decode JSON `data` into `type` (a model or a type expression such as `list[Model]`)."""
    return msgspec.json.decode(data, type=type)  # type: ignore[no-any-return]


def encode(obj: object) -> bytes:
    """Encode `obj` (a model, a plain value, or an `Unknown`) to JSON bytes."""
    return _encoder.encode(obj)
