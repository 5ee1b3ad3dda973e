"""The local stand-in for the whole Mistral API: what it answers, whatever carries it.

`MockApp.handle(exchange)` answers one request (`_exchange.Exchange`); the HTTP server
(`_server.py`, `mistral mock`, `make mock`) and the in-process httpx2 transports
(`_transport.py`, `mistral_sdk.testing.mock()`) carry it. Standard library and the
SDK's own generated types only. Answers, with bodies shaped like the spec's schemas:

- `GET  /v1/models` → `ModelList`; `GET /v1/models/{model_id}` → that model's card
- `POST /v1/chat/completions` → `ChatCompletionResponse`, or with `"stream": true` an
  SSE stream of `CompletionChunk`s ending `data: [DONE]`
- `POST /v1/embeddings` → one embedding per input, of the asked `output_dimension`
  (default 1024), the same vector for the same text
- `POST /v1/conversations`, `POST /v1/conversations/{id}` → `ConversationResponse`, or
  with `"stream": true` the `ConversationEvents` stream
- `POST /v1/workflows/{workflow_identifier}/execute` → `WorkflowExecutionResponse`
  (`WorkflowExecutionSyncResponse` with `"wait_for_result": true`), and the run's
  `GET /v1/workflows/executions/{id}`, `…/stream` (resumable with `last_event_id`),
  `POST …/cancel`, `…/signals`, `…/queries`, `…/updates`
- `POST /v1/files`, `GET /v1/files/{id}/content`, `POST /v1/ocr`, and the batch job
  lifecycle (`_batch.py`: `/v1/batch/jobs…`, with output and error files)
- the routes of the cloud deployments (`mistral_sdk.azure`: `/models/chat/completions`,
  `/providers/mistral/azure/ocr`; `mistral_sdk.gcp`: `…/models/{model}:rawPredict` and
  `:streamRawPredict`), answered as the operation they stand for

Conversations call function tools and ask for confirmations, workflows fail, hang or
drop their stream, as `_flows.py` describes. Triggers and webhooks (`_triggers.py`)
and service accounts (`_accounts.py`) are scripted flows of the supplement's
operations (docs/spec.md). Every other operation of the SDK gets a generic answer of
the type its method declares (`_generic.py`). Flows are modules (`FLOW_MODULES`),
tried in order after the routes above; the generic answers come last. A path the SDK
does not have is a 404; a request without `Authorization: Bearer …` (or `x-api-key`,
`api-key`) is a 401.

Faults on request, for any path (`_faults.py`): the header `x-mock-fault` or the query
parameter `mock_fault` = `429`, any 5xx code, `422`, or `cut`; `429x2` fails the first
two such requests only. A test scripts answers per call instead (`_script.py`).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import importlib
import json
import re
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from . import _batch as mock_batch
from . import _faults as mock_faults
from . import _flows as flows_module
from . import _triggers as mock_triggers
from ._answers import embeddings
from ._exchange import Exchange

__all__ = ["FLOW_MODULES", "MockApp"]

# Flow modules (mistral_sdk.testing._<name>), tried in this order for a request the
# routes below do not answer. Each has `make_flow(app)` returning an object whose
# `handle(exchange, method, path, query) -> bool` answers (True) or passes (False).
# Scripted flows go before "_generic", the generic answers for every operation.
FLOW_MODULES: tuple[str, ...] = ("_unlisted", "_triggers", "_accounts", "_generic")

MODEL = "mistral-medium-latest"

_WORKFLOW_EXECUTE = re.compile(r"^/v1/workflows/(?P<workflow>[^/]+)/execute$")
_CONVERSATION = re.compile(r"^/v1/conversations(?:/(?P<conversation_id>[^/]+))?$")
_EXECUTION = re.compile(
    r"^/v1/workflows/executions/(?P<id>[^/]+)(?:/(?P<action>stream|cancel|signals|queries|updates))?$"
)
_FILE_CONTENT = re.compile(r"^/v1/files/(?P<id>[^/]+)/content$")
_MODEL = re.compile(r"^/v1/models/(?P<id>[^/]+)$")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def _reply_words(prompt: str) -> list[str]:
    text = f"(mock) You said: {prompt}" if prompt else "(mock) Hello from the local mock server."
    words = text.split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def _last_user_text(messages: Any) -> str:
    """The text of the last user message or entry, whatever its shape."""
    if isinstance(messages, str):
        return messages
    if not isinstance(messages, list):
        return ""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role", "user") == "user":
            content = message.get("content")
            if isinstance(content, str):
                return content
            if isinstance(content, list):
                return " ".join(
                    c.get("text", "") for c in content if isinstance(c, dict) and "text" in c
                )
    return ""


# --- response bodies ----------------------------------------------------------


def model_card(name: str) -> dict[str, Any]:
    """A base model's card, as `models.list` and `models.retrieve` answer it."""
    return {
        "id": name,
        "object": "model",
        "created": 1755043200,
        "owned_by": "mistralai",
        "capabilities": {
            "completion_chat": True,
            "function_calling": True,
            "completion_fim": False,
            "fine_tuning": True,
            "vision": True,
            "classification": False,
        },
        "name": name,
        "description": f"{name} (mock)",
        "max_context_length": 131072,
        "aliases": [],
        "deprecation": None,
        "default_model_temperature": 0.3,
        "type": "base",
    }


