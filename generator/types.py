"""Render type expressions as Python source, and find what definitions reference."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from . import ir

_PRIM = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "bytes": "bytes",
    "datetime": "datetime.datetime",
    "date": "datetime.date",
    "time": "datetime.time",
    "uuid": "str",  # ids are strings (not all of them are UUIDs); arguments also take UUID
    "any": "Any",
    "none": "None",
}


@dataclass
class Imports:
    """What a rendered module needs: stdlib/typing names and model names."""

    typing: set[str] = field(default_factory=set)
    datetime: bool = False
    uuid: bool = False
    models: set[str] = field(default_factory=set)
    collections: set[str] = field(default_factory=set)


def references(texpr: ir.TypeExpr) -> Iterator[str]:
    """Names of the definitions a type expression refers to."""
    if isinstance(texpr, ir.Ref):
        yield texpr.name
    elif isinstance(texpr, ir.ListOf):
        yield from references(texpr.item)
    elif isinstance(texpr, ir.TupleOf):
        for t in texpr.items:
            yield from references(t)
    elif isinstance(texpr, ir.MapOf):
        yield from references(texpr.value)
    elif isinstance(texpr, ir.UnionOf):
        for t in texpr.members:
            yield from references(t)
    elif isinstance(texpr, ir.Nullable):
        yield from references(texpr.inner)


def definition_references(d: ir.Definition) -> set[str]:
    out: set[str] = set()
    if isinstance(d, ir.Model):
        for f in d.fields:
            out.update(references(f.type))
    elif isinstance(d, ir.Alias):
        out.update(references(d.type))
    elif isinstance(d, ir.Union_):
        for v in d.variants:
            out.update(references(v.type))
    return out


def render(
    texpr: ir.TypeExpr,
    imports: Imports,
    prefix: str = "",
    inputs: Mapping[str, ir.Definition] | None = None,
    argument: bool = False,
) -> str:
    """Python source for `texpr`.

    `prefix` qualifies model names (`models.` in resource modules). With `inputs`
    (the API's definitions), the type accepts what a caller may pass: plain
    mappings for models and unions, any sequence for lists; aliases are expanded
    so that their members accept mappings too. `argument` (implied by `inputs`):
    the type of a method argument, where an id (`format: uuid`, a `str` in models)
    may also be given as a `uuid.UUID`.
    """
    argument = argument or inputs is not None

    def r(t: ir.TypeExpr) -> str:
        return render(t, imports, prefix, inputs, argument)

    if isinstance(texpr, ir.Prim):
        if texpr.kind == "datetime" or texpr.kind in ("date", "time"):
            imports.datetime = True
        if texpr.kind == "uuid" and argument:
            imports.uuid = True
            return "str | UUID"
        if texpr.kind == "any":
            imports.typing.add("Any")
        return _PRIM[texpr.kind]
    if isinstance(texpr, ir.Ref):
        target = inputs.get(texpr.name) if inputs is not None else None
        if isinstance(target, ir.Alias):
            return r(target.type)
        imports.models.add(texpr.name)
        name = f"{prefix}{texpr.name}"
        if isinstance(target, (ir.Model, ir.Union_)):
            imports.typing.add("Any")
            imports.collections.add("Mapping")
            return f"{name} | Mapping[str, Any]"
        return name
    if isinstance(texpr, ir.ListOf):
        if inputs is not None:
            imports.collections.add("Sequence")
            return f"Sequence[{r(texpr.item)}]"
        return f"list[{r(texpr.item)}]"
    if isinstance(texpr, ir.TupleOf):
        return f"tuple[{', '.join(r(t) for t in texpr.items)}]"
    if isinstance(texpr, ir.MapOf):
        if inputs is not None:
            imports.collections.add("Mapping")
            return f"Mapping[str, {r(texpr.value)}]"
        return f"dict[str, {r(texpr.value)}]"
    if isinstance(texpr, ir.Const):
        imports.typing.add("Literal")
        return f"Literal[{texpr.value!r}]"
    if isinstance(texpr, ir.UnionOf):
        # members may render alike (`format: uuid` and a plain string are both `str`)
        parts: list[str] = []
        for t in texpr.members:
            for part in r(t).split(" | "):
                if part not in parts:
                    parts.append(part)
        return " | ".join(parts)
    if isinstance(texpr, ir.Nullable):
        return f"{r(texpr.inner)} | None"
    raise TypeError(f"unknown type expression {texpr!r}")


def runtime(texpr: ir.TypeExpr, prefix: str) -> str:
    """A Python expression evaluating to the type at run time (for decoders)."""
    return render(texpr, Imports(), prefix)
