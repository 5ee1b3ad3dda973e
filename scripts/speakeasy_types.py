"""The type definitions of a Speakeasy-generated Python SDK, as OpenAPI 3.1 schemas.

The official `mistralai` package describes every schema of Mistral's own (unpublished)
spec as a pydantic model or a type alias under `mistralai/client/models/` and
`mistralai/client/errors/`. This module reads those definitions from their source (the
AST; nothing of the package is imported or run) and converts them, facts only: names,
types, enums, constants, required-ness, nullability, defaults, aliases (wire names),
discriminators. Docstrings, descriptions and the TypedDict twins are never read.

Speakeasy's conventions, which the conversion relies on:

- a field without a default is required; `Optional[T] = None` is optional,
  `Nullable[T]` accepts null, `OptionalNullable[T] = UNSET` is both (`= None` there
  means the spec's default is null, listed in the class's `null_default_fields`);
- `pydantic.Field(alias=...)` carries the wire name;
- `Annotated[Literal["x"], AfterValidator(validate_const("x"))]` is a constant;
- `Union[Literal[...], UnrecognizedStr]` is an (open) enum;
- unions: `Annotated[Union[...], Field(discriminator=...)]`,
  `Annotated[Union[Annotated[A, Tag("a")], ...], Discriminator(...)]` and
  `Annotated[Union[..., UnknownX], BeforeValidator(partial(parse_open_union, ...))]`
  are discriminated; a plain `Union` is not;
- `ConfigDict(extra="allow")` with `__pydantic_extra__: Dict[str, T]` is
  `additionalProperties: T`.

Anything outside these conventions raises `UnsupportedType` naming the definition,
so a new Speakeasy idiom is noticed instead of silently misread.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

SCALARS: dict[str, Schema] = {
    "str": {"type": "string"},
    "UnrecognizedStr": {"type": "string"},
    "int": {"type": "integer"},
    "UnrecognizedInt": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "bytes": {"type": "string", "format": "binary"},
    "IOBase": {"type": "string", "format": "binary"},
    "BufferedReader": {"type": "string", "format": "binary"},
    "Any": {},
}
# wrappers that only say "may be absent" or "may be null"
_OPTIONAL = {"Optional"}
_NULLABLE = {"Nullable"}
_OPTIONAL_NULLABLE = {"OptionalNullable"}
# wrappers of the serialization only
_TRANSPARENT = {"SerializeAsAny"}
# Annotated metadata that carries no schema fact
_IGNORED_METADATA = {"SerializeAsAny", "PlainValidator", "WrapValidator"}


class UnsupportedType(ValueError):
    """A definition the converter does not understand (names the definition)."""


@dataclass
class Definition:
    """One top-level name of the models or errors package."""

    name: str
    node: ast.ClassDef | ast.expr  # the class, or the value of `Name = <expr>`
    module: str  # file name, for error messages
    constants: dict[str, ast.expr] = field(default_factory=dict)  # module-level dicts


@dataclass
class FieldFacts:
    """One field of a model: what the wire sees, and where it goes in a request."""

    python_name: str
    wire_name: str
    schema: Schema
    required: bool
    location: str  # "body", "path", "query", "header", "request" (the whole body), "security"
    style: str | None = None
    explode: bool | None = None
    multipart: str | None = None  # "field", "file", "content", "json"
    security: dict[str, str] | None = None


def name_of(node: ast.expr) -> str:
    """`models.Foo`, `module_foo.Foo`, `Foo` -> `Foo`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    raise UnsupportedType(f"not a name: {ast.unparse(node)}")


def call_name(node: ast.expr) -> str | None:
    return name_of(node.func) if isinstance(node, ast.Call) else None


def keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def literal(node: ast.expr, where: str) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError as exc:
        raise UnsupportedType(f"{where}: not a literal: {ast.unparse(node)}") from exc


