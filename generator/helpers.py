"""Where hand-written runtime helpers meet generated code: the rules.

Generated resources never contain hand-written logic. The data saying which schemas,
operations and resources the helpers concern is in the overlay (spec/overlay.yaml):

- `resources.<path>.mixin`: the runtime mixin class a generated resource inherits
  (`Async` + name for the async resource). The mixin adds helper methods
  (`execute_and_wait`, `run`, `parse`) built on the generated ones. It lives in a core
  module: a capability (`batch/`, `mcp/`, `realtime/`) loads when one of its methods is
  called, never when the resource is touched.
- `schemas.<body>.connectors_field`: the field that a `connectors=[...]` keyword
  argument is merged into (by `mistral_sdk._connectors.with_connectors`) before the
  body is built.
- `schemas.<body>.tools_field`: the `tools` field, which also takes Python callables
  and `mistral_sdk.FunctionTool`s (turned into function tool definitions by
  `mistral_sdk._tools.function_tools`, the schema code of `conversations.run`).
- `schemas.<model>.base`: the class of `mistral_sdk._model` a model derives from
  instead of `Model` (the base of every model: `to_dict`, `to_json`, a repr of the set
  fields), for the few that add a typed convenience (`message.text`,
  `response.output_text`).
- `streams.resume_params`: wire names of the parameter through which a server-sent
  event stream resumes after a dropped connection. A streaming operation with one of
  them is wrapped by `mistral_sdk._resume` (the first listed that it has wins).
- `schemas.<enum>.batch_endpoints`: the enum listing the endpoints a batch job runs.
  Each value is matched to the POST operation at that path, whose request body and
  JSON response models become `mistral_sdk._batch_endpoints.BATCH_ENDPOINTS` (read by
  the batch runner, `mistral_sdk.batch`). The resource whose `resources.<path>` entry
  sets `batch_runner` also gets the runner's `run`, `submit` and `job` overloaded on
  each endpoint's `Literal` path, typed by its response model
  (templates/batch_typed.py.j2).
- `helpers.<helper>`: what each helper calls, checked by `missing_operations`.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import ir
from .overlay import Overlay


def connectors_field(
    body_kind: str,
    body_type: ir.TypeExpr | None,
    flattened: bool,
    params: list[ir.Param],
    overlay: Overlay,
) -> str | None:
    """The body field that `connectors=` merges into, when the operation has one."""
    if body_kind != "json" or not flattened or not isinstance(body_type, ir.Ref):
        return None
    wire = overlay.schema(body_type.name).connectors_field
    if wire is None:
        return None
    return wire if any(p.wire == wire and p.location == "body" for p in params) else None


def tools_field(
    body_kind: str,
    body_type: ir.TypeExpr | None,
    flattened: bool,
    params: list[ir.Param],
    overlay: Overlay,
) -> str | None:
    """The body field that takes Python callables as tools, when the operation has one."""
    if body_kind != "json" or not flattened or not isinstance(body_type, ir.Ref):
        return None
    wire = overlay.schema(body_type.name).tools_field
    param = next((p for p in params if p.wire == wire and p.location == "body"), None)
    inner = param.type.inner if param and isinstance(param.type, ir.Nullable) else None
    listed = param is not None and isinstance(inner or param.type, ir.ListOf)
    return wire if listed else None


def resume_param(params: list[ir.Param], names: Sequence[str]) -> ir.Param | None:
    """The parameter that carries the last event id of a resumable stream: the first
    of `names` (compared case-insensitively) that the operation has."""
    by_wire = {p.wire.lower(): p for p in params if p.location in ("query", "header")}
    return next((by_wire[wire.lower()] for wire in names if wire.lower() in by_wire), None)


def batch_endpoints(
    api: ir.API, enum_name: str | None
) -> list[tuple[str, str, str | None, str | None]]:
    """(endpoint, operationId, request model, response model) for each value of the
    enum `enum_name` (the overlay's `batch_endpoints` schema), in the enum's order.

    A value without a POST operation, or whose body or answer is not one model,
    keeps None there: the runner treats it as untyped.
    """
    enum = api.definitions.get(enum_name) if enum_name else None
    if not isinstance(enum, ir.Enum):
        return []
    rows: list[tuple[str, str, str | None, str | None]] = []
    for value in enum.values:
        posts = [o for o in api.operations if o.method == "POST" and o.http_path == str(value)]
        # a path with a JSON and a streaming operation (conversations): the JSON one,
        # since a batch line's response is one JSON body
        answering = [o for o in posts if any(m.response.kind == "json" for m in o.methods)]
        chosen = answering or posts
        if not chosen:
            rows.append((str(value), "", None, None))
            continue
        op = chosen[0]
        body = op.body_type.name if isinstance(op.body_type, ir.Ref) else None
        answer = next((m.response.type for m in op.methods if m.response.kind == "json"), None)
        rows.append(
            (str(value), op.operation_id, body, answer.name if isinstance(answer, ir.Ref) else None)
        )
    return rows


def takes_progress(op: ir.Operation, method: ir.Method) -> bool:
    """Whether `method` takes `progress=` (a `mistral_sdk.Progress` callback): it sends
    a file (a multipart file field) or receives one (a binary response)."""
    return method.response.kind == "binary" or any(p.is_file for p in op.sent(method))


def missing_operations(root: ir.Resource, overlay: Overlay) -> list[str]:
    """What the spec behind `root` lacks for the helpers the overlay lists (`helpers`),
    one message per need; a need whose operation moved is named with where it went."""
    calls: dict[str, tuple[ir.Operation, ir.Method]] = {}
    keys: dict[str, ir.Operation] = {}
    todo = [root]
    while todo:
        node = todo.pop()
        todo.extend(node.children.values())
        for op in node.operations:
            keys[f"{op.method} {op.path}"] = op
            for method in op.methods:
                calls[".".join((*node.path, method.name))] = (op, method)
    where: dict[str, str] = {}
    for call, (op, _) in sorted(calls.items()):
        where.setdefault(f"{op.method} {op.path}", call)
    problems = []
    for helper, entry in overlay.helpers.items():
        for need in entry.needs:
            call, key = need.call, need.operation
            found = calls.get(call)
            if found is not None and f"{found[0].method} {found[0].path}" == key:
                continue
            moved = (
                f"the spec has it as client.{where[key]}" if key in where else "the spec lacks it"
            )
            problems.append(f"helper client.{helper} needs {key} as client.{call}: {moved}")
    bodies = overlay.schemas_with("connectors_field")
    for helper, entry in overlay.helpers.items():
        for key in entry.connectors:
            target = keys.get(key)
            if target is not None and target.connectors_field is None:
                fields = ", ".join(f"{name}.{wire}" for name, wire in bodies.items())
                problems.append(
                    f"helper client.{helper} needs `connectors=` on {key}, whose body has "
                    f"no field it merges into (overlay connectors_field: {fields})"
                )
    return problems
