"""The JSON codec the client uses: `decode`, `encode`, request bodies, unions.

Decoding has two paths (docs/unions.md):

- the **fast path**: msgspec decodes straight into the generated Structs. Tagged
  unions whose variants carry `tag_field`/`tag` are dispatched by msgspec in C;
  unions it cannot express (several untagged objects, objects mixed with
  strings) are marker classes made by `union_type`, resolved by `_dec_hook`.
- the **lenient path**, taken only when the fast path fails: the same bytes are
  decoded against a *lenient twin* of the type, in which every union is a marker
  class whose hook turns an unknown tag into an `Unknown<Union>` holding the raw
  value, and matches a value without its tag by structure, in which an optional
  field the spec does not mark nullable reads `null` as absent (`UNSET`), and in
  which a `date-time` also reads a date alone or Unix seconds (`_dates`).
  A known tag with an invalid payload still fails, naming the JSON path. The
  twin's Structs are subclasses of the generated ones (same name, same fields),
  built once per type.

So a document whose tags are all known costs one native decode, and one with an
unknown variant somewhere costs two.
"""

from __future__ import annotations

import datetime
import re
import threading
import types
import uuid
import weakref
from collections.abc import Callable, Hashable, Mapping
from functools import cache, lru_cache
from typing import (
    Annotated,
    Any,
    Literal,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    overload,
)

import msgspec

from . import _check
from ._dates import LenientDateTime, read_datetime
from ._errors import RequestValidationError

T = TypeVar("T")

__all__ = [
    "CHECKER_ONLY_NAMES",
    "OpenUnion",
    "Unknown",
    "convert_body",
    "decode",
    "encode",
    "from_dict",
    "lenient_type",
    "union_tag",
    "union_type",
    "unknown_class",
]


class Unknown:
    """A union variant this version of the SDK does not know.

    `.raw` holds the JSON value as received; `encode` writes it back unchanged.
    Each union has its own subclass (`UnknownConversationEventData`, …), whose
    `union` names the union. An `Unknown` may also be passed in a request body to
    send a variant the SDK does not know yet.
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

    def to_dict(self) -> Any:
        """The JSON value as received (a model's `to_dict()` writes it so, too)."""
        return self.raw

    def to_json(self, *, indent: int = 0) -> str:
        """The JSON value as received, as text; `indent` > 0 pretty-prints."""
        data = encode(self.raw)
        return (msgspec.json.format(data, indent=indent) if indent else data).decode()


_unknown_classes: dict[str, type[Unknown]] = {}


def unknown_class(union: str) -> type[Unknown]:
    """The `Unknown` subclass of the union named `union` (one class per name)."""
    cls = _unknown_classes.get(union)
    if cls is None:
        cls = type(f"Unknown{union}", (Unknown,), {"__slots__": (), "union": union})
        cls.__module__ = "mistral_sdk"
        cls = _unknown_classes.setdefault(union, cls)
    return cls


class OpenUnion:
    """Marks a natively tagged union, `Annotated[A | B, OpenUnion("Name")]`.

    msgspec ignores it; the lenient path reads it to name the union's `Unknown`.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"OpenUnion({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OpenUnion) and other.name == self.name

    def __hash__(self) -> int:
        return hash((OpenUnion, self.name))


# --- unions msgspec cannot express: marker classes resolved by the hook ------------

_Resolved = tuple[dict[Any, Any], tuple[Any, ...], tuple[type, ...]]


class _UnionMeta(type):
    """`isinstance(x, SomeUnion)` is true for the union's variants (msgspec checks it)."""

    _tag: str | None
    _tagged_thunk: Callable[[], dict[str, Any]]
    _variants_thunk: Callable[[], tuple[Any, ...]]
    _resolved: _Resolved | None
    _unknown: type[Unknown]

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._resolve()[2])

    def _resolve(cls) -> _Resolved:
        if cls._resolved is None:
            tagged = cls._tagged_thunk()
            variants = cls._variants_thunk()
            found: set[type] = set()
            for v in variants:
                _classes_of(v, found)
            # a lenient twin's Structs subclass the generated ones: accept both
            accepted = {getattr(c, "__lenient_of__", c) for c in found}
            classes = tuple(sorted(accepted, key=lambda c: c.__qualname__))
            cls._resolved = (tagged, variants, (*classes, Unknown))
        return cls._resolved


