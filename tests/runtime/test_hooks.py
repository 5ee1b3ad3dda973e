"""Hooks (`mistral_sdk.Hooks`): what each one sees and may change, sync and async."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import gc
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from runtime_helpers import KEY, Harness

from mistral_sdk import _hooks
from mistral_sdk._errors import APIConnectionError, BadRequestError, IncompleteStreamError
from mistral_sdk._hooks import Activity, Call, Hooks, HookSet
from mistral_sdk._response import SSEResponse

tenant: contextvars.ContextVar[str] = contextvars.ContextVar("tenant", default="none")


class Recorder(Hooks):
    """Writes down every hook it gets, in order."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    def before_request(self, call: Call, request: httpx2.Request) -> None:
        self.seen.append(("before", call.attempt, call.method, call.path))

    def after_response(self, call: Call, response: httpx2.Response) -> None:
        self.seen.append(("after", response.status_code))

    def on_retry(self, call: Call, delay: float, cause: httpx2.Response | Exception) -> None:
        kind = cause.status_code if isinstance(cause, httpx2.Response) else type(cause).__name__
        self.seen.append(("retry", delay, kind))

    def on_error(self, call: Call, error: Exception) -> None:
        self.seen.append(("error", type(error).__name__))

    def on_result(self, call: Call, result: object) -> None:
        self.seen.append(("result", type(result).__name__))

    def on_stream_event(self, call: Call, event: object) -> None:
        self.seen.append(("event", event))

    def on_stream_end(self, call: Call, error: BaseException | None) -> None:
        self.seen.append(("end", type(error).__name__ if error else None, call.events))


class TenantHeader(Hooks):
    """The documented example: a header from a context variable."""

    def before_request(self, call: Call, request: httpx2.Request) -> None:
        request.headers["X-Tenant"] = tenant.get()


class AsyncTenantHeader(Hooks):
    async def before_request(self, call: Call, request: httpx2.Request) -> None:
        await asyncio.sleep(0)
        request.headers["X-Tenant"] = tenant.get()


def _json(status: int = 200, body: bytes = b'{"ok": true}') -> httpx2.Response:
    return httpx2.Response(status, content=body, headers={"content-type": "application/json"})


def test_a_call_runs_the_hooks_in_order(mode: str) -> None:
    recorder = Recorder()
    h = Harness(mode, lambda r: _json())
    h.client.add_hooks(recorder)
    assert h.request("POST", "/v1/things/{id}", path_params={"id": "7"}, json={"a": 1}) == {
        "ok": True
    }
    assert recorder.seen == [
        ("before", 0, "POST", "/v1/things/{id}"),
        ("after", 200),
        ("result", "dict"),
    ]


def test_retries_and_errors_reach_the_hooks(mode: str) -> None:
    answers = iter([_json(503), _json(400, b'{"message": "no"}')])
    recorder = Recorder()
    h = Harness(mode, lambda r: next(answers), max_retries=1)
    h.client.add_hooks(recorder)
    with pytest.raises(BadRequestError):
        h.request()
    assert [s[0] for s in recorder.seen] == ["before", "after", "retry", "before", "after", "error"]
    assert recorder.seen[2][1] == h.sleeps[0] and recorder.seen[2][2] == 503
    assert recorder.seen[3][1] == 1  # the attempt number


def test_a_connection_error_is_a_retry_cause_then_the_error(mode: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused")

    recorder = Recorder()
    h = Harness(mode, handler, max_retries=1)
    h.client.add_hooks(recorder)
    with pytest.raises(APIConnectionError):
        h.request()
    assert ("retry", h.sleeps[0], "ConnectError") in recorder.seen
    assert recorder.seen[-1] == ("error", "APIConnectionError")


def test_before_request_adds_a_header_from_a_context_variable(mode: str) -> None:
    seen: list[str | None] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("x-tenant"))
        return _json()

    h = Harness(mode, handler)
    h.client.add_hooks(TenantHeader() if mode == "sync" else AsyncTenantHeader())
    token = tenant.set("acme")
    try:
        h.request()
    finally:
        tenant.reset(token)
    assert seen == ["acme"]


def test_hooks_may_replace_the_request_and_the_response(mode: str) -> None:
    class Swap(Hooks):
        def before_request(self, call: Call, request: httpx2.Request) -> httpx2.Request:
            return httpx2.Request("GET", str(request.url).replace("/v1/x", "/v1/y"))

        def after_response(self, call: Call, response: httpx2.Response) -> httpx2.Response:
            return _json(200, b'{"replaced": true}')

    paths: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        paths.append(request.url.path)
        return _json()

    h = Harness(mode, handler)
    h.client.add_hooks(Swap())
    assert h.request() == {"replaced": True}
    assert paths == ["/v1/y"]


def test_a_hook_returning_something_else_is_a_clear_error(mode: str) -> None:
    class Wrong(Hooks):
        def before_request(self, call: Call, request: httpx2.Request) -> Any:
            return "a string"

    h = Harness(mode, lambda r: _json())
    h.client.add_hooks(Wrong())
    with pytest.raises(TypeError, match=r"Wrong.before_request returned str"):
        h.request()


def test_only_hooks_instances_are_accepted() -> None:
    with pytest.raises(TypeError, match=r"mistral_sdk\.Hooks"):
        HookSet([object()])  # type: ignore[list-item]


