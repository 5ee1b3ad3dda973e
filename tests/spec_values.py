"""Spec-driven values for tests: arguments for every operation, bodies for every response.

Built on the generator's own intermediate model (`generator.parse`), so the values
fit exactly the types the generated methods declare, and on the raw spec for
`example` / `examples` / `default` / `enum`. Reused by `test_operations.py` and by
contract suites.

Two value forms:

- *wire* values: plain JSON-like data (what goes over HTTP, what a mock answers);
- *argument* values: what a test passes to a method. Body arguments are wire values
  (methods accept plain dicts and lists); top-level path/query/header parameters
  typed `datetime` / `UUID` are passed as Python objects to exercise their encoding.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # the generator is not installed, it runs from the repo
    sys.path.insert(0, str(REPO))

from generator import ir  # noqa: E402
from generator.load import Problems, escape, resolve_pointer  # noqa: E402

UUID_VALUE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
DATETIME_VALUE = "2024-05-06T07:08:09Z"
DATE_VALUE = "2024-05-06"
TIME_VALUE = "07:08:09"
FILE_VALUE = ("a.txt", b"hello", "text/plain")
BINARY_BODY = b"\x00\x01binary-body\xff"
MAX_DEPTH = 6

_MISSING = object()


@functools.cache
def find_spec() -> Path | None:
    """The spec generated/ was made from: `spec/openapi.yaml` in the repo, else
    `../shared/spec/openapi.yaml`, whichever has the sha256 spec/lock.json pins; None
    if neither (a bare clone: the tests that compare generated/ with the spec skip)."""
    import hashlib

    pinned = tracked_lock()["sha256"]
    for candidate in (
        REPO / "spec" / "openapi.yaml",
        REPO.parent / "shared" / "spec" / "openapi.yaml",
    ):
        if candidate.is_file() and hashlib.sha256(candidate.read_bytes()).hexdigest() == pinned:
            return candidate
    return None


SPEC_MISSING_REASON = (
    "needs the OpenAPI spec pinned by spec/lock.json, which is upstream data kept out of the "
    "repository: `make spec` fills spec/openapi.yaml (from ../shared/spec or the lock's URL); "
    "these tests compare generated/ with it and run where it is (make check-generated, CI)"
)


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def tracked_lock() -> dict[str, Any]:
    """spec/lock.json: the sha256, version and counts of the spec this tree was generated
    from. Tests take their expectations from it (or from the spec), never from one
    version's numbers, so that `make spec-update` to another spec stays green."""
    return dict(json.loads((REPO / "spec" / "lock.json").read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=2)
def raw_spec(path: str) -> dict[str, Any]:
    """The spec as PyYAML reads it: no normalisation, independent of the generator."""
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    return dict(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def raw_operations(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """operationId -> (HTTP method, path) of every operation the raw spec declares."""
    return {
        op["operationId"]: (verb.upper(), route)
        for route, item in (doc.get("paths") or {}).items()
        for verb, op in item.items()
        if verb in HTTP_METHODS and isinstance(op, dict)
    }


def supplement_file(spec: str | Path) -> Path | None:
    """The supplement merged into `spec`: the one beside it (spec/supplement.yaml), or
    this repository's when `spec` is the tracked spec read from ../shared/spec; None
    for a spec generated alone."""
    path = Path(spec).with_name("supplement.yaml")
    if not path.is_file() and Path(spec) == find_spec():
        path = REPO / "spec" / "supplement.yaml"
    return path if path.is_file() else None


def raw_supplement(spec: str | Path) -> dict[str, Any]:
    """The supplement merged into `spec` (`supplement_file`), as PyYAML reads it; {}
    when there is none."""
    path = supplement_file(spec)
    return raw_spec(str(path)) if path is not None else {}


def supplement_operations(spec: str | Path) -> dict[str, tuple[str, str]]:
    """operationId -> (HTTP method, path) of the supplement's operations that the
    generator merges into `spec`: those whose METHOD and path (parameter names aside)
    the public spec lacks (generator/merge.py), but for those it says it leaves out (a
    warning `left out: ...` at the operation: a public operation has its Python name,
    or it needs a public schema the public spec lacks; an older public spec, say)."""
    from generator.merge import route

    public = {route(*where) for where in raw_operations(raw_spec(str(spec))).values()}
    left_out = {
        p.pointer for p in load_api(str(spec))[2].warnings if p.message.startswith("left out:")
    }
    return {
        op_id: (method, path)
        for op_id, (method, path) in raw_operations(raw_supplement(spec)).items()
        if route(method, path) not in public
        and f"#/paths/{escape(path)}/{method.lower()}" not in left_out
    }


def raw_event_stream_operations(doc: dict[str, Any]) -> set[str]:
    """operationIds with a 2xx `text/event-stream` response in the raw spec."""
    found = set()
    for item in (doc.get("paths") or {}).values():
        for verb, op in item.items():
            if verb not in HTTP_METHODS or not isinstance(op, dict):
                continue
            for code, resp in (op.get("responses") or {}).items():
                content = (_deref(doc, resp) or {}).get("content") or {}
                if str(code).startswith("2") and "text/event-stream" in content:
                    found.add(op["operationId"])
    return found


@functools.lru_cache(maxsize=2)
def load_api(path: str) -> tuple[dict[str, Any], ir.API, Problems]:
    """The loaded (normalised) document, with the supplement beside it merged in as the
    generator merges it (generator/merge.py), its IR, and the problems found; cached."""
    from generator.merge import load_merged
    from generator.parse import parse

    problems = Problems()
    doc, supplement = load_merged(path, supplement_file(path) or False, problems)
    api = parse(doc, problems, None, supplement)
    return doc, api, problems


# --- JSON pointers into the raw document --------------------------------------


def _deref(doc: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> Any:
    while isinstance(schema, dict) and "$ref" in schema and schema["$ref"] not in seen:
        seen = seen | {schema["$ref"]}
        try:
            schema = resolve_pointer(doc, schema["$ref"])
        except (KeyError, IndexError, ValueError):
            return {}
    return schema


def collect_properties(
    doc: dict[str, Any],
    schema: Any,
    out: dict[str, Any] | None = None,
    seen: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """wire name → raw property schema of an object schema (through `$ref` and `allOf`)."""
    out = {} if out is None else out
    if not isinstance(schema, dict):
        return out
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return out
        return collect_properties(doc, _deref(doc, schema), out, seen | {schema["$ref"]})
    for member in schema.get("allOf", []) or []:
        collect_properties(doc, member, out, seen)
    for key, value in (schema.get("properties") or {}).items():
        out[key] = value
    return out


def _scalar_examples(schema: Any, doc: dict[str, Any]) -> Iterator[Any]:
    """Candidate values a schema suggests, best first: example(s), default, enum."""
    schema = _deref(doc, schema)
    if not isinstance(schema, dict):
        return
    if "example" in schema:
        yield schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list):
        yield from examples
    elif isinstance(examples, dict):
        for ex in examples.values():
            if isinstance(ex, dict) and "value" in ex:
                yield ex["value"]
    if "default" in schema:
        yield schema["default"]
    if isinstance(schema.get("enum"), list):
        yield from (v for v in schema["enum"] if v is not None)
    for key in ("anyOf", "oneOf"):
        for member in schema.get(key, []) or []:
            if isinstance(member, dict) and "$ref" not in member:
                yield from _scalar_examples(member, doc)


def _string_rules(schema: Any, doc: dict[str, Any]) -> tuple[str | None, str | None]:
    """(format, pattern) a string schema sets, looking through `$ref` and nullable unions."""
    schema = _deref(doc, schema)
    if not isinstance(schema, dict):
        return None, None
    if "format" in schema or "pattern" in schema:
        return schema.get("format"), schema.get("pattern")
    for key in ("anyOf", "oneOf"):
        for member in schema.get(key, []) or []:
            found = _string_rules(member, doc)
            if found != (None, None):
                return found
    return None, None


# Strings for the formats and patterns the spec uses (a server validates them).
_FORMAT_TEXT = {"uri": "https://example.com/mcp", "duration": "PT1H", "byte": "aGVsbG8="}
_PATTERN_CANDIDATES = (
    "ab",
    "7",
    "0123456789abcdef0123456789abcdef",
    "0123456789abcdef",
    "key:value",
)


def _text_for(hint: str, fmt: str | None, pattern: str | None) -> str:
    """A string of the schema's format that matches its pattern."""
    if fmt in _FORMAT_TEXT:
        return _FORMAT_TEXT[fmt]
    candidates = (f"{hint}-text", hint.replace("_", "-"), *_PATTERN_CANDIDATES)
    if pattern is None:
        return candidates[0]
    for candidate in candidates:
        if re.search(pattern, candidate):
            return candidate
    raise ValueError(f"no test string matches the pattern {pattern!r} (add one to spec_values)")


# --- the synthesiser -------------------------------------------------------------


@dataclass
class CallPlan:
    """How to call one method and what the request must look like."""

    operation: ir.Operation
    method: ir.Method
    args: list[Any]  # positional (path parameters, in order)
    kwargs: dict[str, Any]
    path: str  # percent-encoded, as sent
    query: list[tuple[str, str]]  # (name, value) pairs as sent, in any order
    headers: dict[str, str]
    json_body: Any = _MISSING  # expected JSON body (decoded), _MISSING for none
    form: dict[str, list[str]] = field(default_factory=dict)  # multipart text fields
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name -> (filename, content)

    @property
    def has_json_body(self) -> bool:
        return self.json_body is not _MISSING


class Values:
    """Synthesises wire values for IR types, preferring the spec's own examples."""

    def __init__(self, doc: dict[str, Any], api: ir.API) -> None:
        self.doc = doc
        self.api = api
        self.defs = api.definitions
        self._props: dict[str, dict[str, Any]] = {}

    # --- type checks (for examples and for decoded results) --------------------

    def conforms(self, value: Any, t: ir.TypeExpr, depth: int = 0) -> bool:
        """Whether the wire `value` is acceptable for `t` (a shallow check for examples)."""
        if depth > 4:
            return True
        if isinstance(t, ir.Nullable):
            return value is None or self.conforms(value, t.inner, depth)
        if isinstance(t, ir.Prim):
            k = t.kind
            if k == "str":
                return isinstance(value, str)
            if k == "int":
                return isinstance(value, int) and not isinstance(value, bool)
            if k == "float":
                return isinstance(value, (int, float)) and not isinstance(value, bool)
            if k == "bool":
                return isinstance(value, bool)
            if k == "uuid":
                try:
                    return isinstance(value, str) and str(uuid.UUID(value)) == value
                except ValueError:
                    return False
            if k == "datetime":
                try:
                    return (
                        isinstance(value, str)
                        and "T" in value
                        and bool(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
                    )
                except ValueError:
                    return False
            return k == "any"  # dates, times, bytes: always synthesised
        if isinstance(t, ir.Const):
            return value == t.value and type(value) is type(t.value)
        if isinstance(t, ir.ListOf):
            return (
                isinstance(value, list)
                and bool(value)
                and all(self.conforms(v, t.item, depth + 1) for v in value)
            )
        if isinstance(t, ir.Ref):
            d = self.defs[t.name]
            if isinstance(d, ir.Enum):
                return value in d.values
            if isinstance(d, ir.Alias):
                return self.conforms(value, d.type, depth + 1)
            return False  # objects and unions: synthesised, never taken from examples
        return False

    def example(self, schema: Any, t: ir.TypeExpr) -> Any:
        """The first example/default/enum value of `schema` that fits `t`, or _MISSING."""
        if schema is None:
            return _MISSING
        for candidate in _scalar_examples(schema, self.doc):
            if candidate is not None and self.conforms(candidate, t):
                return candidate
        return _MISSING

    def has_example(self, schema: Any, t: ir.TypeExpr) -> bool:
        return self.example(schema, t) is not _MISSING

    # --- wire values -------------------------------------------------------------

    def model_properties(self, model: ir.Model) -> dict[str, Any]:
        if model.name not in self._props:
            try:
                raw = resolve_pointer(self.doc, model.pointer) if model.pointer else {}
            except (KeyError, IndexError, ValueError):
                raw = {}
            self._props[model.name] = collect_properties(self.doc, raw)
        return self._props[model.name]

    def wire(self, t: ir.TypeExpr, depth: int = 0, schema: Any = None, hint: str = "value") -> Any:
        """A JSON value valid for `t` (and for its raw `schema`, when given)."""
        ex = self.example(schema, t)
        if ex is not _MISSING:
            return ex
        if depth > MAX_DEPTH + 6:
            raise RecursionError(f"cannot build a finite value for {t!r}")
        if isinstance(t, ir.Nullable):
            if depth > MAX_DEPTH:
                return None
            return self.wire(t.inner, depth, schema, hint)
        if isinstance(t, ir.Prim):
            if t.kind == "str":
                return _text_for(hint, *_string_rules(schema, self.doc))
            return {
                "int": 7,
                "float": 1.5,
                "bool": True,
                "bytes": "aGVsbG8=",
                "datetime": DATETIME_VALUE,
                "date": DATE_VALUE,
                "time": TIME_VALUE,
                "uuid": UUID_VALUE,
                "any": {"key": "value"},
                "none": None,
            }[t.kind]
        if isinstance(t, ir.Const):
            return t.value
        if isinstance(t, ir.ListOf):
            if depth > MAX_DEPTH:
                return []
            return [self.wire(t.item, depth + 1, None, hint)]
        if isinstance(t, ir.TupleOf):
            return [self.wire(x, depth + 1, None, hint) for x in t.items]
        if isinstance(t, ir.MapOf):
            if depth > MAX_DEPTH:
                return {}
            return {"key": self.wire(t.value, depth + 1, None, hint)}
        if isinstance(t, ir.UnionOf):
            return self.wire(self._pick(list(t.members), depth), depth, None, hint)
        if isinstance(t, ir.Ref):
            d = self.defs[t.name]
            if isinstance(d, ir.Enum):
                return d.values[0]
            if isinstance(d, ir.Alias):
                return self.wire(d.type, depth + 1, None, hint)
            if isinstance(d, ir.Model):
                return self.model_wire(d, depth + 1)
            assert isinstance(d, ir.Union_)
            variant = self._pick_variant(d, depth)
            value = self.wire(variant.type, depth + 1, None, hint)
            if d.tag and variant.tag_value is not None and isinstance(value, dict):
                value[d.tag] = variant.tag_value
            return value
        raise TypeError(f"unknown type expression {t!r}")

    def model_wire(self, model: ir.Model, depth: int = 0) -> dict[str, Any]:
        """The model's required fields, its constants and its tag."""
        props = self.model_properties(model)
        out: dict[str, Any] = {}
        for f in model.fields:
            if model.tag and f.wire == model.tag[0]:
                out[f.wire] = model.tag[1]
            elif f.required or f.const is not None:
                out[f.wire] = self.wire(f.type, depth, props.get(f.wire), f.name)
        return out

    def _cost(self, t: ir.TypeExpr, depth: int) -> int:
        """Rough size of the value `wire` would build (0 for primitives)."""
        if isinstance(t, (ir.Prim, ir.Const)):
            return 0
        if isinstance(t, ir.Nullable):
            return self._cost(t.inner, depth)
        if isinstance(t, ir.Ref):
            d = self.defs[t.name]
            if isinstance(d, ir.Enum):
                return 0
            if isinstance(d, ir.Alias):
                return self._cost(d.type, depth)
            if isinstance(d, ir.Model):
                return 1 + sum(1 for f in d.fields if f.required)
            return 5
        return 3

    def _pick(self, members: list[ir.TypeExpr], depth: int) -> ir.TypeExpr:
        if depth > MAX_DEPTH:
            return min(members, key=lambda m: self._cost(m, depth))
        return members[0]

    def _pick_variant(self, union: ir.Union_, depth: int) -> ir.Variant:
        if depth > MAX_DEPTH:
            return min(union.variants, key=lambda v: self._cost(v.type, depth))
        if union.strategy == "tag":
            tagged = [v for v in union.variants if v.tag_value is not None]
            if tagged:
                return tagged[0]
        return union.variants[0]

    # --- operations ------------------------------------------------------------------

    def raw_operation(self, op: ir.Operation) -> dict[str, Any]:
        return resolve_pointer(self.doc, op.pointer)

    def raw_parameter(self, op: ir.Operation, p: ir.Param) -> dict[str, Any] | None:
        """The raw schema of a path/query/header parameter (with its own `example`)."""
        path_item = resolve_pointer(self.doc, op.pointer.rsplit("/", 1)[0])
        raw = (path_item.get("parameters") or []) + (self.raw_operation(op).get("parameters") or [])
        for entry in raw:
            entry = _deref(self.doc, entry)
            if (
                isinstance(entry, dict)
                and entry.get("name") == p.wire
                and entry.get("in") == p.location
            ):
                schema = entry.get("schema")
                if schema is None and isinstance(entry.get("content"), dict):
                    schema = next(iter(entry["content"].values()), {}).get("schema")
                schema = dict(_deref(self.doc, schema) or {})
                for key in ("example", "examples"):
                    if key in entry and key not in schema:
                        schema[key] = entry[key]
                return schema
        return None

    def body_properties(self, op: ir.Operation) -> dict[str, Any]:
        if isinstance(op.body_type, ir.Ref) and isinstance(
            self.defs.get(op.body_type.name), ir.Model
        ):
            model = self.defs[op.body_type.name]
            assert isinstance(model, ir.Model)
            return self.model_properties(model)
        return {}

    def param_schema(self, op: ir.Operation, p: ir.Param) -> Any:
        if p.location in ("body", "form"):
            return self.body_properties(op).get(p.wire)
        return self.raw_parameter(op, p)

    def plan(self, op: ir.Operation, method: ir.Method, optional: int = 2) -> CallPlan:
        """Arguments for `method` (required params + up to `optional` optional ones) and
        the request they must produce."""
        params = [
            p
            for p in op.params
            if not (p.location in ("body", "form") and p.wire in method.const_overrides)
        ]
        chosen: list[ir.Param] = [
            p for p in params if p.const is None and (p.required or p.location == "path")
        ]
        extras = [p for p in params if p.const is None and not p.required and p.location != "path"]
        # optional parameters the spec illustrates first, then the rest, in spec order
        extras.sort(key=lambda p: (not self.has_example(self.param_schema(op, p), p.type),))
        chosen += extras[:optional]

        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        path = op.http_path
        query: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        body: dict[str, Any] = {}
        form: dict[str, list[str]] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for p in [q for q in params if q.location == "path"] + [
            q for q in chosen if q.location != "path"
        ]:
            if p.is_file:
                value: Any = FILE_VALUE
                if isinstance(p.type, ir.ListOf) or (
                    isinstance(p.type, ir.Nullable) and isinstance(p.type.inner, ir.ListOf)
                ):
                    value = [FILE_VALUE]
                kwargs[p.name] = value
                files[p.wire] = (FILE_VALUE[0], FILE_VALUE[1])
                continue
            schema = self.param_schema(op, p)
            wire = self.wire(p.type, 0, schema, p.name)
            if p.location in ("path", "query", "header"):
                if (
                    p.location == "path"
                    and isinstance(wire, str)
                    and not self.has_example(schema, p.type)
                    and _strip(p.type) == ir.Prim("str")
                    and _string_rules(schema, self.doc) == (None, None)
                ):
                    wire = f"{p.name} x/y"  # must be percent-encoded, slash included
                arg = self._python_scalar(p.type, wire)
                if p.location == "path":
                    args.append(arg)
                    path = path.replace("{" + p.wire + "}", quote(_text(wire), safe=""))
                elif p.location == "query":
                    kwargs[p.name] = arg
                    query += _query_pairs(p.wire, wire, p.json_encoded)
                else:
                    kwargs[p.name] = arg
                    headers[p.wire] = _text(wire)
            elif p.location == "body":
                kwargs[p.name] = wire
                body[p.wire] = wire
            else:  # form
                kwargs[p.name] = wire
                form[p.wire] = _form_texts(wire)
        # constants the method always sends
        for p in params:
            if p.location in ("body", "form") and p.const is not None:
                const = p.const.value
                if p.location == "body":
                    body[p.wire] = const
                else:
                    form[p.wire] = _form_texts(const)
        for wire_name, fixed in method.const_overrides.items():
            const = fixed.value
            if op.body_kind == "multipart":
                form[wire_name] = _form_texts(const)
            else:
                body[wire_name] = const
        plan = CallPlan(op, method, args, kwargs, path, query, headers, form=form, files=files)
        if op.body_kind == "json":
            if op.flattened:
                plan.json_body = body
            elif "body" in kwargs:
                plan.json_body = kwargs["body"]
        return plan

    @staticmethod
    def _python_scalar(t: ir.TypeExpr, wire: Any) -> Any:
        """Path/query/header arguments: datetimes and UUIDs as Python objects."""
        kind = _strip(t)
        if isinstance(kind, ir.Prim) and isinstance(wire, str):
            if kind.kind == "uuid":
                return uuid.UUID(wire)
            if kind.kind == "datetime":
                return dt.datetime.fromisoformat(wire.replace("Z", "+00:00"))
        return wire

    # --- responses -------------------------------------------------------------------

    def is_envelope_stream(self, op: ir.Operation) -> bool:
        """Whether the spec's event-stream schema describes whole events (a `data`
        property, maybe `event` / `id` / `retry`), whatever the IR says."""
        for code, resp in (self.raw_operation(op).get("responses") or {}).items():
            if not str(code).startswith("2"):
                continue
            resp = _deref(self.doc, resp)
            media = ((resp or {}).get("content") or {}).get("text/event-stream")
            if media is not None:
                return "data" in collect_properties(self.doc, media.get("schema") or {})
        # no event stream in the spec (the generator adds one it knows the API sends):
        # only the IR can say
        return any(m.response.kind == "sse" and m.response.envelope for m in op.methods)

    def sse_body(self, op: ir.Operation, method: ir.Method, events: int = 2) -> tuple[bytes, int]:
        """A `text/event-stream` body and the number of events it carries.

        Envelope streams get `event:` (when the schema has one), `id:` and `data:`
        lines built from the envelope's fields; other streams one `data:` line of
        the whole value. Streams with a done marker (chat, FIM, ...) end with it.
        """
        t = method.response.type
        assert t is not None
        chunks: list[str] = []
        envelope = self.envelope_model(t) if self.is_envelope_stream(op) else None
        for i in range(events):
            if envelope is not None:
                variant, fields = envelope
                lines = []
                props = self.model_properties(variant)
                for name in ("event", "id", "data"):
                    f = fields.get(name)
                    if f is None:
                        continue
                    value = self.wire(f.type, 1, props.get(name), name)
                    if value is None:
                        continue
                    if name == "event":  # an event that reports a failure raises: not one
                        value = self.quiet_event(f.type, value, method.response.errors)
                    if name == "data":  # nor a payload that is an error object
                        value = self.quiet_data(f.type, value)
                    if name == "id":
                        value = f"{value}-{i}"
                    text = value if isinstance(value, str) and name != "data" else json.dumps(value)
                    lines.append(f"{name}: {text}")
                chunks.append("\n".join(lines) + "\n\n")
            else:
                chunks.append(f"data: {json.dumps(self.wire(t))}\n\n")
        if method.response.done_marker:
            chunks.append(f"data: {method.response.done_marker}\n\n")
        return "".join(chunks).encode(), events

    def quiet_event(self, t: ir.TypeExpr, value: Any, errors: tuple[str, ...]) -> Any:
        """`value`, or another value of the event enum `t` when the stream treats it as
        a failure (its `errors`, and `error`, which every stream raises on)."""
        failing = {*errors, "error"}
        inner = _strip(t)
        enum = self.defs.get(inner.name) if isinstance(inner, ir.Ref) else None
        if value in failing and isinstance(enum, ir.Enum):
            return next((v for v in enum.values if v not in failing), value)
        return value

    def quiet_data(self, t: ir.TypeExpr, value: Any) -> Any:
        """`value`, or a value of another member of the union `t` when it is an error
        object (`{"error": ...}`), which every stream raises on."""

        def failing(v: Any) -> bool:
            return isinstance(v, dict) and bool(v.get("error") or v.get("object") == "error")

        inner = _strip(t)
        if isinstance(inner, ir.Ref) and isinstance(self.defs.get(inner.name), ir.Alias):
            inner = _strip(self.defs[inner.name].type)  # type: ignore[union-attr]
        members: list[ir.TypeExpr] = []
        if isinstance(inner, ir.UnionOf):
            members = list(inner.members)
        elif isinstance(inner, ir.Ref) and isinstance(self.defs.get(inner.name), ir.Union_):
            members = [v.type for v in self.defs[inner.name].variants]  # type: ignore[union-attr]
        if failing(value):
            for member in members:
                other = self.wire(member, 1)
                if not failing(other):
                    return other
        return value

    def envelope_model(self, t: ir.TypeExpr) -> tuple[ir.Model, dict[str, ir.Field]] | None:
        """The event model (first variant of an event union) and its fields by wire name."""
        while isinstance(t, ir.Ref):
            d = self.defs[t.name]
            if isinstance(d, ir.Model):
                return d, {f.wire: f for f in d.fields}
            if isinstance(d, ir.Alias):
                t = d.type
            elif isinstance(d, ir.Union_):
                t = self._pick_variant(d, 0).type
            else:
                return None
        return None

    # --- decoded results ---------------------------------------------------------------

    def check(self, value: Any, t: ir.TypeExpr, models: Any, depth: int = 0) -> str | None:
        """None when the decoded `value` has type `t`; else what is wrong."""
        import msgspec

        from mistral_sdk import Unknown

        if depth > 40:
            return None
        if isinstance(t, ir.Nullable):
            return None if value is None else self.check(value, t.inner, models, depth)
        if isinstance(t, ir.Prim):
            expected = {
                "str": str,
                "int": int,
                "float": (int, float),
                "bool": bool,
                "bytes": bytes,
                "datetime": dt.datetime,
                "date": dt.date,
                "time": dt.time,
                "uuid": str,  # ids are strings in models (arguments also take UUID)
                "none": type(None),
            }.get(t.kind)
            if expected is None or isinstance(value, expected):
                return None
            return f"expected {t.kind}, got {type(value).__name__}"
        if isinstance(t, ir.Const):
            return None if value == t.value else f"expected {t.value!r}, got {value!r}"
        if isinstance(t, (ir.ListOf, ir.TupleOf)):
            if not isinstance(value, (list, tuple)):
                return f"expected a list, got {type(value).__name__}"
            items = [t.item] * len(value) if isinstance(t, ir.ListOf) else list(t.items)
            for v, it in zip(value, items, strict=False):
                problem = self.check(v, it, models, depth + 1)
                if problem:
                    return f"[...]: {problem}"
            return None
        if isinstance(t, ir.MapOf):
            if not isinstance(value, dict):
                return f"expected a dict, got {type(value).__name__}"
            for v in value.values():
                problem = self.check(v, t.value, models, depth + 1)
                if problem:
                    return f"{{...}}: {problem}"
            return None
        if isinstance(t, ir.UnionOf):
            problems = [self.check(value, m, models, depth + 1) for m in t.members]
            return None if any(p is None for p in problems) else f"no member matches: {problems}"
        assert isinstance(t, ir.Ref)
        d = self.defs[t.name]
        if isinstance(d, ir.Model):
            cls = getattr(models, t.name)
            if not isinstance(value, cls):
                return f"expected models.{t.name}, got {type(value).__name__}"
            for f in d.fields:
                if d.tag and f.wire == d.tag[0]:
                    continue
                sub = getattr(value, f.name, msgspec.UNSET)
                if sub is msgspec.UNSET:
                    if f.required:
                        return f"{t.name}.{f.name} missing"
                    continue
                problem = self.check(sub, f.type, models, depth + 1)
                if problem:
                    return f"{t.name}.{f.name}: {problem}"
            return None
        if isinstance(d, ir.Enum):
            base = {"str": str, "int": int, "float": (int, float), "bool": bool}[d.base]
            return None if isinstance(value, base) else f"expected {t.name} ({d.base})"
        if isinstance(d, ir.Alias):
            return self.check(value, d.type, models, depth + 1)
        assert isinstance(d, ir.Union_)
        if isinstance(value, Unknown):
            return f"decoded as {type(value).__name__}: {value!r}"
        problems = [self.check(value, v.type, models, depth + 1) for v in d.variants]
        if any(p is None for p in problems):
            return None
        return f"{t.name}: no variant matches {type(value).__name__}: {problems[:3]}"


def _strip(t: ir.TypeExpr) -> ir.TypeExpr:
    return t.inner if isinstance(t, ir.Nullable) else t


def _text(value: Any) -> str:
    """A scalar as the runtime sends it in a path, query or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _query_pairs(name: str, value: Any, as_json: bool) -> list[tuple[str, str]]:
    if value is None:
        return []
    if as_json:
        return [(name, json.dumps(value, separators=(",", ":")))]
    if isinstance(value, list):
        return [(name, _text(v)) for v in value if v is not None]
    if isinstance(value, dict):
        return [(str(k), _text(v)) for k, v in value.items() if v is not None]
    return [(name, _text(value))]


def _form_texts(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [
        json.dumps(v, separators=(",", ":")) if isinstance(v, (dict, list)) else _text(v)
        for v in items
        if v is not None
    ]


def parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, list[str]], dict[str, tuple[str, bytes]]]:
    """Text fields and files of a multipart/form-data body."""
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    fields: dict[str, list[str]] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in body.split(b"--" + boundary):
        if not part.strip() or part.strip() == b"--":
            continue
        head, _, content = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
        content = content[:-2] if content.endswith(b"\r\n") else content
        disposition = next(
            line
            for line in head.decode().split("\r\n")
            if line.lower().startswith("content-disposition")
        )
        attrs = dict(
            (k.strip(), v.strip().strip('"'))
            for k, _, v in (item.partition("=") for item in disposition.split(";")[1:])
        )
        if "filename" in attrs:
            files[attrs["name"]] = (attrs["filename"], content)
        else:
            fields.setdefault(attrs["name"], []).append(content.decode())
    return fields, files


def needs_helpers(*helpers_: str) -> Any:
    """A skip mark for tests of the hand-written helpers `helpers_` (calls such as
    `workflows.execute_and_wait`) when the tracked spec lacks an operation one of them
    calls: the reason names it. That absence is itself a failure, reported once by
    tests/test_helpers_present.py, not by every test of the helper."""
    import pytest

    from generator import helpers, overlay

    path = find_spec()
    if path is None:  # the helpers' tests run against the mock server without it
        return pytest.mark.skipif(False, reason=SPEC_MISSING_REASON)
    prefixes = tuple(f"helper client.{name} " for name in helpers_)
    missing = [
        m
        for m in helpers.missing_operations(load_api(str(path))[1].root, overlay.default())
        if m.startswith(prefixes)
    ]
    reason = "; ".join(missing) + " (tests/test_helpers_present.py fails on it)"
    return pytest.mark.skipif(bool(missing), reason=reason)


def needs_calls(*calls: str) -> Any:
    """A skip mark for a test of generated methods (`workflows.list`, ...) that the
    tracked spec may not have: a test of a runtime behaviour through one operation
    has nothing to test when the spec lacks it. The reason names what is missing."""
    import pytest

    import mistral_sdk

    have = {
        call
        for op in mistral_sdk.OPERATIONS.values()
        for call in (op.call, op.stream_call)
        if call is not None
    }
    missing = [f"client.{call}" for call in calls if call not in have]
    return pytest.mark.skipif(
        bool(missing), reason=f"the spec has no operation at {', '.join(missing)}"
    )
