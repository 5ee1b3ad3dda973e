"""The API surface: every Python call and model of an SDK, one text line each.

`spec/surface.txt` is this text for the tracked spec. It is written for reading in a
pull-request diff, and it is also read back (`parse_text`), so that `diff` can compare
a committed surface with a new spec without the old spec at hand. Types are strings
here: the surface records what a caller sees, not how it is decoded.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import helpers, ir, read_api
from .merge import SupplementChoice
from .overlay import Overlay

MAGIC = "# mistral-sdk API surface:"
LEGEND = (
    "# Written by `python -m generator surface`; `make check-generated` fails when it is stale.",
    "# METHOD /path -> client.call(args) -> return type [body: request model] [deprecated]",
    "# model|enum|union|alias Name ...; `name: T` is required, `name?: T` optional,",
    "# `name = value` a constant; arguments after `*` are keyword-only.",
)
# Opens the part of the surface that comes from the supplement (docs/spec.md): the
# operations the public spec lacks, and the models only they use.
SUPPLEMENT_MARK = "# supplement:"


# --- the surface -------------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    name: str
    type: str
    required: bool
    positional: bool = False
    const: str | None = None  # model fields only: a single-value field, always sent


@dataclass(frozen=True)
class Call:
    """One Python method of an operation (`chat.complete`; `chat.stream` is a second one)."""

    call: str
    args: tuple[Arg, ...]
    returns: str

    @property
    def streaming(self) -> bool:
        return self.returns.startswith("Stream[")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # spec path template, fragment included: the identity across specs
    calls: tuple[Call, ...]
    body: str = ""  # "body: Model" / "multipart: Model" when the body is flattened
    deprecated: bool = False
    source: str = "spec"  # or "supplement": the public spec lacks it (docs/spec.md)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Definition:
    """A model (`fields`), enum (`values`), union (`members`, `tag`) or alias (`type`)."""

    kind: str
    name: str
    fields: tuple[Arg, ...] = ()
    values: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    tag: str | None = None
    type: str = ""
    deprecated: bool = False
    source: str = "spec"  # or "supplement": defined there, not in the public spec


@dataclass(frozen=True)
class Surface:
    label: str  # "<title> <version>"
    operations: dict[str, Operation]  # by "METHOD /path"
    definitions: dict[str, Definition]  # by name
    # the official SDK release the supplement was read from ("mistralai 3.7.0"); ""
    # when the surface has no supplement
    supplement: str = ""


# --- IR → surface ----------------------------------------------------------------

_PRIM = {"datetime": "datetime", "uuid": "str", "any": "Any", "none": "None"}


def literal(value: str | int | float | bool) -> str:
    """A constant as the surface writes it: strings JSON-quoted (safe to split on)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def type_text(texpr: ir.TypeExpr) -> str:
    if isinstance(texpr, ir.Prim):
        return _PRIM.get(texpr.kind, texpr.kind)
    if isinstance(texpr, ir.Ref):
        return texpr.name
    if isinstance(texpr, ir.ListOf):
        return f"list[{type_text(texpr.item)}]"
    if isinstance(texpr, ir.TupleOf):
        return f"tuple[{', '.join(type_text(t) for t in texpr.items)}]"
    if isinstance(texpr, ir.MapOf):
        return f"dict[str, {type_text(texpr.value)}]"
    if isinstance(texpr, ir.Const):
        return f"Literal[{literal(texpr.value)}]"
    if isinstance(texpr, ir.UnionOf):
        return " | ".join(type_text(t) for t in texpr.members)
    if isinstance(texpr, ir.Nullable):
        return f"{type_text(texpr.inner)} | None"
    raise TypeError(f"unknown type expression {texpr!r}")


def _returns(response: ir.Response, paged: ir.Pagination | None = None) -> str:
    if response.kind == "json" and paged is not None:
        assert response.type is not None
        return f"Page[{type_text(paged.item_type)}, {type_text(response.type)}]"
    if response.kind == "json":
        assert response.type is not None
        return type_text(response.type)
    if response.kind == "sse":
        assert response.type is not None
        return f"Stream[{type_text(response.type)}]"
    return "BinaryContent" if response.kind == "binary" else "None"


def _call(resource: str, op: ir.Operation, m: ir.Method) -> Call:
    args: list[Arg] = []
    for p in op.arguments(m):  # as the generated method takes them
        if p.is_file:
            inner = p.type.inner if isinstance(p.type, ir.Nullable) else p.type
            text = "list[FileInput]" if isinstance(inner, ir.ListOf) else "FileInput"
        else:
            text = type_text(p.type)
        required = p.required and not p.null_default
        args.append(Arg(p.name, text, required, positional=p.location == "path"))
    if op.connectors_field:  # the keyword the renderer adds (overlay: connectors_field)
        args.append(Arg("connectors", "list[ConnectorSlot] | None", False))
    if helpers.takes_progress(op, m):  # the keyword the renderer adds
        args.append(Arg("progress", "ProgressCallback | None", False))
    return Call(f"{resource}.{m.name}", tuple(args), _returns(m.response, m.pagination))


