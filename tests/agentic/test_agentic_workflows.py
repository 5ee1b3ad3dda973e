"""`workflows.execute_and_wait`, connectors, resumable streams, signals/queries/updates."""

from __future__ import annotations

import dataclasses
import json
import warnings
from typing import Any

import httpx2
import hypothesis
import msgspec
import pytest
from hypothesis import strategies as st
from spec_values import SPEC_MISSING_REASON, find_spec, load_api, needs_helpers

import mistral_sdk
from mistral_sdk import (
    AsyncMistral,
    ConnectorSlot,
    Mistral,
    RequestValidationError,
    WorkflowExecutionError,
    WorkflowWaitTimeout,
    connector_auth,
)
from mistral_sdk._connectors import with_connectors

pytestmark = needs_helpers(
    "workflows.execute_and_wait",
    "workflows.executions.send_signal",
    "workflows.executions.run_query",
    "workflows.executions.run_update",
)

# --- connector bindings -------------------------------------------------------------


def test_connector_slots_become_bindings_merged_with_other_extensions() -> None:
    merged = with_connectors(
        {"tracing": {"on": True}, "mistralai": {"agent": "x"}},
        [ConnectorSlot("gmail"), {"connector_name": "drive", "credentials_name": "work"}],
    )
    assert merged == {
        "tracing": {"on": True},
        "mistralai": {
            "agent": "x",
            "connectors": {
                "bindings": [
                    {"connector_name": "gmail"},
                    {"connector_name": "drive", "credentials_name": "work"},
                ]
            },
        },
    }


def test_without_connectors_extensions_are_untouched() -> None:
    ext = {"a": 1}
    assert with_connectors(ext, None) is ext
    assert with_connectors(msgspec.UNSET, None) is msgspec.UNSET


@pytest.mark.parametrize(
    ("extensions", "connectors", "message"),
    [
        ({"mistralai": {"connectors": {"bindings": []}}}, [ConnectorSlot("gmail")], "not both"),
        ({"mistralai": "x"}, [ConnectorSlot("gmail")], "is not a dict"),
        (None, [{"connector": "gmail"}], "connectors[0]: unknown key"),
        (None, [{"connector_name": 3}], "connectors[0]"),
        (None, ["gmail"], "connectors[0]: expected a ConnectorSlot"),
        (None, [ConnectorSlot("gmail"), ConnectorSlot("gmail")], "bound more than once"),
        (None, ConnectorSlot("gmail"), "expected a list"),
    ],
)
def test_bad_connectors_are_errors_not_overwrites(
    extensions: Any, connectors: Any, message: str
) -> None:
    with pytest.raises(RequestValidationError, match=message.replace("[", r"\[")):
        with_connectors(extensions, connectors)


def test_every_execute_method_takes_connectors(client: Mistral) -> None:
    started = client.workflows.execute(
        "email-triage",
        input={"q": 1},
        connectors=[ConnectorSlot("gmail", credentials_name="me")],
        extensions={"other": True},
    )
    assert isinstance(started, mistral_sdk.models.WorkflowExecutionResponse)
    done = client.workflows.execute_and_wait(
        "email-triage", connectors=[ConnectorSlot("gmail")], wait_timeout=10
    )
    assert done.result["connectors"] == ["gmail"]
    for name in ("execute", "execute_registration"):
        for resource in (client.workflows, AsyncMistral(api_key="k").workflows):
            assert "connectors" in getattr(resource, name).__code__.co_varnames


def test_a_conflict_is_raised_before_anything_is_sent(client: Mistral) -> None:
    with pytest.raises(RequestValidationError, match="not both"):
        client.workflows.execute(
            "email-triage",
            connectors=[ConnectorSlot("gmail")],
            extensions={"mistralai": {"connectors": {"bindings": []}}},
        )


# --- execute_and_wait ----------------------------------------------------------------


def test_wait_uses_synchronous_execution_when_no_events_are_wanted(client: Mistral) -> None:
    execution = client.workflows.execute_and_wait(
        "email-triage", input={"query": "x"}, wait_timeout=10
    )
    assert execution.status == "COMPLETED"
    assert execution.result["input"] == {"query": "x"}
    assert execution.execution_id.startswith("sdk-")


