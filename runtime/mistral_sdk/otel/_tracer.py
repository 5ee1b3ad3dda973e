"""`TracingHooks`: OpenTelemetry spans for calls, streams, runs, tools and workflows.

Built on the client's public hooks (`mistral_sdk.Hooks`) and nothing else. Every hook
is a plain function of the call's state, so one implementation serves `Mistral` and
`AsyncMistral`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
from opentelemetry import propagate, trace
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai
from opentelemetry.semconv.attributes import (
    error_attributes,
    http_attributes,
    server_attributes,
    url_attributes,
)
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from .._errors import _REQUEST_ID_HEADERS, APIStatusError
from .._hooks import Activity, Call, Hooks
from .._tools import result_text
from .._types import field_value
from .._version import __version__
from . import _conventions as conv

__all__ = ["TracingHooks"]

_TRACER_NAME = "mistral_sdk"
_RESEND_COUNT = getattr(http_attributes, "HTTP_REQUEST_RESEND_COUNT", "http.request.resend_count")


class _CallState:
    """A call's span and what its stream has taught so far."""

    __slots__ = ("first_event", "op", "redactor", "span", "started", "summary", "target")

    def __init__(
        self, span: Span, op: str | None, target: str | None, redactor: conv.Redactor
    ) -> None:
        self.span = span
        self.op = op
        self.target = target  # the model or agent the span is named after
        self.redactor = redactor
        self.started = time.perf_counter()
        self.summary: conv.StreamSummary | None = None
        self.first_event: float | None = None


def _error_type(error: BaseException) -> str:
    # The conventions: the status code for an HTTP error, else the exception's class.
    if isinstance(error, APIStatusError):
        return str(error.status_code)
    return type(error).__qualname__


def _fail(span: Span, error: BaseException) -> None:
    span.set_attribute(error_attributes.ERROR_TYPE, _error_type(error))
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    # the type only: messages may quote prompts or tool output
    span.add_event("exception", {"exception.type": type(error).__qualname__})


_ID_HEADERS = {name.encode(): rank for rank, name in enumerate(_REQUEST_ID_HEADERS)}


def _request_id(response: httpx2.Response) -> str | None:
    """`_errors.request_id_of` in one pass over the raw headers (this runs per call)."""
    best: tuple[int, bytes] | None = None
    for key, value in response.headers.raw:
        rank = _ID_HEADERS.get(key.lower())
        if rank is not None and value and (best is None or rank < best[0]):
            best = (rank, value)
    return best[1].decode("latin-1") if best is not None else None


_CREDENTIAL_HEADERS = ("authorization", "x-api-key", "api-key", "proxy-authorization")


def _secrets(request: httpx2.Request) -> list[str]:
    """The credentials the request carries, to keep out of captured content."""
    found = []
    for name in _CREDENTIAL_HEADERS:
        value = request.headers.get(name)
        if value:
            found.append(value.rpartition(" ")[2])
    return found


class _Conversations:
    """The operation and target (model or agent) each conversation was started with:
    an `append` or `restart` names neither, its span is named after the conversation's
    (`chat mistral-medium-latest`, not `chat`). The latest `_KEPT` conversations."""

    _KEPT = 4096

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    def remember(self, conversation_id: object, op: str, target: str) -> None:
        if not isinstance(conversation_id, str) or not conversation_id:
            return
        with self._lock:
            self._known.pop(conversation_id, None)
            self._known[conversation_id] = (op, target)
            if len(self._known) > self._KEPT:
                del self._known[next(iter(self._known))]

    def recall(self, conversation_id: str | None) -> tuple[str, str] | None:
        if conversation_id is None:
            return None
        with self._lock:
            return self._known.get(conversation_id)