def _subscript_args(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _json_type(value: Any, where: str) -> str:
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string")):
        if isinstance(value, kind):
            return name
    raise UnsupportedType(f"{where}: literal of unsupported type {value!r}")


def nullable(schema: Schema) -> Schema:
    """`schema` or null, in the 3.1 spelling."""
    if set(schema) <= {"type", "format"} and isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    if not schema:
        return schema  # anything, null included
    if set(schema) == {"anyOf"}:
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


class Package:
    """The model and error definitions of one installed Speakeasy SDK."""

    def __init__(self, client_dir: Path, read: Any) -> None:
        """`client_dir`: `mistralai/client`; `read(path) -> str` reads (and verifies) a file."""
        self.definitions: dict[str, Definition] = {}
        for sub in ("models", "errors"):
            for path in sorted((client_dir / sub).glob("*.py")):
                if path.name != "__init__.py":
                    self._index(ast.parse(read(path)), f"{sub}/{path.name}")

    def _index(self, tree: ast.Module, module: str) -> None:
        constants: dict[str, ast.expr] = {}
        found: list[Definition] = []
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                bases = {name_of(b) for b in node.bases}
                # TypedDict twins repeat the models; exceptions wrap the `XData` models
                if not bases & {"TypedDict", "MistralError", "Exception"}:
                    found.append(Definition(node.name, node, module))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if node.value is not None:
                    constants[node.target.id] = node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if not isinstance(target, ast.Name) or target.id.endswith("TypedDict"):
                    continue
                value = node.value
                if call_name(value) == "TypeAliasType":
                    assert isinstance(value, ast.Call)
                    value = value.args[1]
                found.append(Definition(target.id, value, module))
        for definition in found:
            definition.constants = constants
            if definition.name in self.definitions:
                raise UnsupportedType(
                    f"{definition.name} is defined twice ({module}, "
                    f"{self.definitions[definition.name].module})"
                )
            self.definitions[definition.name] = definition

    def __contains__(self, name: str) -> bool:
        return name in self.definitions

    def get(self, name: str) -> Definition:
        try:
            return self.definitions[name]
        except KeyError:
            raise UnsupportedType(f"{name}: no such model or alias in the package") from None


class Converter:
    """Converts definitions to component schemas, collecting every one it reaches.

    `schema_name(definition_name)` is the component a definition becomes (errors'
    `XData` models are the spec's `X`); `components` holds the converted ones.
    """

    def __init__(self, package: Package) -> None:
        self.package = package
        self.components: dict[str, Schema] = {}
        self._converting: set[str] = set()

    # --- names -------------------------------------------------------------

    def schema_name(self, name: str) -> str:
        definition = self.package.get(name)
        if definition.module.startswith("errors/") and name.endswith("Data"):
            spec_name = name.removesuffix("Data")
            if spec_name in self.package:
                raise UnsupportedType(f"{name} and {spec_name} would be one schema")
            return spec_name
        return name

    def ref(self, name: str) -> Schema:
        """Convert `name` (once) and return a reference to its component."""
        target = self.resolve_alias(name)
        if target != name:
            return self.ref(target)
        component = self.schema_name(name)
        if component not in self.components and name not in self._converting:
            self._converting.add(name)
            try:
                self.components[component] = self.definition_schema(self.package.get(name))
            finally:
                self._converting.discard(name)
        return {"$ref": f"#/components/schemas/{component}"}

    def complete_discriminators(self) -> None:
        """Give each discriminated union the mapping its variants' constants imply
        (`Field(discriminator="type")` names no values: the variants' `type` do)."""
        for schema in self.components.values():
            for node in _walk(schema):
                disc = node.get("discriminator")
                if not isinstance(disc, dict) or "propertyName" not in disc:
                    continue
                mapping = dict(disc.get("mapping", {}))
                known = set(mapping.values())
                for variant in node.get("oneOf", []):
                    ref = variant.get("$ref")
                    if ref is None or ref in known:
                        continue
                    target = self.components[ref.rsplit("/", 1)[1]]
                    value = _constant(target.get("properties", {}).get(disc["propertyName"]))
                    if value is not None:
                        mapping[str(value)] = ref
                if mapping:
                    disc["mapping"] = dict(sorted(mapping.items()))

    def resolve_alias(self, name: str) -> str:
        """`X = Y` is Y under another Python name: one component, Y's."""
        node = self.package.get(name).node
        while isinstance(node, ast.Name) and node.id in self.package:
            name = node.id
            node = self.package.get(name).node
        return name

    # --- definitions -------------------------------------------------------

    def definition_schema(self, definition: Definition) -> Schema:
        if isinstance(definition.node, ast.ClassDef):
            return self.model_schema(definition)
        return self.type_schema(definition.node, definition)

    def model_schema(self, definition: Definition) -> Schema:
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for facts in self.fields(definition):
            properties[facts.wire_name] = facts.schema
            if facts.required:
                required.append(facts.wire_name)
        schema: Schema = {"type": "object"}
        if properties:
            schema["properties"] = properties
        if required:
            schema["required"] = required
        extra = self._extra(definition)
        if extra is not None:
            schema["additionalProperties"] = extra
        return schema

    def _extra(self, definition: Definition) -> Schema | bool | None:
        assert isinstance(definition.node, ast.ClassDef)
        for node in definition.node.body:
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == "__pydantic_extra__"
            ):
                value = self._dict_value(node.annotation, definition)
                return True if value == {} else value
        return None

    def _dict_value(self, node: ast.expr, definition: Definition) -> Schema:
        if not (isinstance(node, ast.Subscript) and name_of(node.value) in ("Dict", "dict")):
            raise UnsupportedType(f"{definition.name}: extra fields of {ast.unparse(node)}")
        return self.type_schema(_subscript_args(node)[1], definition)

    def fields(self, definition: Definition) -> Iterator[FieldFacts]:
        """The fields of a model class, in declaration order."""
        node = definition.node
        assert isinstance(node, ast.ClassDef)
        null_defaults = self._serializer_set(node, "null_default_fields")
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            name = stmt.target.id
            if name.startswith("__") or name == "model_config":
                continue
            yield self._field(definition, name, stmt, name in null_defaults)

    @staticmethod
    def _serializer_set(node: ast.ClassDef, variable: str) -> set[str]:
        for stmt in ast.walk(node):
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.targets[0], ast.Name)
                and stmt.targets[0].id == variable
                and isinstance(stmt.value, ast.Call)
                and stmt.value.args
            ):
                return set(literal(stmt.value.args[0], f"{node.name}.{variable}"))
        return set()

    def _field(
        self, definition: Definition, name: str, stmt: ast.AnnAssign, null_default: bool
    ) -> FieldFacts:
        where = f"{definition.name}.{name}"
        annotation, metadata = _peel_annotated(stmt.annotation)
        facts = FieldFacts(name, name, {}, stmt.value is None, "body")
        const: Any = _NO_CONST
        for meta in metadata:
            call = call_name(meta)
            assert call is None or isinstance(meta, ast.Call)
            if call == "Field" and isinstance(meta, ast.Call):
                alias = keywords(meta).get("alias")
                if alias is not None:
                    facts.wire_name = literal(alias, where)
            elif call == "FieldMetadata" and isinstance(meta, ast.Call):
                self._field_metadata(facts, meta, where)
            elif call == "AfterValidator" and isinstance(meta, ast.Call):
                const = _const_of(meta, where)
            elif call not in _IGNORED_METADATA:
                raise UnsupportedType(f"{where}: metadata {ast.unparse(meta)}")
        optional, is_nullable, inner = _unwrap_optional(annotation)
        schema = self.type_schema(inner, definition, where)
        if const is not _NO_CONST:
            schema = {"type": _json_type(const, where), "const": const}
        if is_nullable:
            schema = nullable(schema)
        default = stmt.value
        if default is not None and not _is_unset(default):
            if isinstance(default, ast.Constant) and default.value is None:
                if null_default:
                    schema = {**schema, "default": None}
            elif call_name(default) == "Field":
                raise UnsupportedType(f"{where}: default {ast.unparse(default)}")
            else:
                schema = {**schema, "default": literal(default, where)}
        if optional and default is None:
            raise UnsupportedType(f"{where}: Optional without a default")
        facts.schema = schema
        return facts

    def _field_metadata(self, facts: FieldFacts, meta: ast.Call, where: str) -> None:
        for key, value in keywords(meta).items():
            if key in ("path", "query", "header"):
                facts.location = key
                if isinstance(value, ast.Call):
                    options = keywords(value)
                    if "style" in options:
                        facts.style = literal(options["style"], where)
                    if "explode" in options:
                        facts.explode = literal(options["explode"], where)
            elif key == "request":
                facts.location = "request"
            elif key == "multipart":
                facts.multipart = "field"
                if isinstance(value, ast.Call):
                    options = keywords(value)
                    for kind in ("file", "content", "json"):
                        if kind in options and literal(options[kind], where):
                            facts.multipart = kind
            elif key == "security":
                facts.location = "security"
                if isinstance(value, ast.Call):
                    facts.security = {k: str(literal(v, where)) for k, v in keywords(value).items()}
            else:
                raise UnsupportedType(f"{where}: field metadata {key}=")

    # --- type expressions --------------------------------------------------

    def type_schema(
        self, node: ast.expr, definition: Definition | None, where: str | None = None
    ) -> Schema:
        """The schema of a type expression, in `definition` (None: an SDK method's)."""
        where = where or (definition.name if definition else ast.unparse(node))
        if isinstance(node, ast.Constant) and node.value is None:
            return {"type": "null"}
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.type_schema(ast.parse(node.value, mode="eval").body, definition, where)
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = name_of(node)
            if name in SCALARS:
                return dict(SCALARS[name])
            if name in self.package:
                return self.ref(name)
            raise UnsupportedType(f"{where}: unknown type {ast.unparse(node)}")
        if not isinstance(node, ast.Subscript):
            raise UnsupportedType(f"{where}: type expression {ast.unparse(node)}")
        head = name_of(node.value)
        args = _subscript_args(node)
        if head in ("List", "list", "Sequence", "Iterable"):
            return {"type": "array", "items": self.type_schema(args[0], definition, where)}
        if head in ("Dict", "dict", "Mapping"):
            values = self.type_schema(args[1], definition, where)
            return {"type": "object", "additionalProperties": values if values else True}
        if head in _TRANSPARENT:
            return self.type_schema(args[0], definition, where)
        if head == "IO":
            return dict(SCALARS["bytes"])
        if head == "Literal":
            options = [literal(a, where) for a in args]
            return {"type": _json_type(options[0], where), "enum": options}
        if head in _OPTIONAL | _NULLABLE | _OPTIONAL_NULLABLE:
            return nullable(self.type_schema(args[0], definition, where))
        if head == "Union":
            return self._union(args, definition, where)
        if head == "Annotated":
            return self._annotated(node, definition, where)
        raise UnsupportedType(f"{where}: type {ast.unparse(node)}")

    def _union(
        self,
        args: list[ast.expr],
        definition: Definition | None,
        where: str,
        discriminator: str | None = None,
        mapping: dict[str, str] | None = None,
    ) -> Schema:
        members = [a for a in args if not _is_none(a)]
        has_null = len(members) != len(args)
        # Union[Literal[...], UnrecognizedStr]: an enum open to new values
        literals = [
            m for m in members if isinstance(m, ast.Subscript) and name_of(m.value) == "Literal"
        ]
        if literals and len(literals) == len(members) - 1:
            rest = next(m for m in members if m not in literals)
            if isinstance(rest, ast.Name) and rest.id in ("UnrecognizedStr", "UnrecognizedInt"):
                values = [literal(v, where) for lit in literals for v in _subscript_args(lit)]
                schema: Schema = {"type": _json_type(values[0], where), "enum": values}
                return nullable(schema) if has_null else schema
        variants: list[Schema] = []
        tags: dict[str, str] = dict(mapping or {})
        for member in members:
            inner, metadata = _peel_annotated(member)
            if _is_unknown_variant(inner, self.package):
                continue
            variant = self.type_schema(inner, definition, where)
            for meta in metadata:
                if call_name(meta) == "Tag" and isinstance(meta, ast.Call):
                    tags[str(literal(meta.args[0], where))] = variant.get("$ref", "")
            variants.append(variant)
        if len(variants) == 1 and not discriminator:
            schema = variants[0]
        else:
            key = "oneOf" if discriminator else "anyOf"
            schema = {key: variants}
            if discriminator:
                disc: Schema = {"propertyName": discriminator}
                if tags:
                    disc["mapping"] = dict(sorted(tags.items()))
                schema["discriminator"] = disc
        return nullable(schema) if has_null else schema

    def _annotated(self, node: ast.Subscript, definition: Definition | None, where: str) -> Schema:
        inner, metadata = _peel_annotated(node)
        for meta in metadata:
            call = call_name(meta)
            if call == "Field" and isinstance(meta, ast.Call):
                key = keywords(meta).get("discriminator")
                if key is not None and _is_union(inner):
                    assert isinstance(inner, ast.Subscript)
                    return self._union(
                        _subscript_args(inner), definition, where, literal(key, where)
                    )
            elif call == "Discriminator" and isinstance(meta, ast.Call) and _is_union(inner):
                assert isinstance(inner, ast.Subscript)
                return self._union(
                    _subscript_args(inner), definition, where, _discriminator_key(meta, where)
                )
            elif call == "BeforeValidator" and isinstance(meta, ast.Call) and _is_union(inner):
                assert isinstance(inner, ast.Subscript)
                disc_key, mapping = self._open_union(meta, definition, where)
                return self._union(_subscript_args(inner), definition, where, disc_key, mapping)
            elif call == "AfterValidator" and isinstance(meta, ast.Call):
                const = _const_of(meta, where)
                if const is not _NO_CONST:
                    return {"type": _json_type(const, where), "const": const}
            elif call not in _IGNORED_METADATA:
                raise UnsupportedType(f"{where}: metadata {ast.unparse(meta)}")
        return self.type_schema(inner, definition, where)

    def _open_union(
        self, meta: ast.Call, definition: Definition | None, where: str
    ) -> tuple[str, dict[str, str]]:
        """BeforeValidator(partial(parse_open_union, disc_key=..., variants=_X_VARIANTS))."""
        partial = meta.args[0] if meta.args else None
        if not (isinstance(partial, ast.Call) and call_name(partial) == "partial"):
            raise UnsupportedType(f"{where}: validator {ast.unparse(meta)}")
        options = keywords(partial)
        key = str(literal(options["disc_key"], where))
        table = options["variants"]
        if isinstance(table, ast.Name) and definition is not None:
            table = definition.constants.get(table.id, table)
        if not isinstance(table, ast.Dict):
            raise UnsupportedType(f"{where}: variants {ast.unparse(table)}")
        mapping: dict[str, str] = {}
        for tag, variant in zip(table.keys, table.values, strict=True):
            assert tag is not None
            mapping[str(literal(tag, where))] = self.ref(name_of(variant))["$ref"]
        return key, mapping