def test_wait_follows_the_event_stream_and_types_connector_auth(client: Mistral) -> None:
    seen: list[Any] = []
    execution = client.workflows.execute_and_wait(
        "email-triage", connectors=[ConnectorSlot("gmail")], on_event=seen.append, wait_timeout=10
    )
    assert execution.status == "COMPLETED"
    auth = [a for a in map(connector_auth, seen) if a is not None]
    assert [a.status for a in auth] == ["waiting_for_auth", "connected"]
    assert auth[0].waiting and auth[0].auth_url.endswith(execution.execution_id)
    assert auth[0].connector_name == "gmail" and auth[1].auth_url is None
    assert [e.id for e in seen] == [str(i) for i in range(1, len(seen) + 1)]


@pytest.mark.parametrize("follow", [False, True])
def test_a_failed_run_raises_with_the_execution_attached(client: Mistral, follow: bool) -> None:
    with pytest.raises(WorkflowExecutionError) as info:
        client.workflows.execute_and_wait(
            "nightly-fail", wait_timeout=10, on_event=(lambda e: None) if follow else None
        )
    error = info.value
    assert error.status == "FAILED"
    assert error.execution.status == "FAILED"
    assert error.execution_id in str(error) and "FAILED" in str(error)
    assert "mock failure" in str(error)


def test_timeout_leaves_the_run_alone(client: Mistral) -> None:
    with pytest.raises(WorkflowWaitTimeout) as info:
        client.workflows.execute_and_wait("slow", wait_timeout=0.5)
    error = info.value
    assert isinstance(error, TimeoutError) and not error.cancelled
    assert "left running" in str(error)
    assert client.workflows.executions.get(error.execution_id).status == "RUNNING"


def test_timeout_cancels_when_asked(client: Mistral) -> None:
    with pytest.raises(WorkflowWaitTimeout) as info:
        client.workflows.execute_and_wait(
            "slow", wait_timeout=0.5, cancel_on_timeout=True, on_event=lambda e: None
        )
    assert info.value.cancelled and "cancellation was requested" in str(info.value)
    assert client.workflows.executions.get(info.value.execution_id).status == "CANCELED"


def test_a_stream_dropped_mid_run_resumes_without_duplicates_or_gaps(client: Mistral) -> None:
    seen: list[Any] = []
    execution = client.workflows.execute_and_wait("flaky", on_event=seen.append, wait_timeout=10)
    assert execution.status == "COMPLETED"
    ids = [e.id for e in seen]
    assert ids == [str(i) for i in range(1, len(ids) + 1)] and len(ids) >= 3
    types = [e.data.data.event_type for e in seen]
    assert types[0] == "WORKFLOW_EXECUTION_STARTED"
    assert types[-1] == "WORKFLOW_EXECUTION_COMPLETED"


def test_without_a_stream_it_polls(client: Mistral) -> None:
    seen: list[Any] = []
    execution = client.workflows.execute_and_wait(
        "no-stream", on_event=seen.append, wait_timeout=10
    )
    assert execution.status == "COMPLETED" and seen == []


def test_a_start_that_already_happened_is_followed_not_repeated(client: Mistral) -> None:
    first = client.workflows.execute("email-triage", execution_id="mine-1")
    assert isinstance(first, mistral_sdk.models.WorkflowExecutionResponse)
    # Same id again (as after a lost answer): 409, and the wait follows the existing run.
    execution = client.workflows.execute_and_wait(
        "email-triage", execution_id="mine-1", wait_timeout=10, on_event=lambda e: None
    )
    assert execution.execution_id == "mine-1" and execution.status == "COMPLETED"


def test_bad_input_is_rejected_before_sending(client: Mistral) -> None:
    with pytest.raises(RequestValidationError, match="input: expected a dict"):
        client.workflows.execute_and_wait("email-triage", input=["not", "an", "object"])
    with pytest.raises(RequestValidationError, match="timeout"):
        client.workflows.execute_and_wait("email-triage", wait_timeout=0)