def model_list() -> dict[str, Any]:
    names = ("mistral-small-latest", "mistral-medium-latest", "mistral-large-latest")
    return {"object": "list", "data": [model_card(name) for name in names]}


def chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    prompt = _last_user_text(body.get("messages"))
    words = _reply_words(prompt)
    structured = flows_module.structured_content(body, prompt)
    if structured is not None:
        words = [structured]
    return {
        "id": f"cmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "model": body.get("model") or MODEL,
        "created": int(time.time()),
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": len(words),
            "total_tokens": 12 + len(words),
        },
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "".join(words), "tool_calls": None},
                "finish_reason": "stop",
            }
        ],
    }


def chat_chunks(body: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
    completion_id = f"cmpl-{uuid.uuid4().hex[:12]}"
    model = body.get("model") or MODEL
    prompt = _last_user_text(body.get("messages"))
    words = _reply_words(prompt)
    structured = flows_module.structured_content(body, prompt)
    if structured is not None:  # a JSON reply, streamed in pieces as the API does
        words = [structured[i : i + 16] for i in range(0, len(structured), 16)]
    created = int(time.time())
    for i, word in enumerate(words):
        delta: dict[str, Any] = {"content": word}
        if i == 0:
            delta["role"] = "assistant"
        chunk: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        yield None, json.dumps(chunk)
    last = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": len(words),
            "total_tokens": 12 + len(words),
        },
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}],
    }
    yield None, json.dumps(last)
    yield None, "[DONE]"


def _conversation_usage(words: list[str]) -> dict[str, Any]:
    return {"prompt_tokens": 12, "completion_tokens": len(words), "total_tokens": 12 + len(words)}


def _entry_words(entry: dict[str, Any]) -> list[str]:
    content = entry.get("content")
    return content.split(" ") if isinstance(content, str) else []


# --- the cloud deployments' routes -------------------------------------------------


def _deployment_routes() -> list[tuple[re.Pattern[str], list[str]]]:
    """(pattern of a deployment's path, the spec paths it stands for), from the routes
    `mistral_sdk.azure` and `mistral_sdk.gcp` send to (neither needs its extra here)."""
    from .. import azure, gcp

    grouped: dict[str, list[str]] = {}
    for table in (azure.ROUTES, gcp.ROUTES, gcp.STREAM_ROUTES):
        for (_, spec_path), template in table.items():
            grouped.setdefault(template, []).append(spec_path)
    return [
        (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(t)) + "$"), paths)
        for t, paths in grouped.items()
    ]


# Which of the spec paths a Vertex model URL stands for: by a field only its body has.
_BODY_MARKS = {"/v1/chat/completions": "messages", "/v1/fim/completions": "prompt",
               "/v1/ocr": "document"}  # fmt: skip


