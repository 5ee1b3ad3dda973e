"""Where hand-written runtime helpers meet generated code: the one table to edit.

Generated resources never contain hand-written logic. Instead:

- `MIXINS`: a resource path → a runtime module and the mixin class its generated
  resource inherits (`Async` + name for the async resource). The mixin adds helper
  methods (`execute_and_wait`, `run`, `parse`) built on the generated ones. It lives in
  a core module: a capability (`batch/`, `mcp/`, `realtime/`) loads when one of its
  methods is called, never when the resource is touched.
- `CONNECTOR_BODIES`: request body schema → the field that a `connectors=[...]`
  keyword argument is merged into (by `mistral_sdk._connectors.with_connectors`)
  before the body is built.
- `TOOL_BODIES`: request body schema → its `tools` field, which also takes Python
  callables and `mistral_sdk.FunctionTool`s (turned into function tool definitions
  by `mistral_sdk._tools.function_tools`, the schema code of `conversations.run`).
- `MODEL_BASES`: a model name → the class of `mistral_sdk._model` it derives from
  instead of `Model` (the base of every model: `to_dict`, `to_json`, a repr of the set
  fields), for the few that add a typed convenience (`message.text`,
  `response.output_text`).
- `RESUME_PARAMS`: wire names of the parameter through which a server-sent event
  stream resumes after a dropped connection. A streaming operation with one of
  them is wrapped by `mistral_sdk._resume` (the first listed that it has wins).
- `BATCH_ENDPOINTS_ENUM`: the enum schema listing the endpoints a batch job runs.
  Each value is matched to the POST operation at that path, whose request body and
  JSON response models become `mistral_sdk._batch_endpoints.BATCH_ENDPOINTS` (read
  by the batch runner, `mistral_sdk.batch`).
"""

from __future__ import annotations

from . import ir

MIXINS: dict[tuple[str, ...], tuple[str, str]] = {
    ("workflows",): ("_workflows", "WorkflowsHelpers"),
    ("workflows", "executions"): ("_workflows", "ExecutionsHelpers"),
    ("beta", "conversations"): ("_conversations", "ConversationsHelpers"),
    ("chat",): ("_structured", "ChatHelpers"),
    ("audio",): ("_audio", "AudioHelpers"),
    ("beta", "connectors"): ("_connectors", "ConnectorsGatewayHelpers"),
    ("batch",): ("_batch", "BatchHelpers"),
}

CONNECTOR_BODIES: dict[str, str] = {"WorkflowExecutionRequest": "extensions"}

TOOL_BODIES: dict[str, str] = {
    "ChatCompletionRequest": "tools",
    "AgentsCompletionRequest": "tools",
}

MODEL_BASE = "Model"
MODEL_BASES: dict[str, str] = {
    "AssistantMessage": "HasText",
    "DeltaMessage": "HasText",
    "MessageOutputEntry": "HasText",
    "MessageOutputEvent": "HasText",
    "ChatCompletionResponse": "OutputText",
    "CompletionChunk": "OutputText",
    "ConversationResponse": "OutputText",
}

# Compared case-insensitively. The header comes first: the server prefers it to the
# query parameter.
RESUME_PARAMS: tuple[str, ...] = ("last-event-id", "last_event_id")

BATCH_ENDPOINTS_ENUM = "ApiEndpoint"


def connectors_field(
    body_kind: str, body_type: ir.TypeExpr | None, flattened: bool, params: list[ir.Param]
) -> str | None:
    """The body field that `connectors=` merges into, when the operation has one."""
    if body_kind != "json" or not flattened:
        return None
    if not isinstance(body_type, ir.Ref) or body_type.name not in CONNECTOR_BODIES:
        return None
    wire = CONNECTOR_BODIES[body_type.name]
    return wire if any(p.wire == wire and p.location == "body" for p in params) else None


def tools_field(
    body_kind: str, body_type: ir.TypeExpr | None, flattened: bool, params: list[ir.Param]
) -> str | None:
    """The body field that takes Python callables as tools, when the operation has one."""
    if body_kind != "json" or not flattened or not isinstance(body_type, ir.Ref):
        return None
    wire = TOOL_BODIES.get(body_type.name)
    param = next((p for p in params if p.wire == wire and p.location == "body"), None)
    inner = param.type.inner if param and isinstance(param.type, ir.Nullable) else None
    listed = param is not None and isinstance(inner or param.type, ir.ListOf)
    return wire if listed else None