def _resources(node: ir.Resource, out: dict[int, str]) -> dict[int, str]:
    for op in node.operations:
        out[id(op)] = ".".join(node.path)
    for child in node.children.values():
        _resources(child, out)
    return out


def _definition(d: ir.Definition, source: str) -> Definition:
    if isinstance(d, ir.Model):
        fields = tuple(
            Arg(f.name, type_text(f.type), f.required and not f.null_default)
            if f.const is None
            else Arg(f.name, "", True, const=literal(f.const.value))  # nothing to pass
            for f in d.fields
        )
        return Definition("model", d.name, fields=fields, deprecated=d.deprecated, source=source)
    if isinstance(d, ir.Enum):
        values = tuple(sorted(literal(v) for v in d.values))
        return Definition("enum", d.name, values=values, source=source)
    if isinstance(d, ir.Union_):
        members = tuple(sorted({type_text(v.type) for v in d.variants}))
        return Definition("union", d.name, members=members, tag=d.tag, source=source)
    return Definition("alias", d.name, type=type_text(d.type), source=source)


def from_api(api: ir.API) -> Surface:
    where = _resources(api.root, {})
    ops: dict[str, Operation] = {}
    for op in api.operations:
        resource = where[id(op)]
        body = ""
        if op.flattened and op.body_type is not None:
            kind = "body" if op.body_kind == "json" else "multipart"
            body = f"{kind}: {type_text(op.body_type)}"
        calls = tuple(_call(resource, op, m) for m in op.methods)
        entry = Operation(op.method, op.path, calls, body, op.deprecated, op.source)
        ops[entry.key] = entry
    defs = {name: _definition(d, api.source_of(d.pointer)) for name, d in api.definitions.items()}
    supplement = api.supplement.release if api.supplement else ""
    return Surface(f"{api.title} {api.version}".strip(), ops, defs, supplement)


def read_spec(
    path: str | Path, overlay: Overlay | None = None, supplement: SupplementChoice = None
) -> Surface:
    """Parse an OpenAPI document (with `overlay`, by default the project's, and the
    supplement beside it, or `supplement`); raise SpecError when the generator cannot
    read it."""
    return from_api(read_api(path, overlay, supplement)[0])


# --- surface → text ------------------------------------------------------------


def _arg_text(a: Arg) -> str:
    if a.const is not None:
        return f"{a.name} = {a.const}"
    return f"{a.name}{'' if a.required else '?'}: {a.type}"


def _args_text(args: tuple[Arg, ...]) -> str:
    parts = [_arg_text(a) for a in args if a.positional]
    keywords = [_arg_text(a) for a in args if not a.positional]
    if keywords:
        parts += ["*", *keywords]
    return ", ".join(parts)


def operation_lines(op: Operation) -> list[str]:
    notes = (f" [{op.body}]" if op.body else "") + (" [deprecated]" if op.deprecated else "")
    return [f"{op.key} -> {c.call}({_args_text(c.args)}) -> {c.returns}{notes}" for c in op.calls]


def definition_line(d: Definition) -> str:
    if d.kind == "model":
        fields = ", ".join(_arg_text(f) for f in d.fields)
        return f"model {d.name}({fields})" + (" [deprecated]" if d.deprecated else "")
    if d.kind == "enum":
        return f"enum {d.name} = {' | '.join(d.values)}"
    if d.kind == "union":
        tag = f" (tag {literal(d.tag)})" if d.tag else ""
        return f"union {d.name}{tag} = {' | '.join(d.members)}"
    return f"alias {d.name} = {d.type}"


def _lines(surface: Surface, source: str) -> tuple[list[str], str]:
    """The sorted lines of what `source` describes, and their counts."""
    ops = [op for op in surface.operations.values() if op.source == source]
    defs = [d for d in surface.definitions.values() if d.source == source]
    lines = [line for op in ops for line in operation_lines(op)]
    lines += [definition_line(d) for d in defs]
    return sorted(lines), f"{len(ops)} operations, {len(defs)} models"


def to_text(surface: Surface) -> str:
    """The public spec's lines, then the supplement's, each part sorted: a change of
    either source shows in its own part of a diff."""
    body, counts = _lines(surface, "spec")
    header = [f"{MAGIC} {surface.label} ({counts})", *LEGEND]
    if surface.supplement:
        lines, counts = _lines(surface, "supplement")
        body += [
            "",
            f"{SUPPLEMENT_MARK} {surface.supplement} ({counts})",
            "# What the public spec lacks, read from that official SDK release (spec/supplement.yaml).",
            *lines,
        ]
    return "\n".join(header + body) + "\n"


