"""OpenTelemetry spans of API calls and streams, with the SDK's in-memory exporter."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest
from opentelemetry.trace import SpanKind, StatusCode
from otel_helpers import KEY, Api, Traces, json_response, sse_response

from mistral_sdk import BadRequestError, IncompleteStreamError

USAGE = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}


def completion(model: str = "mistral-small-latest", text: str = "Bonjour") -> dict[str, Any]:
    return {
        "id": "cmpl-42",
        "object": "chat.completion",
        "model": model,
        "created": 1,
        "usage": USAGE,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }


CONVERSATION = {
    "object": "conversation.response",
    "conversation_id": "conv_7",
    "outputs": [
        {
            "object": "entry",
            "type": "message.output",
            "id": "msg_1",
            "role": "assistant",
            "content": "Bonjour",
            "created_at": "2026-01-01T00:00:00Z",
            "completed_at": "2026-01-01T00:00:01Z",
        }
    ],
    "usage": USAGE,
}

# (method, arguments, answer, span name, operation name, extra attributes expected)
KINDS: list[tuple[str, dict[str, Any], dict[str, Any], str, str, dict[str, Any]]] = [
    (
        "chat.complete",
        {
            "model": "mistral-small-latest",
            "messages": [{"role": "user", "content": "Salut"}],
            "temperature": 0.3,
            "top_p": 0.9,
            "max_tokens": 64,
            "random_seed": 5,
            "stop": ["END"],
        },
        completion(),
        "chat mistral-small-latest",
        "chat",
        {
            "gen_ai.request.temperature": 0.3,
            "gen_ai.request.top_p": 0.9,
            "gen_ai.request.max_tokens": 64,
            "gen_ai.request.seed": 5,
            "gen_ai.request.stop_sequences": ("END",),
            "gen_ai.response.id": "cmpl-42",
            "gen_ai.response.finish_reasons": ("stop",),
        },
    ),
    (
        "fim.complete",
        {"model": "codestral-latest", "prompt": "def f():"},
        completion("codestral-latest"),
        "text_completion codestral-latest",
        "text_completion",
        {"gen_ai.response.model": "codestral-latest"},
    ),
    (
        "agents.complete",
        {"agent_id": "ag_123", "messages": [{"role": "user", "content": "Salut"}]},
        completion(),
        "invoke_agent ag_123",
        "invoke_agent",
        {"gen_ai.agent.id": "ag_123"},
    ),
    (
        "embeddings.create",
        {"model": "mistral-embed", "input": ["a"]},
        {
            "id": "emb-1",
            "object": "list",
            "model": "mistral-embed",
            "usage": USAGE,
            "data": [{"object": "embedding", "embedding": [0.1, 0.2, 0.3], "index": 0}],
        },
        "embeddings mistral-embed",
        "embeddings",
        {"gen_ai.embeddings.dimension.count": 3},
    ),
    (
        "ocr.process",
        {
            "model": "mistral-ocr-latest",
            "document": {"type": "document_url", "document_url": "https://x.test/a.pdf"},
        },
        {"pages": [], "model": "mistral-ocr-latest", "usage_info": {"pages_processed": 2}},
        "generate_content mistral-ocr-latest",
        "generate_content",
        {"mistral_ai.ocr.usage.pages_processed": 2},
    ),
    (
        "beta.conversations.start",
        {"inputs": "Salut", "model": "mistral-medium-latest"},
        CONVERSATION,
        "chat mistral-medium-latest",
        "chat",
        {"gen_ai.conversation.id": "conv_7"},
    ),
    (
        "beta.conversations.start",
        {"inputs": "Salut", "agent_id": "ag_9"},
        CONVERSATION,
        "invoke_agent ag_9",
        "invoke_agent",
        {"gen_ai.conversation.id": "conv_7", "gen_ai.agent.id": "ag_9"},
    ),
    (
        "audio.transcriptions.complete",
        {"model": "voxtral-mini-latest", "file_url": "https://x.test/a.mp3"},
        {"model": "voxtral-mini-latest", "text": "hello", "language": "en", "usage": USAGE},
        "generate_content voxtral-mini-latest",
        "generate_content",
        {"gen_ai.request.model": "voxtral-mini-latest"},
    ),
]


@pytest.mark.parametrize(
    ("method", "arguments", "answer", "name", "op", "expected"),
    KINDS,
    ids=[f"{k[0]}:{k[3]}" for k in KINDS],
)
def test_one_client_span_per_call_with_genai_attributes(
    mode: str,
    traces: Traces,
    method: str,
    arguments: dict[str, Any],
    answer: dict[str, Any],
    name: str,
    op: str,
    expected: dict[str, Any],
) -> None:
    api = Api(mode, lambda r: json_response(answer, **{"x-request-id": "req-1"}), traces)
    api.call(method, **arguments)
    span = traces.one(name)
    attributes = dict(span.attributes or {})
    assert span.kind is SpanKind.CLIENT
    assert attributes["gen_ai.operation.name"] == op
    assert attributes["gen_ai.provider.name"] == "mistral_ai"
    assert attributes["server.address"] == "api.mistral.test"
    assert attributes["http.response.status_code"] == 200
    assert attributes["mistral_ai.request.id"] == "req-1"
    if op != "generate_content" or "usage" in answer:
        assert attributes["gen_ai.usage.input_tokens"] == 11
        assert attributes["gen_ai.usage.output_tokens"] == 7
    for key, value in expected.items():
        assert attributes[key] == value, key
    assert span.status.status_code is StatusCode.UNSET
    assert "gen_ai.input.messages" not in attributes  # content capture is off by default


def test_other_operations_get_a_plain_http_span(mode: str, traces: Traces) -> None:
    api = Api(mode, lambda r: json_response({"object": "list", "data": []}), traces)
    api.call("models.list")
    span = traces.one("GET /v1/models")
    attributes = dict(span.attributes or {})
    assert span.kind is SpanKind.CLIENT
    assert attributes["http.request.method"] == "GET"
    assert attributes["url.full"] == "https://api.mistral.test/v1/models"
    assert not any(k.startswith("gen_ai.") for k in attributes)


def test_the_trace_context_is_sent_to_the_server(mode: str, traces: Traces) -> None:
    api = Api(mode, lambda r: json_response(completion()), traces)
    with traces.tracer.start_as_current_span("caller") as caller:
        api.call("chat.complete", model="m", messages=[{"role": "user", "content": "x"}])
    span = traces.one("chat m")
    assert span.parent is not None
    assert span.parent.span_id == caller.get_span_context().span_id
    _, trace_id, parent_id, _ = api.requests[0].headers["traceparent"].split("-")
    assert trace_id == f"{span.context.trace_id:032x}"
    assert parent_id == f"{span.context.span_id:016x}"  # the CLIENT span is the parent


def test_retries_are_events_with_the_wait(mode: str, traces: Traces) -> None:
    answers = iter(
        [json_response({}, 503, **{"retry-after-ms": "250"}), json_response(completion())]
    )
    api = Api(mode, lambda r: next(answers), traces)
    api.call("chat.complete", model="m", messages=[{"role": "user", "content": "x"}])
    span = traces.one("chat m")
    (retry,) = [e for e in span.events if e.name == "retry"]
    assert retry.attributes == {
        "mistral_ai.retry.attempt": 1,
        "mistral_ai.retry.delay_s": 0.25,
        "http.response.status_code": 503,
    }
    assert dict(span.attributes or {})["http.request.resend_count"] == 1
    assert dict(span.attributes or {})["http.response.status_code"] == 200


def test_an_error_sets_error_type_and_status(mode: str, traces: Traces) -> None:
    api = Api(mode, lambda r: json_response({"message": "bad model"}, 400), traces)
    with pytest.raises(BadRequestError):
        api.call("chat.complete", model="m", messages=[{"role": "user", "content": "x"}])
    span = traces.one("chat m")
    assert dict(span.attributes or {})["error.type"] == "400"
    assert span.status.status_code is StatusCode.ERROR


def test_a_connection_failure_is_an_error_span(mode: str, traces: Traces) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused")

    api = Api(mode, refuse, traces, max_retries=0)
    with pytest.raises(Exception, match="Connection error"):
        api.call("models.list")
    span = traces.one("GET /v1/models")
    assert dict(span.attributes or {})["error.type"] == "APIConnectionError"


# --- streams ----------------------------------------------------------------------------


def chunk(text: str, finish: str | None = None, usage: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "cmpl-s",
        "object": "chat.completion.chunk",
        "model": "mistral-small-latest",
        "created": 1,
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}],
    }
    if usage:
        data["usage"] = USAGE
    return data


CHUNKS = [chunk("Bon"), chunk("jour"), chunk("", "stop", usage=True)]
CHAT = {"model": "mistral-small-latest", "messages": [{"role": "user", "content": "Salut"}]}


def test_a_stream_span_ends_with_the_stream(mode: str, traces: Traces) -> None:
    api = Api(mode, lambda r: sse_response(CHUNKS), traces)
    events = api.stream("chat.stream", **CHAT)
    assert len(events) == 3
    span = traces.one("chat mistral-small-latest")
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.request.stream"] is True
    assert attributes["mistral_ai.stream.events"] == 3
    assert attributes["gen_ai.response.time_to_first_chunk"] >= 0
    assert attributes["gen_ai.response.id"] == "cmpl-s"
    assert attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert attributes["gen_ai.usage.input_tokens"] == 11
    assert attributes["gen_ai.usage.output_tokens"] == 7
    assert span.status.status_code is StatusCode.UNSET


def test_the_stream_span_is_open_while_the_stream_is(traces: Traces) -> None:
    api = Api("sync", lambda r: sse_response(CHUNKS), traces)
    with api.client.chat.stream(**CHAT) as stream:
        next(iter(stream))
        assert traces.spans == []  # nothing ended yet: the span waits for the stream
    assert traces.one("chat mistral-small-latest").end_time is not None


def test_a_stream_closed_early_ends_its_span_without_error(mode: str, traces: Traces) -> None:
    api = Api(mode, lambda r: sse_response(CHUNKS), traces)
    api.stream("chat.stream", limit=1, **CHAT)
    span = traces.one("chat mistral-small-latest")
    assert dict(span.attributes or {})["mistral_ai.stream.events"] == 1
    assert "gen_ai.response.finish_reasons" not in dict(span.attributes or {})
    assert span.status.status_code is StatusCode.UNSET


def test_a_cut_stream_ends_its_span_with_the_error(mode: str, traces: Traces) -> None:
    # a conversation stream must reach `conversation.response.done`; this one stops before
    events = [
        {"type": "conversation.response.started", "conversation_id": "conv_c"},
        {"type": "message.output.delta", "id": "m1", "content": "Bon", "output_index": 0},
    ]

    def handler(request: httpx2.Request) -> httpx2.Response:
        text = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)
        return httpx2.Response(
            200, content=text.encode(), headers={"content-type": "text/event-stream"}
        )

    api = Api(mode, handler, traces)
    with pytest.raises(IncompleteStreamError):
        api.stream("beta.conversations.start_stream", inputs="Salut", model="m")
    span = traces.one("chat m")
    attributes = dict(span.attributes or {})
    assert attributes["error.type"] == "IncompleteStreamError"
    assert attributes["gen_ai.conversation.id"] == "conv_c"
    assert attributes["mistral_ai.stream.events"] == 2
    assert span.status.status_code is StatusCode.ERROR


def test_a_broken_stream_ends_its_span_with_the_error(mode: str, traces: Traces) -> None:
    class Breaks(httpx2.SyncByteStream, httpx2.AsyncByteStream):
        body = f"data: {json.dumps(CHUNKS[0])}\n\n".encode()

        def __iter__(self) -> Any:
            yield self.body
            raise httpx2.ReadError("connection reset")

        async def __aiter__(self) -> Any:
            yield self.body
            raise httpx2.ReadError("connection reset")

    api = Api(
        mode,
        lambda r: httpx2.Response(
            200, stream=Breaks(), headers={"content-type": "text/event-stream"}
        ),
        traces,
    )
    with pytest.raises(Exception, match="connection reset"):
        api.stream("chat.stream", **CHAT)
    span = traces.one("chat mistral-small-latest")
    assert span.status.status_code is StatusCode.ERROR
    assert dict(span.attributes or {})["mistral_ai.stream.events"] == 1


# --- content capture and secrets ----------------------------------------------------------


def test_content_is_recorded_only_when_capture_is_on(mode: str, traces: Traces) -> None:
    answer = completion(text="Bonjour toi")
    off = Api(mode, lambda r: json_response(answer), traces)
    off.call("chat.complete", **CHAT)
    assert "Salut" not in traces.dump() and "Bonjour toi" not in traces.dump()

    traces.exporter.clear()
    on = Api(mode, lambda r: json_response(answer), traces, capture=True)
    on.call("chat.complete", **CHAT)
    attributes = dict(traces.one("chat").attributes or {})
    assert json.loads(attributes["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Salut"}]}
    ]
    assert json.loads(attributes["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "Bonjour toi"}],
            "finish_reason": "stop",
        }
    ]


def test_capture_from_the_conventions_environment_variable(
    mode: str, traces: Traces, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mistral_sdk.otel import instrument

    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    api = Api(mode, lambda r: json_response(completion()), traces)
    api.client.remove_hooks(*api.client.hooks)
    instrument(api.client, tracer_provider=traces.provider)
    api.call("chat.complete", **CHAT)
    assert "gen_ai.input.messages" in dict(traces.one("chat").attributes or {})


def test_streamed_content_is_recorded_when_capture_is_on(mode: str, traces: Traces) -> None:
    api = Api(mode, lambda r: sse_response(CHUNKS), traces, capture=True)
    api.stream("chat.stream", **CHAT)
    attributes = dict(traces.one("chat").attributes or {})
    output = json.loads(attributes["gen_ai.output.messages"])
    assert output[0]["parts"][0]["content"] == "Bonjour"


def test_the_key_never_reaches_a_span_even_with_capture_on(mode: str, traces: Traces) -> None:
    # The key is sent in a header (never recorded); a prompt quoting it, or a secret-
    # looking field in the request, is redacted from captured content.
    api = Api(mode, lambda r: json_response(completion(text=f"echo {KEY}")), traces, capture=True)
    api.call(
        "chat.complete",
        model="m",
        messages=[
            {"role": "user", "content": f"my key is {KEY}"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "c1",
                        "function": {"name": "login", "arguments": {"password": "hunter2-pw"}},
                    }
                ],
            },
        ],
    )
    dump = traces.dump()
    assert traces.spans and KEY not in dump
    assert "hunter2-pw" not in dump
    assert "[REDACTED]" in dump
    assert "Bearer" not in dump


def test_each_page_of_a_list_is_a_span_of_its_own(mode: str, traces: Traces) -> None:
    pages = {None: ([1, 2], "c2"), "c2": ([3], None)}

    def handler(request: httpx2.Request) -> httpx2.Response:
        ids, following = pages[request.url.params.get("cursor")]
        workflows = [
            {"id": f"00000000-0000-0000-0000-00000000000{i}", "name": f"w{i}",
             "display_name": f"W{i}", "archived": False}
            for i in ids
        ]  # fmt: skip
        return json_response({"workflows": workflows, "next_cursor": following})

    api = Api(mode, handler, traces)
    if mode == "sync":
        names = [w.name for w in api.call("workflows.list", limit=2)]
    else:

        async def collect() -> list[str]:
            page = await api.method("workflows.list")(limit=2)
            return [w.name async for w in page]

        names = asyncio.run(collect())
    assert names == ["w1", "w2", "w3"]
    spans = traces.named("GET /v1/workflows")
    assert len(spans) == 2 and all(s.end_time is not None for s in spans)
    assert [dict(s.attributes or {})["http.response.status_code"] for s in spans] == [200, 200]
