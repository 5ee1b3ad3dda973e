"""A caller's dicts checked against the models they became: unknown keys and missing
required fields are errors, named by their full path, with the closest known key.

The generated models skip keys they do not declare and read a missing required
nullable field as None, which decoding a response must do. A request body is checked
in two steps:

- `strict_type(T)`, the *strict twin* of a type: every model in it a subclass with
  `forbid_unknown_fields` whose required nullable fields have no default. A body of
  plain dicts (the common case) converts into it in C, checks included, at the cost
  of the plain conversion.
- when that fails (a model of the caller's inside, an id as `uuid.UUID`, a variant
  without its optional tag, an `Unknown`, `with_extra_fields`, or a mistake), the
  body is converted as before and `check` walks the caller's dicts beside the models
  msgspec made of them: the model says which variant of a union a dict became and
  which keys it declares, so nothing about unions is decided twice, and the error
  names the full path and the key a misspelled one most likely means.

`WithExtra` (made by `mistral_sdk.with_extra_fields`) is the way to send a field the
spec does not declare yet inside a nested object: its declared keys are checked as
usual, and it is sent as given, extra keys included.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

import msgspec

from ._errors import RequestValidationError

__all__ = ["WithExtra", "check", "closest_variant", "strict_type", "suggest"]


class WithExtra(dict[str, Any]):
    """A request object holding fields its model does not declare (`extra`): sent as
    given. Made by `mistral_sdk.with_extra_fields`."""

    __slots__ = ("extra",)

    def __init__(self, fields: Mapping[str, Any], extra: Iterable[str]) -> None:
        super().__init__(fields)
        self.extra = frozenset(extra)


class _Shape:
    """What the check needs of a model class, computed once per class."""

    __slots__ = ("declared", "name", "nested", "required")

    def __init__(
        self,
        name: str,
        declared: frozenset[str],
        required: tuple[str, ...],
        nested: tuple[tuple[str, str], ...],
    ) -> None:
        self.name = name
        self.declared = declared  # wire names, the tag field included
        # required fields that msgspec lets be missing (required + nullable: they read
        # as None, so decoding tolerates a server that omits them); a caller gives them
        self.required = required
        self.nested = nested  # (wire name, attribute) of the fields that hold models


_shapes: dict[type, _Shape] = {}
_MISSING: Any = object()


# --- the strict twin ------------------------------------------------------------------

_strict: dict[Any, Any] = {}  # type -> its strict twin


def strict_type(t: Any) -> Any:
    """The strict twin of `t` (see the module docstring); built once per type."""
    try:
        twin = _strict.get(t, _MISSING)
    except TypeError:  # an unhashable type expression
        with _codec._lock:
            return _twin(t)
    if twin is _MISSING:
        with _codec._lock:
            twin = _strict[t] = _twin(t)
    return twin


def _twin(t: Any) -> Any:
    if isinstance(t, _codec._UnionMeta):
        tagged, variants = t._tagged_thunk, t._variants_thunk
        return _codec.union_type(
            t.__name__,
            tag=t._tag,
            tagged=lambda: {k: strict_type(v) for k, v in tagged().items()},
            variants=lambda: tuple(strict_type(v) for v in variants()),
        )
    if isinstance(t, type):
        return _mirror(t) if issubclass(t, msgspec.Struct) else t
    origin = get_origin(t)
    if origin is None or origin is Literal:
        return t
    args = get_args(t)
    if origin is Annotated:  # a natively tagged union stays native: its variants' twins
        inner = _twin(args[0])
        params = (inner, *args[1:])
        return t if inner is args[0] else cast(Any, Annotated)[params]
    new = tuple(a if a is Ellipsis else _twin(a) for a in args)
    if all(a is b for a, b in zip(new, args, strict=True)):
        return t
    if origin is Union or origin is types.UnionType:
        return Union[new]  # noqa: UP007 - built from a tuple
    return origin[new]


def _mirror(struct: type) -> type:
    """A subclass of `struct` that refuses unknown keys and requires every field the
    spec requires (same name, same wire names, same tag)."""
    known = _strict.get(struct)
    if known is not None:
        return cast(type, known)
    fields = msgspec.structs.fields(struct)
    namespace: dict[str, Any] = {
        "__module__": struct.__module__,
        "__qualname__": struct.__qualname__,
        "__doc__": struct.__doc__,
        # placeholders: the real types are set once the class exists (recursive models)
        "__annotations__": {f.name: Any for f in fields},
    }
    for f in fields:
        default = msgspec.NODEFAULT if f.default is None else f.default  # None: required
        namespace[f.name] = cast(Any, msgspec.field)(
            default=default,
            default_factory=f.default_factory,
            name=f.encode_name if f.encode_name != f.name else None,
        )
    mirror: type = type(struct)(
        struct.__name__, (struct,), namespace, kw_only=True, forbid_unknown_fields=True
    )
    _strict[struct] = mirror
    for f in fields:
        mirror.__annotations__[f.name] = _twin(f.type)
    return mirror


# --- the walk ---------------------------------------------------------------------------


def _shape(cls: type) -> _Shape:
    shape = _shapes.get(cls)
    if shape is None:
        original: Any = getattr(cls, "__lenient_of__", cls)  # a lenient twin: the same fields
        fields = msgspec.structs.fields(original)
        declared = {f.encode_name for f in fields}
        tag = original.__struct_config__.tag_field
        if tag is not None:
            declared.add(tag)
        shape = _shapes[cls] = _Shape(
            original.__name__,
            frozenset(declared),
            tuple(f.encode_name for f in fields if f.default is None),
            tuple((f.encode_name, f.name) for f in fields if _holds_models(f.type)),
        )
    return shape


def _holds_models(t: Any) -> bool:
    """Whether a value of type `t` may contain a model (a Struct or a union marker)."""
    if isinstance(t, type):
        return issubclass(t, msgspec.Struct) or isinstance(t, _codec._UnionMeta)
    origin = get_origin(t)
    if origin is None or origin is Literal:
        return False
    args = get_args(t)
    if origin is Annotated:
        args = args[:1]
    return any(_holds_models(a) for a in args if a is not Ellipsis)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check(value: Any, converted: Any, root: str = "") -> Any:
    """Raise `RequestValidationError` for a key of a caller's dict that its model does
    not declare, or a required field it lacks; `converted` is what msgspec made of
    `value`, `root` the argument holding it when not flattened (`body`). Returns
    `converted`, each `WithExtra` in it replaced by the value to send as given."""
    try:
        return _walk(value, converted)
    except _Found as found:
        path = _path_to(value, found.obj, root)
        raise found.error(path) from None


class _Found(Exception):
    """A problem in the dict `obj`; the path to it is looked up only then."""

    def __init__(self, obj: Mapping[str, Any], key: str, shape: _Shape, missing: bool) -> None:
        self.obj, self.key, self.shape, self.missing = obj, key, shape, missing

    def error(self, path: str | None) -> RequestValidationError:
        where = _join(path or "", self.key)
        if self.missing:
            return RequestValidationError(
                f"invalid request: `{path or 'body'}`: Object missing required field `{self.key}`",
                field=where,
            )
        return _unknown(self.obj, self.key, where, self.shape)


def _is_mapping(value: Any) -> bool:
    kind = type(value)
    return (
        kind is dict
        or kind is WithExtra
        or (isinstance(value, Mapping) and not isinstance(value, msgspec.Struct))
    )


def _walk(value: Any, converted: Any) -> Any:
    if value is converted:  # a model of the caller's, a string, a number: as given
        return converted
    if isinstance(converted, msgspec.Struct):
        if not _is_mapping(value):
            return converted
        shape = _shape(type(converted))
        declared = shape.declared
        for key in value:
            if key not in declared and not (type(value) is WithExtra and key in value.extra):
                raise _Found(value, key, shape, missing=False)
        for key in shape.required:
            if key not in value:
                raise _Found(value, key, shape, missing=True)
        for wire, attr in shape.nested:
            child = value.get(wire)
            if child is not None:
                converted_child = getattr(converted, attr)
                new = _walk(child, converted_child)
                if new is not converted_child:
                    setattr(converted, attr, new)
        if type(value) is WithExtra:
            return _codec.Unknown(value)
    elif type(converted) is list:
        kind = type(value)
        if kind is list or kind is tuple:
            for i, item in enumerate(value):
                converted_item = converted[i]
                if item is not converted_item:
                    new = _walk(item, converted_item)
                    if new is not converted_item:
                        converted[i] = new
    elif type(converted) is dict and _is_mapping(value):
        for key, item in value.items():
            converted_item = converted.get(key, _MISSING)
            if converted_item is not _MISSING and item is not converted_item:
                new = _walk(item, converted_item)
                if new is not converted_item:
                    converted[key] = new
    return converted


def _path_to(value: Any, target: Any, path: str) -> str | None:
    """The path of `target` (by identity) inside the caller's `value`."""
    if value is target:
        return path
    if _is_mapping(value):
        for key, item in value.items():
            found = _path_to(item, target, _join(path, str(key)))
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _path_to(item, target, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def suggest(key: str, known: Iterable[str]) -> str | None:
    """The known key `key` most likely misspells, if one is close enough."""
    import difflib  # only when there is a mistake to explain: 1 ms of import saved

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _unknown(
    value: Mapping[str, Any], key: str, where: str, shape: _Shape
) -> RequestValidationError:
    missing = [k for k in shape.declared if k not in value]
    close = suggest(str(key), missing) or suggest(str(key), shape.declared)
    if close is not None:
        problem = f"unknown field; did you mean {close!r}?"
    else:
        problem = (
            f"unknown field (`{shape.name}` has {', '.join(sorted(shape.declared))}); if the"
            " API takes it and the spec does not describe it yet, send the object with"
            " mistral_sdk.with_extra_fields(...), or the whole field in extra_body="
        )
    return RequestValidationError(f"invalid request: `{where}`: {problem}", field=where)


# --- the error of a dict that matches no variant of a union ---------------------------


def closest_variant(variants: Iterable[type], value: Mapping[str, Any]) -> str | None:
    """What is wrong with `value` for the model variant it resembles most: its unknown
    keys (with the key each most likely misspells) and the required fields it lacks;
    None when no variant shares a key with it."""
    best: tuple[float, int, str] | None = None
    for cls in variants:
        if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
            continue
        shape = _shape(cls)
        known = sum(1 for k in value if k in shape.declared)
        typos = sum(1 for k in value if k not in shape.declared and suggest(str(k), shape.declared))
        required = _required(cls)
        missing = [k for k in required if k not in value]
        score = known + 0.5 * typos
        if score and (best is None or (score, -len(missing)) > (best[0], best[1])):
            best = (score, -len(missing), _describe(cls, shape, value, missing))
    return best[2] if best is not None else None


def _required(cls: type) -> list[str]:
    original = getattr(cls, "__lenient_of__", cls)
    return [
        f.encode_name
        for f in msgspec.structs.fields(original)
        if f.default is None
        or (f.default is msgspec.NODEFAULT and f.default_factory is msgspec.NODEFAULT)
    ]


def _describe(cls: type, shape: _Shape, value: Mapping[str, Any], missing: list[str]) -> str:
    problems = []
    for key in value:
        if key not in shape.declared:
            close = suggest(str(key), missing) or suggest(str(key), shape.declared)
            hint = f" (did you mean `{close}`?)" if close else ""
            problems.append(f"unknown field `{key}`{hint}")
    problems.extend(f"missing required field `{k}`" for k in missing)
    if not problems:
        return f"closest to `{shape.name}`"
    return f"closest to `{shape.name}`: {', '.join(problems)}"


# Last, as _codec imports this module: whichever of the two is imported first, both
# are whole before anything here runs (their names are read at call time).
from . import _codec  # noqa: E402
