"""Typed builders of the answers a test scripts most: each returns the generated model
the SDK decodes (checked by decoding it), with realistic values where none is given."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._codec import decode, encode
from . import _flows
from ._answers import EMBEDDING_SIZE, embedding_vector, usage
from ._script import EventStream

if TYPE_CHECKING:
    from .. import models

__all__ = [
    "batch_job",
    "batch_results",
    "chat_completion",
    "chat_stream",
    "conversation_stream",
    "conversation_turn",
    "embedding",
    "tool_call",
    "workflow_execution",
]

CHAT_MODEL = "mistral-small-latest"


def _model(name: str) -> Any:
    from .. import models

    return getattr(models, name)


def _typed(value: Any, model: str) -> Any:
    """`value` as the model: decoding it checks it, as the SDK would."""
    return decode(encode(value), _model(model))


def _id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def tool_call(
    name: str, arguments: Mapping[str, Any] | str | None = None, *, id: str | None = None
) -> models.ToolCall:
    """A call of the function tool `name` with `arguments` (a dict, or JSON text)."""
    text = arguments if isinstance(arguments, str) else json.dumps(dict(arguments or {}))
    value = {
        "id": id or _id("call_"),
        "type": "function",
        "function": {"name": name, "arguments": text},
    }
    return _typed(value, "ToolCall")  # type: ignore[no-any-return]


def _tool_dicts(tool_calls: Sequence[models.ToolCall]) -> list[Any]:
    return [json.loads(encode(call)) for call in tool_calls]


def chat_completion(
    content: str | None = None,
    *,
    tool_calls: Sequence[models.ToolCall] = (),
    model: str = CHAT_MODEL,
    finish_reason: str | None = None,
    prompt_tokens: int = 12,
) -> models.ChatCompletionResponse:
    """A chat completion answering `content`, or calling `tool_calls` (`tool_call(...)`)."""
    if content is None and not tool_calls:
        content = "(mock) Hello."
    message: dict[str, Any] = {"role": "assistant", "content": content or ""}
    if tool_calls:
        message["tool_calls"] = _tool_dicts(tool_calls)
    completion = len((content or "").split()) + len(tool_calls)
    value = {
        "id": _id("cmpl-"),
        "object": "chat.completion",
        "model": model,
        "created": int(time.time()),
        "usage": usage(prompt_tokens, completion),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": finish_reason or ("tool_calls" if tool_calls else "stop"),
            }
        ],
    }
    return _typed(value, "ChatCompletionResponse")  # type: ignore[no-any-return]


def chat_stream(
    *pieces: str,
    tool_calls: Sequence[models.ToolCall] = (),
    model: str = CHAT_MODEL,
    finish_reason: str | None = None,
) -> EventStream:
    """The events of `chat.stream`: one `CompletionChunk` per text piece, then the tool
    calls, then a last chunk with the finish reason and usage; `[DONE]` after."""
    completion_id = _id("cmpl-")
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> Any:
        value = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **more,
        }
        return _typed(value, "CompletionChunk")

    events = [
        chunk({"content": piece, **({"role": "assistant"} if i == 0 else {})})
        for i, piece in enumerate(pieces)
    ]
    if tool_calls:
        calls = [{**c, "index": i} for i, c in enumerate(_tool_dicts(tool_calls))]
        events.append(chunk({"tool_calls": calls}))
    finish = finish_reason or ("tool_calls" if tool_calls else "stop")
    tokens = len(pieces) + len(tool_calls)
    events.append(chunk({"content": ""}, finish, usage=usage(12, tokens)))
    return EventStream(events)


def _entries(outputs: Sequence[str | models.ToolCall], model: str) -> list[dict[str, Any]]:
    entries = []
    for output in outputs:
        if isinstance(output, str):
            entries.append(
                {
                    "object": "entry",
                    "type": "message.output",
                    "id": _id("msg_"),
                    "created_at": _now(),
                    "completed_at": _now(),
                    "model": model,
                    "role": "assistant",
                    "content": output,
                }
            )
            continue
        function = output.function
        arguments = function.arguments
        entries.append(
            {
                "object": "entry",
                "type": "function.call",
                "id": _id("fc_"),
                "created_at": _now(),
                "model": model,
                "tool_call_id": output.id if isinstance(output.id, str) else _id("call_"),
                "name": function.name,
                "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
            }
        )
    return entries


def conversation_turn(
    *outputs: str | models.ToolCall,
    conversation_id: str | None = None,
    model: str = "mistral-medium-latest",
) -> models.ConversationResponse:
    """A conversation's answer (`beta.conversations.start` / `append` / `restart`): a
    message per text, a function call per `tool_call(...)`, in order."""
    entries = _entries(outputs or ("(mock) Hello.",), model)
    words = sum(len(str(e.get("content", "")).split()) for e in entries)
    value = {
        "object": "conversation.response",
        "conversation_id": conversation_id or _id("conv_"),
        "outputs": entries,
        "usage": usage(12, words),
    }
    return _typed(value, "ConversationResponse")  # type: ignore[no-any-return]


def conversation_stream(
    *outputs: str | models.ToolCall,
    conversation_id: str | None = None,
    model: str = "mistral-medium-latest",
) -> EventStream:
    """The events of a streamed conversation turn (`start_stream`, `append_stream`, ...)
    with the same outputs `conversation_turn` takes: deltas, then `conversation.response.done`."""
    turn = conversation_turn(*outputs, conversation_id=conversation_id, model=model)
    raw = json.loads(encode(turn))
    return EventStream([json.loads(data) for _, data in _flows.conversation_events(raw)])


def workflow_execution(
    status: str = "COMPLETED",
    *,
    result: Any = None,
    execution_id: str | None = None,
    workflow_name: str = "workflow",
) -> models.WorkflowExecutionResponse:
    """A workflow execution in `status` (`RUNNING`, `COMPLETED`, `FAILED`, ...) with
    its `result` (a finished one)."""
    done = status != "RUNNING"
    execution_id = execution_id or _id("exec_")
    value = {
        "workflow_name": workflow_name,
        "execution_id": execution_id,
        "root_execution_id": execution_id,
        "run_id": str(uuid.uuid4()),
        "status": status,
        "start_time": _now(),
        "end_time": _now() if done else None,
        "total_duration_ms": 1200 if done else None,
        "result": result if done else None,
    }
    return _typed(value, "WorkflowExecutionResponse")  # type: ignore[no-any-return]


def batch_job(
    status: str = "SUCCESS",
    *,
    total: int = 1,
    failed: int = 0,
    endpoint: str = "/v1/chat/completions",
    model: str | None = CHAT_MODEL,
    output_file: str | None = None,
    error_file: str | None = None,
    id: str | None = None,
) -> models.BatchJob:
    """A batch job in `status`; a finished one has done its `total` requests (`failed`
    of them failed) and names its output and error files when given."""
    done = status in ("SUCCESS", "FAILED", "TIMEOUT_EXCEEDED", "CANCELLED")
    completed = total if done else 0
    value: dict[str, Any] = {
        "id": id or str(uuid.uuid4()),
        "object": "batch",
        "input_files": [],
        "endpoint": endpoint,
        "model": model,
        "output_file": output_file,
        "error_file": error_file,
        "errors": [],
        "status": status,
        "created_at": int(time.time()),
        "total_requests": total,
        "completed_requests": completed,
        "succeeded_requests": completed - (failed if done else 0),
        "failed_requests": failed if done else 0,
    }
    return _typed(value, "BatchJob")  # type: ignore[no-any-return]


def batch_results(results: Mapping[str, Any], *, status_code: int = 200) -> bytes:
    """A batch output file (JSON Lines): one line per custom id with its response body
    (a model such as `chat_completion(...)`, or a dict); `status_code` 400 and up
    makes it an error file's lines."""
    lines = []
    for custom_id, body in results.items():
        payload = json.loads(encode(body))
        error = None if status_code < 400 else {"message": str(payload), "code": str(status_code)}
        line = {
            "id": uuid.uuid4().hex,
            "custom_id": custom_id,
            "response": {"status_code": status_code, "body": payload},
            "error": error,
        }
        lines.append(json.dumps(line))
    return ("\n".join(lines) + "\n").encode()


def embedding(
    *inputs: str,
    size: int = EMBEDDING_SIZE,
    count: int | None = None,
    model: str = "mistral-embed",
) -> models.EmbeddingResponse:
    """An embeddings answer: one unit vector of `size` per input (the same vector for
    the same text), or `count` of them for made-up inputs."""
    texts = list(inputs) or [f"input {i}" for i in range(count or 1)]
    data = [
        {"object": "embedding", "index": i, "embedding": embedding_vector(text, size)}
        for i, text in enumerate(texts)
    ]
    value = {
        "id": uuid.uuid4().hex,
        "object": "list",
        "model": model,
        "data": data,
        "usage": usage(len(texts), 0),
    }
    return _typed(value, "EmbeddingResponse")  # type: ignore[no-any-return]
