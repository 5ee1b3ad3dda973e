"""Spans of the run loop (agent, turns, tools) and of `execute_and_wait`, against the
project's mock server; and what importing and enabling tracing does, in subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode
from otel_helpers import KEY, Traces

from mistral_sdk import AsyncMistral, Mistral, WorkflowExecutionError
from mistral_sdk.otel import instrument

ROOT = Path(__file__).resolve().parents[2]


def get_weather(city: str) -> dict[str, object]:
    """Weather in a city.

    Args:
        city: the city.
    """
    return {"city": city, "sky": "clear"}


async def aget_weather(city: str) -> dict[str, object]:
    """Weather in a city.

    Args:
        city: the city.
    """
    await asyncio.sleep(0)
    return {"city": city, "sky": "clear"}


def broken_tool(city: str) -> str:
    """Always fails.

    Args:
        city: the city.
    """
    raise RuntimeError("the weather service is down")


def run(mode: str, mock_url: str, traces: Traces, method: str, capture: bool = False,
        **kwargs: Any) -> Any:  # fmt: skip
    """`client.<method>(**kwargs)` on a traced client, under a caller's span."""

    def resolve(client: Any) -> Any:
        target = client
        for part in method.split("."):
            target = getattr(target, part)
        return target

    if mode == "sync":
        with Mistral(api_key=KEY, base_url=mock_url, timeout=10) as client:
            instrument(client, tracer_provider=traces.provider, capture_content=capture)
            with traces.tracer.start_as_current_span("caller"):
                return resolve(client)(**kwargs)

    async def go() -> Any:
        async with AsyncMistral(api_key=KEY, base_url=mock_url, timeout=10) as client:
            instrument(client, tracer_provider=traces.provider, capture_content=capture)
            with traces.tracer.start_as_current_span("caller"):
                return await resolve(client)(**kwargs)

    return asyncio.run(go())


def children(traces: Traces, parent: ReadableSpan) -> list[ReadableSpan]:
    found = [
        s
        for s in traces.spans
        if s.parent is not None and s.parent.span_id == parent.context.span_id
    ]
    return sorted(found, key=lambda s: s.start_time or 0)


def test_the_run_loop_is_an_agent_span_with_turns_and_tool_calls(
    mode: str, mock_url: str, traces: Traces
) -> None:
    result = run(
        mode,
        mock_url,
        traces,
        "beta.conversations.run",
        inputs="Weather in Paris?",
        model="mistral-medium-latest",
        tools=[get_weather if mode == "sync" else aget_weather],
    )
    caller = traces.one("caller")
    (agent,) = children(traces, caller)
    assert agent.name == "invoke_agent mistral-medium-latest"
    assert agent.kind is SpanKind.INTERNAL
    attributes = dict(agent.attributes or {})
    assert attributes["gen_ai.operation.name"] == "invoke_agent"
    assert attributes["gen_ai.conversation.id"] == result.conversation_id
    assert attributes["mistral_ai.run.turns"] == result.turns == 2
    assert attributes["gen_ai.usage.input_tokens"] == result.usage.prompt_tokens

    turns = children(traces, agent)
    assert [t.name for t in turns] == ["turn 1", "turn 2"]
    first = children(traces, turns[0])
    assert [(s.name, s.kind) for s in first] == [
        ("chat mistral-medium-latest", SpanKind.CLIENT),
        (f"execute_tool {'get_weather' if mode == 'sync' else 'aget_weather'}", SpanKind.INTERNAL),
    ]
    tool = dict(first[1].attributes or {})
    assert tool["gen_ai.operation.name"] == "execute_tool"
    assert tool["gen_ai.tool.call.id"] == result.tool_results[0].tool_call_id
    assert "gen_ai.tool.call.arguments" not in tool  # capture is off
    assert [s.kind for s in children(traces, turns[1])] == [SpanKind.CLIENT]
    assert KEY not in traces.dump()


def test_tool_arguments_and_results_are_recorded_when_capture_is_on(
    mode: str, mock_url: str, traces: Traces
) -> None:
    run(
        mode,
        mock_url,
        traces,
        "beta.conversations.run",
        capture=True,
        inputs="Weather?",
        model="mistral-medium-latest",
        tools=[get_weather],
    )
    tool = dict(traces.one("execute_tool").attributes or {})
    assert "city" in json.loads(tool["gen_ai.tool.call.arguments"])
    assert json.loads(tool["gen_ai.tool.call.result"])["sky"] == "clear"


