"""The scripted parts of the local mock: workflow runs, tool-calling conversations,
structured chat output, files and OCR (batch jobs: _batch.py). Standard library only.

Behaviour is chosen by what the request says, so that examples and tests can ask
for a failure path without any setup:

Workflows (`POST /v1/workflows/{name}/execute`), by workflow name:
- any name: the run emits STARTED, then COMPLETED after about 0.3 s; its result
  echoes the input and the connector bindings it received. With a `gmail` binding,
  a `connector-auth` custom task first reports `waiting_for_auth` (with an auth URL)
  and then `connected`.
- a name containing `fail`: the run ends FAILED.
- `slow`: the run never ends (until cancelled).
- `flaky`: the first event stream of each run breaks after two events (a chunked
  body cut short), so clients must resume from the last event id.
- `no-stream`: the event stream answers 404 (clients fall back to polling).
- an `encoded_input` (workflow payload encoding): the run plays a worker that echoes
  it: its result, and the payloads of its events, are that encoded input, which the
  mock cannot read (`GET /v1/workflows/workers/whoami` names the namespace "default").
`wait_for_result: true` waits up to `timeout_seconds` like the real API.

Conversations with function tools (`tools: [{"type": "function", ...}]`): the model
calls the first tool with arguments made from its schema, then answers with the
tool's result. The prompt steers it: `draft` → a call to the server-side tool
`gmail_send_draft` that waits for confirmation; `forever` → it keeps calling tools;
an agent id starting with `ag_triage` hands off to `ag_billing`.

Chat with a `json_schema` response format answers an object made from the schema
(`malformed` in the prompt → text that is not JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MODEL = "mistral-medium-latest"
RUN_SECONDS = 0.3  # how long a mock workflow run takes
AUTH_URL = "https://auth.mock.local/oauth/gmail?state="


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def _uid(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


# --- values from JSON schemas ----------------------------------------------------


def sample(schema: Any, defs: dict[str, Any] | None = None, hint: str = "") -> Any:
    """A value matching `schema` (the subset msgspec writes): for mock answers."""
    if not isinstance(schema, dict):
        return None
    defs = {**(defs or {}), **schema.get("$defs", {})}
    if "$ref" in schema:
        return sample(defs.get(schema["$ref"].split("/")[-1], {}), defs, hint)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return sample(options[0], defs, hint)
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: sample(sub, defs, name) for name, sub in props.items()}
    if kind == "array":
        return [sample(schema.get("items", {}), defs, hint)]
    if kind == "string":
        return {"city": "Paris", "name": "Ada", "title": "Mock"}.get(hint, f"mock {hint}".strip())
    if kind == "integer":
        return 3
    if kind == "number":
        return 21.5
    if kind == "boolean":
        return True
    return None


# --- workflows -------------------------------------------------------------------


@dataclass
class Run:
    execution_id: str
    workflow: str
    input: Any
    extensions: Any
    started: float = field(default_factory=time.monotonic)
    start_time: str = field(default_factory=_now)
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    cancelled: float | None = None
    encoded_input: Any = None  # an encoded payload (b64payload, encoding_options)
    streams: int = 0
    timeline: list[tuple[float, dict[str, Any]]] = field(default_factory=list)

    @property
    def bindings(self) -> list[dict[str, Any]]:
        ext = self.extensions if isinstance(self.extensions, dict) else {}
        return ((ext.get("mistralai") or {}).get("connectors") or {}).get("bindings") or []

    @property
    def ends(self) -> float | None:
        if self.cancelled is not None:
            return self.cancelled
        return None if self.workflow == "slow" else RUN_SECONDS

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def status(self) -> str:
        ends = self.ends
        if ends is None or self.elapsed() < ends:
            return "RUNNING"
        if self.cancelled is not None:
            return "CANCELED"
        return "FAILED" if "fail" in self.workflow else "COMPLETED"

    def result(self) -> Any:
        status = self.status()
        if status == "COMPLETED" and self.encoded_input is not None:
            return self.encoded_input  # the echo worker: the same encoded payload back
        if status == "COMPLETED":
            names = [b.get("connector_name") for b in self.bindings]
            return {"input": self.input, "connectors": names, "summary": "3 unread messages"}
        if status == "FAILED":
            return {"error": "mock failure: the workflow raised ValueError"}
        return None

    def execution(self) -> dict[str, Any]:
        status = self.status()
        done = status != "RUNNING"
        return {
            "workflow_name": self.workflow,
            "workflow_id": None,
            "deployment_name": None,
            "execution_id": self.execution_id,
            "parent_execution_id": None,
            "root_execution_id": self.execution_id,
            "run_id": self.run_id,
            "user_id": None,
            "status": status,
            "start_time": self.start_time,
            "end_time": _now() if done else None,
            "total_duration_ms": int(self.elapsed() * 1000) if done else None,
            "result": self.result(),
        }

    def _event(self, event_type: str, attributes: dict[str, Any]) -> dict[str, Any]:
        return workflow_event(self.execution_id, self.run_id, self.workflow, event_type, attributes)

    def events(self) -> list[tuple[float, dict[str, Any]]]:
        """(offset in seconds, workflow event) of the whole run, as far as it is known."""
        if self.timeline:
            return self.timeline
        task = {"task_id": "task-1"}
        out = [
            (
                0.0,
                self._event(
                    "WORKFLOW_EXECUTION_STARTED",
                    {**task, "workflow_name": self.workflow, "input": self._payload(self.input)},
                ),
            )
        ]
        if any(b.get("connector_name") == "gmail" for b in self.bindings):
            auth = {"connector_name": "gmail", "connector_id": "conn_gmail"}
            for offset, status in ((0.05, "waiting_for_auth"), (0.15, "connected")):
                state = {**auth, "status": status}
                if status == "waiting_for_auth":
                    state["auth_url"] = AUTH_URL + self.execution_id
                out.append(
                    (
                        offset,
                        self._event(
                            "CUSTOM_TASK_IN_PROGRESS",
                            {
                                "custom_task_id": "auth-gmail",
                                "custom_task_type": "connector-auth",
                                "payload": _json(state),
                            },
                        ),
                    )
                )
        out.append(
            (
                0.2,
                self._event(
                    "CUSTOM_TASK_COMPLETED",
                    {
                        "custom_task_id": "triage",
                        "custom_task_type": "llm_call",
                        "payload": _json({"labels": 3}),
                    },
                ),
            )
        )
        self.timeline = out
        return out

    def _payload(self, value: Any) -> dict[str, Any]:
        """An event payload: an encoded one as workers send them (base64 `value`)."""
        encoded = self.encoded_input
        if encoded is None:
            return _json(value)
        return {
            "type": "json",
            "value": encoded["b64payload"],
            "encoding_options": encoded.get("encoding_options", []),
        }

    def final_event(self) -> dict[str, Any] | None:
        status = self.status()
        if status == "COMPLETED":
            return self._event(
                "WORKFLOW_EXECUTION_COMPLETED",
                {"task_id": "task-1", "result": self._payload(self.result())},
            )
        if status == "FAILED":
            return self._event(
                "WORKFLOW_EXECUTION_FAILED",
                {"task_id": "task-1", "failure": {"message": self.result()["error"]}},
            )
        if status == "CANCELED":
            return self._event("WORKFLOW_EXECUTION_CANCELED", {"task_id": "task-1"})
        return None


def _json(value: Any) -> dict[str, Any]:
    return {"type": "json", "value": value}


def workflow_event(
    execution_id: str, run_id: str, workflow: str, event_type: str, attributes: dict[str, Any]
) -> dict[str, Any]:
    """A `WorkflowEvent` of a run."""
    return {
        "event_id": _uid("evt_"),
        "event_timestamp": time.time_ns(),
        "root_workflow_exec_id": execution_id,
        "parent_workflow_exec_id": None,
        "continued_run_id": None,
        "first_execution_run_id": run_id,
        "schedule_id": None,
        "workflow_exec_id": execution_id,
        "workflow_run_id": run_id,
        "workflow_name": workflow,
        "event_type": event_type,
        "attributes": attributes,
    }


def stream_envelope(execution_id: str, workflow: str, seq: int, event: dict[str, Any]) -> str:
    """The data of one event of `workflows.executions.stream`."""
    return json.dumps(
        {
            "stream": f"workflow:{execution_id}",
            "timestamp": _now(),
            "data": event,
            "workflow_context": {
                "namespace": "default",
                "workflow_name": workflow,
                "workflow_exec_id": execution_id,
                "parent_workflow_exec_id": None,
                "root_workflow_exec_id": execution_id,
            },
            "metadata": {},
            "broker_sequence": seq,
        }
    )


class Flows:
    """The mock's state: workflow runs, conversations, files (batch jobs: _batch.py)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs: dict[str, Run] = {}
        self.conversations: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[dict[str, Any], bytes]] = {}

    # workflows

    def execute(self, workflow: str, body: dict[str, Any]) -> tuple[int, Any]:
        execution_id = body.get("execution_id") or _uid("exec_")
        with self.lock:
            if execution_id in self.runs:
                return 409, {"detail": f"execution {execution_id} already exists"}
            run = self.runs[execution_id] = Run(
                execution_id, workflow, body.get("input"), body.get("extensions")
            )
            run.encoded_input = body.get("encoded_input")
        if body.get("wait_for_result"):
            deadline = time.monotonic() + float(body.get("timeout_seconds") or 30)
            while run.status() == "RUNNING" and time.monotonic() < deadline:
                time.sleep(0.02)
            if run.status() == "COMPLETED":
                result = run.result()
                return 200, {
                    "workflow_name": workflow,
                    "execution_id": execution_id,
                    "result": result,
                }
        return 200, run.execution()

    def run(self, execution_id: str) -> Run | None:
        with self.lock:
            return self.runs.get(execution_id)

    def cancel(self, execution_id: str) -> bool:
        run = self.run(execution_id)
        if run is None:
            return False
        if run.status() == "RUNNING":
            run.cancelled = run.elapsed()
        return True

    def stream(self, run: Run, last_event_id: str | None) -> Iterator[tuple[str | None, str, str]]:
        """(event name, data, id) of the run's stream after `last_event_id`, as they happen."""
        run.streams += 1
        cut_after = 2 if run.workflow == "flaky" and run.streams == 1 else None
        after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0
        for seq, event in self._events(run):
            if seq <= after:
                continue
            if cut_after is not None and seq > after + cut_after:
                raise ConnectionAbortedError("mock: connection dropped mid-stream")
            yield (
                "workflow_event",
                stream_envelope(run.execution_id, run.workflow, seq, event),
                str(seq),
            )
        yield None, "[DONE]", ""

    @staticmethod
    def _events(run: Run) -> Iterator[tuple[int, dict[str, Any]]]:
        """The run's events with their sequence numbers, each when it happens."""
        timeline = run.events()
        for seq, (offset, event) in enumerate(timeline, start=1):
            while run.elapsed() < offset and run.status() == "RUNNING":
                time.sleep(0.01)
            yield seq, event
        idle_until = time.monotonic() + 1.0  # a stream on a quiet run ends after 1 s
        while run.status() == "RUNNING" and time.monotonic() < idle_until:
            time.sleep(0.01)
        final = run.final_event()
        if final is not None:
            yield len(timeline) + 1, final

    # conversations

    def conversation(self, body: dict[str, Any], conversation_id: str | None) -> dict[str, Any]:
        """The next turn's outputs, from the conversation so far and the new inputs."""
        with self.lock:
            if conversation_id is None:
                conversation_id = _uid("conv_")
                state = self.conversations[conversation_id] = {
                    "tools": [t for t in body.get("tools") or [] if t.get("type") == "function"],
                    "agent_id": body.get("agent_id"),
                    "prompt": _text(body.get("inputs")),
                    "turns": 0,
                    "pending": None,
                }
            else:
                state = self.conversations.setdefault(
                    conversation_id,
                    {"tools": [], "agent_id": None, "prompt": "", "turns": 0, "pending": None},
                )
                if isinstance(body.get("inputs"), str):
                    state["prompt"] = body["inputs"]
            state["turns"] += 1
        outputs = _conversation_turn(state, body)
        return {"conversation_id": conversation_id, "outputs": outputs}