async def test_async_wait_follows_resumes_and_fails(aclient: AsyncMistral) -> None:
    seen: list[Any] = []

    async def on_event(event: Any) -> None:
        seen.append(event)

    execution = await aclient.workflows.execute_and_wait(
        "flaky", on_event=on_event, wait_timeout=10
    )
    assert execution.status == "COMPLETED"
    assert [e.id for e in seen] == [str(i) for i in range(1, len(seen) + 1)]
    done = await aclient.workflows.execute_and_wait("email-triage", wait_timeout=10)
    assert done.status == "COMPLETED"
    with pytest.raises(WorkflowExecutionError):
        await aclient.workflows.execute_and_wait("fail", wait_timeout=10)
    with pytest.raises(WorkflowWaitTimeout):
        await aclient.workflows.execute_and_wait("slow", wait_timeout=0.4, cancel_on_timeout=True)
    polled = await aclient.workflows.execute_and_wait(
        "no-stream", on_event=on_event, wait_timeout=10
    )
    assert polled.status == "COMPLETED"


# --- resumable streams ---------------------------------------------------------------


def _start(client: Mistral, workflow: str) -> str:
    started = client.workflows.execute(workflow)
    assert isinstance(started, mistral_sdk.models.WorkflowExecutionResponse)
    return started.execution_id


def test_the_execution_stream_resumes_transparently(client: Mistral) -> None:
    execution_id = _start(client, "flaky")
    with client.workflows.executions.stream(execution_id) as stream:
        assert isinstance(stream, mistral_sdk.Stream)
        ids = [event.id for event in stream]
        assert stream.reconnects == 1 and stream.last_event_id == ids[-1]
    assert ids == [str(i) for i in range(1, len(ids) + 1)]


def test_a_caller_can_resume_from_its_own_last_event_id(client: Mistral) -> None:
    execution_id = _start(client, "email-triage")
    with client.workflows.executions.stream(execution_id, last_event_id="1") as stream:
        ids = [event.id for event in stream]
    assert ids[0] == "2"


def test_reconnects_stop_at_the_retry_budget(client: Mistral) -> None:
    execution_id = _start(client, "flaky")
    stream = client.workflows.executions.stream(execution_id, max_retries=0)
    with pytest.raises(mistral_sdk.APIConnectionError), stream:
        for _ in stream:
            pass


async def test_the_async_execution_stream_resumes(aclient: AsyncMistral) -> None:
    started = await aclient.workflows.execute("flaky")
    assert isinstance(started, mistral_sdk.models.WorkflowExecutionResponse)
    stream = await aclient.workflows.executions.stream(started.execution_id)
    async with stream:
        ids = [event.id async for event in stream]
    assert ids == [str(i) for i in range(1, len(ids) + 1)]


def test_raw_responses_of_resumable_streams_are_not_wrapped(client: Mistral) -> None:
    execution_id = _start(client, "email-triage")
    raw = client.workflows.executions.with_raw_response.stream(execution_id)
    assert raw.status_code == 200
    with raw.parse() as stream:
        assert next(iter(stream)).id == "1"


# --- signals, queries, updates -----------------------------------------------------


class Filter(msgspec.Struct):
    label: str
    limit: int = 10


@dataclasses.dataclass
class Approval:
    approved: bool


class QueryResult(msgspec.Struct):
    status: str
    input: Filter


def test_signals_queries_updates_take_and_return_plain_values(client: Mistral) -> None:
    execution_id = _start(client, "slow")
    executions = client.workflows.executions
    assert executions.send_signal(execution_id, "approve", Approval(approved=True)) is None
    result = executions.run_query(execution_id, "state", Filter("urgent"), type=QueryResult)
    assert result == QueryResult(status="RUNNING", input=Filter("urgent", 10))
    assert executions.run_update(execution_id, "set", {"x": [1, 2]}) == {"x": [1, 2]}
    with pytest.raises(mistral_sdk.OutputValidationError, match="does not match"):
        executions.run_update(execution_id, "set", {"x": "y"}, type=Filter)
    with pytest.raises(RequestValidationError, match="input"):
        executions.send_signal(execution_id, "approve", 42)
    executions.cancel(execution_id)