def test_a_failing_tool_is_an_error_span_and_the_run_goes_on(
    mode: str, mock_url: str, traces: Traces
) -> None:
    result = run(
        mode,
        mock_url,
        traces,
        "beta.conversations.run",
        inputs="Weather?",
        model="mistral-medium-latest",
        tools=[broken_tool],
    )
    assert result.tool_results[0].error
    tool = traces.one("execute_tool broken_tool")
    assert tool.status.status_code is StatusCode.ERROR
    assert dict(tool.attributes or {})["error.type"] == "RuntimeError"
    agent = traces.one("invoke_agent")
    assert agent.status.status_code is StatusCode.UNSET


def test_execute_and_wait_is_a_workflow_span_over_its_calls(
    mode: str, mock_url: str, traces: Traces
) -> None:
    execution = run(
        mode,
        mock_url,
        traces,
        "workflows.execute_and_wait",
        workflow_identifier="email-triage",
        input={"query": "x"},
        wait_timeout=10,
        on_event=(lambda event: None),  # follow the event stream
    )
    workflow = traces.one("invoke_workflow email-triage")
    attributes = dict(workflow.attributes or {})
    assert workflow.kind is SpanKind.INTERNAL
    assert attributes["gen_ai.operation.name"] == "invoke_workflow"
    assert attributes["mistral_ai.workflow.execution_id"] == execution.execution_id
    assert attributes["mistral_ai.workflow.status"] == "COMPLETED"
    calls = children(traces, workflow)
    assert calls and all(c.kind is SpanKind.CLIENT for c in calls)
    names = [c.name for c in calls]
    assert names[0] == "POST /v1/workflows/{workflow_identifier}/execute"
    stream = next(c for c in calls if c.name.endswith("/stream"))
    assert dict(stream.attributes or {})["mistral_ai.stream.events"] >= 1


def test_a_failed_workflow_run_is_an_error_span(mode: str, mock_url: str, traces: Traces) -> None:
    with pytest.raises(WorkflowExecutionError):
        run(mode, mock_url, traces, "workflows.execute_and_wait", workflow_identifier="will-fail",
            wait_timeout=10)  # fmt: skip
    workflow = traces.one("invoke_workflow will-fail")
    assert workflow.status.status_code is StatusCode.ERROR
    attributes = dict(workflow.attributes or {})
    assert attributes["error.type"] == "WorkflowExecutionError"
    assert attributes["mistral_ai.workflow.status"] == "FAILED"


# --- import isolation and enabling without code (subprocesses) --------------------------


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MISTRAL_", "OTEL_"))}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        check=False,
    )


def test_import_and_calls_never_import_opentelemetry() -> None:
    done = _python(
        """
        import sys, httpx2
        import mistral_sdk
        from mistral_sdk import Mistral
        transport = httpx2.MockTransport(lambda r: httpx2.Response(200, json={"object": "list", "data": []}))
        client = Mistral(api_key="k", http_client=httpx2.Client(transport=transport))
        client.models.list()
        loaded = sorted(m for m in sys.modules if m.startswith("opentelemetry"))
        assert not loaded, loaded
        print("clean")
        """
    )
    assert done.returncode == 0, done.stderr
    assert "clean" in done.stdout


def test_without_the_extra_the_error_names_it() -> None:
    done = _python(
        """
        import sys
        sys.modules["opentelemetry"] = None  # as if the extra were not installed
        try:
            import mistral_sdk.otel
        except ImportError as exc:
            print(exc)
        """
    )
    assert "pip install 'mistral-sdk[otel]'" in done.stdout, done.stderr


def test_the_environment_variable_traces_every_client() -> None:
    done = _python(
        """
        import httpx2
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)  # the application's provider

        from mistral_sdk import Mistral
        transport = httpx2.MockTransport(lambda r: httpx2.Response(200, json={"object": "list", "data": []}))
        Mistral(api_key="k", http_client=httpx2.Client(transport=transport)).models.list()
        print([s.name for s in exporter.get_finished_spans()])
        """,
        MISTRAL_TRACING="otel",
    )
    assert done.returncode == 0, done.stderr
    assert "['GET /v1/models']" in done.stdout


def test_a_wrong_tracing_value_is_a_clear_error() -> None:
    done = _python(
        "from mistral_sdk import Mistral; Mistral(api_key='k')", MISTRAL_TRACING="zipkin"
    )
    assert "MISTRAL_TRACING='zipkin'" in done.stderr