def spec_path(path: str, body: bytes, routes: list[tuple[re.Pattern[str], list[str]]]) -> str:
    """The spec path a deployment's path stands for (`path` itself when it is none)."""
    for pattern, paths in routes:
        if pattern.match(path):
            if len(paths) == 1:
                return paths[0]
            try:
                fields = json.loads(body) if body else {}
            except ValueError:
                fields = {}
            if isinstance(fields, dict):
                for candidate in paths:
                    if _BODY_MARKS.get(candidate) in fields:
                        return candidate
            return paths[0]
    return path


# --- the app ------------------------------------------------------------------------

# A scripted answer before the routes (mistral_sdk.testing's Mock): whether it answered.
Before = Callable[[Exchange, str, str, Mapping[str, str]], bool]


class MockApp:
    """The mock's state (runs, conversations, files, jobs, objects) and its routes.

    `before`: asked first for each authorized request (with its spec path and query).
    """

    def __init__(self, *, before: Before | None = None) -> None:
        self.before = before
        self.flows = flows_module.Flows()
        self.batch = mock_batch.BatchMock(self.flows.files, flows_module.file_object)
        self.faults = mock_faults.Faults()
        self.flow_handlers = [
            importlib.import_module(f"{__package__}.{name}").make_flow(self)
            for name in FLOW_MODULES
        ]
        self._deployments = _deployment_routes()

    def handle(self, ex: Exchange) -> None:
        """Answer `ex` (sets `ex.answer`)."""
        raw_path, _, raw_query = ex.path.partition("?")
        path = spec_path(raw_path, ex.read_body(), self._deployments)
        query = dict(urllib.parse.parse_qsl(raw_query))
        if not _authorized(ex, path):
            ex.send_json(401, {"message": "Unauthorized", "request_id": uuid.uuid4().hex})
            return
        if self.before is not None and self.before(ex, path, raw_query, query):
            return
        fault = self.faults.pick(ex, query)
        if fault is not None:
            if fault.answer is None:
                ex.fault = fault.kind  # a cut: answer, but break off
            else:
                status, headers, payload = fault.answer
                ex.send_json(status, payload, headers.items())
                return
        if ex.command == "GET":
            self._get(ex, path, query)
        elif ex.command == "POST":
            self._post(ex, path, query)
        else:
            self._fallback(ex, path, query)

    def _fallback(self, ex: Exchange, path: str, query: dict[str, str]) -> None:
        """The flow modules, in order (generic answers last); else a 404."""
        for flow in self.flow_handlers:
            if flow.handle(ex, ex.command, path, query):
                return
        ex.send_json(404, {"detail": "Not Found"})

    def _get(self, ex: Exchange, path: str, query: dict[str, str]) -> None:
        if path == "/v1/models":
            ex.send_json(200, model_list())
        elif match := _MODEL.match(path):
            ex.send_json(200, model_card(urllib.parse.unquote(match.group("id"))))
        elif path == "/v1/workflows/workers/whoami":  # unlisted: workflow payload encoding
            ex.send_json(200, {"scheduler_url": "mock://scheduler", "namespace": "default"})
        elif match := _EXECUTION.match(path):
            run = self.flows.run(match.group("id"))
            if run is None or match.group("action") not in (None, "stream"):
                self._fallback(ex, path, query)  # not a scripted run: the generic answer
            elif match.group("action") is None:
                ex.send_json(200, run.execution())
            elif run.workflow == "no-stream":
                ex.send_json(404, {"detail": "Not Found"})
            else:
                last = ex.headers.get("Last-Event-ID") or query.get("last_event_id")
                ex.send_sse(self.flows.stream(run, last))
        elif answer := self.batch.handle("GET", path, None):
            ex.send_json(*answer)
        elif match := _FILE_CONTENT.match(path):
            stored = self.flows.files.get(match.group("id"))
            if stored is None:
                self._fallback(ex, path, query)
            else:
                ex.send_bytes(stored[1])
        else:
            self._fallback(ex, path, query)

    def _post(self, ex: Exchange, path: str, query: dict[str, str]) -> None:
        if path == "/v1/files":
            self._upload(ex)
            return
        if "json" not in ex.headers.get("Content-Type", "application/json"):
            self._fallback(ex, path, query)  # multipart and other bodies: the flow modules
            return
        body = self._json_body(ex, path, query)
        if body is None:
            return
        stream = body.get("stream") is True
        if path == "/v1/chat/completions":
            if stream:
                ex.send_sse((event, data, None) for event, data in chat_chunks(body))
            else:
                ex.send_json(200, chat_completion(body))
        elif path == "/v1/embeddings":
            ex.send_json(200, embeddings(body))
        elif match := _CONVERSATION.match(path):
            response = self.flows.conversation(body, match.group("conversation_id"))
            words = sum(len(_entry_words(e)) for e in response["outputs"])
            response["usage"] = _conversation_usage(["w"] * words)
            response["object"] = "conversation.response"
            if stream:
                events = flows_module.conversation_events(response)
                ex.send_sse((name, data, None) for name, data in events)
            else:
                ex.send_json(200, response)
        elif match := _WORKFLOW_EXECUTE.match(path):
            ex.send_json(*self.flows.execute(match.group("workflow"), body))
        elif match := _EXECUTION.match(path):
            self._execution_action(ex, path, match.group("id"), match.group("action"), body, query)
        elif path == "/v1/ocr":
            ex.send_json(*flows_module.ocr_response(body.get("document") or {}, self.flows))
        elif answer := self.batch.handle("POST", path, body):
            ex.send_json(*answer)
        else:
            self._fallback(ex, path, query)

    def _json_body(self, ex: Exchange, path: str, query: dict[str, str]) -> dict[str, Any] | None:
        """The body as a JSON object; None when it is answered already (not JSON: a 400;
        another JSON value: the generic answers, since no scripted route takes one)."""
        raw = ex.read_body()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            error = {
                "object": "error",
                "message": "body is not JSON",
                "type": "invalid_request_error",
            }
            ex.send_json(400, error)
            return None
        if not isinstance(body, dict):
            self._fallback(ex, path, query)
            return None
        return body

    def _execution_action(
        self,
        ex: Exchange,
        path: str,
        execution_id: str,
        action: str | None,
        body: dict[str, Any],
        query: dict[str, str],
    ) -> None:
        run = self.flows.run(execution_id)
        if run is None or action in (None, "stream"):
            self._fallback(ex, path, query)
        elif action == "cancel":
            self.flows.cancel(execution_id)
            ex.send_empty()
        elif action == "signals":
            ex.send_json(200, {"message": "Signal accepted"})
        elif action == "queries":
            result = {"status": run.status(), "input": body.get("input")}
            ex.send_json(200, {"query_name": body.get("name"), "result": result})
        else:
            ex.send_json(200, {"update_name": body.get("name"), "result": body.get("input")})

    def _upload(self, ex: Exchange) -> None:
        raw = ex.read_body()
        head = f"Content-Type: {ex.headers.get('Content-Type')}\r\n\r\n".encode()
        message = email.message_from_bytes(head + raw, policy=email.policy.HTTP)
        fields: dict[str, Any] = {}
        filename, data = "upload.bin", b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                filename, payload = str(part.get_filename()), part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
            elif name:
                fields[str(name)] = part.get_content().strip()
        file_id = str(uuid.uuid4())
        purpose = fields.get("purpose", "ocr")
        lines = data.count(b"\n") if purpose == "batch" else None
        obj = flows_module.file_object(file_id, filename, len(data), purpose, lines)
        self.flows.files[file_id] = (obj, data)
        for flow in self.flow_handlers:
            if hasattr(flow, "remember"):  # files.list / retrieve / delete see it too
                flow.remember("/v1/files", obj)
        ex.send_json(200, obj)


def _authorized(ex: Exchange, path: str) -> bool:
    # a few operations take the key in `x-api-key` instead (the spec says which), Azure
    # in `api-key`; an outside service's event to a webhook carries none
    headers = ex.headers
    return (
        headers.get("Authorization", "").startswith("Bearer ")
        or bool(headers.get("x-api-key") or headers.get("api-key"))
        or path.startswith(mock_triggers.HOOKS)
    )