def _classes_of(t: Any, out: set[type]) -> None:
    """The classes a value of type `t` may be an instance of (unions expanded)."""
    if isinstance(t, _UnionMeta):
        out.update(t._resolve()[2])
        return
    origin = get_origin(t)
    if origin is Annotated:
        _classes_of(get_args(t)[0], out)
    elif origin is Union or origin is types.UnionType:
        for member in get_args(t):
            _classes_of(member, out)
    else:
        cls = _runtime_class(t)
        if cls is not None:
            out.add(cls)


def _runtime_class(t: Any) -> type | None:
    origin = get_origin(t)
    if origin is Annotated:
        return _runtime_class(get_args(t)[0])
    if isinstance(t, _UnionMeta) or origin is Union or origin is types.UnionType:
        return None  # a union inside a union: any shape may match
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
    return _UnionMeta(
        name,
        (),
        {
            "_tag": tag,
            "_tagged_thunk": staticmethod(tagged),
            "_variants_thunk": staticmethod(variants),
            "_resolved": None,
            "_unknown": unknown_class(name),
            "__module__": __name__,
        },
    )


_MISSING: Any = object()


def _decode_union(cls: _UnionMeta, value: Any, open: bool) -> Any:
    tagged, variants, classes = cls._resolve()
    # JSON objects arrive as dicts, the common case: skip the class check for them
    if type(value) is not dict and isinstance(value, classes):  # a model (a request's)
        return value
    tag = cls._tag
    if tag is not None and isinstance(value, dict):
        tag_value = value.get(tag, _MISSING)
        if tag_value is not _MISSING:
            target = tagged.get(tag_value) if isinstance(tag_value, Hashable) else None
            if target is not None:
                return _convert_variant(value, target, open)
            if open and isinstance(tag_value, str):
                return cls._unknown(value)
            known = ", ".join(repr(k) for k in tagged)
            raise ValueError(f"unknown `{tag}` {tag_value!r} for `{cls.__name__}` (known: {known})")
    return _by_structure(cls.__name__, variants, value, open)


def _by_structure(name: str, variants: tuple[Any, ...], value: Any, open: bool) -> Any:
    """The variant a value without a (known) tag is: see docs/unions.md."""
    candidates = [v for v in variants if _matches(v, value)]
    errors: list[str] = []
    if isinstance(value, dict):
        structs = [v for v in candidates if _is_struct(v)]
        candidates = [v for v in candidates if not _is_struct(v)]
        ranked = _rank(structs, value)
        if not ranked and structs:
            # no variant has all its required fields: name the one the value resembles
            # most and what is wrong for it (a misspelled key, most often)
            classes = [c for c in map(_runtime_class, structs) if c is not None]
            closest = _check.closest_variant(classes, value)
            if closest is not None:
                raise ValueError(f"value matches no variant of `{name}`; {closest}")
            for v in structs:
                missing = ", ".join(f"`{k}`" for k in _required(v) if k not in value)
                errors.append(f"{_name(v)} lacks {missing}")
        # the most specific variants whose required fields are all present: their
        # errors are the value's errors (it never silently becomes another variant)
        tied = [v for v, score in ranked if score == ranked[0][1]]
        for variant in tied:
            try:
                return _convert_variant(value, variant, open)
            except ValueError as exc:
                if len(tied) == 1:
                    raise
                errors.append(f"{_name(variant)}: {exc}")
        if tied:
            raise ValueError(f"value matches no variant of `{name}` ({'; '.join(errors)})")
    for variant in candidates:
        try:
            return _convert_variant(value, variant, open)
        except ValueError as exc:
            errors.append(f"{_name(variant)}: {exc}")
    detail = "; ".join(errors) if errors else f"got {type(value).__name__}"
    raise ValueError(f"value matches no variant of `{name}` ({detail})")


