"""The types pass: component and inline schemas → definitions and type expressions.

Every component schema becomes a definition (`ir.Model`, `ir.Enum`, `ir.Alias`,
`ir.Union_`) under its spec name; an inline object, enum or union is hoisted into a
definition named by `inline_names`. `type_of` is what the other passes call for the
schema of a parameter, a body or a response.
"""

from __future__ import annotations

from typing import Any

from .. import ir
from ..load import Problems, escape, resolve_pointer
from ..naming import identifier, pascal
from ..overlay import Overlay
from . import unions
from .inline_names import InlineNames

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


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or schema.get("enum") == [None] or schema == {"const": None}
    )


class Schemas:
    """The definitions built so far (`defs`) and how a schema reads as a type
    (`type_of`). The later passes share it, and with it the document, the problems
    found and the overlay."""

    def __init__(self, doc: dict[str, Any], problems: Problems, overlay: Overlay) -> None:
        self.doc = doc
        self.problems = problems
        self.overlay = overlay
        self.components: dict[str, Any] = doc["components"]["schemas"]
        self.defs: dict[str, ir.Definition] = {}
        self._in_progress: set[str] = set()
        chosen = {pointer: entry.name for pointer, entry in overlay.inline_schemas.items()}
        self.names = InlineNames(self.defs, self.components, chosen)

    def define_all(self) -> None:
        """Define every component schema (and the inline schemas inside them)."""
        for name in sorted(self.components):
            self.definition(name)

    # --- definitions -------------------------------------------------------------

    def definition(self, name: str) -> None:
        if name in self.defs or name in self._in_progress:
            return
        self._in_progress.add(name)
        schema = self.components[name]
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
            target = self.deref(ref, pointer)
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
            base=self.overlay.schema(name).base or ir.Model.base,
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

    def deref(self, ref: str, pointer: str) -> Any:
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
        if name not in self.components:
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
                    (hint, False) if top else self.names.name(hint, schema, pointer, "Enum")
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
            return ir.ListOf(
                self.type_of(items_schema, f"{pointer}/items", self.names.item_hint(hint))
            )
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
        name, known = self.names.name(hint, schema, pointer, "Model")
        if not known:
            self.model(name, schema, pointer)
        return ir.Ref(name)

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
        if unions.is_native(members, self.defs):
            return ir.UnionOf(tuple(members))
        name, known = (hint, False) if top else self.names.name(hint, schema, pointer, "Union")
        if not known:
            self.defs[name] = unions.classify(
                name, members, schema, pointer, self.defs, self.problems
            )
        return ir.Ref(name)