def resume_param(params: list[ir.Param]) -> ir.Param | None:
    """The parameter that carries the last event id of a resumable stream."""
    by_wire = {p.wire.lower(): p for p in params if p.location in ("query", "header")}
    return next((by_wire[wire] for wire in RESUME_PARAMS if wire in by_wire), None)


def batch_endpoints(api: ir.API) -> list[tuple[str, str, str | None, str | None]]:
    """(endpoint, operationId, request model, response model) for each value of
    `BATCH_ENDPOINTS_ENUM`, in the enum's order.

    A value without a POST operation, or whose body or answer is not one model,
    keeps None there: the runner treats it as untyped.
    """
    enum = api.definitions.get(BATCH_ENDPOINTS_ENUM)
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


# What each hand-written helper calls: the generated method (as `client.<call>`) and
# the operation behind it. A spec without one of them leaves the helper broken, which
# `missing_operations` names (a warning of the generator, and a failing test:
# tests/test_helpers_present.py); a spec that moves the operation elsewhere is named
# with where it went.
HELPER_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "workflows.execute_and_wait": (
        ("workflows.execute", "POST /v1/workflows/{workflow_identifier}/execute"),
        ("workflows.executions.get", "GET /v1/workflows/executions/{execution_id}"),
        ("workflows.executions.stream", "GET /v1/workflows/executions/{execution_id}/stream"),
        ("workflows.executions.cancel", "POST /v1/workflows/executions/{execution_id}/cancel"),
    ),
    "workflows.executions.send_signal": (
        ("workflows.executions.signal", "POST /v1/workflows/executions/{execution_id}/signals"),
    ),
    "workflows.executions.run_query": (
        ("workflows.executions.query", "POST /v1/workflows/executions/{execution_id}/queries"),
    ),
    "workflows.executions.run_update": (
        ("workflows.executions.update", "POST /v1/workflows/executions/{execution_id}/updates"),
    ),
    "beta.conversations.run": (
        ("beta.conversations.start", "POST /v1/conversations"),
        ("beta.conversations.append", "POST /v1/conversations/{conversation_id}"),
    ),
    "beta.conversations.run_stream": (
        ("beta.conversations.start_stream", "POST /v1/conversations#stream"),
        ("beta.conversations.append_stream", "POST /v1/conversations/{conversation_id}#stream"),
    ),
    "chat.parse": (("chat.complete", "POST /v1/chat/completions"),),
    "chat.parse_stream": (("chat.stream", "POST /v1/chat/completions"),),
    "batch.run": (
        ("files.upload", "POST /v1/files"),
        ("batch.jobs.create", "POST /v1/batch/jobs"),
        ("batch.jobs.get", "GET /v1/batch/jobs/{job_id}"),
        ("batch.jobs.cancel", "POST /v1/batch/jobs/{job_id}/cancel"),
        ("files.download", "GET /v1/files/{file_id}/content"),
    ),
}

# Operations whose `connectors=` keyword the agentic helpers rely on (CONNECTOR_BODIES).
CONNECTOR_NEEDS: dict[str, str] = {
    "workflows.execute_and_wait": "POST /v1/workflows/{workflow_identifier}/execute",
}


def missing_operations(root: ir.Resource) -> list[str]:
    """What the spec behind `root` lacks for the helpers, one message per need."""
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
    for helper, needs in HELPER_NEEDS.items():
        for call, key in needs:
            found = calls.get(call)
            if found is not None and f"{found[0].method} {found[0].path}" == key:
                continue
            moved = (
                f"the spec has it as client.{where[key]}" if key in where else "the spec lacks it"
            )
            problems.append(f"helper client.{helper} needs {key} as client.{call}: {moved}")
    for helper, key in CONNECTOR_NEEDS.items():
        target = keys.get(key)
        if target is not None and target.connectors_field is None:
            fields = ", ".join(f"{name}.{wire}" for name, wire in CONNECTOR_BODIES.items())
            problems.append(
                f"helper client.{helper} needs `connectors=` on {key}, whose body has "
                f"no field it merges into (CONNECTOR_BODIES: {fields})"
            )
    return problems
