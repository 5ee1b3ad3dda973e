#!/usr/bin/env python3
"""A tiny local stand-in for the Mistral API, for the demo and for manual tries.

Standard library only. Answers, with bodies shaped like the spec's schemas:

- `GET  /v1/models`                                   → `ModelList`
- `POST /v1/chat/completions`                         → `ChatCompletionResponse`, or with
  `"stream": true` an SSE stream of `CompletionChunk`s (`CompletionEvent`) ending `data: [DONE]`
- `POST /v1/conversations`, `POST /v1/conversations/{id}` → `ConversationResponse`, or with
  `"stream": true` the `ConversationEvents` stream (`conversation.response.started`,
  `message.output.delta` …, `conversation.response.done`)
- `POST /v1/workflows/{workflow_identifier}/execute`  → `WorkflowExecutionResponse`
  (`WorkflowExecutionSyncResponse` with `"wait_for_result": true`)

Anything else is a 404; a request without `Authorization: Bearer …` is a 401.

    from mock_server import start_mock
    base_url, stop = start_mock()      # http://127.0.0.1:<free port>
    ...
    stop()

or `python scripts/mock_server.py [--port N]` to run it in the foreground.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["MockServer", "start_mock"]

MODEL = "mistral-medium-latest"
STREAM_DELAY = 0.02  # seconds between SSE events, so streaming is visible

_WORKFLOW_EXECUTE = re.compile(r"^/v1/workflows/(?P<workflow>[^/]+)/execute$")
_CONVERSATION = re.compile(r"^/v1/conversations(?:/(?P<conversation_id>[^/]+))?$")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat().replace("+00:00", "Z")


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
    words = _reply_words(_last_user_text(body.get("messages")))
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
    words = _reply_words(_last_user_text(body.get("messages")))
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


def conversation_response(body: dict[str, Any], conversation_id: str | None) -> dict[str, Any]:
    words = _reply_words(_last_user_text(body.get("inputs")))
    now = _now()
    return {
        "object": "conversation.response",
        "conversation_id": conversation_id or f"conv_{uuid.uuid4().hex[:16]}",
        "outputs": [
            {
                "object": "entry",
                "type": "message.output",
                "created_at": now,
                "completed_at": now,
                "agent_id": None,
                "model": body.get("model") or MODEL,
                "id": f"msg_{uuid.uuid4().hex[:16]}",
                "role": "assistant",
                "content": "".join(words),
            }
        ],
        "usage": _conversation_usage(words),
    }


def conversation_events(
    body: dict[str, Any], conversation_id: str | None
) -> Iterator[tuple[str | None, str]]:
    words = _reply_words(_last_user_text(body.get("inputs")))
    conversation_id = conversation_id or f"conv_{uuid.uuid4().hex[:16]}"
    message_id = f"msg_{uuid.uuid4().hex[:16]}"
    started = {
        "type": "conversation.response.started",
        "created_at": _now(),
        "conversation_id": conversation_id,
    }
    yield "conversation.response.started", json.dumps(started)
    for word in words:
        delta = {
            "type": "message.output.delta",
            "created_at": _now(),
            "output_index": 0,
            "id": message_id,
            "content_index": 0,
            "model": body.get("model") or MODEL,
            "agent_id": None,
            "role": "assistant",
            "content": word,
        }
        yield "message.output.delta", json.dumps(delta)
    done = {
        "type": "conversation.response.done",
        "created_at": _now(),
        "usage": _conversation_usage(words),
    }
    yield "conversation.response.done", json.dumps(done)


def workflow_execution(workflow: str, body: dict[str, Any]) -> dict[str, Any]:
    execution_id = body.get("execution_id") or f"exec_{uuid.uuid4().hex[:16]}"
    # What the workflow "did": echo what it was given, so the caller sees the bindings arrive.
    result = {"input": body.get("input"), "extensions": body.get("extensions")}
    if body.get("wait_for_result"):
        return {"workflow_name": workflow, "execution_id": execution_id, "result": result}
    return {
        "workflow_name": workflow,
        "workflow_id": str(uuid.uuid4()),
        "deployment_name": body.get("deployment_name"),
        "execution_id": execution_id,
        "parent_execution_id": None,
        "root_execution_id": execution_id,
        "run_id": str(uuid.uuid4()),
        "user_id": None,
        "status": "RUNNING",
        "start_time": _now(),
        "end_time": None,
        "total_duration_ms": None,
        "result": None,
    }


# --- HTTP ---------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mistral-mock/0.1"

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
        self.wfile.write(data)

    def _send_sse(self, events: Iterator[tuple[str | None, str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")  # the body ends when the connection does
        self.send_header("x-request-id", uuid.uuid4().hex)
        self.end_headers()
        self.close_connection = True
        try:
            for event, data in events:
                frame = (f"event: {event}\n" if event else "") + f"data: {data}\n\n"
                self.wfile.write(frame.encode())
                self.wfile.flush()
                time.sleep(STREAM_DELAY)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading

    def _read_json(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
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
        if not isinstance(body, dict):
            self._send_json(
                422,
                {"detail": [{"loc": ["body"], "msg": "expected an object", "type": "type_error"}]},
            )
            return None
        return body

    def _authorized(self) -> bool:
        if self.headers.get("Authorization", "").startswith("Bearer "):
            return True
        self._send_json(401, {"message": "Unauthorized", "request_id": uuid.uuid4().hex})
        return False

    def _not_found(self) -> None:
        self._send_json(404, {"detail": "Not Found"})

    # -- routes

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if not self._authorized():
            return
        if path == "/v1/models":
            self._send_json(200, model_list())
        else:
            self._not_found()

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        if not self._authorized():
            # drain the body so the connection stays usable
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
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
        match = _CONVERSATION.match(path)
        if match:
            conversation_id = match.group("conversation_id")
            if stream:
                self._send_sse(conversation_events(body, conversation_id))
            else:
                self._send_json(200, conversation_response(body, conversation_id))
            return
        match = _WORKFLOW_EXECUTE.match(path)
        if match:
            self._send_json(200, workflow_execution(match.group("workflow"), body))
            return
        self._not_found()


class MockServer(ThreadingHTTPServer):
    daemon_threads = True
    verbose = False


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