def test_the_example_prints_the_span_tree() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "tracing.py")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    tree = lines[lines.index("spans:") + 1 :]
    assert tree[0].strip().startswith("handle user request [INTERNAL]")
    assert tree[1].startswith("    invoke_agent mistral-medium-latest [INTERNAL]")
    assert tree[2].startswith("      turn 1 [INTERNAL]")
    assert tree[3].startswith("        chat mistral-medium-latest [CLIENT]")
    assert tree[4].startswith("        execute_tool get_weather [INTERNAL]")
    assert tree[5].startswith("      turn 2 [INTERNAL]")
    assert tree[6].startswith("        chat mistral-medium-latest [CLIENT]")  # not just `chat`


def model_calls(traces: Traces) -> list[ReadableSpan]:
    calls = [s for s in traces.spans if s.kind is SpanKind.CLIENT]
    return sorted(calls, key=lambda s: s.start_time or 0)


@pytest.mark.parametrize("target", ["model", "agent_id"])
def test_every_model_call_of_a_run_is_named_with_its_model(
    mode: str, mock_url: str, traces: Traces, target: str
) -> None:
    """The `append` calls after the first name no model (the conversation has it):
    their spans are named after the conversation's model (or agent) all the same."""
    value = "mistral-medium-latest" if target == "model" else "ag_weather"
    result = run(mode, mock_url, traces, "beta.conversations.run", inputs="Weather?",
                 tools=[get_weather if mode == "sync" else aget_weather], **{target: value})  # fmt: skip
    calls = model_calls(traces)
    assert len(calls) == result.turns == 2
    op = "chat" if target == "model" else "invoke_agent"
    assert [c.name for c in calls] == [f"{op} {value}"] * 2
    second = dict(calls[1].attributes or {})
    key = "gen_ai.request.model" if target == "model" else "gen_ai.agent.id"
    assert second[key] == value and second["gen_ai.operation.name"] == op
    assert second["gen_ai.conversation.id"] == result.conversation_id


def test_run_stream_model_calls_are_named_too(mode: str, mock_url: str, traces: Traces) -> None:
    def consume(stream: Any) -> Any:
        with stream:
            return stream.until_done()

    async def aconsume(stream: Any) -> Any:
        async with stream:
            return await stream.until_done()

    if mode == "sync":
        with Mistral(api_key=KEY, base_url=mock_url, timeout=10) as client:
            instrument(client, tracer_provider=traces.provider)
            result = consume(client.beta.conversations.run_stream(
                "Weather?", model="mistral-medium-latest", tools=[get_weather]))  # fmt: skip
    else:

        async def go() -> Any:
            async with AsyncMistral(api_key=KEY, base_url=mock_url, timeout=10) as client:
                instrument(client, tracer_provider=traces.provider)
                return await aconsume(client.beta.conversations.run_stream(
                    "Weather?", model="mistral-medium-latest", tools=[aget_weather]))  # fmt: skip

        result = asyncio.run(go())
    assert result.turns == 2
    assert [c.name for c in model_calls(traces)] == ["chat mistral-medium-latest"] * 2


def test_uninstrument_takes_the_client_first(mock_url: str, traces: Traces) -> None:
    from mistral_sdk.otel import TracingHooks, uninstrument

    with Mistral(api_key=KEY, base_url=mock_url, timeout=10) as client:
        hooks = instrument(client, tracer_provider=traces.provider)
        uninstrument(client)  # every TracingHooks of the client
        assert not [h for h in client.hooks if isinstance(h, TracingHooks)]
        client.models.list()
        assert traces.spans == []

        hooks = instrument(client, tracer_provider=traces.provider)
        other = instrument(client, tracer_provider=traces.provider)
        uninstrument(client, hooks)  # just these
        assert [h for h in client.hooks if isinstance(h, TracingHooks)] == [other]

        # the old order still works, with a warning pointing at the caller's line
        with pytest.warns(DeprecationWarning, match=r"uninstrument\(client, hooks\)") as seen:
            uninstrument(other, client)
        assert seen[0].filename == __file__
        assert client.hooks == ()

    # no client: the hooks new clients start with
    instrument(tracer_provider=traces.provider)
    uninstrument()
    with Mistral(api_key=KEY, base_url=mock_url) as fresh:
        assert not [h for h in fresh.hooks if isinstance(h, TracingHooks)]
    hooks = instrument(tracer_provider=traces.provider)
    with pytest.warns(DeprecationWarning):
        uninstrument(hooks)  # the old spelling of uninstrument(None, hooks)
    with Mistral(api_key=KEY, base_url=mock_url) as fresh:
        assert hooks not in fresh.hooks
    with pytest.raises(TypeError, match="client: expected a Mistral or AsyncMistral client"):
        uninstrument("client")  # type: ignore[call-overload]