def _name(variant: Any) -> str:
    return str(getattr(variant, "__name__", variant))


def _is_struct(variant: Any) -> bool:
    cls = _runtime_class(variant)
    return cls is not None and issubclass(cls, msgspec.Struct)


@cache
def _required(struct: Any) -> tuple[str, ...]:
    return tuple(
        f.encode_name
        for f in fields_of(struct)
        if f.default is msgspec.NODEFAULT and f.default_factory is msgspec.NODEFAULT
    )


@cache
def _null_default(struct: Any) -> tuple[str, ...]:
    """Fields the spec requires but that may be missing (nullable: they read as None)."""
    return tuple(f.encode_name for f in fields_of(struct) if f.default is None)


@cache
def _declared(struct: type) -> frozenset[str]:
    return frozenset(f.encode_name for f in fields_of(struct))


def _rank(structs: list[Any], value: dict[str, Any]) -> list[tuple[Any, tuple[int, int]]]:
    """Struct variants whose required fields are all in `value`, most specific first:
    most required fields (those the spec requires as nullable count when present),
    then most of the value's keys declared, then spec order."""
    scored = []
    for variant in structs:
        cls = cast(type, _runtime_class(variant))
        required = _required(cls)
        if all(k in value for k in required):
            covered = sum(1 for k in value if k in _declared(cls))
            present = sum(1 for k in _null_default(cls) if k in value)
            scored.append((variant, (len(required) + present, covered)))
    scored.sort(key=lambda item: (-item[1][0], -item[1][1]))  # stable: spec order on ties
    return scored


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


def _convert_variant(value: Any, target: Any, open: bool) -> Any:
    hook = _HOOKS[open]
    original = getattr(target, "__lenient_of__", None)
    if original is not None:
        # On the lenient path most variants hold nothing unknown: the generated class
        # converts them natively (nested unions in C); only a failure takes the twin.
        try:
            return msgspec.convert(value, original, dec_hook=hook, str_keys=True)
        except msgspec.ValidationError:
            pass
    try:
        return msgspec.convert(value, target, dec_hook=hook, str_keys=True, from_attributes=True)
    except msgspec.ValidationError as exc:
        # re-raised as ValueError so msgspec appends the outer path to the message
        raise ValueError(str(exc)) from None


def _union_hook(open: bool) -> Callable[[Any, Any], Any]:
    """msgspec's `dec_hook` for unions. `open`: an unknown tag is data (responses); else
    a mistake in a caller's dict, most likely a typo (request bodies), while an explicit
    `Unknown` instance is sent as it is."""

    def hook(type_: Any, value: Any) -> Any:
        if isinstance(type_, _UnionMeta):
            return _decode_union(type_, value, open)
        if type_ is LenientDateTime:
            return read_datetime(value)
        raise NotImplementedError(f"cannot decode {type_!r}")

    return hook


_dec_hook, _dec_hook_closed = _union_hook(True), _union_hook(False)
_HOOKS = {True: _dec_hook, False: _dec_hook_closed}


def union_tag(t: Any) -> str | None:
    """The name of the field that tags union `t`'s variants (None: not a tagged union)."""
    t = get_args(t)[0] if get_origin(t) is Annotated else t
    if isinstance(t, _UnionMeta):
        return t._tag
    members = get_args(t) if get_origin(t) in (Union, types.UnionType) else (t,)
    for member in members:
        config = getattr(member, "__struct_config__", None)
        if config is not None and config.tag_field is not None:
            return str(config.tag_field)
    return None


# --- the lenient twin of a type ------------------------------------------------------

_lock = threading.RLock()
_lenient: dict[Any, Any] = {}  # type -> its lenient twin (itself when nothing changes)
_mirrors: dict[type, type] = {}  # generated Struct -> its lenient subclass
_needs_mirror: dict[type, bool] = {}


