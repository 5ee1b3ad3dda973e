"""Every operation of `mistral_sdk.OPERATIONS`, sync and async, against a respx mock.

respx intercepts httpcore2's pool (`using="httpcore2"`, the mocker pytest-httpx2
registers); its routes see and answer with respx's own (legacy `httpx`) objects.

Arguments and mock answers come from the spec through `spec_values` (the
generator's own IR plus the spec's examples). The mock route checks the HTTP
method, the percent-encoded path, the query, the Authorization header and the
JSON or multipart body; the test then checks that the answer decodes to the
declared type (models, streams iterated to the end, binary bodies read).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import msgspec
import pytest
import respx
from spec_values import (
    BINARY_BODY,
    SPEC_MISSING_REASON,
    CallPlan,
    Values,
    find_spec,
    load_api,
    parse_multipart,
    raw_event_stream_operations,
    raw_spec,
    raw_supplement,
    supplement_operations,
    tracked_lock,
)

import mistral_sdk
from mistral_sdk import models
from mistral_sdk._pagination import AsyncPage, SyncPage

BASE_URL = "https://api.test"
API_KEY = "test-key"

# Cases that expose a real bug in the generator or runtime: (operationId, "call" |
# "stream_call") -> reason. Each is marked xfail(strict=True) and reported.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _cases() -> list[Any]:
    cases = []
    for op_id, operation in sorted(mistral_sdk.OPERATIONS.items()):
        for which in ("call", "stream_call"):
            if which == "stream_call" and operation.stream_call is None:
                continue
            marks = []
            if (op_id, which) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(op_id, which)]))
            case_id = op_id if which == "call" else f"{op_id}[stream]"
            cases.append(pytest.param(op_id, which, id=case_id, marks=marks))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def spec_values() -> tuple[Values, dict[str, Any]]:
    path = find_spec()
    if path is None:
        pytest.skip(SPEC_MISSING_REASON)
    doc, api, _ = load_api(str(path))
    return Values(doc, api), {op.operation_id: op for op in api.operations}


# Building an httpx2 client costs ~35 ms (its SSL context): one client per mode is
# shared by all cases; respx intercepts at the transport, whenever it was built.
@pytest.fixture(scope="module")
def sync_client() -> Any:
    with mistral_sdk.Mistral(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        yield client


@pytest.fixture(scope="module")
def async_client() -> Any:
    client = mistral_sdk.AsyncMistral(api_key=API_KEY, base_url=BASE_URL, max_retries=0)
    yield client
    asyncio.run(client.close())


def _plan(
    spec_values: tuple[Values, dict[str, Any]], op_id: str, which: str
) -> tuple[Values, CallPlan, str]:
    values, ops = spec_values
    op = ops.get(op_id)
    assert op is not None, f"{op_id} is in OPERATIONS but not in the spec"
    operation = mistral_sdk.OPERATIONS[op_id]
    method = op.methods[0] if which == "call" else op.methods[1]
    call = operation.call if which == "call" else operation.stream_call
    assert call is not None and call.rsplit(".", 1)[1] == method.name
    assert operation.method == op.method and operation.path == op.path
    return values, values.plan(op, method), call


def _answer(values: Values, plan: CallPlan) -> tuple[httpx.Response, int]:
    resp = plan.method.response
    if resp.kind == "json":
        assert resp.type is not None
        return httpx.Response(200, json=values.wire(resp.type)), 0
    if resp.kind == "empty":
        return httpx.Response(204), 0
    if resp.kind == "binary":
        return httpx.Response(
            200, content=BINARY_BODY, headers={"content-type": "application/octet-stream"}
        ), 0
    body, events = values.sse_body(plan.operation, plan.method)
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"}), events


def _check_request(plan: CallPlan, request: httpx.Request) -> None:
    assert request.method == plan.operation.method
    raw_path = request.url.raw_path.decode().split("?", 1)[0]
    assert raw_path == plan.path, "path (substituted, percent-encoded, fragment dropped)"
    assert "#" not in str(request.url)
    assert sorted(request.url.params.multi_items()) == sorted(plan.query), "query parameters"
    if plan.operation.api_key_header:  # the spec's security is an API-key header here
        assert request.headers.get(plan.operation.api_key_header) == API_KEY
        assert "authorization" not in request.headers
    else:
        assert request.headers.get("authorization") == f"Bearer {API_KEY}"
    for name, value in plan.headers.items():
        assert request.headers.get(name) == value, f"header {name}"
    content = request.read()
    ctype = request.headers.get("content-type", "")
    if plan.operation.body_kind == "multipart":
        assert ctype.startswith("multipart/form-data")
        fields, files = parse_multipart(ctype, content)
        assert fields == plan.form, "multipart text fields"
        assert files == plan.files, "multipart files"
    elif plan.has_json_body:
        assert ctype == "application/json"
        assert json.loads(content) == plan.json_body, "JSON body"
    else:
        assert content == b"", "no body expected"


def _route(router: respx.MockRouter, values: Values, plan: CallPlan) -> tuple[respx.Route, int]:
    answer, events = _answer(values, plan)

    def handler(request: httpx.Request) -> httpx.Response:
        _check_request(plan, request)
        return answer

    route = router.route(method=plan.operation.method).mock(side_effect=handler)
    return route, events


def _resolve(client: Any, call: str) -> Any:
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target


def _check_value(values: Values, plan: CallPlan, value: Any) -> None:
    t = plan.method.response.type
    assert t is not None
    # a list operation that pages answers with its first page (tests/test_pagination.py)
    paged = isinstance(value, (SyncPage, AsyncPage))
    assert paged == (plan.method.pagination is not None), type(value)
    if paged:
        listed = value.response
        for name in plan.method.pagination.items:  # type: ignore[union-attr]
            listed = getattr(listed, name)
        # an optional list the answer left out is an empty page
        assert value.items == ([] if listed is msgspec.UNSET else list(listed))
        value = value.response
    problem = values.check(value, t, models)
    assert problem is None, problem


@pytest.mark.parametrize(("op_id", "which"), CASES)
def test_sync(
    spec_values: tuple[Values, dict[str, Any]],
    sync_client: mistral_sdk.Mistral,
    op_id: str,
    which: str,
) -> None:
    values, plan, call = _plan(spec_values, op_id, which)
    kind = plan.method.response.kind
    with respx.mock(base_url=BASE_URL, assert_all_called=True, using="httpcore2") as router:
        route, events = _route(router, values, plan)
        result = _resolve(sync_client, call)(*plan.args, **plan.kwargs)
        if kind == "json":
            _check_value(values, plan, result)
        elif kind == "empty":
            assert result is None
        elif kind == "binary":
            assert isinstance(result, mistral_sdk.BinaryContent)
            assert result.read() == BINARY_BODY
        else:
            assert isinstance(result, mistral_sdk.Stream)
            received = list(result)
            assert len(received) == events
            for event in received:
                _check_value(values, plan, event)
    assert route.call_count == 1


@pytest.mark.parametrize(("op_id", "which"), CASES)
async def test_async(
    spec_values: tuple[Values, dict[str, Any]],
    async_client: mistral_sdk.AsyncMistral,
    op_id: str,
    which: str,
) -> None:
    values, plan, call = _plan(spec_values, op_id, which)
    kind = plan.method.response.kind
    with respx.mock(base_url=BASE_URL, assert_all_called=True, using="httpcore2") as router:
        route, events = _route(router, values, plan)
        result = await _resolve(async_client, call)(*plan.args, **plan.kwargs)
        if kind == "json":
            _check_value(values, plan, result)
        elif kind == "empty":
            assert result is None
        elif kind == "binary":
            assert isinstance(result, mistral_sdk.AsyncBinaryContent)
            assert await result.read() == BINARY_BODY
        else:
            assert isinstance(result, mistral_sdk.AsyncStream)
            received = [event async for event in result]
            assert len(received) == events
            for event in received:
                _check_value(values, plan, event)
    assert route.call_count == 1


def test_every_operation_is_covered() -> None:
    # the lock counts the spec's operations with PyYAML alone (scripts/fetch_spec.py);
    # the supplement's are those of spec/supplement.yaml the public spec lacks
    path = find_spec()
    if path is None:
        pytest.skip(SPEC_MISSING_REASON)
    count = tracked_lock()["operations"] + len(supplement_operations(path))
    assert len(mistral_sdk.OPERATIONS) == count
    assert len(CASES) == count + sum(1 for o in mistral_sdk.OPERATIONS.values() if o.stream_call)


def _streams(op_id: str, which: str) -> bool:
    operation = mistral_sdk.OPERATIONS[op_id]
    return which == "stream_call" or (operation.streaming and operation.stream_call is None)


STREAM_CASES = [c for c in CASES if _streams(*c.values)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("op_id", "which"), STREAM_CASES)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_every_stream_cut_before_its_end(
    spec_values: tuple[Values, dict[str, Any]],
    sync_client: mistral_sdk.Mistral,
    async_client: mistral_sdk.AsyncMistral,
    op_id: str,
    which: str,
    mode: str,
) -> None:
    """The same events without the end: streams that have an end raise
    IncompleteStreamError keeping what came; open-ended ones just stop."""
    values, plan, call = _plan(spec_values, op_id, which)
    response = plan.method.response
    body, events = values.sse_body(plan.operation, plan.method)
    body = body.removesuffix(b"data: [DONE]\n\n")
    has_end = bool(response.terminal) or response.run_param is not None
    with respx.mock(base_url=BASE_URL, using="httpcore2") as router:
        router.route(method=plan.operation.method).mock(
            return_value=httpx.Response(
                200, content=body, headers={"content-type": "text/event-stream"}
            )
        )

        async def consume() -> list[Any]:
            stream = await _resolve(async_client, call)(*plan.args, **plan.kwargs)
            return [event async for event in stream]

        def run() -> list[Any]:
            if mode == "sync":
                return list(_resolve(sync_client, call)(*plan.args, **plan.kwargs))
            return asyncio.run(consume())

        if has_end:
            with pytest.raises(mistral_sdk.IncompleteStreamError) as info:
                run()
            assert len(info.value.events) == events
        else:
            assert len(run()) == events


def test_every_streaming_operation_is_in_the_cut_test() -> None:
    from generator import overlay

    path = find_spec()
    if path is None:
        pytest.skip(SPEC_MISSING_REASON)
    # the streams the spec describes, plus those the API streams without saying so
    expected = raw_event_stream_operations(raw_spec(str(path)))
    expected |= raw_event_stream_operations(raw_supplement(path)) & set(supplement_operations(path))
    omitted = {op_id for op_id, e in overlay.default().operations.items() if e.stream_event}
    expected |= omitted & mistral_sdk.OPERATIONS.keys()
    streaming = {k for k, o in mistral_sdk.OPERATIONS.items() if o.streaming or o.stream_call}
    assert streaming == expected
    assert {c.values[0] for c in STREAM_CASES} == streaming