async def test_async_signals_queries_updates(aclient: AsyncMistral) -> None:
    started = await aclient.workflows.execute("slow")
    assert isinstance(started, mistral_sdk.models.WorkflowExecutionResponse)
    executions = aclient.workflows.executions
    await executions.send_signal(started.execution_id, "approve", {"ok": True})
    result = await executions.run_query(started.execution_id, "state", type=dict)
    assert result["status"] == "RUNNING"
    assert await executions.run_update(started.execution_id, "u", Approval(False)) == {
        "approved": False
    }
    await executions.cancel(started.execution_id)


class _CustomTask(msgspec.Struct):
    attributes: Any


def _custom_task(task_type: str, value: Any) -> _CustomTask:
    models = mistral_sdk.models
    payload = models.JSONPayloadResponse(value=value)
    attributes = models.CustomTaskCompletedAttributesResponse(
        custom_task_id="t", custom_task_type=task_type, payload=payload
    )
    return _CustomTask(attributes)


def test_connector_auth_reads_only_auth_events_and_refuses_odd_ones() -> None:
    ok = _custom_task("connector-auth", {"connector_name": "drive", "status": "error", "x": 1})
    assert connector_auth(ok) == mistral_sdk.ConnectorAuth(connector_name="drive", status="error")
    assert connector_auth(_custom_task("llm_call", {"a": 1})) is None
    assert connector_auth(object()) is None
    with pytest.raises(mistral_sdk.MistralError, match="unexpected payload"):
        connector_auth(_custom_task("connector-auth", {"status": "connected"}))


class _CutStream(httpx2.SyncByteStream):
    """A body that sends `frames`, then breaks like a dropped connection."""

    def __init__(self, frames: list[bytes], cut: bool) -> None:
        self.frames, self.cut = frames, cut

    def __iter__(self) -> Any:
        yield from self.frames
        if self.cut:
            raise httpx2.ReadError("connection reset by peer")


def _log_frame(n: int) -> bytes:
    record = {
        "timestamp": "2026-01-01T00:00:00Z",
        "trace_id": "t",
        "span_id": "s",
        "severity_text": "INFO",
        "body": f"line {n}",
        "log_attributes": {},
    }
    return f"event: log\nid: c{n}\ndata: {json.dumps(record)}\n\n".encode()


def _resume_location(path: str) -> tuple[str, str]:
    """Where the spec's stream at GET `path` takes the last event id (the generator's
    choice, the overlay's streams.resume_params), or skip naming what is missing."""
    spec = find_spec()
    if spec is None:
        pytest.skip(SPEC_MISSING_REASON)
    op = next((o for o in load_api(str(spec))[1].operations if o.path == path), None)
    param = None if op is None else op.methods[0].response.resume_param
    if param is None:
        pytest.skip(f"the spec's GET {path} has no parameter for the last event id")
    return param.location, param.wire