def lenient_type(type_: Any) -> Any:
    """The lenient twin of `type_`: every union in it, at any depth, decoded by the
    hook (unknown tags kept as `Unknown`); `type_` itself when it has no union."""
    try:
        twin = _lenient.get(type_, _MISSING)
    except TypeError:  # an unhashable type expression
        with _lock:
            return _twin(type_)
    if twin is _MISSING:
        with _lock:
            twin = _lenient[type_] = _twin(type_)
    return twin


def _twin(t: Any) -> Any:
    if isinstance(t, _UnionMeta):
        return _open_marker(t.__name__, t._tag, t._tagged_thunk, t._variants_thunk)
    if t is datetime.datetime:
        return LenientDateTime
    if isinstance(t, type):
        if issubclass(t, msgspec.Struct) and _reaches_union(t):
            return _mirror(t)
        return t
    origin = get_origin(t)
    if origin is None or origin is Literal:
        return t
    args = get_args(t)
    if origin is Annotated:
        inner, *meta = args
        for m in meta:
            if isinstance(m, OpenUnion):
                return _native_marker(m.name, inner)
        new_inner = _twin(inner)
        params = (new_inner, *meta)
        return t if new_inner is inner else cast(Any, Annotated)[params]
    new_args = tuple(_twin(a) if a is not Ellipsis else a for a in args)
    if all(a is b for a, b in zip(new_args, args, strict=True)):
        return t
    if origin is Union or origin is types.UnionType:
        return Union[new_args]  # noqa: UP007 - built from a tuple
    return origin[new_args]


def _native_marker(name: str, union: Any) -> Any:
    """The hook marker standing in for `Annotated[A | B, OpenUnion(name)]`."""
    members = get_args(union) if get_origin(union) in (Union, types.UnionType) else (union,)
    tag: str | None = None
    tagged: dict[str, Any] = {}
    for member in members:
        config = getattr(member, "__struct_config__", None)
        if config is not None and config.tag_field is not None:
            tag = config.tag_field
            tagged[config.tag] = member
    key = (OpenUnion(name), union)
    twin = _lenient.get(key)
    if twin is None:
        twin = _lenient[key] = _open_marker(name, tag, lambda: tagged, lambda: members)
    return twin


def _open_marker(
    name: str,
    tag: str | None,
    tagged: Callable[[], dict[str, Any]],
    variants: Callable[[], tuple[Any, ...]],
) -> type:
    return union_type(
        name,
        tag=tag,
        tagged=lambda: {k: lenient_type(v) for k, v in tagged().items()},
        variants=lambda: tuple(lenient_type(v) for v in variants()),
    )


def _edges(t: Any, out: set[type]) -> bool:
    """Collect the Structs `t` refers to into `out`; whether `t` itself holds a union
    or a date-time (what the lenient twin reads differently)."""
    if isinstance(t, _UnionMeta):
        for v in t._variants_thunk():
            _edges(v, out)
        return True
    if t is datetime.datetime:
        return True
    if isinstance(t, type):
        if issubclass(t, msgspec.Struct):
            out.add(t)
        return False
    origin = get_origin(t)
    if origin is None or origin is Literal:
        return False
    args = get_args(t)
    found = origin is Annotated and any(isinstance(m, OpenUnion) for m in args[1:])
    for a in args if origin is not Annotated else args[:1]:
        found = _edges(a, out) or found
    return found


def _absent_if_null(t: Any) -> Any:
    """`X` when `t` is `X | UnsetType` without None (optional, not nullable): such a
    field reads `null` as absent on the lenient path; else None."""
    if get_origin(t) not in (Union, types.UnionType):
        return None
    args = get_args(t)
    if msgspec.UnsetType not in args or type(None) in args:
        return None
    rest = tuple(a for a in args if a is not msgspec.UnsetType)
    return rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007 - built from a tuple