def _text(inputs: Any) -> str:
    if isinstance(inputs, str):
        return inputs
    if isinstance(inputs, list):
        for entry in reversed(inputs):
            if isinstance(entry, dict) and entry.get("role") == "user":
                content = entry.get("content")
                return content if isinstance(content, str) else ""
    return ""


def _entry(kind: str, **fields: Any) -> dict[str, Any]:
    now = _now()
    return {"object": "entry", "type": kind, "created_at": now, "id": _uid("ent_"), **fields}


def _message(text: str, agent_id: str | None = None) -> dict[str, Any]:
    return _entry(
        "message.output",
        completed_at=_now(),
        agent_id=agent_id,
        model=MODEL,
        role="assistant",
        content=text,
    )


def _conversation_turn(state: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    prompt: str = state["prompt"]
    inputs: list[Any] = body["inputs"] if isinstance(body.get("inputs"), list) else []
    results = [e for e in inputs if isinstance(e, dict) and e.get("type") == "function.result"]
    confirmations = body.get("tool_confirmations") or []
    outputs: list[dict[str, Any]] = []
    agent = state.get("agent_id")
    if agent and str(agent).startswith("ag_triage") and state["turns"] == 1:
        outputs.append(
            _entry(
                "agent.handoff",
                previous_agent_id=agent,
                previous_agent_name="triage",
                next_agent_id="ag_billing",
                next_agent_name="billing",
            )
        )
        agent = "ag_billing"
    if confirmations:
        allowed = all(c.get("confirmation") == "allow" for c in confirmations)
        state["pending"] = None
        text = "(mock) Draft sent." if allowed else "(mock) OK, I did not send the draft."
        return [*outputs, _message(text, agent)]
    if "draft" in prompt and state["pending"] is None and state["turns"] == 1:
        call_id = _uid("call_")
        state["pending"] = call_id
        outputs.append(
            _entry(
                "function.call",
                tool_call_id=call_id,
                name="gmail_send_draft",
                arguments=json.dumps({"to": "ada@example.com", "subject": "Re: invoice"}),
                confirmation_status="pending",
                agent_id=agent,
                model=MODEL,
            )
        )
        return outputs
    tools = state["tools"]
    if tools and (not results or "forever" in prompt):
        function = tools[(state["turns"] - 1) % len(tools)]["function"]
        arguments = sample(function.get("parameters", {}))
        outputs.append(
            _entry(
                "function.call",
                tool_call_id=_uid("call_"),
                name=function["name"],
                arguments=json.dumps(arguments),
                agent_id=agent,
                model=MODEL,
            )
        )
        return outputs
    if results:
        said = "; ".join(r.get("result", "") for r in results)
        return [*outputs, _message(f"(mock) The tool said: {said}", agent)]
    return [*outputs, _message(f"(mock) You said: {prompt}", agent)]


def conversation_events(response: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
    """A non-streamed turn as the conversation event stream the API sends."""
    started = {
        "type": "conversation.response.started",
        "created_at": _now(),
        "conversation_id": response["conversation_id"],
    }
    yield "conversation.response.started", json.dumps(started)
    for index, entry in enumerate(response["outputs"]):
        if entry["type"] == "message.output":
            for word in entry["content"].split(" "):
                delta = {
                    "type": "message.output.delta",
                    "created_at": _now(),
                    "output_index": index,
                    "id": entry["id"],
                    "content_index": 0,
                    "model": MODEL,
                    "agent_id": entry.get("agent_id"),
                    "role": "assistant",
                    "content": word + " ",
                }
                yield "message.output.delta", json.dumps(delta)
        elif entry["type"] == "function.call":
            # in pieces of a few characters, as the API sends them (never whole)
            arguments = entry["arguments"]
            for part in (arguments[i : i + 12] for i in range(0, len(arguments), 12)):
                delta = {
                    "type": "function.call.delta",
                    "created_at": _now(),
                    "output_index": index,
                    "id": entry["id"],
                    "model": MODEL,
                    "agent_id": entry.get("agent_id"),
                    "name": entry["name"],
                    "tool_call_id": entry["tool_call_id"],
                    "arguments": part,
                    "confirmation_status": entry.get("confirmation_status"),
                }
                yield "function.call.delta", json.dumps(delta)
        elif entry["type"] == "agent.handoff":
            started = {
                "type": "agent.handoff.started",
                "created_at": _now(),
                "output_index": index,
                "id": entry["id"],
                "previous_agent_id": entry["previous_agent_id"],
                "previous_agent_name": entry["previous_agent_name"],
            }
            yield "agent.handoff.started", json.dumps(started)
            done = {
                "type": "agent.handoff.done",
                "created_at": _now(),
                "output_index": index,
                "id": entry["id"],
                "next_agent_id": entry["next_agent_id"],
                "next_agent_name": entry["next_agent_name"],
            }
            yield "agent.handoff.done", json.dumps(done)
    done = {"type": "conversation.response.done", "created_at": _now(), "usage": response["usage"]}
    yield "conversation.response.done", json.dumps(done)


# --- chat structured output ----------------------------------------------------------


def structured_content(body: dict[str, Any], prompt: str) -> str | None:
    """The reply to a `json_schema` response format, or None for other formats."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") != "json_schema":
        return None
    if "malformed" in prompt:
        return "Sorry, here is some prose instead of JSON."
    schema = (response_format.get("json_schema") or {}).get("schema") or {}
    return json.dumps(sample(schema))


# --- files, OCR, batch -------------------------------------------------------------


def file_object(
    file_id: str, filename: str, size: int, purpose: str, lines: int | None
) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": size,
        "created_at": int(time.time()),
        "filename": filename,
        "purpose": purpose,
        "sample_type": "batch_request" if purpose == "batch" else "ocr_input",
        "num_lines": lines,
        "mimetype": None,
        "source": "upload",
    }


def ocr_response(document: dict[str, Any], flows: Flows) -> tuple[int, Any]:
    name = document.get("document_url") or document.get("image_url") or ""
    file_id = document.get("file_id")
    if file_id is not None:
        stored = flows.files.get(file_id)
        if stored is None:
            return 404, {"detail": f"file {file_id} not found"}
        name, data = stored[0]["filename"], stored[1]
    else:
        data = b""
    pages = [
        {
            "index": 0,
            "markdown": f"# {name}\n\n(mock OCR) {len(data)} bytes read.",
            "images": [],
            "dimensions": {"dpi": 200, "height": 2200, "width": 1700},
        }
    ]
    return 200, {
        "pages": pages,
        "model": "mistral-ocr-latest",
        "usage_info": {"pages_processed": 1},
    }