def test_without_hooks_no_call_is_made() -> None:
    request = httpx2.Request("GET", "https://api.test/v1/x")
    assert _hooks.EMPTY.call("GET", "/v1/x", None, request, False) is None
    # a hook that only wraps activities does not need per-call state either
    assert HookSet([Hooks()]).call("GET", "/v1/x", None, request, False) is None


def test_with_options_keeps_the_hooks_and_remove_drops_them(mode: str) -> None:
    recorder = Recorder()
    h = Harness(mode, lambda r: _json())
    h.client.add_hooks(recorder)
    copy = h.client.with_options(max_retries=0)
    assert copy.hooks == (recorder,)
    h.client.remove_hooks(recorder)
    assert h.client.hooks == () and copy.hooks == (recorder,)


def _sse(*events: str) -> bytes:
    return "".join(f"data: {e}\n\n" for e in events).encode()


def _stream_harness(mode: str, body: bytes) -> tuple[Harness, Recorder]:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})

    recorder = Recorder()
    h = Harness(mode, handler)
    h.client.add_hooks(recorder)
    return h, recorder


def _consume(h: Harness, spec: SSEResponse[Any], limit: int | None = None) -> list[Any]:
    """Read up to `limit` events (all when None), then close the stream."""

    async def run_async() -> list[Any]:
        stream = await h.client.request("POST", "/v1/s", response=spec)
        out = []
        try:
            async for event in stream:
                out.append(event)
                if limit is not None and len(out) >= limit:
                    break
        finally:
            await stream.close()
        return out

    if h.mode == "async":
        return asyncio.run(run_async())
    stream = h.client.request("POST", "/v1/s", response=spec)
    out = []
    try:
        for event in stream:
            out.append(event)
            if limit is not None and len(out) >= limit:
                break
    finally:
        stream.close()
    return out


def test_a_stream_reports_each_event_and_its_end_once(mode: str) -> None:
    h, recorder = _stream_harness(mode, _sse("1", "2", "[DONE]"))
    assert _consume(h, SSEResponse(int, done_marker="[DONE]")) == [1, 2]
    assert recorder.seen[2] == ("result", "Stream" if mode == "sync" else "AsyncStream")
    tail = [s for s in recorder.seen if s[0] in ("event", "end")]
    assert tail == [("event", 1), ("event", 2), ("end", None, 2)]


def test_a_stream_closed_early_ends_without_error(mode: str) -> None:
    h, recorder = _stream_harness(mode, _sse("1", "2", "3", "[DONE]"))
    assert _consume(h, SSEResponse(int, done_marker="[DONE]"), limit=1) == [1]
    assert recorder.seen[-1] == ("end", None, 1)


def test_a_stream_closed_before_its_first_event_still_ends(mode: str) -> None:
    h, recorder = _stream_harness(mode, _sse("1", "[DONE]"))

    async def close_unread() -> None:
        stream = await h.client.request("POST", "/v1/s", response=SSEResponse(int))
        await stream.close()

    if mode == "sync":
        h.client.request("POST", "/v1/s", response=SSEResponse(int)).close()
    else:
        asyncio.run(close_unread())
    assert recorder.seen[-1] == ("end", None, 0)


def test_a_dropped_stream_reports_its_end_when_collected() -> None:
    h, recorder = _stream_harness("sync", _sse("1", "2", "[DONE]"))
    stream = h.client.request("POST", "/v1/s", response=SSEResponse(int, done_marker="[DONE]"))
    assert next(iter(stream)) == 1
    del stream
    gc.collect()
    assert recorder.seen[-1] == ("end", None, 1)


def test_a_cut_stream_ends_with_its_error(mode: str) -> None:
    # a stream with a terminal event that never comes
    h, recorder = _stream_harness(mode, _sse("1"))
    with pytest.raises(IncompleteStreamError):
        _consume(h, SSEResponse(int, terminal=["done"]))
    assert recorder.seen[-1] == ("end", "IncompleteStreamError", 1)


def test_activities_wrap_work_in_the_hooks_context_managers() -> None:
    entered: list[tuple[str, str, dict[str, Any]]] = []

    class Wrap(Hooks):
        @contextlib.contextmanager
        def _cm(self, activity: Activity) -> Iterator[None]:
            entered.append(("enter", activity.kind, dict(activity.attributes)))
            try:
                yield
            finally:
                entered.append(("exit", activity.kind, dict(activity.attributes)))

        def activity(self, activity: Activity) -> Any:
            return self._cm(activity)

    hooks = HookSet([Wrap()])
    with _hooks.activity(hooks, "tool", "get_weather", tool_call_id="c1") as act:
        act.set("result", 42)
    assert entered == [
        ("enter", "tool", {"tool_call_id": "c1"}),
        ("exit", "tool", {"tool_call_id": "c1", "result": 42}),
    ]
    # no hooks: a no-op whose `set` is ignored
    with _hooks.activity(_hooks.EMPTY, "agent", "m") as act:
        act.set("x", 1)
        assert act.attributes == {}


def test_the_key_is_never_in_what_hooks_get_as_the_call(mode: str) -> None:
    recorder = Recorder()
    h = Harness(mode, lambda r: _json())
    h.client.add_hooks(recorder)
    h.request()
    assert KEY not in repr(recorder.seen)