def _reaches_union(struct: type) -> bool:
    """Whether any union, or an optional field that may arrive as `null`, can be reached
    from `struct`'s fields (so it needs a twin)."""
    known = _needs_mirror.get(struct)
    if known is not None:
        return known
    # the Structs reachable from `struct`, each with its direct answer and edges;
    # then a fixpoint, exact for every Struct of this closed subgraph
    direct: dict[type, bool] = {}
    edges: dict[type, set[type]] = {}
    todo = [struct]
    while todo:
        s = todo.pop()
        if s in direct:
            continue
        out: set[type] = set()
        direct[s] = any(
            [_edges(f.type, out) or _absent_if_null(f.type) is not None for f in fields_of(s)]
        )
        edges[s] = out
        todo.extend(c for c in out if c not in direct)
    needs = {s: d or _needs_mirror.get(s, False) for s, d in direct.items()}
    changed = True
    while changed:
        changed = False
        for s, children in edges.items():
            if not needs[s] and any(needs[c] for c in children):
                needs[s] = changed = True
    _needs_mirror.update(needs)
    return needs[struct]


def _mirror(struct: type) -> type:
    """A subclass of `struct` with the same fields, whose types are lenient twins."""
    known = _mirrors.get(struct)
    if known is not None:
        return known
    fields = fields_of(struct)
    namespace: dict[str, Any] = {
        "__module__": struct.__module__,
        "__qualname__": struct.__qualname__,
        "__doc__": struct.__doc__,
        "__lenient_of__": struct,
        # placeholders: the real types are set below, once this class exists, so
        # that recursive models can refer to their own twin
        "__annotations__": {f.name: Any for f in fields},
    }
    for f in fields:
        if (
            f.default is not msgspec.NODEFAULT
            or f.default_factory is not msgspec.NODEFAULT
            or f.encode_name != f.name
        ):
            namespace[f.name] = cast(Any, msgspec.field)(
                default=f.default,
                default_factory=f.default_factory,
                name=f.encode_name if f.encode_name != f.name else None,
            )
    # optional fields the spec does not mark nullable: `null` reads as absent
    absent = tuple(f.name for f in fields if _absent_if_null(f.type) is not None)
    if absent:
        namespace["__post_init__"] = _null_to_unset(absent)
    # every field is declared again here, so the twin's own config is all that counts
    mirror: type = type(struct)(struct.__name__, (struct,), namespace, kw_only=True)
    _mirrors[struct] = mirror
    for f in fields:
        inner = _absent_if_null(f.type)
        if inner is None:
            mirror.__annotations__[f.name] = _twin(f.type)
        else:  # accepts null, which __post_init__ turns into UNSET
            mirror.__annotations__[f.name] = Union[_twin(inner), None, msgspec.UnsetType]  # noqa: UP007
    return mirror


def _null_to_unset(names: tuple[str, ...]) -> Callable[[Any], None]:
    def __post_init__(self: Any) -> None:
        for name in names:
            if getattr(self, name) is None:
                setattr(self, name, msgspec.UNSET)

    return __post_init__


@cache
def fields_of(struct: type) -> tuple[msgspec.structs.FieldInfo, ...]:
    """`msgspec.structs.fields`, once per class."""
    return msgspec.structs.fields(struct)


# --- the public codec -----------------------------------------------------------------


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj.raw
    raise NotImplementedError(f"cannot encode objects of type {type(obj).__name__}")


_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)


@lru_cache(maxsize=1024)
def _decoder(type_: Hashable) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_, dec_hook=_dec_hook)


def _get_decoder(type_: Any) -> msgspec.json.Decoder[Any]:
    try:
        return _decoder(cast(Hashable, type_))
    except TypeError:  # an unhashable type expression: build the decoder each time
        return msgspec.json.Decoder(type_, dec_hook=_dec_hook)


