"""Where encoded payloads travel in the workflow API, and how request and response
bodies are rewritten. The public spec describes none of this (the `encoded_input`
field of an execution, payload options inside events): it is written down here
once, as data, from what Mistral's own clients send and read.

Bodies are handled as maps of `msgspec.Raw`: only the field that is encoded or
decoded is parsed; the rest of a body is copied through untouched.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Generator, Iterator
from typing import Any, NamedTuple

import msgspec

from ._codec import PARTIAL, Buffer, Op, PayloadCodec
from ._errors import PayloadFormatError, WorkflowEncodingError
from ._partial import dumps, loads

__all__ = ["REQUESTS", "RESPONSES", "SSERewriter", "decode_response_flow", "encode_request_flow"]

_Body = dict[str, msgspec.Raw]
_body = msgspec.json.Decoder(_Body)


class InputRule(NamedTuple):
    """Where a request carries a workflow input."""

    holder: str | None = None  # the object holding `input` (None: the body itself)
    execute: bool = False  # moved to `encoded_input`, `input` set to null
    offload: bool = True  # schedules keep their input inline (they outlive executions)
    input_hash: bool = False  # a keyed hash of the input (schedule identity)


EXECUTE = InputRule(execute=True)
SCHEDULE = InputRule(holder="schedule", offload=False)

# (method, path template) → where the input is
REQUESTS: dict[tuple[str, str], InputRule] = {
    ("POST", "/v1/workflows/{workflow_identifier}/execute"): EXECUTE,
    ("POST", "/v1/workflows/registrations/{workflow_registration_id}/execute"): EXECUTE,
    ("POST", "/v1/workflows/executions/{execution_id}/signals"): InputRule(),
    ("POST", "/v1/workflows/executions/{execution_id}/queries"): InputRule(),
    ("POST", "/v1/workflows/executions/{execution_id}/updates"): InputRule(),
    ("POST", "/v1/workflows/schedules"): SCHEDULE._replace(input_hash=True),
    ("PATCH", "/v1/workflows/schedules/{schedule_id}"): SCHEDULE,
}

# (method, path template) → what the answer carries: "result" (an execution's or a
# query's / update's result), "schedules" (schedule inputs), "events" (a page of
# events), "stream" (an event stream)
RESPONSES: dict[tuple[str, str], str] = {
    ("POST", "/v1/workflows/{workflow_identifier}/execute"): "result",
    ("POST", "/v1/workflows/registrations/{workflow_registration_id}/execute"): "result",
    ("GET", "/v1/workflows/executions/{execution_id}"): "result",
    ("GET", "/v1/workflows/runs/{run_id}"): "result",
    ("GET", "/v1/workflows/executions/{execution_id}/trace/events"): "result",
    ("GET", "/v1/workflows/executions/{execution_id}/trace/otel"): "result",
    ("GET", "/v1/workflows/executions/{execution_id}/trace/summary"): "result",
    ("POST", "/v1/workflows/executions/{execution_id}/queries"): "result",
    ("POST", "/v1/workflows/executions/{execution_id}/updates"): "result",
    ("GET", "/v1/workflows/schedules/{schedule_id}"): "schedules",
    ("GET", "/v1/workflows/schedules"): "schedules",
    ("GET", "/v1/workflows/events/list"): "events",
    ("GET", "/v1/workflows/events/stream"): "stream",
    ("GET", "/v1/workflows/executions/{execution_id}/stream"): "stream",
}

SCHEDULE_EXECUTION_ID = "__scheduled_workflow__"  # schedules have no execution yet
SCHEDULE_HASH_LABEL = b"schedule-input-hash"
ENCRYPTED_PATCH = "__encrypted__"  # a JSON patch value encrypted by a worker

_EXECUTION = re.compile(r"/executions/([^/]+)")
_EXECUTED = re.compile(r"/(?:workflows|registrations)/([^/]+)/execute$")


class Namespace(NamedTuple):
    """The workflow namespace, from the configuration or the API (→ str)."""


def new_execution_id(workflow: str | None) -> str:
    """An execution id as Mistral's clients make them: two uuid5 halves, the first
    seeded by the workflow, the second random."""
    first = uuid.uuid5(uuid.NAMESPACE_DNS, workflow or uuid.uuid4().hex).hex
    return first + uuid.uuid5(uuid.NAMESPACE_DNS, uuid.uuid4().hex).hex


def _text(raw: msgspec.Raw | None) -> str | None:
    if raw is None:
        return None
    value = msgspec.json.decode(raw)
    return value if isinstance(value, str) and value else None


def input_hash(input_raw: msgspec.Raw, main_key: bytes | None) -> str:
    """A schedule's stable input hash: sorted canonical JSON, keyed by the main key."""
    canonical = json.dumps(
        loads(input_raw), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    if main_key is None:
        return hashlib.sha256(canonical).hexdigest()
    hash_key = hmac.new(main_key, SCHEDULE_HASH_LABEL, hashlib.sha256).digest()
    return hmac.new(hash_key, canonical, hashlib.sha256).hexdigest()


def encode_request_flow(
    codec: PayloadCodec, rule: InputRule, content: bytes, url_path: str
) -> Generator[Op | Namespace, Any, bytes | None]:
    """The request body with its input encoded (None: no input, nothing to change)."""
    body: dict[str, Any] = _body.decode(content)
    holder = body
    if rule.holder is not None:
        inner = body.get(rule.holder)
        holder = _body.decode(inner) if inner is not None else {}
    raw = holder.get("input")
    if raw is None or bytes(raw).strip() == b"null":
        return None
    field = "input" if rule.holder is None else f"{rule.holder}.input"
    execution_id = _text(body.get("execution_id"))
    if execution_id is None and (match := _EXECUTION.search(url_path)):
        execution_id = match.group(1)
    if execution_id is None and rule.execute:
        match = _EXECUTED.search(url_path)
        execution_id = new_execution_id(match.group(1) if match else None)
        body["execution_id"] = msgspec.Raw(msgspec.json.encode(execution_id))
    if execution_id is None:
        execution_id = SCHEDULE_EXECUTION_ID
    try:
        namespace = (yield Namespace()) if rule.offload and codec.encoding.offloading else None
        encoded = yield from codec.encode_flow(
            memoryview(raw),
            namespace=namespace,
            execution_id=execution_id,
            allow_offloading=rule.offload,
        )
    except WorkflowEncodingError as exc:
        raise exc.located(execution_id, field) from exc.__cause__
    network: dict[str, Any] = {
        "b64payload": encoded.data,  # msgspec writes bytes as base64, into the body itself
        "encoding_options": encoded.options,
        "empty": False,
    }
    if rule.input_hash:
        encryption = codec.encoding.encryption
        network["input_hash"] = input_hash(raw, None if encryption is None else encryption.keys[0])
    if rule.execute:
        body["encoded_input"] = network
        body["input"] = msgspec.Raw(b"null")
    else:
        holder["input"] = network
        if rule.holder is not None:
            body[rule.holder] = holder
    return msgspec.json.encode(body)


class _NetworkResult(msgspec.Struct):
    """An encoded result; msgspec reads the base64 straight into bytes (no str of it)."""

    b64payload: bytes
    encoding_options: list[str] = []


_network_result = msgspec.json.Decoder(_NetworkResult)
_json = msgspec.json.Decoder(msgspec.Raw)  # validates a document without building it


def _encoded_result(raw: msgspec.Raw) -> tuple[bytes, list[str]] | None:
    """(payload, options) of an encoded result (`b64payload`, `encoding_options`)."""
    try:
        found = _network_result.decode(raw)
        return found.b64payload, found.encoding_options
    except msgspec.DecodeError:
        pass  # not an encoded result, or base64 msgspec does not read: look closer
    value = loads(raw)
    if not isinstance(value, dict) or not isinstance(value.get("b64payload"), str):
        return None
    options = value.get("encoding_options", [])
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        return None
    try:
        return base64.b64decode(value["b64payload"], validate=True), options
    except binascii.Error:
        raise PayloadFormatError("`b64payload` is not base64") from None


def _json_safe(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):  # a payload that was not JSON
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            raise PayloadFormatError("a decoded payload is neither JSON nor text") from None
    return value


def _as_json(payload: Buffer) -> msgspec.Raw:
    """A decoded payload as the JSON that stands in the answer: its own bytes when
    they are JSON (checked, never turned into Python objects), else what Mistral's
    clients make of it (NaN and the like read by the json module; text as a string)."""
    try:
        _json.decode(payload)
        return msgspec.Raw(payload)
    except msgspec.DecodeError:
        pass
    try:
        value = loads(payload)
    except ValueError:
        value = _json_safe(payload)
    return msgspec.Raw(dumps(value))


def _decode_result(
    codec: PayloadCodec, raw: msgspec.Raw, execution_id: str | None, field: str
) -> Generator[Op, Any, msgspec.Raw | None]:
    try:
        encoded = _encoded_result(raw)
        if encoded is None:
            return None
        payload = yield from codec.decode_flow(*encoded)
        return _as_json(payload)
    except WorkflowEncodingError as exc:
        raise exc.located(execution_id, field) from exc.__cause__


def decode_event_flow(
    codec: PayloadCodec, payload: dict[str, Any]
) -> Generator[Op, Any, dict[str, Any]]:
    """An event payload (`{"type": "json" | "json_patch", "value", "encoding_options"}`)
    decoded; unchanged without options."""
    options = payload.get("encoding_options") or []
    if not options:
        return payload
    value = payload.get("value")
    if PARTIAL in options and payload.get("type") == "json_patch" and isinstance(value, list):
        patches = []
        for patch in value:
            inner = patch.get("value") if isinstance(patch, dict) else None
            if isinstance(inner, dict) and inner.get("type") == ENCRYPTED_PATCH:
                blob = base64.b64decode(str(inner.get("value", "")))
                plain = codec._cipher(PARTIAL).decrypt(blob)
                patch = {**patch, "value": loads(plain)}
            patches.append(patch)
        return {"type": "json_patch", "value": patches, "encoding_options": []}
    if not isinstance(value, str):
        raise PayloadFormatError("an encoded event payload's `value` is not base64 text")
    decoded = yield from codec.decode_value_flow(base64.b64decode(value), options)
    return {"type": payload.get("type"), "value": _json_safe(decoded), "encoding_options": []}


def _is_payload(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("type") in ("json", "json_patch")
        and "value" in value
        and bool(value.get("encoding_options"))
    )


def decode_event_attributes(codec: PayloadCodec, event: Any) -> Generator[Op, Any, bool]:
    """Decode the payloads among an event's attributes in place; whether any was."""
    attributes = event.get("attributes") if isinstance(event, dict) else None
    if not isinstance(attributes, dict):
        return False
    changed = False
    for name, value in attributes.items():
        if _is_payload(value):
            try:
                attributes[name] = yield from decode_event_flow(codec, value)
            except WorkflowEncodingError as exc:
                execution_id = event.get("workflow_exec_id")
                raise exc.located(execution_id, f"attributes.{name}") from exc.__cause__
            changed = True
    return changed


def decode_response_flow(
    codec: PayloadCodec, kind: str, content: bytes, url_path: str
) -> Generator[Op, Any, bytes | None]:
    """A JSON answer with its payloads decoded (None: nothing to change)."""
    if kind == "result":
        body = _body.decode(content)
        raw = body.get("result")
        if raw is None:
            return None
        execution_id = _text(body.get("execution_id"))
        if execution_id is None and (match := _EXECUTION.search(url_path)):
            execution_id = match.group(1)
        decoded = yield from _decode_result(codec, raw, execution_id, "result")
        if decoded is None:
            return None
        body["result"] = decoded
        return msgspec.json.encode(body)
    document = loads(content)
    if not isinstance(document, dict):
        return None
    changed = False
    if kind == "schedules":
        schedules = document.get("schedules")
        for schedule in schedules if isinstance(schedules, list) else [document]:
            raw_input = schedule.get("input") if isinstance(schedule, dict) else None
            if not isinstance(raw_input, dict) or not raw_input.get("encoding_options"):
                continue
            where = schedule.get("schedule_id")
            decoded = yield from _decode_result(
                codec, msgspec.Raw(dumps(raw_input)), where, "schedule.input"
            )
            if decoded is not None:
                schedule["input"] = loads(decoded)
                changed = True
    else:  # "events"
        for event in document.get("events") or []:
            changed = (yield from decode_event_attributes(codec, event)) or changed
    return dumps(document) if changed else None


class SSERewriter:
    """Splits an event stream into lines; `data:` lines that carry a workflow event
    with encoded payloads are rewritten by `line_flow`."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = b""

    def lines(self, chunk: bytes) -> Iterator[bytes]:
        """The complete lines (with their ending) in what has arrived so far."""
        data = self._pending + chunk
        end = max(data.rfind(b"\n"), data.rfind(b"\r"))
        if end == -1:
            self._pending = data
            return
        self._pending = data[end + 1 :]
        yield from data[: end + 1].splitlines(keepends=True)

    def rest(self) -> bytes:
        rest, self._pending = self._pending, b""
        return rest

    @staticmethod
    def line_flow(codec: PayloadCodec, line: bytes) -> Generator[Op, Any, bytes]:
        if not line.startswith(b"data:"):
            return line
        text = line[5:].strip()
        if not text.startswith(b"{") or b"encoding_options" not in text:
            return line
        try:
            wrapper = loads(text)
        except ValueError:
            return line
        event = wrapper.get("data") if isinstance(wrapper, dict) else None
        if not (yield from decode_event_attributes(codec, event)):
            return line
        ending = line[len(line.rstrip(b"\r\n")) :]
        return b"data: " + dumps(wrapper) + ending