def test_the_log_stream_resumes_with_the_last_event_id() -> None:
    # a Last-Event-ID header in the tracked spec, a last_event_id query in older ones
    location, wire = _resume_location("/v1/workflows/executions/{execution_id}/logs/stream")
    seen_headers: list[str | None] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        place = request.headers if location == "header" else request.url.params
        resume = place.get(wire)
        seen_headers.append(resume)
        if resume is None:  # first connection: two lines, then the connection drops
            body = _CutStream([_log_frame(1), _log_frame(2)], cut=True)
        else:  # the server repeats the last line it sent, then goes on
            body = _CutStream([_log_frame(2), _log_frame(3), b"data: [DONE]\n\n"], cut=False)
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    client = Mistral(
        api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    with client.workflows.executions.stream_logs("exec-1") as stream:
        bodies = [event.data.body_ for event in stream]
    assert bodies == ["line 1", "line 2", "line 3"]
    assert seen_headers == [None, "c2"]


def _execution(execution_id: str, status: str) -> dict[str, Any]:
    return {
        "workflow_name": "wf",
        "execution_id": execution_id,
        "root_execution_id": execution_id,
        "status": status,
        "start_time": "2026-01-01T00:00:00Z",
        "end_time": None,
        "result": {"ok": True},
    }


def _timeouts_seen(**kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
    """(method, httpx2 timeout extension) of each request one `execute_and_wait` makes."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append((request.method, dict(request.extensions["timeout"])))
        if request.method == "POST":  # the synchronous answer: the result, no status
            execution_id = json.loads(request.content)["execution_id"]
            sync = {"workflow_name": "wf", "execution_id": execution_id, "result": 1}
            return httpx2.Response(200, json=sync)
        execution_id = request.url.path.rsplit("/", 1)[-1]
        return httpx2.Response(200, json=_execution(execution_id, "COMPLETED"))

    client = Mistral(
        api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    assert client.workflows.execute_and_wait("wf", **kwargs).status == "COMPLETED"
    return seen


def test_timeout_is_each_requests_http_timeout_and_wait_timeout_the_whole_wait() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DeprecationWarning for the new spelling
        seen = _timeouts_seen(timeout=7.0, wait_timeout=1000)
    # the start asks the server to wait SYNC_WAIT seconds: that comes on top
    (post, start), (get, final) = seen
    assert (post, get) == ("POST", "GET")
    assert start["read"] == pytest.approx(7.0 + mistral_sdk._workflows.SYNC_WAIT)
    assert start["connect"] == pytest.approx(7.0)
    assert final["read"] == pytest.approx(7.0)
    # a bound shorter than the request timeout caps every request
    (_, start), (_, final) = _timeouts_seen(timeout=httpx2.Timeout(50.0), wait_timeout=5)
    assert start["read"] <= 5 and final["read"] <= 5 and final["connect"] <= 5
    # neither given: the SDK's own choice (30 s for a read of the state)
    (_, start), (_, final) = _timeouts_seen()
    assert final["read"] == 30.0


def test_a_number_as_timeout_alone_still_bounds_the_wait_with_a_warning(client: Mistral) -> None:
    with (
        pytest.warns(DeprecationWarning, match="wait_timeout="),
        pytest.raises(WorkflowWaitTimeout) as info,
    ):
        client.workflows.execute_and_wait("slow", timeout=0.5)
    assert info.value.timeout == 0.5
    # an httpx2.Timeout is only ever a request timeout: no warning, no bound

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (_, _), (_, final) = _timeouts_seen(timeout=httpx2.Timeout(3.0))
    assert final["read"] == 3.0


@pytest.mark.parametrize(
    ("first_answer", "run_created", "posts"),
    [
        (503, False, 2),  # refused before the run existed: started again
        (502, True, 1),  # the run started but the answer was lost: followed, not repeated
        (429, False, 2),  # rate limited: started again after the delay
        (400, False, 1),  # the caller's mistake: raised at once
    ],
)
def test_a_failed_start_is_retried_only_after_looking_for_the_run(
    monkeypatch: pytest.MonkeyPatch, first_answer: int, run_created: bool, posts: int
) -> None:
    from mistral_sdk import _workflows

    monkeypatch.setattr(_workflows, "retry_delay", lambda *args: 0.0)
    runs: dict[str, str] = {}
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request.method)
        if request.method == "POST":
            execution_id = json.loads(request.content)["execution_id"]
            if calls.count("POST") == 1:
                if run_created:
                    runs[execution_id] = "COMPLETED"
                return httpx2.Response(first_answer, json={"message": "no"})
            runs[execution_id] = "COMPLETED"
            return httpx2.Response(200, json=_execution(execution_id, "COMPLETED"))
        execution_id = request.url.path.rsplit("/", 1)[-1]
        if execution_id not in runs:
            return httpx2.Response(404, json={"detail": "Not Found"})
        return httpx2.Response(200, json=_execution(execution_id, runs[execution_id]))

    client = Mistral(
        api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(handler))
    )
    if first_answer == 400:
        with pytest.raises(mistral_sdk.BadRequestError):
            client.workflows.execute_and_wait("wf", wait_timeout=10)
    else:
        assert client.workflows.execute_and_wait("wf", wait_timeout=10).status == "COMPLETED"
    assert calls.count("POST") == posts


def test_closing_a_resuming_stream_early_releases_the_connection(client: Mistral) -> None:
    execution_id = _start(client, "email-triage")
    stream = client.workflows.executions.stream(execution_id)
    first = next(iter(stream))
    stream.close()
    assert first.id == "1" and stream.response.is_closed
    assert list(stream) == []


def test_a_resuming_stream_closed_before_iterating_releases_the_connection(
    client: Mistral,
) -> None:
    execution_id = _start(client, "email-triage")
    with client.workflows.executions.stream(execution_id) as stream:
        assert repr(stream).startswith("<ResumingStream GET ")
    assert stream.response.is_closed and list(stream) == []


async def test_closing_an_async_resuming_stream_early(aclient: AsyncMistral) -> None:
    started = await aclient.workflows.execute("email-triage")
    assert isinstance(started, mistral_sdk.models.WorkflowExecutionResponse)
    async with await aclient.workflows.executions.stream(started.execution_id) as stream:
        async for event in stream:
            assert event.id == "1"
            break
    assert stream.response.is_closed


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    total=st.integers(1, 12),
    cuts=st.lists(st.integers(1, 12), max_size=4),
    replay=st.integers(0, 3),
)
def test_any_pattern_of_drops_gives_every_event_once(
    total: int, cuts: list[int], replay: int
) -> None:
    """The server cuts each connection after a few events and repeats up to `replay`
    events on resume: the caller still sees 1..total, in order, once each."""
    plan = list(cuts)

    def handler(request: httpx2.Request) -> httpx2.Response:
        last = request.headers.get("Last-Event-ID")
        after = int(last[1:]) if last else 0
        start = max(after - replay, 0) + 1
        ids = list(range(start, total + 1))
        cut = plan.pop(0) if plan else None
        if cut is not None and after + cut < total:
            frames = [_log_frame(n) for n in ids if n <= after + cut]
            body = _CutStream(frames, cut=True)
        else:
            body = _CutStream([*map(_log_frame, ids), b"data: [DONE]\n\n"], cut=False)
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    client = Mistral(
        api_key="k",
        max_retries=len(cuts),
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    # (reconnect delays are made short by the `_fast_waits` fixture)
    with client.workflows.executions.stream_logs("exec-1") as stream:
        bodies = [event.data.body_ for event in stream]
    assert bodies == [f"line {n}" for n in range(1, total + 1)]


def test_the_wait_flow_decides_without_io() -> None:
    """Drive `_wait_flow` by hand: a lost start, a look-up that finds nothing, a new
    start, a stream, then the final state."""
    from mistral_sdk import _workflows
    from mistral_sdk._workflows import _Follow, _Get, _Sleep, _Start, _wait_flow, _Waiter

    models = mistral_sdk.models
    request = httpx2.Request("POST", "https://api.test/v1/workflows/wf/execute")

    def execution(status: str) -> Any:
        return msgspec.convert(_execution("e1", status), models.WorkflowExecutionResponse)

    not_found = mistral_sdk.NotFoundError(
        "nope", response=httpx2.Response(404, request=request), body=None
    )
    waiter = _Waiter("e1", timeout=None, use_sync=True)
    flow = _wait_flow(waiter, budget=2)
    assert next(flow) == _Start(_workflows.SYNC_WAIT)
    assert flow.throw(mistral_sdk.APIConnectionError(request=request)) == _Get()
    assert isinstance(flow.throw(not_found), _Sleep)
    assert flow.send(None) == _Start(_workflows.SYNC_WAIT)
    assert flow.send(execution("RUNNING")) == _Follow()
    assert flow.send(None) == _Get()
    with pytest.raises(StopIteration) as done:
        flow.send(execution("COMPLETED"))
    assert done.value.value.status == "COMPLETED"


def test_the_wait_sees_a_run_end_the_spec_does_not_type_yet() -> None:
    # TERMINATED / TIMED_OUT arrive as Unknown variants; they still end the wait's stream
    from types import SimpleNamespace

    from mistral_sdk import _workflows

    def envelope(event_type: str, exec_id: str) -> Any:
        raw = {"event_type": event_type, "workflow_exec_id": exec_id}
        return SimpleNamespace(data=SimpleNamespace(data=mistral_sdk.Unknown(raw)))

    assert _workflows.ends_run(envelope("WORKFLOW_EXECUTION_TIMED_OUT", "run_1"), "run_1")
    assert not _workflows.ends_run(envelope("WORKFLOW_EXECUTION_TIMED_OUT", "child"), "run_1")
    assert not _workflows.ends_run(envelope("WORKFLOW_TASK_STARTED", "run_1"), "run_1")