# The JSON each decoded model came from, for `mistral_sdk.extra_fields` (fields the spec
# does not declare): id(model) -> (weak reference, JSON). Only a reference to the JSON
# is kept; nothing is parsed unless someone asks. A plain weak reference (no callback:
# the cheapest, as this runs for every decoded document and stream event); entries of
# dead models are swept once their number, or the size of their JSON, has grown enough.
sources: dict[int, tuple[weakref.ref[Any], bytes | str]] = {}
_SWEEP_BYTES = 32 * 1024 * 1024
_sweep = [1024, 0]  # [sweep when there are more entries than this, JSON bytes since]


def _remember(value: Any, data: bytes | str) -> None:
    try:
        ref = weakref.ref(value)
    except TypeError:  # a Struct of the caller's, without `weakref=True`
        return
    sources[id(value)] = (ref, data)
    _sweep[1] += len(data)
    if len(sources) > _sweep[0] or _sweep[1] > _SWEEP_BYTES:
        sweep_sources()


def sweep_sources() -> None:
    """Drop the entries of models that are gone."""
    with _lock:
        # a copy first (atomic): other threads may be adding entries meanwhile
        for key, (ref, _) in list(sources.items()):
            if ref() is None and sources.get(key, (None,))[0] is ref:  # not replaced since
                sources.pop(key, None)
        _sweep[0] = max(1024, 2 * len(sources))
        _sweep[1] = 0


@overload
def decode(data: bytes | str, type: type[T]) -> T: ...
@overload
def decode(data: bytes | str, type: Any) -> Any: ...
def decode(data: bytes | str, type: Any) -> Any:
    """Decode JSON `data` into `type` (a model or a type expression such as `list[Model]`).

    Union variants the SDK does not know decode to `Unknown` instances. Raises
    `msgspec.ValidationError` (with the JSON path) or `msgspec.DecodeError` (not
    JSON, or nested too deeply). Fields the spec does not declare are skipped, and
    reachable on demand with `mistral_sdk.extra_fields(model)`.
    """
    try:
        try:
            value = _get_decoder(type).decode(data)
        except msgspec.ValidationError:
            twin = lenient_type(type)
            if twin is type:
                raise
            try:
                value = _get_decoder(twin).decode(data)
            except msgspec.ValidationError as exc:
                raise msgspec.ValidationError(_flatten_path(str(exc))) from None
    except RecursionError:  # msgspec's answer to JSON nested thousands deep
        raise msgspec.DecodeError("JSON nested too deeply to decode") from None
    if isinstance(value, msgspec.Struct):
        _remember(value, data)
    return value


@overload
def from_dict(value: Any, type: type[T]) -> T: ...
@overload
def from_dict(value: Any, type: Any) -> Any: ...
def from_dict(value: Any, type: Any) -> Any:
    """Build `type` (a model or a type expression) from JSON-like builtins: what
    `to_dict()` gives back, or `json.loads` of what `to_json()` gives (`decode` takes
    the text itself). Read like `decode` reads JSON: unknown union variants become
    `Unknown`, undeclared fields are skipped. Raises `msgspec.ValidationError`.
    """
    try:
        return msgspec.convert(value, type, dec_hook=_dec_hook, str_keys=True)
    except msgspec.ValidationError:
        twin = lenient_type(type)
        if twin is type:
            raise
        try:
            return msgspec.convert(value, twin, dec_hook=_dec_hook, str_keys=True)
        except msgspec.ValidationError as exc:
            raise msgspec.ValidationError(_flatten_path(str(exc))) from None


def encode(obj: object) -> bytes:
    """Encode `obj` (a model, a plain value, or an `Unknown`) to JSON bytes."""
    return _encoder.encode(obj)


# What to do about a value the spec does not know: the API may accept it. A caller
# that is not Python code (a JSONL file, the command line) replaces it with its own.
UNKNOWN_VALUE_ADVICE = (
    "if the API accepts this value and the spec does not describe it yet, send it"
    " as is with mistral_sdk.Unknown(value) in its place, or in extra_body="
)