# --- text → surface ------------------------------------------------------------


class SurfaceFormatError(ValueError):
    """A surface file that is not what `to_text` writes."""


def split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside brackets and JSON strings."""
    parts: list[str] = []
    depth = 0
    start = i = 0
    in_string = False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


_ARG = re.compile(r"^(\w+)(?: = (.+)|(\??): (.+))$")
_OP = re.compile(
    r"^([A-Z]+) (\S+) -> ([\w.]+)\((.*)\) -> (.+?)( \[(?:body|multipart): \S+\])?( \[deprecated\])?$"
)
_DEF = re.compile(r"^(model|enum|union|alias) (\w+)(.*)$")


def _parse_args(text: str, line: str, positional: bool = True) -> tuple[Arg, ...]:
    """`a: T, *, b?: U` (calls; `positional=False` for model fields, which have no `*`)."""
    args: list[Arg] = []
    for part in split_top(text, ", ") if text else []:
        if part == "*":
            positional = False
            continue
        m = _ARG.match(part)
        if not m:
            raise SurfaceFormatError(f"bad argument `{part}` in: {line}")
        name, const, optional, type_ = m.groups()
        if const is not None:
            args.append(Arg(name, "", True, positional, const=const))
        else:
            args.append(Arg(name, type_, not optional, positional))
    return tuple(args)


def parse_text(text: str) -> Surface:
    lines = text.splitlines()
    if not lines or not lines[0].startswith(MAGIC):
        raise SurfaceFormatError(f"not a surface file: the first line is not `{MAGIC} …`")
    label = _label(lines[0][len(MAGIC) :])
    ops: dict[str, Operation] = {}
    defs: dict[str, Definition] = {}
    supplement, source = "", "spec"
    for line in lines[1:]:
        if line.startswith(SUPPLEMENT_MARK):
            supplement, source = _label(line[len(SUPPLEMENT_MARK) :]), "supplement"
            continue
        if not line or line.startswith("#"):
            continue
        m = _OP.match(line)
        if m:
            method, path, call, args, returns, body, deprecated = m.groups()
            key = f"{method} {path}"
            new_call = Call(call, _parse_args(args, line), returns)
            previous = ops.get(key)
            calls = (*previous.calls, new_call) if previous else (new_call,)
            # the main call first, then its streaming twin (`complete`, then `stream`)
            calls = tuple(sorted(calls, key=lambda c: c.streaming))
            body_text = (body or "")[2:-1]
            ops[key] = Operation(method, path, calls, body_text, bool(deprecated), source)
            continue
        m = _DEF.match(line)
        if not m:
            raise SurfaceFormatError(f"unreadable line: {line}")
        kind, name, rest = m.groups()
        defs[name] = dataclasses.replace(_parse_definition(kind, name, rest, line), source=source)
    return Surface(label, ops, defs, supplement)


def _label(text: str) -> str:
    return re.sub(r" \(\d+ operations, \d+ models\)$", "", text.strip())


def _parse_definition(kind: str, name: str, rest: str, line: str) -> Definition:
    if kind == "model":
        deprecated = rest.endswith(" [deprecated]")
        rest = rest.removesuffix(" [deprecated]")
        if not (rest.startswith("(") and rest.endswith(")")):
            raise SurfaceFormatError(f"bad model line: {line}")
        args = _parse_args(rest[1:-1], line, positional=False)
        return Definition("model", name, fields=args, deprecated=deprecated)
    tag = None
    m = re.match(r'^ \(tag ("(?:[^"\\]|\\.)*")\)(.*)$', rest)
    if kind == "union" and m:
        tag, rest = json.loads(m.group(1)), m.group(2)
    if not rest.startswith(" = "):
        raise SurfaceFormatError(f"bad {kind} line: {line}")
    value = rest[3:]
    if kind == "enum":
        return Definition("enum", name, values=tuple(split_top(value, " | ")))
    if kind == "union":
        return Definition("union", name, members=tuple(split_top(value, " | ")), tag=tag)
    return Definition("alias", name, type=value)


def read(
    path: str | Path, overlay: Overlay | None = None, supplement: SupplementChoice = None
) -> Surface:
    """A surface from a surface file or from an OpenAPI document (read with `overlay`
    and its supplement)."""
    with open(path, encoding="utf-8") as fh:
        head = fh.read(len(MAGIC))
    if head == MAGIC:
        return parse_text(Path(path).read_text(encoding="utf-8"))
    return read_spec(path, overlay, supplement)
