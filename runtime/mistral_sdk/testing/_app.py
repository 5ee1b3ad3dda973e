#!/usr/bin/env python3
"""A local stand-in for the whole Mistral API: the demo, the examples, the tests, your tries.

Standard library only. Answers, with bodies shaped like the spec's schemas:

- `GET  /v1/models`                                   → `ModelList`
- `POST /v1/chat/completions`                         → `ChatCompletionResponse`, or with
  `"stream": true` an SSE stream of `CompletionChunk`s (`CompletionEvent`) ending `data: [DONE]`
- `POST /v1/conversations`, `POST /v1/conversations/{id}` → `ConversationResponse`, or with
  `"stream": true` the `ConversationEvents` stream (`conversation.response.started`,
  `message.output.delta` …, `conversation.response.done`)
- `POST /v1/workflows/{workflow_identifier}/execute`  → `WorkflowExecutionResponse`
  (`WorkflowExecutionSyncResponse` with `"wait_for_result": true`), and the run's
  `GET /v1/workflows/executions/{id}`, `…/stream` (resumable with `last_event_id`),
  `POST …/cancel`, `…/signals`, `…/queries`, `…/updates`
- `POST /v1/files`, `GET /v1/files/{id}/content`, `POST /v1/ocr`,
  and the batch job lifecycle (`mock_batch.py`: `/v1/batch/jobs…`, with output and error files)

Conversations call function tools and ask for confirmations, workflows fail, hang
or drop their stream, as `mock_flows.py` describes (the scripted fake the examples
and tests run against).

Triggers and webhooks (`mock_triggers.py`: an outside event starts a workflow) and
service accounts (`mock_accounts.py`: a client with an account's token file acts as it)
are scripted flows of the supplement's operations (docs/spec.md).

Every other operation of the SDK gets a generic answer of the type its method declares
(`mock_generic.py`, from the generated package: no spec is read; paging lists, event
streams, uploads kept in full). Flows are modules (`FLOW_MODULES`), tried in order
after the routes above; the generic answers come last, so a scripted flow always takes
precedence. A path the SDK does not have is a 404; a request without
`Authorization: Bearer …` (or `x-api-key`) is a 401. docs/mock.md says it all.

Faults on request, for any path (`mock_faults.py`): the header `x-mock-fault` or the
query parameter `mock_fault` = `429` (with `Retry-After: 0`), any 5xx code, `422`
(the API's `detail` list), or `cut` (the answer breaks off after its first event or
half its body); `429x2` fails the first two such requests only (then answers).

    from mock_server import start_mock
    base_url, stop = start_mock()      # http://127.0.0.1:<free port>
    ...
    stop()

or `make mock` (`python scripts/mock_server.py [--port N]`) to run it in the foreground.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import importlib
import json
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# scripts/ is on sys.path whenever this module is (run as a script or imported).
import mock_batch  # type: ignore[import-not-found, unused-ignore]
import mock_faults  # type: ignore[import-not-found, unused-ignore]
import mock_flows as flows_module  # type: ignore[import-not-found, unused-ignore]
import mock_triggers  # type: ignore[import-not-found, unused-ignore]

__all__ = ["FLOW_MODULES", "MockServer", "start_mock"]

# Flow modules (scripts/<name>.py), tried in this order for a request the routes below
# do not answer. Each has `make_flow(server)` returning an object whose
# `handle(handler, method, path, query) -> bool` answers (True) or passes (False).
# Scripted flows go before "mock_generic", the generic answers for every operation.
FLOW_MODULES: tuple[str, ...] = ("mock_unlisted", "mock_triggers", "mock_accounts", "mock_generic")

MODEL = "mistral-medium-latest"
STREAM_DELAY = 0.02  # seconds between SSE events, so streaming is visible

_WORKFLOW_EXECUTE = re.compile(r"^/v1/workflows/(?P<workflow>[^/]+)/execute$")
_CONVERSATION = re.compile(r"^/v1/conversations(?:/(?P<conversation_id>[^/]+))?$")
_EXECUTION = re.compile(
    r"^/v1/workflows/executions/(?P<id>[^/]+)(?:/(?P<action>stream|cancel|signals|queries|updates))?$"
)
_FILE_CONTENT = re.compile(r"^/v1/files/(?P<id>[^/]+)/content$")


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


def model_list() -> dict[str, Any]:
    capabilities = {
        "completion_chat": True,
        "function_calling": True,
        "completion_fim": False,
        "fine_tuning": True,
        "vision": True,
        "classification": False,
    }
    return {
        "object": "list",
        "data": [
            {
                "id": name,
                "object": "model",
                "created": 1755043200,
                "owned_by": "mistralai",
                "capabilities": capabilities,
                "name": name,
                "description": f"{name} (mock)",
                "max_context_length": 131072,
                "aliases": [],
                "deprecation": None,
                "default_model_temperature": 0.3,
                "type": "base",
            }
            for name in ("mistral-small-latest", "mistral-medium-latest", "mistral-large-latest")
        ],
    }


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


# --- HTTP ---------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mistral-mock/0.1"
    # headers and body go out in separate writes: without this, Nagle's algorithm and
    # the client's delayed ACK hold every answer back ~40 ms
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet by default
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # -- helpers

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", uuid.uuid4().hex)
        self.end_headers()
        if self.fault == "cut":  # half the promised body, then the connection closes
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.wfile.write(data)

    # The names flow modules use (see FLOW_MODULES).
    def send_json(self, status: int, payload: Any) -> None:
        self._send_json(status, payload)

    def send_empty(self) -> None:
        self._send_empty()

    def send_bytes(self, data: bytes, content_type: str = "application/octet-stream") -> None:
        self._send_bytes(data, content_type)

    def send_sse_frames(self, frames: list[str]) -> None:
        """Send ready-made SSE frames (each `field: value` lines, without the blank line),
        without the pause between events the scripted streams make for the demo."""
        self._send_frames((f + "\n\n" for f in frames), delay=0.0)

    def read_body(self) -> bytes:
        """The whole request body, by Content-Length or chunked (read once, kept)."""
        if self._body is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                parts = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()  # the CRLF after each chunk
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self._body = b"".join(parts)
            else:
                self._body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return self._body

    def _send_sse(self, events: Iterator[tuple[str | None, str]]) -> None:
        self._send_sse_ids((event, data, None) for event, data in events)

    def _send_sse_ids(self, events: Iterator[tuple[str | None, str, str | None]]) -> None:
        self._send_frames(
            (f"event: {event}\n" if event else "")
            + (f"id: {event_id}\n" if event_id else "")
            + f"data: {data}\n\n"
            for event, data, event_id in events
        )

    def _send_frames(self, frames: Iterator[str], delay: float = STREAM_DELAY) -> None:
        # Chunked, so that a connection cut mid-stream is seen as one by the client.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-request-id", uuid.uuid4().hex)
        # said, not only done: a client that reuses the connection before it sees the
        # close gets "Server disconnected" (httpcore2 checks an idle connection only
        # when it takes it)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for sent, frame in enumerate(frames):
                if sent and self.fault == "cut":
                    return  # a fault asked for: no final chunk, a broken body
                payload = frame.encode()
                self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                self.wfile.flush()
                time.sleep(delay)
            self.wfile.write(b"0\r\n\r\n")
        except ConnectionAbortedError:
            pass  # the script cut the stream: no final chunk, the client sees a broken body
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading

    def _send_bytes(self, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_empty(self) -> None:
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _read_json(self) -> dict[str, Any] | None:
        raw = self.read_body()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            self._send_json(
                400,
                {"object": "error", "message": "body is not JSON", "type": "invalid_request_error"},
            )
            return None
        if not isinstance(body, dict):  # no scripted route takes one: the generic answers
            self._fallback("POST")
            return None
        return body

    def _authorized(self) -> bool:
        # a few operations take the key in `x-api-key` instead (the spec says which)
        if self.headers.get("Authorization", "").startswith("Bearer ") or self.headers.get(
            "x-api-key"
        ):
            return True
        if self.path.startswith(mock_triggers.HOOKS):  # an outside service's event: no key
            return True
        self._send_json(401, {"message": "Unauthorized", "request_id": uuid.uuid4().hex})
        return False

    def _not_found(self) -> None:
        self._send_json(404, {"detail": "Not Found"})

    # -- routes

    @property
    def flows(self) -> Any:
        return self.server.flows  # type: ignore[attr-defined]

    def _start(self) -> bool:
        """Per request: authorization and any fault asked for; whether to go on."""
        self._body: bytes | None = None
        self.fault = ""
        if not self._authorized():
            self.read_body()  # drain the body so the connection stays usable
            return False
        query = dict(urllib.parse.parse_qsl(self.path.partition("?")[2]))
        fault = self.server.faults.pick(self, query)  # type: ignore[attr-defined]
        if fault is None:
            return True
        self.read_body()
        if fault.answer is None:
            self.fault = fault.kind  # a cut: answer, but break off
            return True
        status, headers, payload = fault.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        data = json.dumps(payload).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return False

    def _fallback(self, method: str) -> None:
        """The flow modules, in order (generic spec answers last); else a 404."""
        path, _, query = self.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        for flow in self.server.flow_handlers:  # type: ignore[attr-defined]
            if flow.handle(self, method, path, params):
                return
        self.read_body()
        self._not_found()

    def do_PUT(self) -> None:
        if self._start():
            self._fallback("PUT")

    def do_PATCH(self) -> None:
        if self._start():
            self._fallback("PATCH")

    def do_DELETE(self) -> None:
        if self._start():
            self._fallback("DELETE")

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        if not self._start():
            return
        params = dict(urllib.parse.parse_qsl(query))
        if path == "/v1/models":
            self._send_json(200, model_list())
        elif path == "/v1/workflows/workers/whoami":  # unlisted: workflow payload encoding
            self._send_json(200, {"scheduler_url": "mock://scheduler", "namespace": "default"})
        elif match := _EXECUTION.match(path):
            run = self.flows.run(match.group("id"))
            if run is None or match.group("action") not in (None, "stream"):
                self._fallback("GET")  # not a scripted run: the generic answer
            elif match.group("action") is None:
                self._send_json(200, run.execution())
            elif run.workflow == "no-stream":
                self._not_found()
            else:
                last = self.headers.get("Last-Event-ID") or params.get("last_event_id")
                self._send_sse_ids(self.flows.stream(run, last))
        elif answer := self.server.batch.handle("GET", path, None):  # type: ignore[attr-defined]
            self._send_json(*answer)
        elif match := _FILE_CONTENT.match(path):
            stored = self.flows.files.get(match.group("id"))
            if stored is None:
                self._fallback("GET")
            else:
                self._send_bytes(stored[1])
        else:
            self._fallback("GET")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if not self._start():
            return
        if path == "/v1/files":
            self._upload()
            return
        if "json" not in self.headers.get("Content-Type", "application/json"):
            self._fallback("POST")  # multipart and other bodies: the flow modules
            return
        body = self._read_json()
        if body is None:
            return
        stream = body.get("stream") is True
        if path == "/v1/chat/completions":
            if stream:
                self._send_sse(chat_chunks(body))
            else:
                self._send_json(200, chat_completion(body))
            return
        if match := _CONVERSATION.match(path):
            response = self.flows.conversation(body, match.group("conversation_id"))
            words = sum(len(_entry_words(e)) for e in response["outputs"])
            response["usage"] = _conversation_usage(["w"] * words)
            response["object"] = "conversation.response"
            if stream:
                self._send_sse(flows_module.conversation_events(response))
            else:
                self._send_json(200, response)
            return
        if match := _WORKFLOW_EXECUTE.match(path):
            self._send_json(*self.flows.execute(match.group("workflow"), body))
            return
        if match := _EXECUTION.match(path):
            self._execution_action(match.group("id"), match.group("action"), body)
            return
        if path == "/v1/ocr":
            self._send_json(*flows_module.ocr_response(body.get("document") or {}, self.flows))
            return
        if answer := self.server.batch.handle("POST", path, body):  # type: ignore[attr-defined]
            self._send_json(*answer)
            return
        self._fallback("POST")

    def _execution_action(
        self, execution_id: str, action: str | None, body: dict[str, Any]
    ) -> None:
        run = self.flows.run(execution_id)
        if run is None or action in (None, "stream"):
            self._fallback("POST")
        elif action == "cancel":
            self.flows.cancel(execution_id)
            self._send_empty()
        elif action == "signals":
            self._send_json(200, {"message": "Signal accepted"})
        elif action == "queries":
            result = {"status": run.status(), "input": body.get("input")}
            self._send_json(200, {"query_name": body.get("name"), "result": result})
        else:
            self._send_json(200, {"update_name": body.get("name"), "result": body.get("input")})

    def _upload(self) -> None:
        raw = self.read_body()  # by Content-Length or chunked: stored in full
        head = f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode()
        message = email.message_from_bytes(head + raw, policy=email.policy.HTTP)
        fields: dict[str, Any] = {}
        filename, data = "upload.bin", b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                filename, data = part.get_filename(), part.get_payload(decode=True) or b""
            elif name:
                fields[str(name)] = part.get_content().strip()
        file_id = str(uuid.uuid4())
        purpose = fields.get("purpose", "ocr")
        lines = data.count(b"\n") if purpose == "batch" else None
        obj = flows_module.file_object(file_id, filename, len(data), purpose, lines)
        self.flows.files[file_id] = (obj, data)
        for flow in self.server.flow_handlers:  # type: ignore[attr-defined]
            if hasattr(flow, "remember"):  # files.list / retrieve / delete see it too
                flow.remember("/v1/files", obj)
        self._send_json(200, obj)


def _entry_words(entry: dict[str, Any]) -> list[str]:
    content = entry.get("content")
    return content.split(" ") if isinstance(content, str) else []


class MockServer(ThreadingHTTPServer):
    daemon_threads = True
    verbose = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flows = flows_module.Flows()
        self.batch = mock_batch.BatchMock(self.flows.files, flows_module.file_object)
        self.faults = mock_faults.Faults()
        self.flow_handlers = [
            importlib.import_module(name).make_flow(self) for name in FLOW_MODULES
        ]


def start_mock(verbose: bool = False, port: int = 0) -> tuple[str, Callable[[], None]]:
    """Start the mock on 127.0.0.1 (a free port unless `port` is given) in a background thread.

    Returns `(base_url, stop)`; `stop()` shuts the server down and frees the port.
    """
    server = MockServer(("127.0.0.1", port), _Handler)
    server.verbose = verbose
    thread = threading.Thread(target=server.serve_forever, name="mistral-mock", daemon=True)
    thread.start()
    bound_port = server.server_address[1]

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://127.0.0.1:{bound_port}", stop


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the local Mistral API mock.")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    args = parser.parse_args()
    base_url, stop = start_mock(verbose=True, port=args.port)
    print(f"mock Mistral API at {base_url}  (MISTRAL_BASE_URL={base_url}); Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()


if __name__ == "__main__":
    main()