def convert_body(type_: Any, values: Any, root: str = "") -> Any:
    """Validate a request body before sending: plain dicts and lists become models.

    `values` is a mapping of wire names (a flattened method's keyword arguments)
    or any value for `body=`; `UNSET` entries are dropped so the request carries
    exactly what the caller set. `root` is the argument that holds the whole body
    (`body`, when it is not flattened): errors name the field from there
    (`body[0].email`), as a flattened body's do from the argument (`messages[2]`).
    """
    if values is msgspec.UNSET:  # an optional `body=` not given: the request has none
        return values
    if isinstance(values, _check.WithExtra):  # body=with_extra_fields(...)
        values = _check.WithExtra(
            {k: v for k, v in values.items() if v is not msgspec.UNSET}, values.extra
        )
    elif isinstance(values, Mapping) and not isinstance(values, msgspec.Struct):
        values = {k: v for k, v in values.items() if v is not msgspec.UNSET}
    try:
        strict = _strict_twins[type_]  # every call's: the dict, without a function call
    except (KeyError, TypeError):
        strict = _check.strict_type(type_)
    try:  # plain dicts, checked in C: unknown keys and missing fields are errors
        return msgspec.convert(values, strict, dec_hook=_dec_hook_closed, str_keys=True)
    except msgspec.ValidationError:
        pass  # a model of the caller's in it, or any of the cases below: the general path
    try:
        converted = msgspec.convert(values, type_, dec_hook=_dec_hook_closed, str_keys=True)
    except msgspec.ValidationError as exc:
        converted = _slow_convert(type_, values, root, exc)
    # the caller's dicts, beside what they became: unknown keys, missing fields
    return _check.check(values, converted, root)


_strict_twins = _check._strict  # type -> its strict twin


def _slow_convert(type_: Any, values: Any, root: str, error: msgspec.ValidationError) -> Any:
    """`convert_body` when the native conversion fails: ids given as `uuid.UUID`, a
    union value without its (optional) tag, an explicit `Unknown`; else the error."""
    # ids are `str` in the models; a caller may pass `uuid.UUID`s (sent as their text)
    as_text = _uuids_as_text(values)
    if as_text is not values:
        values = as_text
        try:
            return msgspec.convert(values, type_, dec_hook=_dec_hook_closed, str_keys=True)
        except msgspec.ValidationError as exc:
            error = exc
    # a dict without its (optional) tag, or an explicit Unknown: the lenient twin
    twin = lenient_type(type_)
    if twin is not type_:
        try:
            return msgspec.convert(
                values, twin, dec_hook=_dec_hook_closed, str_keys=True, from_attributes=True
            )
        except msgspec.ValidationError as exc:
            error = exc
    typo = _misspelled_required(str(error), values, root)
    if typo is not None:
        raise typo
    message = _readable(str(error), root)
    if "matches no variant" in message or "unknown `" in message:
        # the spec may be behind the API: say how to send the value anyway
        message += f"; {UNKNOWN_VALUE_ADVICE}"
    raise RequestValidationError(
        f"invalid request: {message}", field=_field_of(message, root)
    ) from None


_MISSING_FIELD = re.compile(r"Object missing required field `([^`]+)`")
_UNKNOWN_TAG = re.compile(r"unknown `([^`]+)` ")
# error paths only: compiled (and cached by `re`) when first needed
_CLOSEST = r".*; closest to `[^`]+`: (?:unknown|missing required) field `([^`]+)`"
_PATH_PART = r"\.([^.\[]+)|\[(\d+)\]"


