"""The inputs pass: the request side as typed dictionaries, for type checkers.

A caller may give any object of a request as a plain dict (`messages=[{"role": "user",
"content": "hi"}]`). Every model a request can carry, at any depth, gets a `TypedDict`
twin named `<Model>Param` (`params.UserMessageParam`) and every union the union of its
variants' twins, so that a misspelt key or an unknown tag is an error in the editor.
The keys are the wire names; a key is required when the spec requires it, except a
constant (a union's tag among them), which the SDK sends itself. Enums and aliases
have no twin: an enum is already a `Literal`, an alias is read through.

Nothing at run time reads these types (docs/typing.md): they only decide what the
signatures and the `params` package say.
"""

from __future__ import annotations

from typing import Any

from .. import ir
from ..load import Problems, resolve_pointer
from ..overlay import Overlay
from ..types import definition_references, references

SUFFIX = "Param"


def request_side(api: ir.API) -> set[str]:
    """The definitions a request can carry: those of the operations' parameters and
    bodies, and everything they reference."""
    todo: list[str] = []
    for op in api.operations:
        for p in op.params:
            todo.extend(references(p.type))
        if op.body_type is not None:
            todo.extend(references(op.body_type))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(definition_references(api.definitions[name]))
    return seen


def _takes_any_key(model: ir.Model, doc: dict[str, Any]) -> bool:
    """A model that declares no key and takes any (`additionalProperties`): a mapping."""
    if model.fields:
        return False
    try:
        schema = resolve_pointer(doc, model.pointer) if model.pointer else {}
    except (KeyError, IndexError, ValueError):
        return False
    return isinstance(schema, dict) and schema.get("additionalProperties", True) is not False


def _keys(model: ir.Model, optional: tuple[str, ...]) -> list[ir.Key]:
    keys = []
    for f in model.fields:
        # a constant (a union's tag too) need not be given: the SDK sends it; a required
        # and nullable field left out is sent as null (ir.Field.null_default)
        required = f.required and not f.null_default and f.wire not in optional
        doc = f"Deprecated. {f.doc}".strip() if f.deprecated else f.doc
        keys.append(ir.Key(f.wire, f.const or f.type, required, doc))
    return keys


def build(api: ir.API, doc: dict[str, Any], overlay: Overlay, problems: Problems) -> ir.Inputs:
    inputs = ir.Inputs()

    def add(param: ir.DictParam | ir.UnionParam) -> None:
        inputs.params[param.name] = param

    for name in sorted(request_side(api)):
        d = api.definitions[name]
        if isinstance(d, ir.Model):
            if _takes_any_key(d, doc):
                inputs.free_form.add(name)
                continue
            inputs.param_of[name] = f"{name}{SUFFIX}"
            add(ir.DictParam(f"{name}{SUFFIX}", name, _keys(d, ()), d.doc))
        elif isinstance(d, ir.Union_):
            inputs.param_of[name] = f"{name}{SUFFIX}"
            add(ir.UnionParam(f"{name}{SUFFIX}", name, [v.type for v in d.variants], d.doc))
    job_fields = api.batch_job_fields
    for _, _, request, _ in api.batch_endpoints:
        model = api.definitions.get(request or "")
        if request is None or not isinstance(model, ir.Model) or request in inputs.free_form:
            continue
        batch_name = f"{request}Batch{SUFFIX}"
        if request in inputs.batch:
            continue  # one body for several endpoints
        if batch_name in inputs.params:
            problems.error(model.pointer, f"`{batch_name}` names two request types")
            continue
        doc_text = (
            f"A request of a batch to the endpoint whose body is `{request}`: "
            f"{', '.join(f'`{f}`' for f in job_fields)} may come from the job."
        )
        add(ir.DictParam(batch_name, request, _keys(model, job_fields), doc_text))
        inputs.batch.append(request)
    inputs.forwards = _forwards(api, overlay, problems)
    for name in sorted(set(inputs.params) & {f.name for f in inputs.forwards}):
        problems.error("#/components/schemas", f"`{name}` (overlay, forwards) names a request type")
    return inputs


def _forwards(api: ir.API, overlay: Overlay, problems: Problems) -> list[ir.Forward]:
    """The overlay's `helpers.<helper>.forwards`, matched to the generated methods."""
    calls: dict[str, tuple[ir.Operation, ir.Method]] = {}
    todo = [api.root]
    while todo:
        node = todo.pop()
        todo.extend(node.children.values())
        for op in node.operations:
            for method in op.methods:
                calls[".".join((*node.path, method.name))] = (op, method)
    out = []
    for helper, entry in sorted(overlay.helpers.items()):
        forwards = entry.forwards
        if forwards is None:
            continue
        found = calls.get(forwards.call)
        if found is None:
            problems.warn(
                "#/paths",
                f"overlay helpers.{helper}.forwards: the spec has no client.{forwards.call}, "
                f"so params.{forwards.name} is not generated",
            )
            continue
        op, method = found
        names = {p.name for p in op.arguments(method)}
        unknown = [o for o in forwards.omit if o not in names]
        if unknown:
            problems.warn(
                op.pointer,
                f"overlay helpers.{helper}.forwards omits {unknown}, which client."
                f"{forwards.call} does not take",
            )
        out.append(ir.Forward(forwards.name, helper, op, method, forwards.omit))
    return out