class TracingHooks(Hooks):
    """Hooks that turn a client's work into OpenTelemetry spans.

    Args:
        tracer_provider: where spans go; default, the application's global provider
            (`opentelemetry.trace.set_tracer_provider`).
        capture_content: record prompts, completions, tool arguments and results
            (default: the `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
            environment variable, off unless "true").
    """

    def __init__(
        self,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        capture_content: bool = False,
    ) -> None:
        self.tracer = trace.get_tracer(_TRACER_NAME, __version__, tracer_provider=tracer_provider)
        self.capture_content = capture_content
        # every credential seen in a request, kept out of tool arguments and results
        self._secrets: set[str] = set()
        self._conversations = _Conversations()

    # -- one CLIENT span per call -----------------------------------------------------

    def before_request(self, call: Call, request: httpx2.Request) -> None:
        state: _CallState | None = call.state.get(self)
        if state is None:
            state = call.state[self] = self._start(call, request)
        elif call.attempt:
            state.span.set_attribute(_RESEND_COUNT, call.attempt)
        # W3C trace context (the application's propagators): the server joins the trace.
        propagate.inject(request.headers, context=trace.set_span_in_context(state.span))

    def _start(self, call: Call, request: httpx2.Request) -> _CallState:
        operation = call.operation
        op = conv.operation_name(operation.call if operation else None, call.body)
        url = request.url
        # What samplers may look at is given at the start; the rest only to a span
        # that records (a no-op tracer then costs next to nothing).
        attributes: dict[str, Any] = {server_attributes.SERVER_ADDRESS: url.host}
        target: str | None = None
        conversation_id = conv.conversation_in_path(call.path, url.path)
        if op is not None:
            model = field_value(call.body, "model")
            agent = field_value(call.body, "agent_id") if op == conv.INVOKE_AGENT else None
            target = next((t for t in (agent, model) if isinstance(t, str) and t), None)
            known = self._conversations.recall(conversation_id) if target is None else None
            if known is not None:  # a conversation's later turn: named as it started
                op, target = known
                if op == conv.INVOKE_AGENT:
                    attributes[gen_ai.GEN_AI_AGENT_ID] = target
                else:
                    model = target
            attributes[gen_ai.GEN_AI_OPERATION_NAME] = op
            attributes[conv.PROVIDER_NAME] = conv.PROVIDER
            if isinstance(model, str):
                attributes[gen_ai.GEN_AI_REQUEST_MODEL] = model
            name = f"{op} {target}" if target else op
        else:
            name = f"{request.method} {call.path}"
        span = self.tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        # Credentials matter only to content capture: they are kept out of it.
        secrets = _secrets(request) if self.capture_content else []
        self._secrets.update(secrets)
        state = _CallState(span, op, target, conv.Redactor(secrets))
        if not span.is_recording():
            return state
        more: dict[str, Any] = {
            http_attributes.HTTP_REQUEST_METHOD: request.method,
            server_attributes.SERVER_PORT: url.port or (443 if url.scheme == "https" else 80),
            # no query string: it is the place a secret could hide
            url_attributes.URL_FULL: str(url).partition("?")[0],
        }
        if operation is not None:
            more[conv.OPERATION_ID] = operation.operation_id
        if conversation_id is not None:
            more[gen_ai.GEN_AI_CONVERSATION_ID] = conversation_id
        if op is not None:
            more.update(conv.request_attributes(call.body))
            if call.stream:
                more[conv.REQUEST_STREAM] = True
        span.set_attributes(more)
        if self.capture_content and op is not None:
            messages = conv.input_messages(call.body)
            if messages:
                span.set_attribute(gen_ai.GEN_AI_INPUT_MESSAGES, state.redactor.json(messages))
            instructions = field_value(call.body, "instructions")
            if isinstance(instructions, str):
                span.set_attribute(
                    gen_ai.GEN_AI_SYSTEM_INSTRUCTIONS,
                    state.redactor.json([{"type": "text", "content": instructions}]),
                )
        return state

    def after_response(self, call: Call, response: httpx2.Response) -> None:
        state: _CallState | None = call.state.get(self)
        if state is None:
            return
        span = state.span
        span.set_attribute(http_attributes.HTTP_RESPONSE_STATUS_CODE, response.status_code)
        request_id = _request_id(response)
        if request_id:
            span.set_attribute(conv.REQUEST_ID, request_id)

    def on_retry(self, call: Call, delay: float, cause: httpx2.Response | Exception) -> None:
        state: _CallState | None = call.state.get(self)
        if state is None:
            return
        attributes: dict[str, Any] = {
            "mistral_ai.retry.attempt": call.attempt + 1,
            "mistral_ai.retry.delay_s": delay,
        }
        if isinstance(cause, httpx2.Response):
            attributes[http_attributes.HTTP_RESPONSE_STATUS_CODE] = cause.status_code
        else:
            attributes[error_attributes.ERROR_TYPE] = type(cause).__qualname__
        state.span.add_event("retry", attributes)

    def on_error(self, call: Call, error: Exception) -> None:
        state: _CallState | None = call.state.pop(self, None)
        if state is None:
            return
        _fail(state.span, error)
        state.span.end()

    def on_result(self, call: Call, result: object) -> None:
        state: _CallState | None = call.state.get(self)
        if state is None:
            return
        span = state.span
        if hasattr(result, "_observe") and span.is_recording():
            # a stream: the span ends with it (a span nobody records ends now, so
            # that its events cost nothing)
            state.summary = conv.StreamSummary(self.capture_content)
            return
        call.state.pop(self, None)
        self._learn(state, field_value(result, "conversation_id"))
        if state.op is not None and span.is_recording():
            span.set_attributes(conv.response_attributes(result))
            if self.capture_content:
                messages = conv.output_messages(result)
                if messages:
                    span.set_attribute(gen_ai.GEN_AI_OUTPUT_MESSAGES, state.redactor.json(messages))
        span.end()

    def _learn(self, state: _CallState, conversation_id: object) -> None:
        """A conversation call's answer: later calls of that conversation are named as
        this one was."""
        if state.op is not None and state.target is not None:
            self._conversations.remember(conversation_id, state.op, state.target)

    # -- streams: the span ends when the stream does --------------------------------

    def on_stream_event(self, call: Call, event: object) -> None:
        state: _CallState | None = call.state.get(self)
        if state is None:
            return
        if state.first_event is None:
            state.first_event = time.perf_counter()
        if state.summary is not None and state.op is not None:
            state.summary.feed(event)

    def on_stream_end(self, call: Call, error: BaseException | None) -> None:
        state: _CallState | None = call.state.pop(self, None)
        if state is None:
            return
        span = state.span
        span.set_attribute(conv.STREAM_EVENTS, call.events)
        if state.first_event is not None:
            span.set_attribute(conv.TIME_TO_FIRST_CHUNK, state.first_event - state.started)
        if state.summary is not None and state.op is not None:
            self._learn(state, state.summary.conversation_id)
            span.set_attributes(state.summary.attributes())
            if self.capture_content:
                span.set_attribute(
                    gen_ai.GEN_AI_OUTPUT_MESSAGES,
                    state.redactor.json(state.summary.output_messages()),
                )
        if error is not None:
            _fail(span, error)
        span.end()

    # -- runs, turns, tools, workflows: INTERNAL spans, current while they run ------

    def activity(self, activity: Activity) -> contextlib.AbstractContextManager[object]:
        return self._activity_span(activity)

    @contextlib.contextmanager
    def _activity_span(self, activity: Activity) -> Iterator[Span]:
        name, attributes = self._activity_start(activity)
        span = self.tracer.start_span(name, kind=SpanKind.INTERNAL, attributes=attributes)
        with trace.use_span(
            span, end_on_exit=False, record_exception=False, set_status_on_exception=False
        ):
            try:
                yield span
            except BaseException as exc:
                _fail(span, exc)
                status = field_value(getattr(exc, "execution", None), "status")
                if isinstance(status, str):  # a workflow run that ended badly
                    activity.set("status", status)
                raise
            finally:
                if span.is_recording():
                    self._activity_end(span, activity)
                span.end()

    def _activity_start(self, activity: Activity) -> tuple[str, dict[str, Any]]:
        a = activity.attributes
        provider = {conv.PROVIDER_NAME: conv.PROVIDER}
        if activity.kind == "agent":
            attributes: dict[str, Any] = {
                gen_ai.GEN_AI_OPERATION_NAME: conv.INVOKE_AGENT,
                **provider,
                **conv.request_attributes(a),
            }
            return f"{conv.INVOKE_AGENT} {activity.name}".rstrip(), attributes
        if activity.kind == "turn":
            return f"turn {activity.name}", {conv.TURN: a["turn"]}
        if activity.kind == "tool":
            attributes = {
                gen_ai.GEN_AI_OPERATION_NAME: conv.EXECUTE_TOOL,
                gen_ai.GEN_AI_TOOL_NAME: activity.name,
                gen_ai.GEN_AI_TOOL_TYPE: "function",
            }
            if a.get("tool_call_id"):
                attributes[gen_ai.GEN_AI_TOOL_CALL_ID] = a["tool_call_id"]
            return f"{conv.EXECUTE_TOOL} {activity.name}", attributes
        attributes = {
            gen_ai.GEN_AI_OPERATION_NAME: conv.INVOKE_WORKFLOW,
            **provider,
            conv.WORKFLOW_NAME: activity.name,
            conv.EXECUTION_ID: a.get("execution_id") or "",
        }
        return f"{conv.INVOKE_WORKFLOW} {activity.name}", attributes

    def _activity_end(self, span: Span, activity: Activity) -> None:
        a = activity.attributes
        conversation_id = a.get("conversation_id")
        if isinstance(conversation_id, str) and conversation_id:
            span.set_attribute(gen_ai.GEN_AI_CONVERSATION_ID, conversation_id)
        if activity.kind == "agent":
            if isinstance(a.get("turns"), int):
                span.set_attribute(conv.RUN_TURNS, a["turns"])
            usage: dict[str, Any] = {}
            conv._usage_attributes(a.get("usage"), usage)
            span.set_attributes(usage)
        elif activity.kind == "tool":
            redactor = conv.Redactor(self._secrets)
            if "error" in a:
                _fail(span, a["error"])
            if self.capture_content:
                span.set_attribute(
                    gen_ai.GEN_AI_TOOL_CALL_ARGUMENTS, redactor.json(a.get("arguments"))
                )
                if "result" in a:
                    span.set_attribute(
                        gen_ai.GEN_AI_TOOL_CALL_RESULT, redactor.text(result_text(a["result"]))
                    )
        elif activity.kind == "workflow" and isinstance(a.get("status"), str):
            span.set_attribute(conv.WORKFLOW_STATUS, a["status"])