def _misspelled_required(message: str, values: Any, root: str) -> RequestValidationError | None:
    """A required field is missing where the caller's dict has a key that misspells
    it (`paramters`): the error is about that key."""
    message = _flatten_path(message)
    problem, _, where = message.partition(" - at `$")
    missing = _MISSING_FIELD.match(problem)
    if missing is None:
        return None
    where = where.rstrip("`")
    obj: Any = values
    for key, index in re.findall(_PATH_PART, where):
        if isinstance(obj, Mapping) and key:
            obj = obj.get(key)
        elif isinstance(obj, (list, tuple)) and index and int(index) < len(obj):
            obj = obj[int(index)]
        else:
            return None
    if not isinstance(obj, Mapping):
        return None
    typo = next(
        (k for k in obj if _check.suggest(str(k), [missing.group(1)]) == missing.group(1)), None
    )
    if typo is None:
        return None
    path = f"{root}{where}.{typo}".lstrip(".")
    return RequestValidationError(
        f"invalid request: `{path}`: unknown field; did you mean {missing.group(1)!r}?"
        f" (`{missing.group(1)}` is required)",
        field=path,
    )


def _field_of(message: str, root: str = "") -> str | None:
    """The full path of the field a `_readable` message is about, if any.

    `messages[2].content[0]`: Object missing required field `image_url` is about
    `messages[2].content[0].image_url`; an unknown tag is about the tag field
    (`messages[0].role`); anything else about the path the message names.
    """
    if not message.startswith("`"):
        return None
    where, _, problem = message[1:].partition("`")
    problem = problem.lstrip(": ")
    inner = (
        _MISSING_FIELD.match(problem) or _UNKNOWN_TAG.match(problem) or re.match(_CLOSEST, problem)
    )
    if inner:
        # a flattened body's top level is the method's keyword arguments themselves
        top = not root and where in ("", "body")
        return inner.group(1) if top else f"{where}.{inner.group(1)}"
    return where or None


def _uuids_as_text(value: Any) -> Any:
    """`value` with every `uuid.UUID` in plain containers as its string; `value`
    itself (the same object) when there is none."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping) and not isinstance(value, msgspec.Struct):
        items = {k: _uuids_as_text(v) for k, v in value.items()}
        changed = any(items[k] is not v for k, v in value.items())
        return items if changed else value
    if isinstance(value, (list, tuple)):
        converted = [_uuids_as_text(v) for v in value]
        return (
            converted if any(a is not b for a, b in zip(converted, value, strict=True)) else value
        )
    return value


def _flatten_path(message: str) -> str:
    """`P - at `$.x` - at `$.items[0]`` (a hook inside a hook) → `P - at `$.items[0].x``.

    Only paths one after the other are nested: a message that lists the errors of
    several variants (`no variant of X (A: … - at `$.a`; B: … - at `$.b`)`) stays."""
    problem, *paths = message.split(" - at `$")
    if len(paths) < 2 or not all(p.endswith("`") and p.count("`") == 1 for p in paths):
        return message
    joined = "".join(p.rstrip("`") for p in reversed(paths))
    return f"{problem} - at `${joined}`"


def _readable(message: str, root: str = "") -> str:
    """`Expected `int`, got `str` - at `$.messages[0].x`` → mentions the field first."""
    message = _flatten_path(message)
    if " - at `$" in message:
        problem, _, where = message.partition(" - at `$")
        field = f"{root}{where.rstrip('`')}".lstrip(".") or "body"
        return f"`{field}`: {problem}"
    if root:
        return f"`{root}`: {message}"
    return message


class _CheckerOnlyNames(dict[str, Any]):
    """The names generated signatures import for type checkers only, as code that reads
    the signatures at run time evaluates them (the command line's flags, the local mock's
    sample arguments): `Unknown`, and the typed dicts (`params.XParam`, `XParam`), each
    of which is on the wire what it is here, a JSON object."""

    def __missing__(self, name: str) -> Any:
        if name.endswith("Param"):
            return dict[str, Any]
        raise KeyError(name)


class _ParamsAsObjects:
    def __getattr__(self, name: str) -> Any:
        return dict[str, Any]


# `typing.get_type_hints(method, localns=CHECKER_ONLY_NAMES)`
CHECKER_ONLY_NAMES: Mapping[str, Any] = _CheckerOnlyNames(
    params=_ParamsAsObjects(), Unknown=Unknown
)
