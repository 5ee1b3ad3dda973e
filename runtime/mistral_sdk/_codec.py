"""The JSON codec the client uses: `decode`, `encode`, request bodies, unions.

msgspec decodes most of the API natively, tagged unions included (their variants
carry `tag_field`/`tag`). Unions it cannot express — several untagged objects, or
objects mixed with strings and lists — are small marker classes made by
`union_type`; `_dec_hook` resolves them (see docs/unions.md for the rule).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from functools import lru_cache
from typing import Any, TypeVar, cast

import msgspec

from ._errors import RequestValidationError

T = TypeVar("T")

__all__ = ["Unknown", "convert_body", "decode", "encode", "union_type"]


class Unknown:
    """A union variant this version of the SDK does not know.

    `.raw` holds the JSON value as received; `encode` writes it back unchanged.
    Each union has its own subclass (`UnknownConversationEvent`, …).
    """

    __slots__ = ("raw",)
    union: str = ""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def __repr__(self) -> str:
        return f"{type(self).__name__}(raw={self.raw!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and type(other) is type(self) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash((type(self), repr(self.raw)))


class _UnionMeta(type):
    """`isinstance(x, SomeUnion)` is true for the union's variants (msgspec checks it)."""

    _tag: str | None
    _tagged_thunk: Callable[[], dict[str, Any]]
    _variants_thunk: Callable[[], tuple[Any, ...]]
    _resolved: tuple[dict[str, Any], tuple[Any, ...], tuple[type, ...]] | None

    def __instancecheck__(cls, obj: object) -> bool:
        _, _, classes = cls._resolve()
        return isinstance(obj, classes)

    def _resolve(cls) -> tuple[dict[str, Any], tuple[Any, ...], tuple[type, ...]]:
        if cls._resolved is None:
            tagged = cls._tagged_thunk()
            variants = cls._variants_thunk()
            found = {_runtime_class(v) for v in variants}
            classes = tuple(c for c in found if c is not None)
            unknown: type = cls._unknown  # type: ignore[attr-defined]
            cls._resolved = (tagged, variants, (*classes, unknown))
        return cls._resolved


def _runtime_class(t: Any) -> type | None:
    origin = getattr(t, "__origin__", None)
    if origin is not None:
        return origin if isinstance(origin, type) else None
    return t if isinstance(t, type) else None


def union_type(
    name: str,
    *,
    tag: str | None,
    tagged: Callable[[], dict[str, Any]],
    variants: Callable[[], tuple[Any, ...]],
) -> type:
    """Make the run-time stand-in for a union msgspec cannot decode itself.

    `tagged` and `variants` are thunks so that variants defined later (or in
    modules imported later) resolve on first use.
    """
    unknown = type(f"Unknown{name}", (Unknown,), {"__slots__": (), "union": name})
    return _UnionMeta(
        name,
        (),
        {
            "_tag": tag,
            "_tagged_thunk": staticmethod(tagged),
            "_variants_thunk": staticmethod(variants),
            "_resolved": None,
            "_unknown": unknown,
            "__module__": __name__,
        },
    )


def _matches(variant: Any, value: Any) -> bool:
    """Cheap pre-check of whether `value` could decode as `variant` (by JSON shape)."""
    cls = _runtime_class(variant)
    if cls is None:
        return True
    if isinstance(value, dict):
        return issubclass(cls, (dict, msgspec.Struct))
    if isinstance(value, list):
        return issubclass(cls, (list, tuple))
    if isinstance(value, bool):
        return cls is bool
    if isinstance(value, (int, float)):
        return cls in (int, float)
    if isinstance(value, str):
        return not issubclass(cls, (dict, list, tuple, msgspec.Struct, int, float))
    return value is None and cls is type(None)


def _decode_union(cls: _UnionMeta, value: Any) -> Any:
    tagged, variants, classes = cls._resolve()
    if isinstance(value, classes):  # already a model (request bodies built from Structs)
        return value
    if cls._tag is not None and isinstance(value, dict) and cls._tag in value:
        target = tagged.get(value[cls._tag])
        if target is None:
            return cls._unknown(value)  # type: ignore[attr-defined]
        return _convert_variant(value, target)
    errors: list[str] = []
    for variant in variants:
        if not _matches(variant, value):
            continue
        try:
            return _convert_variant(value, variant)
        except (msgspec.ValidationError, ValueError) as exc:
            errors.append(f"{getattr(variant, '__name__', variant)}: {exc}")
    detail = "; ".join(errors) if errors else f"got {type(value).__name__}"
    raise ValueError(f"value matches no variant of `{cls.__name__}` ({detail})")


def _convert_variant(value: Any, target: Any) -> Any:
    try:
        return msgspec.convert(value, target, dec_hook=_dec_hook, str_keys=True)
    except msgspec.ValidationError as exc:
        # re-raised as ValueError so msgspec appends the outer path to the message
        raise ValueError(str(exc)) from None


def _dec_hook(type_: Any, value: Any) -> Any:
    if isinstance(type_, _UnionMeta):
        return _decode_union(type_, value)
    raise NotImplementedError(f"cannot decode {type_!r}")


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj.raw
    raise NotImplementedError(f"cannot encode objects of type {type(obj).__name__}")


_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)


@lru_cache(maxsize=1024)
def _decoder(type_: Hashable) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_, dec_hook=_dec_hook)


def decode(data: bytes | str, type: type[T] | Any) -> T:
    """Decode JSON `data` into `type` (a model or a type expression such as `list[Model]`).

    Raises `msgspec.ValidationError` (with the JSON path) or `msgspec.DecodeError`.
    """
    try:
        decoder = _decoder(cast(Hashable, type))
    except TypeError:  # an unhashable type expression: build the decoder each time
        decoder = msgspec.json.Decoder(type, dec_hook=_dec_hook)
    return cast(T, decoder.decode(data))


def encode(obj: object) -> bytes:
    """Encode `obj` (a model, a plain value, or an `Unknown`) to JSON bytes."""
    return _encoder.encode(obj)


def convert_body(type_: Any, values: Any) -> Any:
    """Validate a request body before sending: plain dicts and lists become models.

    `values` is a mapping of wire names (a flattened method's keyword arguments)
    or any value for `body=`; `UNSET` entries are dropped so the request carries
    exactly what the caller set.
    """
    if isinstance(values, Mapping) and not isinstance(values, msgspec.Struct):
        values = {k: v for k, v in values.items() if v is not msgspec.UNSET}
    try:
        return msgspec.convert(values, type_, dec_hook=_dec_hook, str_keys=True)
    except msgspec.ValidationError as exc:
        raise RequestValidationError(f"invalid request: {_readable(str(exc))}") from None


def _readable(message: str) -> str:
    """`Expected `int`, got `str` - at `$.messages[0].x`` → mentions the field first."""
    if " - at `$" in message:
        problem, _, where = message.partition(" - at `$")
        field = where.rstrip("`").lstrip(".") or "body"
        return f"`{field}`: {problem}"
    return message
