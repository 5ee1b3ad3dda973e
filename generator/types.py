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
    params: set[str] = field(default_factory=set)  # typed dictionaries (`…Param`)
    unknown: bool = False  # mistral_sdk.Unknown


@dataclass(frozen=True)
class Inputs:
    """How types read as what a caller gives (a method's argument, a typed dictionary's
    key): the definitions, the typed dictionary of each model and union
    (`ir.Inputs.param_of`), the models that take any key, and the prefix of the typed
    dictionaries' names where they are used (`params.` in resource modules)."""

    definitions: Mapping[str, ir.Definition]
    param_of: Mapping[str, str]
    free_form: frozenset[str] = frozenset()
    prefix: str = "params."

    def at(self, prefix: str) -> Inputs:
        return Inputs(self.definitions, self.param_of, self.free_form, prefix)


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
    inputs: Inputs | None = None,
    argument: bool = False,
) -> str:
    """Python source for `texpr`.

    `prefix` qualifies model names (`models.` in resource modules). With `inputs`, the
    type accepts what a caller may pass: a model or its typed dictionary (a union also
    `Unknown`, sent as is), any sequence for lists, any mapping for maps; aliases are
    expanded so that their members accept dicts too. `argument` (implied by `inputs`):
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
        target = inputs.definitions.get(texpr.name) if inputs is not None else None
        if isinstance(target, ir.Alias):
            return r(target.type)
        imports.models.add(texpr.name)
        name = f"{prefix}{texpr.name}"
        if inputs is not None and isinstance(target, (ir.Model, ir.Union_)):
            return f"{name} | {param_of(texpr.name, imports, inputs)}"
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


def param_of(name: str, imports: Imports, inputs: Inputs) -> str:
    """What a caller gives for the model or union `name` besides an instance: its typed
    dictionary (a union also `Unknown`, the way to send a variant the spec lacks), or any
    mapping for a model that takes any key."""
    typed = inputs.param_of.get(name)
    if typed is None:
        if name not in inputs.free_form:
            raise KeyError(f"{name} is not on the request side (generator/parse/inputs.py)")
        imports.typing.add("Any")
        imports.collections.add("Mapping")
        return "Mapping[str, Any]"
    imports.params.add(typed)
    if isinstance(inputs.definitions[name], ir.Union_):
        imports.unknown = True
        return f"{inputs.prefix}{typed} | Unknown"
    return f"{inputs.prefix}{typed}"


def runtime(texpr: ir.TypeExpr, prefix: str) -> str:
    """A Python expression evaluating to the type at run time (for decoders)."""
    return render(texpr, Imports(), prefix)
