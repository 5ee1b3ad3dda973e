"""Scripted answers per operation, and the record of what was sent.

`Script` sits in front of the mock's routes (`MockApp.before`): each request is named
by the SDK method that sends it (`"chat.complete"`, `"beta.conversations.start"`,
from the generated resources' own `request(...)` calls, `_samples.endpoints`),
recorded as a `Call`, and answered by the newest `Route` that matches it; a request
no route takes goes on to the mock's own answers.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._codec import decode, encode
from . import _generic, _samples
from ._exchange import Exchange, sse_frame
from ._faults import error_body

if TYPE_CHECKING:
    from ._samples import Endpoint

__all__ = ["Call", "EventStream", "Reply", "Route", "Script"]


# --- what a route answers -------------------------------------------------------------


@dataclass(frozen=True)
class EventStream:
    """An event stream answer: its events in order (generated models such as
    `models.CompletionChunk` / `models.CompletionEvent`, or dicts), then the stream's
    done marker (`[DONE]`) when the operation has one and `done` is true."""

    events: Sequence[Any]
    done: bool = True


@dataclass(frozen=True)
class Reply:
    """An answer spelled out: a status, headers, and one body: `json` (a model, dict or
    list), `content` (bytes as they are) or `events` (an event stream)."""

    status: int = 200
    json: Any = None
    content: bytes | None = None
    events: Sequence[Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fault:
    kind: str  # "status", "cut", "timeout", "connect", "malformed"
    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    after: int = 1  # events before a cut
    content: bytes | None = None


@dataclass(eq=False)
class Call:
    """One request the mock received, named by the SDK method that sends it.

    - `call`: `"chat.complete"` (None for a path no operation has), `index`: its n-th
      call (from 1), `method`, `path` (the API path; a cloud deployment's is mapped to
      it), `path_params`, `query`, `headers`, `content` (the body's bytes);
    - `json`: the body as JSON (None when it is not);
    - `body`: the body decoded into the operation's request model
      (`models.ChatCompletionRequest` for `chat.complete`: `body.messages` are typed
      messages); the JSON value for an operation without a JSON request model.
    """

    call: str | None
    index: int
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    content: bytes
    _endpoint: Endpoint | None

    def __repr__(self) -> str:
        return f"<Call {self.call or '?'} #{self.index} {self.method} {self.path}>"

    @property
    def path_params(self) -> dict[str, str]:
        if self._endpoint is None:
            return {}
        return _generic.path_params(self._endpoint.route, self.path)

    @functools.cached_property
    def json(self) -> Any:
        try:
            return json.loads(self.content) if self.content else None
        except ValueError:
            return None

    @functools.cached_property
    def body(self) -> Any:
        model = None if self._endpoint is None else self._endpoint.request
        if model is None or not self.content:
            return self.json
        try:
            return decode(self.content, model)
        except Exception as exc:
            name = getattr(model, "__name__", str(model))
            raise ValueError(
                f"the body of {self.call} does not decode into {name}: {exc} "
                f"(the raw body is in .content, the JSON in .json)"
            ) from exc


# --- routes ---------------------------------------------------------------------------

Answer = Any  # a model, dict, list, bytes, Reply, EventStream or _Fault
Predicate = Callable[[Call], bool]


class Route:
    """What `mock.on(call, ...)` scripts: the answers to the calls it matches.

    Matches the calls of `call` (every one; only the `nth`; only while `times` is not
    used up; only those `when(call)` accepts). `reply(a, b)` answers a, then b, then b
    again; the newest route that matches a call answers it. Each method returns the
    route.
    """

    def __init__(
        self,
        script: Script,
        call: str,
        nth: int | None,
        times: int | None,
        when: Predicate | None,
    ) -> None:
        self._script = script
        self.call = call
        self._nth = nth
        self._times = times
        self._when = when
        self._answers: list[Answer] | None = None
        self._function: Callable[[Call], Answer] | None = None
        self._used = 0

    def __repr__(self) -> str:
        return f"<Route {self.call} used {self._used}>"

    # -- scripting

    def reply(self, *answers: Answer) -> Route:
        """Answer with these, one per call (the last one again once they are used up).
        An answer is a generated model, a dict or list (JSON), bytes (a binary body),
        a `Reply`, an `EventStream` or a list of events (for a streaming call), or
        None (no content)."""
        if not answers:
            raise ValueError("reply: give at least one answer")
        return self._install(list(answers), None)

    def reply_with(self, function: Callable[[Call], Answer]) -> Route:
        """Answer with what `function(call)` returns (any answer `reply` takes)."""
        if not callable(function):
            raise TypeError(f"reply_with: expected a function of the call, got {function!r}")
        return self._install(None, function)

    def fail(
        self,
        status: int = 500,
        *,
        retry_after: float | None = None,
        message: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Route:
        """Answer with an error `status` (the API's error body unless `body` is given),
        and a `Retry-After` header when `retry_after` is given (seconds)."""
        if not 400 <= status <= 599:
            raise ValueError(f"fail: status must be an error status (400-599), got {status}")
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = f"{retry_after:g}"
        answer = _Fault(
            "status", status, extra, body if body is not None else error_body(status, message)
        )
        return self._install([answer], None)

    def cut(self, after: int = 1) -> Route:
        """Answer, then break the connection off: a stream after `after` events, a JSON
        body halfway (the client sees a body cut short)."""
        if after < 0:
            raise ValueError(f"cut: after must be 0 or more events, got {after}")
        return self._install([_Fault("cut", after=after)], None)

    def timeout(self) -> Route:
        """Never answer: the client's read times out (`APITimeoutError` once retries are
        spent)."""
        return self._install([_Fault("timeout")], None)

    def disconnect(self) -> Route:
        """Refuse the connection (`APIConnectionError` once retries are spent)."""
        return self._install([_Fault("connect")], None)

    def malformed(self, content: bytes | None = None) -> Route:
        """Answer 200 with a body that is not what the operation answers (default:
        JSON cut mid-value; for a stream, an event whose data is not JSON)."""
        return self._install([_Fault("malformed", content=content)], None)

    @property
    def calls(self) -> list[Call]:
        """The calls this route answered."""
        return self._script.answered_by(self)

    # -- matching

    def _install(
        self, answers: list[Answer] | None, function: Callable[[Call], Answer] | None
    ) -> Route:
        if self._answers is not None or self._function is not None:
            raise ValueError(
                f"this route of {self.call} already has its answer: use mock.on() again"
            )
        self._answers, self._function = answers, function
        self._script.add(self)
        return self

    def _take(self, call: Call) -> Answer | None:
        """The answer to `call` if this route takes it (counts the use), else None."""
        if self._nth is not None and call.index != self._nth:
            return None
        if self._times is not None and self._used >= self._times:
            return None
        if self._when is not None and not self._when(call):
            return None
        used, self._used = self._used, self._used + 1
        if self._function is not None:
            return _Given(self._function(call))
        assert self._answers is not None
        return _Given(self._answers[min(used, len(self._answers) - 1)])


@dataclass(frozen=True)
class _Given:
    answer: Answer


# --- the script -----------------------------------------------------------------------


class Script:
    """The routes and the record of calls of one mock (`MockApp.before`)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._routes: list[Route] = []
        self._calls: list[Call] = []
        self._answered: list[tuple[Route, Call]] = []
        self._counts: dict[str | None, itertools.count[int]] = {}

    def route(self, call: str, nth: int | None, times: int | None, when: Predicate | None) -> Route:
        known = _calls()
        if call not in known:
            close = difflib.get_close_matches(call, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"{call!r} is not a method of the client{hint}")
        if nth is not None and nth < 1:
            raise ValueError(f"nth counts calls from 1, got {nth}")
        if times is not None and times < 1:
            raise ValueError(f"times must be 1 or more, got {times}")
        return Route(self, call, nth, times, when)

    def add(self, route: Route) -> None:
        with self._lock:
            self._routes.append(route)

    def calls(self, call: str | None = None) -> list[Call]:
        with self._lock:
            if call is None:
                return list(self._calls)
            if call not in _calls():
                raise ValueError(f"{call!r} is not a method of the client")
            return [c for c in self._calls if c.call == call]

    def answered_by(self, route: Route) -> list[Call]:
        with self._lock:
            return [c for r, c in self._answered if r is route]

    def reset(self, *, routes: bool = True) -> None:
        """Forget every call (and every route, unless `routes` is false)."""
        with self._lock:
            if routes:
                self._routes.clear()
            self._calls.clear()
            self._answered.clear()
            self._counts.clear()

    # -- MockApp.before

    def __call__(self, ex: Exchange, path: str, raw_query: str, query: Mapping[str, str]) -> bool:
        content = ex.read_body()
        found = _generic.endpoints(ex.command, path)
        endpoint = _choose(found, content)
        name = endpoint.call if endpoint is not None else None
        with self._lock:
            counter = self._counts.setdefault(name, itertools.count(1))
            call = Call(name, next(counter), ex.command, path, query, ex.headers, content, endpoint)
            self._calls.append(call)
            for route in reversed(self._routes):
                if route.call != name:
                    continue
                taken = route._take(call)
                if taken is None:
                    continue
                self._answered.append((route, call))
                if isinstance(taken.answer, _Fault) and taken.answer.kind == "cut":
                    ex.fault, ex.cut_after = "cut", taken.answer.after
                    continue  # an older route (or the mock itself) gives what is cut
                assert endpoint is not None
                _render(ex, endpoint, taken.answer)
                return True
        return False


@functools.cache
def _calls() -> frozenset[str]:
    from ._samples import calls

    return frozenset(call for _, call in calls())


def _choose(found: Sequence[Endpoint], content: bytes) -> Endpoint | None:
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    wants = _generic.wants_stream(content)
    return next((e for e in found if (e.kind == "sse") == wants), found[0])


# --- rendering an answer ----------------------------------------------------------------


def _render(ex: Exchange, endpoint: Endpoint, answer: Answer) -> None:
    if isinstance(answer, _Fault):
        _render_fault(ex, endpoint, answer)
    elif isinstance(answer, Reply):
        headers = list(answer.headers.items())
        if answer.events is not None:
            ex.send_frames(_frames(endpoint, EventStream(answer.events)), paced=False)
            if ex.answer is not None:
                ex.answer.status = answer.status
                ex.answer.headers.extend(headers)
        elif answer.content is not None:
            ex.send(answer.status, answer.content, headers)
        elif answer.json is None and answer.status == 204:
            ex.send_empty()
        else:
            ex.send(answer.status, encode(answer.json), [_JSON, *headers])
    elif isinstance(answer, EventStream) or (
        endpoint.kind == "sse" and isinstance(answer, (list, tuple))
    ):
        stream = answer if isinstance(answer, EventStream) else EventStream(answer)
        ex.send_frames(_frames(endpoint, stream), paced=False)
    elif isinstance(answer, (bytes, bytearray)):
        ex.send_bytes(bytes(answer))
    elif answer is None:
        ex.send_empty()
    elif endpoint.kind == "sse":
        raise TypeError(
            f"{endpoint.call} answers an event stream: reply with a list of events or "
            f"mistral_sdk.testing.EventStream (got {type(answer).__name__})"
        )
    else:
        ex.send(200, encode(answer), [_JSON])


_JSON = ("Content-Type", "application/json")


def _render_fault(ex: Exchange, endpoint: Endpoint, fault: _Fault) -> None:
    if fault.kind == "status":
        ex.send(fault.status, encode(fault.body), [_JSON, *fault.headers.items()])
    elif fault.kind in ("timeout", "connect"):
        ex.send_no_answer(fault.kind)
    elif endpoint.kind == "sse":
        frame = fault.content or b"data: {this is not JSON\n\n"
        ex.send_frames(iter([frame]), paced=False)
    else:
        ex.send(200, fault.content or b'{"id": "cmpl-mock", "object": ', [_JSON])


def _frames(endpoint: Endpoint, stream: EventStream) -> Iterable[bytes]:
    response = endpoint.response
    envelope = _samples.envelope(response.type) if getattr(response, "envelope", False) else None
    for event in stream.events:
        yield _frame(event, envelope)
    marker = getattr(endpoint.response, "done_marker", None)
    if stream.done and marker:
        yield sse_frame(marker)


def _frame(event: Any, envelope: Any) -> bytes:
    """One SSE frame for an event: an envelope model (`event`, `id`, `data` fields) as
    its fields, else the event as `data`, named by its `type` when it has one."""
    if envelope is not None and isinstance(event, envelope):
        name = getattr(event, "event", None)
        event_id = getattr(event, "id", None)
        return sse_frame(
            encode(event.data).decode(),
            name if isinstance(name, str) else None,
            event_id if isinstance(event_id, str) else None,
        )
    data = encode(event).decode()
    kind = event.get("type") if isinstance(event, dict) else getattr(event, "type", None)
    return sse_frame(data, kind if isinstance(kind, str) else None)
