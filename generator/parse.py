"""Document → intermediate model: types, names, unions, operations, resources."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from . import helpers, ir, pagination
from .load import Problems, escape, resolve_pointer
from .naming import (
    MODEL_NAMES,
    TAG_PATHS,
    attribute,
    derive_method_name,
    identifier,
    item_name,
    pascal,
    snake,
)
from .types import definition_references, references

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Keywords that only constrain values; the SDK leaves those checks to the server.
_ANNOTATIONS = {
    "title",
    "description",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "contentMediaType",
    "contentEncoding",
    "externalDocs",
    "xml",
    "$comment",
    "x-speakeasy-unknown-values",
    "x-speakeasy-name-override",
    "x-speakeasy-error-message",
    "discriminator",
    "nullable",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "prefixItems",
    "type",
    "enum",
    "const",
    "$ref",
    "anyOf",
    "oneOf",
    "allOf",
    "$schema",
    "$id",
}
_UNSUPPORTED = {
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "$dynamicRef",
}

_TYPE_TYPOS = {
    "str": "string",
    "int": "integer",
    "bool": "boolean",
    "float": "number",
    "dict": "object",
    "list": "array",
}

_STR_FORMATS = {
    "date-time": "datetime",
    "date": "date",
    "time": "time",
    "uuid": "uuid",
    "binary": "bytes",
}

# Operations the spec describes without their event stream although the API streams
# them (the request has `stream`, and the description promises `data: [DONE]`).
EXTRA_STREAMS: dict[str, str] = {
    "agents_completion_v1_agents_completions_post": "CompletionEvent",
}

# How event streams end, which the spec does not say in a machine-readable way:
# (terminal events, error events), keyed by the enum schema that types the
# envelope's `event`. A stream cut before a terminal event raises instead of
# ending quietly. Names missing from their enum are reported as spec drift.
STREAM_ENDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "SSETypes": (
        ("conversation.response.done", "conversation.response.error"),
        ("conversation.response.error",),
    ),
    "TranscriptionStreamEventTypes": (("transcription.done",), ()),
    "SpeechStreamEventTypes": (("speech.audio.done",), ()),
    "WorkflowsExecutionsStreamLogsEventEvent": ((), ("error",)),
}

# A stream of one workflow execution's events (its path names the execution and its
# events are workflow events) ends with the end of that run.
RUN_STREAM_PARAM = "execution_id"
RUN_EVENT_SCHEMA = "StreamEventSsePayload"


def first_line(text: str) -> str:
    return text.strip().split("\n\n")[0].strip() if text else ""


# Keys that do not change what a schema accepts: two inline schemas equal but for
# these share one name.
_PROSE = {"title", "description", "example", "examples"}


def _canonical(schema: Any) -> str:
    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _PROSE}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return json.dumps(strip(schema), sort_keys=True, default=str)


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or schema.get("enum") == [None] or schema == {"const": None}
    )


class Parser:
    def __init__(self, doc: dict[str, Any], problems: Problems) -> None:
        self.doc = doc
        self.problems = problems
        self.schemas: dict[str, Any] = doc["components"]["schemas"]
        self.defs: dict[str, ir.Definition] = {}
        self._in_progress: set[str] = set()
        # every name given to an inline schema, with that schema's canonical form
        self._inline: dict[str, str] = {}
        # hints of operation responses: an array response's item is `<Operation>Item`
        self._response_hints: set[str] = set()
        # inline names the rule could only tell apart by a number (the tests want none)
        self.numbered: list[str] = []
        # the qualified hint to use when a parameter's short hint is taken
        self._fallbacks: dict[str, str] = {}
        # the name given to the inline schema at each pointer
        self._by_pointer: dict[str, str] = {}

    # --- entry point -----------------------------------------------------------

    def parse(self) -> ir.API:
        for name in sorted(self.schemas):
            self.definition(name)
        self.assign_tags()
        operations = self.operations()
        for pointer in sorted(set(MODEL_NAMES) - set(self._by_pointer)):
            self.problems.warn(
                pointer, f"naming.MODEL_NAMES names `{MODEL_NAMES[pointer]}` a schema not here"
            )
        root = self.resources(operations)
        for message in helpers.missing_operations(root):  # tests/test_helpers_present.py
            self.problems.warn("#/paths", message)
        info = self.doc.get("info", {})
        return ir.API(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            definitions=dict(sorted(self.defs.items())),
            operations=operations,
            root=root,
            exposed=sorted(self.schemas),
        )

    # --- definitions -------------------------------------------------------------

    def definition(self, name: str) -> None:
        if name in self.defs or name in self._in_progress:
            return
        self._in_progress.add(name)
        schema = self.schemas[name]
        pointer = f"#/components/schemas/{escape(name)}"
        self.define(name, schema, pointer)
        self._in_progress.discard(name)

    def define(self, name: str, schema: Any, pointer: str) -> ir.Definition:
        """Create the definition `name` for `schema` (a component or a hoisted inline schema)."""
        if not isinstance(schema, dict):
            self.problems.error(pointer, "schema is not an object")
            schema = {}
        doc = str(schema.get("description") or "").strip()
        definition: ir.Definition
        if self._is_object(schema):
            definition = self.model(name, schema, pointer)
        elif self._is_enum(schema):
            values = [v for v in schema["enum"] if v is not None]
            base = {bool: "bool", int: "int", float: "float"}.get(type(values[0]), "str")
            definition = ir.Enum(name, values, base, doc, pointer)  # type: ignore[arg-type]
        else:
            # aliases and unions: the type expression decides
            self.defs[name] = ir.Alias(name, ir.Prim("any"), doc, pointer)  # placeholder for cycles
            texpr = self.type_of(schema, pointer, name, top=True)
            existing = self.defs.get(name)
            if isinstance(existing, ir.Union_):
                existing.doc = existing.doc or doc
                return existing
            definition = ir.Alias(name, texpr, doc, pointer)
        self.defs[name] = definition
        return definition

    @staticmethod
    def _is_enum(schema: dict[str, Any]) -> bool:
        values = schema.get("enum")
        return (
            isinstance(values, list)
            and len([v for v in values if v is not None]) > 1
            and not any(k in schema for k in ("anyOf", "oneOf", "allOf", "properties"))
        )

    def _is_object(self, schema: dict[str, Any]) -> bool:
        if "allOf" in schema and len(schema["allOf"]) > 1:
            return True
        if any(k in schema for k in ("anyOf", "oneOf", "$ref", "enum", "const")):
            return False
        # a closed object without properties is an (empty) model, not a map
        return "properties" in schema or (
            schema.get("type") == "object" and schema.get("additionalProperties") is False
        )

    def _collect_object(
        self,
        schema: dict[str, Any],
        pointer: str,
        props: dict[str, tuple[Any, str]],
        required: list[str],
        seen: set[str],
    ) -> None:
        """Merge `allOf` members and `$ref`s into one property list (later members win)."""
        if "$ref" in schema:
            ref = schema["$ref"]
            target = self._deref(ref, pointer)
            if target is None or ref in seen:
                return
            self._collect_object(target, ref, props, required, seen | {ref})
            return
        for i, member in enumerate(schema.get("allOf", [])):
            self._collect_object(member, f"{pointer}/allOf/{i}", props, required, seen)
        for key, value in (schema.get("properties") or {}).items():
            props[key] = (value, f"{pointer}/properties/{escape(key)}")
        for key in schema.get("required", []) or []:
            if key not in required:
                required.append(key)

    def model(self, name: str, schema: dict[str, Any], pointer: str) -> ir.Model:
        model = ir.Model(
            name,
            [],
            str(schema.get("description") or "").strip(),
            bool(schema.get("deprecated")),
            pointer,
        )
        self.defs[name] = model  # before the fields: self-references resolve
        props: dict[str, tuple[Any, str]] = {}
        required: list[str] = []
        self._collect_object(schema, pointer, props, required, set())
        if not model.doc:
            for member in schema.get("allOf", []):
                if isinstance(member, dict) and member.get("description"):
                    model.doc = str(member["description"]).strip()
        for phantom in [r for r in required if r not in props]:
            self.problems.warn(
                f"{pointer}/required",
                f"`{phantom}` is required but not defined; treated as not required",
            )
        used: set[str] = set()
        for wire, (prop, prop_pointer) in props.items():
            field = self.field(name, wire, prop, prop_pointer, wire in required, used)
            model.fields.append(field)
        return model

    def field(
        self, owner: str, wire: str, prop: Any, pointer: str, required: bool, used: set[str]
    ) -> ir.Field:
        pyname = identifier(wire)
        while pyname in used:
            pyname = f"{pyname}_"
        used.add(pyname)
        prop = prop if isinstance(prop, dict) else {}
        texpr = self.type_of(prop, pointer, f"{owner}{pascal(wire)}")
        doc = str(prop.get("description") or "").strip()
        deprecated = bool(prop.get("deprecated"))
        # a one-value type (`const`, one-value `enum`) is always sent: the server's
        # default may differ (QUIRKS 5: `stream`)
        const = texpr if isinstance(texpr, ir.Const) else None
        return ir.Field(pyname, wire, texpr, required and const is None, doc, deprecated, const)

    # --- types -------------------------------------------------------------------

    def _deref(self, ref: str, pointer: str) -> Any:
        try:
            return resolve_pointer(self.doc, ref)
        except (KeyError, IndexError, ValueError):
            self.problems.error(pointer, f"dangling $ref {ref!r}")
            return None

    def ref_name(self, ref: str, pointer: str) -> str | None:
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            self.problems.error(pointer, f"$ref {ref!r} does not point into #/components/schemas")
            return None
        name = ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
        if name not in self.schemas:
            self.problems.error(pointer, f"dangling $ref {ref!r}")
            return None
        self.definition(name)
        return name

    def type_of(self, schema: Any, pointer: str, hint: str, top: bool = False) -> ir.TypeExpr:
        """The type expression for `schema`; inline objects and unions are hoisted as `hint`."""
        if schema is True or schema == {}:
            return ir.Prim("any")
        if not isinstance(schema, dict):
            self.problems.error(pointer, f"schema must be an object, got {type(schema).__name__}")
            return ir.Prim("any")
        for key in schema:
            if key in _UNSUPPORTED:
                self.problems.error(
                    f"{pointer}/{escape(key)}", f"`{key}` is not supported by the generator"
                )
        texpr = self._type_of(schema, pointer, hint, top)
        if schema.get("nullable") is True and not isinstance(texpr, ir.Nullable):
            texpr = ir.Nullable(texpr)
        return texpr

    def _type_of(self, schema: dict[str, Any], pointer: str, hint: str, top: bool) -> ir.TypeExpr:
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"], f"{pointer}/$ref")
            return ir.Ref(name) if name else ir.Prim("any")
        if "const" in schema:
            return ir.Const(schema["const"])
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list) or not values:
                self.problems.error(f"{pointer}/enum", "enum must be a non-empty list")
                return ir.Prim("any")
            non_null = [v for v in values if v is not None]
            inner: ir.TypeExpr
            if len(non_null) == 1:
                inner = ir.Const(non_null[0])
            else:
                # inline enums are named like inline objects: `<Owner><Field>`
                name, known = (
                    (hint, False) if top else self.inline_name(hint, schema, pointer, "Enum")
                )
                if not known:
                    base = {bool: "bool", int: "int", float: "float"}.get(type(non_null[0]), "str")
                    self.defs[name] = ir.Enum(
                        name,
                        non_null,
                        base,  # type: ignore[arg-type]
                        str(schema.get("description") or "").strip(),
                        pointer,
                    )
                inner = ir.Ref(name)
            return ir.Nullable(inner) if None in values else inner
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.union(schema, key, pointer, hint, top)
        if "allOf" in schema:
            members = schema["allOf"]
            if len(members) == 1:
                return self.type_of(members[0], f"{pointer}/allOf/0", hint, top)
            return self.hoist(hint, schema, pointer, top)
        stype = schema.get("type")
        if isinstance(stype, str) and stype in _TYPE_TYPOS:
            # early specs say `type: str` / `int` / `bool`; one reading only
            self.problems.warn(
                f"{pointer}/type",
                f"`{stype}` is not a JSON Schema type; read as `{_TYPE_TYPOS[stype]}`",
            )
            stype = _TYPE_TYPOS[stype]
        if isinstance(stype, list):
            kinds = [t for t in stype if t != "null"]
            variants = [self.type_of({**schema, "type": t}, pointer, hint) for t in kinds]
            inner = (
                variants[0]
                if len(variants) == 1
                else self.native_or_hoisted(variants, pointer, hint, top, schema)
            )
            return ir.Nullable(inner) if "null" in stype else inner
        if stype == "null":
            return ir.Prim("none")
        if stype == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                return self.hoist(hint, schema, pointer, top)
            extra = schema.get("additionalProperties", True)
            if extra is True or extra == {} or extra is None:
                return ir.MapOf(ir.Prim("any"))
            if extra is False:
                return self.hoist(hint, schema, pointer, top)
            return ir.MapOf(self.type_of(extra, f"{pointer}/additionalProperties", f"{hint}Value"))
        if stype == "array" or "items" in schema or "prefixItems" in schema:
            if "prefixItems" in schema:
                items = tuple(
                    self.type_of(s, f"{pointer}/prefixItems/{i}", f"{hint}{i}")
                    for i, s in enumerate(schema["prefixItems"])
                )
                return ir.TupleOf(items)
            items_schema = schema.get("items", {})
            if isinstance(items_schema, list):
                # draft-04 tuple form; a single schema there means "every item"
                if len(items_schema) == 1:
                    self.problems.warn(
                        f"{pointer}/items", "`items` is a one-element list; read as that schema"
                    )
                    items_schema = items_schema[0]
                else:
                    return ir.TupleOf(
                        tuple(
                            self.type_of(s, f"{pointer}/items/{i}", f"{hint}{i}")
                            for i, s in enumerate(items_schema)
                        )
                    )
            return ir.ListOf(self.type_of(items_schema, f"{pointer}/items", self.item_hint(hint)))
        if stype == "string":
            fmt = schema.get("format")
            return ir.Prim(_STR_FORMATS.get(fmt, "str"))  # type: ignore[arg-type]
        if stype == "integer":
            return ir.Prim("int")
        if stype == "number":
            return ir.Prim("float")
        if stype == "boolean":
            return ir.Prim("bool")
        if stype is None:
            structural = [k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")]
            if structural:
                self.problems.error(
                    pointer, f"unrecognised schema keywords: {', '.join(sorted(structural))}"
                )
            # a schema without type constraints admits any JSON value (JSON Schema §4.3.2)
            return ir.Prim("any")
        self.problems.error(f"{pointer}/type", f"unknown type {stype!r}")
        return ir.Prim("any")

    def hoist(self, hint: str, schema: dict[str, Any], pointer: str, top: bool) -> ir.TypeExpr:
        """Define an inline object schema as a model named `hint`."""
        if top:
            self.model(hint, schema, pointer)
            return ir.Ref(hint)
        name, known = self.inline_name(hint, schema, pointer, "Model")
        if not known:
            self.model(name, schema, pointer)
        return ir.Ref(name)

    def param_hint(self, op_hint: str, wire: str) -> str:
        """The hint for a parameter's inline schema.

        A name of two words or more (`connector_id_or_name`, `deployment_status`) says
        enough alone and is shared by the operations whose schema for it is equal; a
        one-word name (`order`, `type`) or a taken one is qualified by the operation.
        """
        qualified = f"{op_hint}{pascal(wire)}"
        if len(snake(wire).split("_")) < 2:
            return qualified
        self._fallbacks[pascal(wire)] = qualified
        return pascal(wire)

    def item_hint(self, hint: str) -> str:
        """The hint for the items of the array hinted `hint` (singular: `ChatTools` → `ChatTool`)."""
        if hint in self._response_hints:
            return f"{hint.removesuffix('Response')}Item"
        return item_name(hint)

    def inline_name(self, hint: str, schema: Any, pointer: str, kind: str) -> tuple[str, bool]:
        """The name of the inline schema at `pointer`, and whether it is defined already.

        Candidates, in order: `naming.MODEL_NAMES[pointer]` when listed, `hint`, the
        operation-qualified hint of a parameter (`param_hint`), `hint` + `kind`
        (`Union`, `Model`, `Enum`). A candidate already given to an equal schema (the
        same property inherited through `allOf`, the same parameter on several
        operations) is shared; one taken by a different schema is skipped. A number
        is the last resort, recorded in `numbered` (the tests over every spec want none).
        """
        if pointer in self._by_pointer:
            return self._by_pointer[pointer], True
        canonical = _canonical(schema)
        fallback = self._fallbacks.pop(hint, None)
        candidates = [
            pascal(h) for h in (MODEL_NAMES.get(pointer), hint, fallback, f"{hint}{kind}") if h
        ]
        known = False
        for name in candidates:
            if name in self._inline:
                if self._inline[name] == canonical:
                    known = True
                    break
            elif name not in self.defs and name not in self.schemas:
                break
        else:
            n = 2
            while f"{candidates[0]}{n}" in self.defs or f"{candidates[0]}{n}" in self.schemas:
                n += 1
            name = f"{candidates[0]}{n}"
            self.numbered.append(name)
        self._inline[name] = canonical
        self._by_pointer[pointer] = name
        return name, known

    # --- unions ------------------------------------------------------------------

    def union(
        self, schema: dict[str, Any], key: str, pointer: str, hint: str, top: bool
    ) -> ir.TypeExpr:
        raw = schema[key]
        members: list[ir.TypeExpr] = []
        nullable = False
        # a branch index only tells branches apart: `X | None` names X like the whole
        several = len([m for m in raw if not _is_null(m)]) > 1
        for i, member in enumerate(raw):
            member_hint = f"{hint}{i}" if several else hint
            texpr = self.type_of(member, f"{pointer}/{key}/{i}", member_hint)
            if texpr == ir.Prim("none"):
                nullable = True
                continue
            if isinstance(texpr, ir.Nullable):
                nullable = True
                texpr = texpr.inner
            if texpr not in members:
                members.append(texpr)
        if ir.Prim("str") in members and ir.Prim("uuid") in members:
            # `format: uuid` or any string: both are `str` (an id; an argument also
            # takes a `uuid.UUID`), one member suffices
            members.remove(ir.Prim("str"))
        if not members:
            return ir.Prim("none")
        if len(members) == 1:
            inner = members[0]
        else:
            inner = self.native_or_hoisted(members, pointer, hint, top, schema)
        return ir.Nullable(inner) if nullable else inner

    def native_or_hoisted(
        self, members: list[ir.TypeExpr], pointer: str, hint: str, top: bool, schema: dict[str, Any]
    ) -> ir.TypeExpr:
        if self.is_native(members):
            return ir.UnionOf(tuple(members))
        name, known = (hint, False) if top else self.inline_name(hint, schema, pointer, "Union")
        if not known:
            self.defs[name] = self.classify(name, members, schema, pointer)
        return ir.Ref(name)

    def shape(self, texpr: ir.TypeExpr) -> str:
        """The JSON shape msgspec uses to tell union members apart."""
        if isinstance(texpr, ir.Nullable):
            return self.shape(texpr.inner)
        if isinstance(texpr, ir.Ref):
            d = self.defs.get(texpr.name)
            if isinstance(d, ir.Model):
                return "object"
            if isinstance(d, ir.Enum):
                return {"str": "str", "int": "int", "float": "float", "bool": "bool"}[d.base]
            if isinstance(d, ir.Alias):
                return self.shape(d.type)
            return "custom"
        if isinstance(texpr, ir.MapOf):
            return "object"
        if isinstance(texpr, (ir.ListOf, ir.TupleOf)):
            return "array"
        if isinstance(texpr, ir.Const):
            return {bool: "bool", int: "int", float: "float"}.get(type(texpr.value), "str")
        if isinstance(texpr, ir.UnionOf):
            return "custom"
        if isinstance(texpr, ir.Prim):
            return {
                "datetime": "str:datetime",
                "date": "str:date",
                "time": "str:time",
                "uuid": "str",  # an id is a string like any other (docs/unions.md)
                "bytes": "str:bytes",
                "any": "custom",
                "none": "none",
            }.get(texpr.kind, texpr.kind)
        return "custom"

    def is_native(self, members: list[ir.TypeExpr]) -> bool:
        """Whether msgspec itself can decode this union (one member per JSON shape)."""
        shapes = [self.shape(m) for m in members]
        if "custom" in shapes:
            return False
        strings = {s for s in shapes if s.startswith("str")}
        if len(strings) > 1:
            return False
        return all(shapes.count(kind) <= 1 for kind in ("object", "array", "int", "float", "bool"))

    def classify(
        self, name: str, members: list[ir.TypeExpr], schema: dict[str, Any], pointer: str
    ) -> ir.Union_:
        """Choose how the runtime tells this union's variants apart.

        1. an explicit `discriminator` (its `mapping`, else each variant's const);
        2. else a property that every object variant declares as a `const`, with a
           different value in each;
        3. else the shape: JSON type first, then the first object variant whose
           required fields and consts match (docs/unions.md).
        """
        doc = str(schema.get("description") or "").strip()
        objects = [
            m
            for m in members
            if isinstance(m, ir.Ref) and isinstance(self.defs.get(m.name), ir.Model)
        ]
        variants = [ir.Variant(m) for m in members]
        disc = schema.get("discriminator")
        tag: str | None = None
        if isinstance(disc, dict) and disc.get("propertyName"):
            tag = str(disc["propertyName"])
            mapping = {v: k for k, v in (disc.get("mapping") or {}).items()}
            for variant in variants:
                if isinstance(variant.type, ir.Ref):
                    ref = f"#/components/schemas/{escape(variant.type.name)}"
                    variant.tag_value = mapping.get(ref) or self.const_of(variant.type.name, tag)
            missing = [v for v in variants if v.type in objects and v.tag_value is None]
            if missing:
                self.problems.warn(
                    f"{pointer}/discriminator",
                    "discriminator does not name every variant; those are matched by shape",
                )
        else:
            tag = self.infer_tag(objects)
            if tag:
                for variant in variants:
                    if variant.type in objects:
                        assert isinstance(variant.type, ir.Ref)
                        variant.tag_value = self.const_of(variant.type.name, tag)
        strategy: Literal["tag", "shape"] = (
            "tag" if tag and any(v.tag_value for v in variants) else "shape"
        )
        return ir.Union_(name, variants, strategy, tag if strategy == "tag" else None, doc, pointer)

    def assign_tags(self) -> None:
        """Let msgspec decode tagged unions natively where every variant agrees.

        A model can carry one tag (field, value) only; a model that two unions tag
        differently keeps its field, and those unions use the runtime hook. A tag
        the spec marks optional is still native: msgspec needs it in every object,
        so a value without it (a caller's dict, say) fails the fast path and takes
        the runtime's lenient one, which matches it by shape (docs/unions.md).
        """
        demands: dict[str, set[tuple[str, str]]] = {}
        candidates: list[ir.Union_] = []
        tag_fields: set[tuple[str, str]] = set()
        for d in self.defs.values():
            if not isinstance(d, ir.Union_) or d.strategy != "tag" or d.tag is None:
                continue
            objects = [v for v in d.variants if self.shape(v.type) == "object"]
            for v in objects:
                if isinstance(v.type, ir.Ref):
                    tag_fields.add((v.type.name, d.tag))
            if not all(
                isinstance(v.type, ir.Ref)
                and isinstance(self.defs[v.type.name], ir.Model)
                and v.tag_value
                for v in objects
            ):
                continue
            others = [v.type for v in d.variants if v not in objects]
            if not self.is_native(others):
                continue
            candidates.append(d)
            for v in objects:
                assert isinstance(v.type, ir.Ref) and v.tag_value
                demands.setdefault(v.type.name, set()).add((d.tag, v.tag_value))
        for d in candidates:
            objects = [v for v in d.variants if self.shape(v.type) == "object"]
            if all(len(demands[v.type.name]) == 1 for v in objects if isinstance(v.type, ir.Ref)):
                d.native = True
        for d in candidates:
            if not d.native:
                continue
            for v in d.variants:
                if isinstance(v.type, ir.Ref) and self.shape(v.type) == "object":
                    model = self.defs[v.type.name]
                    assert isinstance(model, ir.Model) and d.tag and v.tag_value
                    model.tag = (d.tag, v.tag_value)
        for d in self.defs.values():
            if isinstance(d, ir.Model):
                for f in d.fields:
                    if (
                        f.const is not None
                        and isinstance(f.const.value, str)
                        and (d.name, f.wire) not in tag_fields
                    ):
                        f.open_const = True

    def const_of(self, model_name: str, prop: str) -> str | None:
        model = self.defs.get(model_name)
        if not isinstance(model, ir.Model):
            return None
        for f in model.fields:
            if f.wire == prop:
                t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
                if isinstance(t, ir.Const) and isinstance(t.value, str):
                    return t.value
                if isinstance(t, ir.Ref):
                    enum = self.defs.get(t.name)
                    if isinstance(enum, ir.Enum) and len(enum.values) == 1:
                        return str(enum.values[0])
        return None

    def infer_tag(self, objects: Sequence[ir.TypeExpr]) -> str | None:
        if len(objects) < 2:
            return None
        names = [o.name for o in objects if isinstance(o, ir.Ref)]
        first = self.defs[names[0]]
        assert isinstance(first, ir.Model)
        for f in first.fields:
            values = [self.const_of(n, f.wire) for n in names]
            if all(values) and len(set(values)) == len(values):
                return f.wire
        return None

    # --- operations --------------------------------------------------------------

    def operations(self) -> list[ir.Operation]:
        ops: list[ir.Operation] = []
        for path, item in self.doc.get("paths", {}).items():
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters", [])
            for verb in HTTP_METHODS:
                if verb in item:
                    pointer = f"#/paths/{escape(path)}/{verb}"
                    op = self.operation(path, verb, item[verb], shared, pointer)
                    if op:
                        ops.append(op)
        return ops

    def operation(
        self, path: str, verb: str, spec: dict[str, Any], shared: list[Any], pointer: str
    ) -> ir.Operation | None:
        op_id = spec.get("operationId")
        if not op_id:
            self.problems.error(pointer, "operation has no operationId")
            return None
        tags = spec.get("tags") or ["default"]
        tag = max(tags, key=lambda t: (t.count("."), -tags.index(t)))
        tag = TAG_PATHS.get(tag, tag)
        http_path = path.split("#", 1)[0]
        if "#" in path:
            self.problems.warn(
                pointer, f"path fragment `#{path.split('#', 1)[1]}` is not sent over HTTP"
            )
        resource = tuple(attribute(part) for part in tag.split("."))
        name = derive_method_name(op_id, resource)
        # inline schemas of an operation are named after its Python call, not its id:
        # `beta.conversations.list` → `ConversationsList…`
        hint = pascal("_".join((*(p for p in resource if p != "beta"), name)))
        params = self.parameters(shared + (spec.get("parameters") or []), pointer, hint)
        body_kind, body_type, flattened, body_params = self.request_body(spec, pointer, hint)
        taken = {p.name for p in params}
        for bp in body_params:
            if bp.name in taken:
                bp.name = f"{bp.name}_body"
            taken.add(bp.name)
        params += body_params
        responses = self.responses(spec, pointer, hint, op_id, verb)
        for resp in responses:
            if resp.kind == "sse":
                self.stream_ends(resp, params, pointer)
                resp.resume_param = helpers.resume_param(params)
        methods: list[ir.Method] = []
        stream_field = next(
            (p for p in body_params if p.wire == "stream" and p.location == "body"), None
        )
        json_resp = next((r for r in responses if r.kind != "sse"), None)
        sse_resp = next((r for r in responses if r.kind == "sse"), None)
        if json_resp and sse_resp:
            # one operation, two methods: `complete` answers JSON, `stream` answers SSE
            stream_name = "stream"
            overrides_plain: dict[str, ir.Const] = {}
            overrides_stream: dict[str, ir.Const] = {}
            if stream_field is not None:
                params.remove(stream_field)
                overrides_plain, overrides_stream = (
                    {"stream": ir.Const(False)},
                    {"stream": ir.Const(True)},
                )
            methods.append(ir.Method(name, json_resp, overrides_plain))
            methods.append(ir.Method(stream_name, sse_resp, overrides_stream))
        else:
            methods.append(ir.Method(name, responses[0]))
        listing = methods[0]
        if verb == "get" and listing.response.kind == "json" and listing.response.type is not None:
            defaults = self.query_defaults(shared + (spec.get("parameters") or []), pointer)
            listing.pagination = pagination.infer(
                spec, params, listing.response.type, self.defs, defaults
            )
        return ir.Operation(
            operation_id=op_id,
            method=verb.upper(),
            path=path,
            http_path=http_path,
            tag=tag,
            summary=str(spec.get("summary") or "").strip(),
            doc=str(spec.get("description") or "").strip(),
            deprecated=bool(spec.get("deprecated")),
            params=params,
            body_kind=body_kind,
            body_type=body_type,
            flattened=flattened,
            methods=methods,
            pointer=pointer,
            api_key_header=self.api_key_header(spec),
            connectors_field=helpers.connectors_field(body_kind, body_type, flattened, params),
            tools_field=helpers.tools_field(body_kind, body_type, flattened, params),
        )

    def api_key_header(self, spec: dict[str, Any]) -> str | None:
        """The header of an apiKey scheme, when no alternative security takes a bearer token."""
        schemes = (self.doc.get("components") or {}).get("securitySchemes") or {}
        alternatives = spec.get("security", self.doc.get("security")) or []
        headers = []
        for requirement in alternatives:
            for name in requirement or {}:
                scheme = schemes.get(name) or {}
                if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer":
                    return None
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                    headers.append(str(scheme["name"]))
        return headers[0] if headers else None

    def query_defaults(self, raw: list[Any], pointer: str) -> dict[str, Any]:
        """The spec's default of each query parameter that has one, by wire name."""
        out: dict[str, Any] = {}
        for i, p in enumerate(raw):
            if isinstance(p, dict) and "$ref" in p:
                p = self._deref(p["$ref"], f"{pointer}/parameters/{i}")
            if isinstance(p, dict) and p.get("in") == "query":
                schema = p.get("schema")
                if isinstance(schema, dict) and "default" in schema:
                    out[str(p.get("name"))] = schema["default"]
        return out

    def parameters(self, raw: list[Any], pointer: str, hint: str) -> list[ir.Param]:
        params: dict[tuple[str, str], ir.Param] = {}
        for i, p in enumerate(raw):
            ppointer = f"{pointer}/parameters/{i}"
            if isinstance(p, dict) and "$ref" in p:
                p = self._deref(p["$ref"], ppointer)
            if not isinstance(p, dict) or "name" not in p or "in" not in p:
                self.problems.error(ppointer, "parameter without `name` and `in`")
                continue
            location = p["in"]
            if location not in ("path", "query", "header"):
                self.problems.error(ppointer, f"parameters in `{location}` are not supported")
                continue
            json_encoded = False
            schema = p.get("schema")
            if schema is None and isinstance(p.get("content"), dict):
                media, content = next(iter(p["content"].items()))
                schema = content.get("schema", {})
                json_encoded = "json" in media
            wire = p["name"]
            texpr = self.type_of(schema or {}, f"{ppointer}/schema", self.param_hint(hint, wire))
            self._fallbacks.clear()
            if isinstance(texpr, ir.Prim) and texpr.kind == "any" and location == "path":
                texpr = ir.Prim("str")
            param = ir.Param(
                name=identifier(wire),
                wire=wire,
                location=location,
                type=texpr,
                required=bool(p.get("required")) or location == "path",
                doc=str(p.get("description") or (schema or {}).get("description") or "").strip(),
                json_encoded=json_encoded,
            )
            taken = {q.name for q in params.values() if (q.location, q.wire) != (location, wire)}
            if param.name in taken:
                # `last_event_id` in the query and `Last-Event-ID` as a header
                param.name = f"{param.name}_{location}"
                n = 2
                while param.name in taken:
                    param.name = f"{identifier(wire)}_{location}{n}"
                    n += 1
            params[(location, wire)] = param
        path_params = [p for p in params.values() if p.location == "path"]
        others = [p for p in params.values() if p.location != "path"]
        return path_params + others

    def request_body(
        self, spec: dict[str, Any], pointer: str, hint: str
    ) -> tuple[Literal["none", "json", "multipart"], ir.TypeExpr | None, bool, list[ir.Param]]:
        body = spec.get("requestBody")
        if not body:
            return "none", None, False, []
        bpointer = f"{pointer}/requestBody"
        if "$ref" in body:
            body = self._deref(body["$ref"], bpointer) or {}
        content = body.get("content") or {}
        required = bool(body.get("required"))
        for media, mt in content.items():
            cpointer = f"{bpointer}/content/{escape(media)}/schema"
            schema = (mt or {}).get("schema") or {}
            if media == "application/json":
                texpr = self.type_of(schema, cpointer, f"{hint}Body")
                model = self.defs.get(texpr.name) if isinstance(texpr, ir.Ref) else None
                if isinstance(model, ir.Model):
                    return "json", texpr, True, self.body_params(model, "body")
                return "json", texpr, False, [ir.Param("body", "body", "body", texpr, required)]
            if media == "multipart/form-data":
                texpr = self.type_of(schema, cpointer, f"{hint}Form")
                model = self.defs.get(texpr.name) if isinstance(texpr, ir.Ref) else None
                if not isinstance(model, ir.Model):
                    self.problems.error(cpointer, "multipart body must be an object schema")
                    return "none", None, False, []
                return "multipart", texpr, True, self.body_params(model, "form")
        self.problems.error(
            f"{bpointer}/content", f"unsupported request media types: {', '.join(content)}"
        )
        return "none", None, False, []

    def body_params(self, model: ir.Model, location: Literal["body", "form"]) -> list[ir.Param]:
        params = []
        for f in model.fields:
            is_file = location == "form" and self.is_binary(f.type)
            params.append(
                ir.Param(
                    f.name,
                    f.wire,
                    location,
                    f.type,
                    f.required,
                    f.doc,
                    is_file=is_file,
                    const=f.const,
                )
            )
        return params

    def is_binary(self, texpr: ir.TypeExpr) -> bool:
        if isinstance(texpr, ir.Nullable):
            return self.is_binary(texpr.inner)
        if isinstance(texpr, ir.ListOf):
            return self.is_binary(texpr.item)
        if isinstance(texpr, ir.Ref):
            d = self.defs.get(texpr.name)
            return isinstance(d, ir.Alias) and self.is_binary(d.type)
        return texpr == ir.Prim("bytes")

    def responses(
        self, spec: dict[str, Any], pointer: str, hint: str, op_id: str, verb: str = "get"
    ) -> list[ir.Response]:
        out: list[ir.Response] = []
        json_types: list[ir.TypeExpr] = []
        # A DELETE may answer 204 with no body even where the spec promises one: the
        # method then returns None, and its annotation says so (docs/reliability.md)
        empty = verb.lower() == "delete"
        for code, resp in sorted((spec.get("responses") or {}).items()):
            if not str(code).startswith("2"):
                continue
            rpointer = f"{pointer}/responses/{code}"
            if isinstance(resp, dict) and "$ref" in resp:
                resp = self._deref(resp["$ref"], rpointer) or {}
            content = (resp or {}).get("content") or {}
            if not content:
                empty = True
            for media, mt in content.items():
                cpointer = f"{rpointer}/content/{escape(media)}/schema"
                schema = (mt or {}).get("schema") or {}
                if media == "text/event-stream":
                    out.append(self.sse_response(schema, cpointer, hint))
                elif "json" in media:
                    self._response_hints.add(f"{hint}Response")
                    texpr = self.type_of(schema, cpointer, f"{hint}Response")
                    if texpr not in json_types:
                        json_types.append(texpr)
                else:
                    out.append(ir.Response("binary"))
        if op_id in EXTRA_STREAMS and not any(r.kind == "sse" for r in out):
            self.problems.warn(
                pointer, "the API streams this operation but the spec has no event-stream response"
            )
            self.definition(EXTRA_STREAMS[op_id])
            out.append(ir.Response("sse", ir.Ref(EXTRA_STREAMS[op_id]), True, "[DONE]"))
        if json_types:
            texpr = json_types[0] if len(json_types) == 1 else ir.UnionOf(tuple(json_types))
            if empty:
                texpr = ir.Nullable(texpr)
            out.insert(0, ir.Response("json", texpr))
        elif empty and not out:
            out.append(ir.Response("empty"))
        if not out:
            self.problems.warn(pointer, "no success response is described; the method returns None")
            out.append(ir.Response("empty"))
        return out

    def sse_response(self, schema: dict[str, Any], pointer: str, hint: str) -> ir.Response:
        """The spec describes each event as an object with `data` (and `event`, `id`, `retry`)."""
        texpr = self.type_of(schema, pointer, f"{hint}Event")
        target: Any = schema
        if isinstance(schema, dict) and "$ref" in schema:
            target = self._deref(schema["$ref"], pointer) or {}
        props = target.get("properties") if isinstance(target, dict) else None
        envelope = (
            isinstance(props, dict)
            and "data" in props
            and set(props) <= {"event", "data", "id", "retry"}
        )
        # `data: [DONE]` ends chat and FIM streams; no JSON event is ever that text
        return ir.Response("sse", texpr, envelope=envelope, done_marker="[DONE]")

    def stream_ends(self, resp: ir.Response, params: list[ir.Param], pointer: str) -> None:
        """Fill in what ends the stream `resp` and which of its events are errors.

        - a request whose `stream` flag promises `data: [DONE]` ends with it;
        - an envelope whose `event` is an enum listed in STREAM_ENDS ends with those;
        - a stream of one workflow execution ends with the end of that run.
        """
        stream_flag = next((p for p in params if p.wire == "stream"), None)
        if stream_flag is not None and "[DONE]" in stream_flag.doc:
            resp.terminal = ("[DONE]",)
        event_model = self.defs.get(resp.type.name) if isinstance(resp.type, ir.Ref) else None
        if not isinstance(event_model, ir.Model):
            return
        for f in event_model.fields:
            t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
            if f.wire == "event" and isinstance(t, ir.Ref) and t.name in STREAM_ENDS:
                enum = self.defs.get(t.name)
                terminal, errors = STREAM_ENDS[t.name]
                values = enum.values if isinstance(enum, ir.Enum) else []
                for name in (*terminal, *errors):
                    if name not in values:
                        self.problems.warn(
                            pointer, f"stream end `{name}` is not a value of `{t.name}` any more"
                        )
                resp.terminal += terminal
                resp.errors = errors
            run = next(
                (p for p in params if p.wire == RUN_STREAM_PARAM and p.location == "path"), None
            )
            if f.wire == "data" and run and RUN_EVENT_SCHEMA in self.reachable_refs(t):
                resp.run_param = run.name

    def reachable_refs(self, texpr: ir.TypeExpr) -> set[str]:
        """Names in `texpr` and in the unions and aliases it names."""
        names = set(references(texpr))
        for name in list(names):
            d = self.defs.get(name)
            if isinstance(d, (ir.Union_, ir.Alias)):
                names |= definition_references(d)
        return names

    # --- resources ---------------------------------------------------------------

    def resources(self, operations: list[ir.Operation]) -> ir.Resource:
        root = ir.Resource(())
        for op in operations:
            node = root
            for part in op.tag.split("."):
                key = attribute(part)
                node = node.children.setdefault(key, ir.Resource((*node.path, key)))
            node.operations.append(op)
        self._check_names(root)
        return root

    def _check_names(self, node: ir.Resource) -> None:
        seen: dict[str, str] = {}
        for op in node.operations:
            for m in op.methods:
                if m.name in seen:
                    self.problems.error(
                        op.pointer,
                        f"method name `{'.'.join(node.path)}.{m.name}` is also derived for "
                        f"{seen[m.name]}; add one of them to naming.METHOD_NAMES",
                    )
                if m.name in node.children:
                    self.problems.error(
                        op.pointer, f"method `{m.name}` collides with a sub-resource"
                    )
                seen[m.name] = op.operation_id
        for child in node.children.values():
            self._check_names(child)


def parse(doc: dict[str, Any], problems: Problems) -> ir.API:
    return Parser(doc, problems).parse()
