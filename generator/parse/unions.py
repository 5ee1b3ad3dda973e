"""How each union is decoded: natively by msgspec, or by the runtime's hook on a tag
or on the shape of the value (docs/unions.md).

Functions of the definitions built so far; `assign_tags` is the pass that runs once
every component schema is defined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .. import ir
from ..load import Problems, escape


def shape(texpr: ir.TypeExpr, defs: Mapping[str, ir.Definition]) -> str:
    """The JSON shape msgspec uses to tell union members apart."""
    if isinstance(texpr, ir.Nullable):
        return shape(texpr.inner, defs)
    if isinstance(texpr, ir.Ref):
        d = defs.get(texpr.name)
        if isinstance(d, ir.Model):
            return "object"
        if isinstance(d, ir.Enum):
            return {"str": "str", "int": "int", "float": "float", "bool": "bool"}[d.base]
        if isinstance(d, ir.Alias):
            return shape(d.type, defs)
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


def is_native(members: Sequence[ir.TypeExpr], defs: Mapping[str, ir.Definition]) -> bool:
    """Whether msgspec itself can decode this union (one member per JSON shape)."""
    shapes = [shape(m, defs) for m in members]
    if "custom" in shapes:
        return False
    strings = {s for s in shapes if s.startswith("str")}
    if len(strings) > 1:
        return False
    return all(shapes.count(kind) <= 1 for kind in ("object", "array", "int", "float", "bool"))


def classify(
    name: str,
    members: list[ir.TypeExpr],
    schema: dict[str, Any],
    pointer: str,
    defs: Mapping[str, ir.Definition],
    problems: Problems,
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
        m for m in members if isinstance(m, ir.Ref) and isinstance(defs.get(m.name), ir.Model)
    ]
    variants = [ir.Variant(m) for m in members]
    disc = schema.get("discriminator")
    tag: str | None = None
    if isinstance(disc, dict) and disc.get("propertyName"):
        tag = str(disc["propertyName"])
        # a model may stand for several tag values (its tag field an enum, not a
        # constant): one variant per value, so that each value finds it
        values: dict[str, list[str | None]] = {}
        for value, ref in (disc.get("mapping") or {}).items():
            values.setdefault(ref, []).append(value)
        tagged: list[ir.Variant] = []
        for variant in variants:
            if isinstance(variant.type, ir.Ref):
                ref = f"#/components/schemas/{escape(variant.type.name)}"
                for value in values.get(ref) or [const_of(variant.type.name, tag, defs)]:
                    tagged.append(ir.Variant(variant.type, value))
            else:
                tagged.append(variant)
        variants = tagged
        missing = [v for v in variants if v.type in objects and v.tag_value is None]
        if missing:
            problems.warn(
                f"{pointer}/discriminator",
                "discriminator does not name every variant; those are matched by shape",
            )
    else:
        tag = infer_tag(objects, defs)
        if tag:
            for variant in variants:
                if variant.type in objects:
                    assert isinstance(variant.type, ir.Ref)
                    variant.tag_value = const_of(variant.type.name, tag, defs)
    strategy: Literal["tag", "shape"] = (
        "tag" if tag and any(v.tag_value for v in variants) else "shape"
    )
    return ir.Union_(name, variants, strategy, tag if strategy == "tag" else None, doc, pointer)


def const_of(model_name: str, prop: str, defs: Mapping[str, ir.Definition]) -> str | None:
    """The string constant that the model declares for `prop`, if any."""
    model = defs.get(model_name)
    if not isinstance(model, ir.Model):
        return None
    for f in model.fields:
        if f.wire == prop:
            t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
            if isinstance(t, ir.Const) and isinstance(t.value, str):
                return t.value
            if isinstance(t, ir.Ref):
                enum = defs.get(t.name)
                if isinstance(enum, ir.Enum) and len(enum.values) == 1:
                    return str(enum.values[0])
    return None


def infer_tag(objects: Sequence[ir.TypeExpr], defs: Mapping[str, ir.Definition]) -> str | None:
    """The first property of the first variant that every variant declares as a
    different constant."""
    if len(objects) < 2:
        return None
    names = [o.name for o in objects if isinstance(o, ir.Ref)]
    first = defs[names[0]]
    assert isinstance(first, ir.Model)
    for f in first.fields:
        values = [const_of(n, f.wire, defs) for n in names]
        if all(values) and len(set(values)) == len(values):
            return f.wire
    return None


def assign_tags(defs: Mapping[str, ir.Definition]) -> None:
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
    for d in defs.values():
        if not isinstance(d, ir.Union_) or d.strategy != "tag" or d.tag is None:
            continue
        objects = [v for v in d.variants if shape(v.type, defs) == "object"]
        for v in objects:
            if isinstance(v.type, ir.Ref):
                tag_fields.add((v.type.name, d.tag))
        if not all(
            isinstance(v.type, ir.Ref) and isinstance(defs[v.type.name], ir.Model) and v.tag_value
            for v in objects
        ):
            continue
        others = [v.type for v in d.variants if v not in objects]
        if not is_native(others, defs):
            continue
        candidates.append(d)
        for v in objects:
            assert isinstance(v.type, ir.Ref) and v.tag_value
            demands.setdefault(v.type.name, set()).add((d.tag, v.tag_value))
    for d in candidates:
        objects = [v for v in d.variants if shape(v.type, defs) == "object"]
        if all(len(demands[v.type.name]) == 1 for v in objects if isinstance(v.type, ir.Ref)):
            d.native = True
    for d in candidates:
        if not d.native:
            continue
        for v in d.variants:
            if isinstance(v.type, ir.Ref) and shape(v.type, defs) == "object":
                model = defs[v.type.name]
                assert isinstance(model, ir.Model) and d.tag and v.tag_value
                model.tag = (d.tag, v.tag_value)
    for d in defs.values():
        if isinstance(d, ir.Model):
            for f in d.fields:
                if (
                    f.const is not None
                    and isinstance(f.const.value, str)
                    and (d.name, f.wire) not in tag_fields
                ):
                    f.open_const = True
