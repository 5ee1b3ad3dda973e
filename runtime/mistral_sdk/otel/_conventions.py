"""What the GenAI semantic conventions say about Mistral calls, as data and pure functions.

Which operation each SDK method is (`OPERATION_NAMES`), which request body fields
become which attributes (`REQUEST_ATTRIBUTES`), and how a response value or a stream
event gives response attributes. No span is touched here: `_tracer` applies it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

import msgspec
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai

from .._types import field_value

__all__ = [
    "CAPTURE_CONTENT_ENV",
    "OPERATION_NAMES",
    "PROVIDER",
    "REQUEST_ATTRIBUTES",
    "Redactor",
    "StreamSummary",
    "conversation_in_path",
    "input_messages",
    "operation_name",
    "output_messages",
    "response_attributes",
]

# The GenAI conventions' switch for recording message content (off unless "true").
CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

# Attribute names newer than the oldest semantic-conventions package supported (0.60b0).
PROVIDER_NAME = gen_ai.GEN_AI_PROVIDER_NAME
TIME_TO_FIRST_CHUNK = getattr(
    gen_ai, "GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK", "gen_ai.response.time_to_first_chunk"
)
WORKFLOW_NAME = getattr(gen_ai, "GEN_AI_WORKFLOW_NAME", "gen_ai.workflow.name")
REQUEST_STREAM = getattr(gen_ai, "GEN_AI_REQUEST_STREAM", "gen_ai.request.stream")
PROVIDER = "mistral_ai"

# Mistral-specific attributes, in the provider's namespace as the conventions ask.
OPERATION_ID = "mistral_ai.operation.id"
REQUEST_ID = "mistral_ai.request.id"
STREAM_EVENTS = "mistral_ai.stream.events"
OCR_PAGES = "mistral_ai.ocr.usage.pages_processed"
RUN_TURNS = "mistral_ai.run.turns"
TURN = "mistral_ai.run.turn"
EXECUTION_ID = "mistral_ai.workflow.execution_id"
WORKFLOW_STATUS = "mistral_ai.workflow.status"

CHAT = "chat"
TEXT_COMPLETION = "text_completion"
EMBEDDINGS = "embeddings"
GENERATE_CONTENT = "generate_content"
INVOKE_AGENT = "invoke_agent"
EXECUTE_TOOL = "execute_tool"
INVOKE_WORKFLOW = "invoke_workflow"

# SDK method (`Operation.call` / `stream_call`) -> GenAI operation name. Conversations
# are `invoke_agent` with an agent, `chat` with a model (see `operation_name`).
OPERATION_NAMES: Mapping[str, str] = {
    "chat.complete": CHAT,
    "chat.stream": CHAT,
    "fim.complete": TEXT_COMPLETION,
    "fim.stream": TEXT_COMPLETION,
    "agents.complete": INVOKE_AGENT,
    "agents.stream": INVOKE_AGENT,
    "embeddings.create": EMBEDDINGS,
    "ocr.process": GENERATE_CONTENT,
    "audio.transcriptions.complete": GENERATE_CONTENT,
    "audio.transcriptions.stream": GENERATE_CONTENT,
    "audio.speech.complete": GENERATE_CONTENT,
    "audio.speech.stream": GENERATE_CONTENT,
    "beta.conversations.start": CHAT,
    "beta.conversations.start_stream": CHAT,
    "beta.conversations.append": CHAT,
    "beta.conversations.append_stream": CHAT,
    "beta.conversations.restart": CHAT,
    "beta.conversations.restart_stream": CHAT,
}

# Request body field -> attribute (sampling parameters and what names the target).
# `completion_args` (conversations) holds the same sampling fields one level down.
REQUEST_ATTRIBUTES: Mapping[str, str] = {
    "model": gen_ai.GEN_AI_REQUEST_MODEL,
    "temperature": gen_ai.GEN_AI_REQUEST_TEMPERATURE,
    "top_p": gen_ai.GEN_AI_REQUEST_TOP_P,
    "max_tokens": gen_ai.GEN_AI_REQUEST_MAX_TOKENS,
    "random_seed": gen_ai.GEN_AI_REQUEST_SEED,
    "presence_penalty": gen_ai.GEN_AI_REQUEST_PRESENCE_PENALTY,
    "frequency_penalty": gen_ai.GEN_AI_REQUEST_FREQUENCY_PENALTY,
    "n": gen_ai.GEN_AI_REQUEST_CHOICE_COUNT,
    "stop": gen_ai.GEN_AI_REQUEST_STOP_SEQUENCES,
    "agent_id": gen_ai.GEN_AI_AGENT_ID,
    "conversation_id": gen_ai.GEN_AI_CONVERSATION_ID,
    "encoding_format": gen_ai.GEN_AI_REQUEST_ENCODING_FORMATS,
}

AttributeValue = str | bool | int | float | list[str]


def operation_name(call: str | None, body: object) -> str | None:
    """The GenAI operation of an SDK method, None for a plain HTTP call."""
    if call is None:
        return None
    name = OPERATION_NAMES.get(call)
    if name == CHAT and call.startswith("beta.conversations.") and field_value(body, "agent_id"):
        return INVOKE_AGENT
    return name


def conversation_in_path(template: str, path: str) -> str | None:
    """The `{conversation_id}` of a request's path (`template` is the spec's path;
    they are matched from the end, so a base URL with a path prefix does not matter)."""
    if "{conversation_id}" not in template:
        return None
    for want, got in zip(reversed(template.split("/")), reversed(path.split("/")), strict=False):
        if want == "{conversation_id}":
            return unquote(got) or None
    return None


def _attribute_value(value: Any) -> AttributeValue | None:
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


_FIELDS_BY_TYPE: dict[type, tuple[str, ...]] = {}


def _request_fields(source: object) -> Iterable[str]:
    """The fields of `REQUEST_ATTRIBUTES` that `source` can have (a model's are
    computed once per type: most bodies have few of them)."""
    if isinstance(source, Mapping):
        return [f for f in REQUEST_ATTRIBUTES if f in source]
    kind = type(source)
    fields = _FIELDS_BY_TYPE.get(kind)
    if fields is None:
        declared = getattr(kind, "__struct_fields__", None)
        fields = tuple(f for f in REQUEST_ATTRIBUTES if declared is None or f in declared)
        _FIELDS_BY_TYPE[kind] = fields
    return fields


def request_attributes(body: object) -> dict[str, AttributeValue]:
    """Attributes from the request body (a model or a mapping; None gives none)."""
    out: dict[str, AttributeValue] = {}
    if body is None or body is msgspec.UNSET:
        return out
    for source in (field_value(body, "completion_args"), body):
        if source is None:
            continue
        for field in _request_fields(source):
            value = _attribute_value(field_value(source, field))
            if value is None:
                continue
            attribute = REQUEST_ATTRIBUTES[field]
            if attribute in _LISTS and isinstance(value, str):
                value = [value]
            out[attribute] = value
    return out


_LISTS = frozenset({gen_ai.GEN_AI_REQUEST_STOP_SEQUENCES, gen_ai.GEN_AI_REQUEST_ENCODING_FORMATS})


def _usage_attributes(usage: Any, out: dict[str, AttributeValue]) -> None:
    if usage is None:
        return
    for field, attribute in (
        ("prompt_tokens", gen_ai.GEN_AI_USAGE_INPUT_TOKENS),
        ("input_tokens", gen_ai.GEN_AI_USAGE_INPUT_TOKENS),
        ("completion_tokens", gen_ai.GEN_AI_USAGE_OUTPUT_TOKENS),
        ("output_tokens", gen_ai.GEN_AI_USAGE_OUTPUT_TOKENS),
    ):
        value = field_value(usage, field)
        if isinstance(value, int) and not isinstance(value, bool):
            out[attribute] = value


def _finish_reasons(choices: Any) -> list[str]:
    if not isinstance(choices, (list, tuple)):
        return []
    reasons = (field_value(c, "finish_reason") for c in choices)
    return [r for r in reasons if isinstance(r, str)]


def response_attributes(value: object) -> dict[str, AttributeValue]:
    """Attributes of a decoded (non-streamed) response value."""
    out: dict[str, AttributeValue] = {}
    for field, attribute in (
        ("id", gen_ai.GEN_AI_RESPONSE_ID),
        ("model", gen_ai.GEN_AI_RESPONSE_MODEL),
        ("conversation_id", gen_ai.GEN_AI_CONVERSATION_ID),
    ):
        found = field_value(value, field)
        if isinstance(found, str) and found:
            out[attribute] = found
    _usage_attributes(field_value(value, "usage"), out)
    reasons = _finish_reasons(field_value(value, "choices"))
    if reasons:
        out[gen_ai.GEN_AI_RESPONSE_FINISH_REASONS] = reasons
    pages = field_value(field_value(value, "usage_info"), "pages_processed")
    if isinstance(pages, int):
        out[OCR_PAGES] = pages
    data = field_value(value, "data")
    if isinstance(data, list) and data:
        embedding = field_value(data[0], "embedding")
        if isinstance(embedding, list):
            out[gen_ai.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = len(embedding)
    return out


class StreamSummary:
    """What a stream says about its response, gathered event by event (no buffering:
    the latest id/model/usage, the finish reason of each choice and, only when
    content capture is on, the text of the reply)."""

    __slots__ = ("capture", "conversation_id", "finish", "model", "response_id", "text", "usage")

    def __init__(self, capture: bool) -> None:
        self.capture = capture
        self.response_id: str | None = None
        self.model: str | None = None
        self.conversation_id: str | None = None
        self.usage: Any = None
        self.finish: dict[int, str] = {}
        self.text: list[str] = []

    def feed(self, event: object) -> None:
        # Chat, FIM and agents events wrap a chunk in `data`; conversation and
        # transcription events carry their payload in `data` too.
        payload = field_value(event, "data")
        if payload is None:
            payload = event
        if self.response_id is None:
            found = field_value(payload, "id")
            if isinstance(found, str):
                self.response_id = found
        if self.model is None:
            found = field_value(payload, "model")
            if isinstance(found, str):
                self.model = found
        conversation_id = field_value(payload, "conversation_id")
        if isinstance(conversation_id, str):
            self.conversation_id = conversation_id
        usage = field_value(payload, "usage")
        if usage is not None:
            self.usage = usage
        choices = field_value(payload, "choices")
        if choices:
            for position, choice in enumerate(choices):
                reason = field_value(choice, "finish_reason")
                if isinstance(reason, str):
                    index = field_value(choice, "index")
                    self.finish[index if isinstance(index, int) else position] = reason
                if self.capture:
                    text = _text(field_value(field_value(choice, "delta"), "content"))
                    if text:
                        self.text.append(text)
        elif self.capture and field_value(payload, "type") in (
            "message.output.delta",
            "transcription.text.delta",
        ):
            self.text.append(_text(field_value(payload, "content") or field_value(payload, "text")))

    def attributes(self) -> dict[str, AttributeValue]:
        out: dict[str, AttributeValue] = {}
        if self.response_id:
            out[gen_ai.GEN_AI_RESPONSE_ID] = self.response_id
        if self.model:
            out[gen_ai.GEN_AI_RESPONSE_MODEL] = self.model
        if self.conversation_id:
            out[gen_ai.GEN_AI_CONVERSATION_ID] = self.conversation_id
        _usage_attributes(self.usage, out)
        if self.finish:
            out[gen_ai.GEN_AI_RESPONSE_FINISH_REASONS] = [
                self.finish[i] for i in sorted(self.finish)
            ]
        return out

    def output_messages(self) -> list[dict[str, Any]]:
        reasons = [self.finish[i] for i in sorted(self.finish)]
        message: dict[str, Any] = {
            "role": "assistant",
            "parts": [{"type": "text", "content": "".join(self.text)}],
        }
        if reasons:
            message["finish_reason"] = reasons[0]
        return [message]


# --- content (recorded only when capture is on) ---------------------------------------


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):
        return "".join(t for t in (field_value(c, "text") for c in content) if isinstance(t, str))
    return ""


def _role(message: Any, default: str) -> str:
    role = field_value(message, "role")
    if isinstance(role, str):
        return role
    # A tagged model carries its role as the union tag, not as a field.
    tag = getattr(getattr(type(message), "__struct_config__", None), "tag", None)
    return tag if isinstance(tag, str) else default


def _tool_call_parts(calls: Any) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for call in calls if isinstance(calls, (list, tuple)) else ():
        function = field_value(call, "function")
        parts.append(
            {
                "type": "tool_call",
                "id": field_value(call, "id"),
                "name": field_value(function, "name"),
                "arguments": _plain(field_value(function, "arguments")),
            }
        )
    return parts


def _entry_message(entry: Any, default_role: str) -> dict[str, Any] | None:
    """A chat message or a conversation entry as a conventions message."""
    kind = field_value(entry, "type")
    if kind in ("function.call",):
        return {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": field_value(entry, "tool_call_id"),
                    "name": field_value(entry, "name"),
                    "arguments": _plain(field_value(entry, "arguments")),
                }
            ],
        }
    if kind == "function.result" or _role(entry, "") == "tool":
        return {
            "role": "tool",
            "parts": [
                {
                    "type": "tool_call_response",
                    "id": field_value(entry, "tool_call_id"),
                    "response": _plain(
                        field_value(entry, "result") or _text(field_value(entry, "content"))
                    ),
                }
            ],
        }
    if kind not in (None, "message.input", "message.output"):
        return None
    parts: list[dict[str, Any]] = []
    text = _text(field_value(entry, "content"))
    if text:
        parts.append({"type": "text", "content": text})
    parts.extend(_tool_call_parts(field_value(entry, "tool_calls")))
    return {"role": _role(entry, default_role), "parts": parts}


def input_messages(body: object) -> list[dict[str, Any]]:
    """The prompt of a request body: chat `messages`, FIM `prompt`, conversation `inputs`."""
    messages = field_value(body, "messages")
    if messages is None:
        messages = field_value(body, "inputs")
    if isinstance(messages, str):
        return [{"role": "user", "parts": [{"type": "text", "content": messages}]}]
    if isinstance(messages, (list, tuple)):
        converted = (_entry_message(m, "user") for m in messages)
        return [m for m in converted if m is not None]
    prompt = field_value(body, "prompt")
    if isinstance(prompt, str):
        return [{"role": "user", "parts": [{"type": "text", "content": prompt}]}]
    return []


def output_messages(value: object) -> list[dict[str, Any]]:
    """The reply of a response value: chat `choices`, conversation `outputs`."""
    out: list[dict[str, Any]] = []
    for choice in field_value(value, "choices") or ():
        message = _entry_message(field_value(choice, "message"), "assistant")
        if message is not None:
            reason = field_value(choice, "finish_reason")
            if isinstance(reason, str):
                message["finish_reason"] = reason
            out.append(message)
    for entry in field_value(value, "outputs") or ():
        message = _entry_message(entry, "assistant")
        if message is not None:
            out.append(message)
    text = field_value(value, "text")  # a transcription
    if isinstance(text, str) and not out:
        out.append({"role": "assistant", "parts": [{"type": "text", "content": text}]})
    return out


def _plain(value: Any) -> Any:
    """A JSON-able version of a model, a mapping or a scalar."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    try:
        return msgspec.to_builtins(value, str_keys=True, enc_hook=repr)
    except (TypeError, ValueError):
        return repr(value)


# Keys whose values are credentials wherever they appear in captured content.
_SECRET_KEY = re.compile(
    r"(?i)(^|[_-])(api[_-]?key|authorization|password|passwd|secret|token|credentials?)$"
)
REDACTED = "[REDACTED]"


class Redactor:
    """Takes secrets out of captured content: values under secret-looking keys, and
    every occurrence of the credentials the client sent (the API key)."""

    __slots__ = ("secrets",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(s for s in secrets if len(s) >= 8)

    def clean(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                k: REDACTED if isinstance(k, str) and _SECRET_KEY.search(k) else self.clean(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.clean(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def text(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def json(self, value: Any) -> str:
        """`value` as JSON text for an attribute, secrets removed."""
        cleaned = self.clean(_plain(value))
        return self.text(json.dumps(cleaned, ensure_ascii=False, default=repr))
