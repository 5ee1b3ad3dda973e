"""Event streams: what a `text/event-stream` answer decodes into, and what ends it.

The spec says which operations stream and the shape of their events; what ends a
stream, which events are failures, and the streams it forgets come from the overlay
(`schemas.<enum>.stream_ends`, `schemas.<payload>.run_events`,
`operations.<id>.stream_event`, `streams.resume_params`).
"""

from __future__ import annotations

from typing import Any

from .. import helpers, ir
from ..types import definition_references, references
from .schemas import Schemas

# `data: [DONE]` ends chat and FIM streams; no JSON event is ever that text
DONE = "[DONE]"


def response(schemas: Schemas, schema: dict[str, Any], pointer: str, hint: str) -> ir.Response:
    """The spec describes each event as an object with `data` (and `event`, `id`, `retry`)."""
    texpr = schemas.type_of(schema, pointer, f"{hint}Event")
    target: Any = schema
    if isinstance(schema, dict) and "$ref" in schema:
        target = schemas.deref(schema["$ref"], pointer) or {}
    props = target.get("properties") if isinstance(target, dict) else None
    envelope = (
        isinstance(props, dict)
        and "data" in props
        and set(props) <= {"event", "data", "id", "retry"}
    )
    return ir.Response("sse", texpr, envelope=envelope, done_marker=DONE)


def omitted(
    schemas: Schemas, operation_id: str, found: list[ir.Response], pointer: str
) -> ir.Response | None:
    """The stream of an operation the API streams though the spec describes none
    (the overlay's `stream_event`), unless the spec has caught up."""
    event = schemas.overlay.operation(operation_id).stream_event
    if event is None or any(r.kind == "sse" for r in found):
        return None
    if event not in schemas.components:
        schemas.problems.warn(
            pointer, f"overlay: the stream's event schema `{event}` is not in the spec"
        )
        return None
    schemas.problems.warn(
        pointer, "the API streams this operation but the spec has no event-stream response"
    )
    schemas.definition(event)
    return ir.Response("sse", ir.Ref(event), True, DONE)


def finish(schemas: Schemas, resp: ir.Response, params: list[ir.Param], pointer: str) -> None:
    """Fill in what ends the stream `resp`, which of its events are errors, and the
    parameter it resumes through.

    - a request whose `stream` flag promises `data: [DONE]` ends with it;
    - an envelope whose `event` is an enum with `stream_ends`, or whose `data` is a
      tagged union with `stream_ends` (its tags name the events), ends with those;
    - a stream of one workflow execution (`run_events`) ends with the end of that run.
    """
    overlay = schemas.overlay
    stream_flag = next((p for p in params if p.wire == "stream"), None)
    if stream_flag is not None and DONE in stream_flag.doc:
        resp.terminal = (DONE,)
    resp.resume_param = helpers.resume_param(params, overlay.streams.resume_params)
    defs = schemas.defs
    event_model = defs.get(resp.type.name) if isinstance(resp.type, ir.Ref) else None
    if not isinstance(event_model, ir.Model):
        return
    runs: dict[str, str] = overlay.schemas_with("run_events")
    for f in event_model.fields:
        t = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
        ends = overlay.schema(t.name).stream_ends if isinstance(t, ir.Ref) else None
        named = defs.get(t.name) if isinstance(t, ir.Ref) else None
        # the events are named by the enum of `event`, or by the tags of a union of `data`
        values: list[object] | None = None
        if f.wire == "event" and isinstance(named, ir.Enum):
            values = list(named.values)
        elif f.wire == "data" and isinstance(named, ir.Union_) and named.tag:
            values = [v.tag_value for v in named.variants]
        if ends is not None and values is not None and named is not None:
            for name in (*ends.terminal, *ends.errors):
                if name not in values:
                    schemas.problems.warn(
                        pointer, f"stream end `{name}` is not a value of `{named.name}` any more"
                    )
            resp.terminal += ends.terminal
            resp.errors = ends.errors
        if f.wire != "data":
            continue
        for payload, wire in runs.items():
            run = next((p for p in params if p.wire == wire and p.location == "path"), None)
            if run is not None and payload in reachable_refs(t, defs):
                resp.run_param = run.name


def reachable_refs(texpr: ir.TypeExpr, defs: dict[str, ir.Definition]) -> set[str]:
    """Names in `texpr` and in the unions and aliases it names."""
    names = set(references(texpr))
    for name in list(names):
        d = defs.get(name)
        if isinstance(d, (ir.Union_, ir.Alias)):
            names |= definition_references(d)
    return names