_NO_CONST = object()


def _peel_annotated(node: ast.expr) -> tuple[ast.expr, list[ast.expr]]:
    """Annotated[Annotated[T, a], b] -> (T, [a, b]) (inner metadata first)."""
    metadata: list[ast.expr] = []
    while isinstance(node, ast.Subscript) and name_of(node.value) == "Annotated":
        args = _subscript_args(node)
        metadata[:0] = args[1:]
        node = args[0]
    return node, metadata


def _unwrap_optional(node: ast.expr) -> tuple[bool, bool, ast.expr]:
    """(may be absent, may be null, the type inside) of a field's annotation."""
    optional = is_nullable = False
    while isinstance(node, ast.Subscript):
        head = name_of(node.value)
        if head in _OPTIONAL:
            optional = True
        elif head in _NULLABLE:
            is_nullable = True
        elif head in _OPTIONAL_NULLABLE:
            optional = is_nullable = True
        elif head in _TRANSPARENT:
            pass
        elif head == "Annotated":
            inner, _ = _peel_annotated(node)
            if inner is node:
                break
            node = inner
            continue
        else:
            break
        node = _subscript_args(node)[0]
    return optional, is_nullable, node


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_unset(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "UNSET"


def _is_union(node: ast.expr) -> bool:
    return isinstance(node, ast.Subscript) and name_of(node.value) == "Union"


def _is_unknown_variant(node: ast.expr, package: Package) -> bool:
    """The open unions' fallback class (`UnknownAgentTool`): the SDK's, not the API's."""
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return False
    name = name_of(node)
    if not name.startswith("Unknown") or name not in package:
        return False
    definition = package.get(name).node
    return isinstance(definition, ast.ClassDef) and any(
        isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and s.target.id == "raw"
        for s in definition.body
    )


def _const_of(meta: ast.Call, where: str) -> Any:
    """AfterValidator(validate_const(v)) -> v."""
    inner = meta.args[0] if meta.args else None
    if isinstance(inner, ast.Call) and call_name(inner) == "validate_const":
        return literal(inner.args[0], where)
    raise UnsupportedType(f"{where}: validator {ast.unparse(meta)}")


def _discriminator_key(meta: ast.Call, where: str) -> str:
    """Discriminator(lambda m: get_discriminator(m, "field", "key")) -> "key"."""
    function = meta.args[0] if meta.args else None
    if isinstance(function, ast.Lambda) and call_name(function.body) == "get_discriminator":
        assert isinstance(function.body, ast.Call)
        return str(literal(function.body.args[2], where))
    raise UnsupportedType(f"{where}: discriminator {ast.unparse(meta)}")


def _walk(schema: Any) -> Iterator[Schema]:
    """Every dict in a schema, itself included."""
    if isinstance(schema, dict):
        yield schema
        for value in schema.values():
            yield from _walk(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _walk(value)


def _constant(schema: Any) -> Any:
    """The one value a property schema allows (`const`, or a one-value enum), else None."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return schema["const"]
    if len(schema.get("enum", ())) == 1:
        return schema["enum"][0]
    return None
