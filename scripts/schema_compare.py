"""Whether two OpenAPI schemas say the same thing, and what differs when they do not.

The supplement's schemas come from the official SDK's types, which keep fewer facts
than a spec: no descriptions, titles, examples or value constraints, no formats but
dates and binary, no discriminator objects that Speakeasy did not turn into code, and
one spelling of "or null". Two schemas are compared in a canonical form keeping only
what both sides can say about a value's structure: types, properties, required-ness,
enums and constants, items, map values, union alternatives (as a set: anyOf and oneOf
alike). Defaults are not structure (and Speakeasy leaves out some the spec has).
References are followed (each side in its own document), so a schema equals another
only if everything it reaches does too; a reference back into a schema being compared
compares by name.
"""

from __future__ import annotations

import json
from typing import Any

Schema = dict[str, Any]

# keywords neither side's facts include, or that only constrain values
_DROPPED = {
    "title",
    "description",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "discriminator",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "contentMediaType",
    "contentEncoding",
    "propertyNames",
    "default",
}
_KEPT_FORMATS = {"date-time", "date", "binary"}


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class Canonical:
    """Canonical forms of the schemas of one document (`components/schemas`)."""

    def __init__(self, schemas: dict[str, Schema], prefixes: tuple[str, ...]) -> None:
        self.schemas = schemas
        self.prefixes = prefixes  # how this document's refs to its components begin

    def of_name(self, name: str) -> Any:
        return self.of(self.schemas[name], (name,))

    def of(self, schema: Any, stack: tuple[str, ...] = ()) -> Any:
        if schema is True or schema == {}:
            return {}
        if not isinstance(schema, dict):
            return {"not": {}}  # `false`
        if "$ref" in schema:
            name = self._ref_name(str(schema["$ref"]))
            if name in stack:
                return {"$cycle": name}
            return self.of(self.schemas[name], (*stack, name))
        body = {k: v for k, v in schema.items() if k not in _DROPPED and not k.startswith("x-")}
        return self._alternatives(body, stack)

    def _ref_name(self, ref: str) -> str:
        for prefix in self.prefixes:
            if ref.startswith(prefix):
                return ref[len(prefix) :]
        raise ValueError(f"unexpected $ref {ref}")

    def _alternatives(self, body: Schema, stack: tuple[str, ...]) -> Any:
        alternatives: list[Any] = []
        if "allOf" in body:
            parts = body.pop("allOf")
            if len(parts) != 1:
                return {"allOf": [self.of(p, stack) for p in parts]}
            merged = self.of(parts[0], stack)
            if not body:
                return merged
            alternatives.append(merged)  # siblings of a single allOf: rare; keep both
        for key in ("anyOf", "oneOf"):
            for part in body.pop(key, []):
                canonical = self.of(part, stack)
                alternatives.extend(canonical.get("anyOf", [canonical]))
        kinds = body.get("type")
        if isinstance(kinds, list):
            for kind in kinds:
                alternatives.extend(self._single({**body, "type": kind}, stack))
        elif body:
            alternatives.extend(self._single(body, stack))
        unique = {_key(a): a for a in alternatives}
        if not unique or "{}" in unique:
            return {}  # nothing left to say (only annotations), or anything at all
        if len(unique) == 1:
            return next(iter(unique.values()))
        return {"anyOf": [unique[k] for k in sorted(unique)]}

    def _single(self, body: Schema, stack: tuple[str, ...]) -> list[Any]:
        kind = body.get("type")
        if "const" in body:
            return [{"const": body["const"]}]
        if "enum" in body:
            values = [v for v in body["enum"] if v is not None]
            found: list[Any] = [{"type": "null"}] if len(values) != len(body["enum"]) else []
            if len(values) == 1:
                return [*found, {"const": values[0]}]
            return [*found, {"enum": sorted(values, key=_key)}]
        if kind == "object" or "properties" in body or "additionalProperties" in body:
            return [self._object(body, stack)]
        if kind == "array":
            return [{"type": "array", "items": self.of(body.get("items", {}), stack)}]
        if kind == "string" and body.get("format") in _KEPT_FORMATS:
            return [{"type": "string", "format": body["format"]}]
        if kind is not None:
            return [{"type": kind}]
        return [{}]

    def _object(self, body: Schema, stack: tuple[str, ...]) -> Any:
        properties = body.get("properties") or {}
        extra = body.get("additionalProperties", True)
        if not properties:
            return {"type": "object", "additionalProperties": self.of(extra, stack)}
        result: Schema = {
            "type": "object",
            "properties": {k: self.of(v, stack) for k, v in sorted(properties.items())},
            "required": sorted(body.get("required", [])),
        }
        if isinstance(extra, dict) and extra:  # typed extra fields; `true` is the default
            result["additionalProperties"] = self.of(extra, stack)
        return result


def difference(ours: Any, public: Any) -> dict[str, Any]:
    """What differs between two canonical forms, as sorted lists of names (no prose)."""
    found: dict[str, Any] = {}
    if _is_object(ours) and _is_object(public):
        mine, theirs = ours["properties"], public["properties"]
        found["properties_only_here"] = sorted(set(mine) - set(theirs))
        found["properties_only_public"] = sorted(set(theirs) - set(mine))
        found["properties_changed"] = sorted(
            k for k in set(mine) & set(theirs) if mine[k] != theirs[k]
        )
        found["required_only_here"] = sorted(set(ours["required"]) - set(public["required"]))
        found["required_only_public"] = sorted(set(public["required"]) - set(ours["required"]))
        if ours.get("additionalProperties") != public.get("additionalProperties"):
            found["additional_properties_changed"] = True
    elif "enum" in ours and "enum" in public:
        found["enum_only_here"] = sorted(
            set(map(_key, ours["enum"])) - set(map(_key, public["enum"]))
        )
        found["enum_only_public"] = sorted(
            set(map(_key, public["enum"])) - set(map(_key, ours["enum"]))
        )
        found["enum_only_here"] = [json.loads(v) for v in found["enum_only_here"]]
        found["enum_only_public"] = [json.loads(v) for v in found["enum_only_public"]]
    elif "anyOf" in ours and "anyOf" in public:
        mine_keys = {_key(a) for a in ours["anyOf"]}
        theirs_keys = {_key(a) for a in public["anyOf"]}
        found["alternatives_only_here"] = len(mine_keys - theirs_keys)
        found["alternatives_only_public"] = len(theirs_keys - mine_keys)
    else:
        found["kind"] = {"here": _kind(ours), "public": _kind(public)}
    return {k: v for k, v in found.items() if v}


def _is_object(canonical: Any) -> bool:
    return isinstance(canonical, dict) and "properties" in canonical


def _kind(canonical: Any) -> str:
    if not isinstance(canonical, dict) or not canonical:
        return "any"
    for key in ("anyOf", "allOf", "enum", "const", "$cycle"):
        if key in canonical:
            return key
    return str(canonical.get("type", "any"))
