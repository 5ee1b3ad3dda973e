"""Workflow helpers: `client.workflows.execute_and_wait(...)`, and plain-value signals,
queries and updates on `client.workflows.executions`.

How `execute_and_wait` waits, in order:

1. The run is started with an execution id the SDK picks (unless given). A failed
   start is retried (up to the client's `max_retries`) only after looking the run up:
   a lost answer, a conflict on the id or a server error after which the run exists
   never leads to a second run; the existing one is followed.
2. When nobody asked for the events, the API's synchronous execution waits on the
   server (`wait_for_result`, bounded to `SYNC_WAIT` seconds per call).
3. Otherwise, or when that wait ends first, the execution's event stream is followed
   (it resumes by itself after dropped connections) until the run's terminal event.
4. When the stream is unavailable or keeps ending early, the execution is polled with
   backoff (`POLL_INITIAL`, then 1.5 times longer each poll, at most `POLL_MAX` seconds apart).

The final state always comes from `executions.get`. A run that ends FAILED, CANCELED,
TERMINATED or TIMED_OUT raises `WorkflowExecutionError`; `wait_timeout=` bounds the
whole wait and raises `WorkflowWaitTimeout`, leaving the run alone unless
`cancel_on_timeout=True`. `timeout=` is what it is on every other method: the HTTP
timeout of each request the wait makes (never past the wait's deadline).

Every decision is made once, without I/O: `_wait_flow` (a generator saying what to do
next, driven like httpx2's auth flows), `_Waiter`, `final_status`, `ends_run` (from `_streaming`),
`after_failed_start`. The drivers and the stream loop are written once, async; the
blocking twins (`WorkflowsHelpers`, `ExecutionsHelpers`) are generated from the
section at the end into `mistral_sdk._blocking.workflows` (generator/unasync.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, TypeVar, cast, overload

import httpx2
import msgspec

from ._connectors import ConnectorSlot, with_connectors
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    CancelledFlag,
    MistralError,
    NotFoundError,
    RequestValidationError,
)
from ._hooks import activity
from ._retry import retry_delay
from ._streaming import ends_run  # the run-end test the generated streams use too
from ._types import NOT_GIVEN, Headers, NotGiven, TimeoutTypes, field_value

if TYPE_CHECKING:
    from . import models
    from ._connectors import ConnectorSlotParam
    from .resources.workflows import AsyncWorkflows
    from .resources.workflows.executions import AsyncWorkflowsExecutions

__all__ = [
    "AsyncExecutionsHelpers",
    "AsyncWorkflowsHelpers",
    "WorkflowExecutionError",
    "WorkflowWaitTimeout",
]

T = TypeVar("T")

# What `on_event` receives: the events of `client.workflows.executions.stream`.
WorkflowEvent: TypeAlias = "models.WorkflowEvent"
EventHandler: TypeAlias = "Callable[[WorkflowEvent], object]"
AsyncEventHandler: TypeAlias = "Callable[[WorkflowEvent], Awaitable[object] | object]"

FAILED_STATUSES = frozenset({"FAILED", "CANCELED", "TERMINATED", "TIMED_OUT"})
SUCCEEDED_STATUSES = frozenset({"COMPLETED"})
SYNC_WAIT = 60.0  # seconds the server waits per synchronous execution call
POLL_INITIAL = 0.5
POLL_MAX = 5.0
EMPTY_STREAMS = 2  # streams ending in a row without news before switching to polling


class WorkflowExecutionError(MistralError):
    """A workflow run ended FAILED, CANCELED, TERMINATED or TIMED_OUT.

    `.execution` is the final `models.WorkflowExecutionResponse`; `.status` and
    `.execution_id` are copied from it.
    """

    def __init__(self, execution: models.WorkflowExecutionResponse) -> None:
        self.execution = execution
        self.status = str(execution.status)
        self.execution_id = execution.execution_id
        detail = ""
        result = execution.result
        if result not in (None, msgspec.UNSET):
            text = repr(result)
            detail = f": {text if len(text) <= 300 else text[:300] + '…'}"
        super().__init__(
            f"workflow {execution.workflow_name!r} execution {self.execution_id!r}"
            f" ended {self.status}{detail}"
        )


class WorkflowWaitTimeout(CancelledFlag, MistralError, TimeoutError):
    """`execute_and_wait(wait_timeout=...)` ran out of time before the run ended.

    The run goes on unless `cancel_on_timeout=True` (then `.cancelled` is True; the
    spelling `.canceled` is deprecated). `.execution` is the last state seen (None when
    none was fetched yet).
    """

    def __init__(
        self,
        execution_id: str,
        timeout: float,
        execution: models.WorkflowExecutionResponse | None = None,
        cancelled: bool = False,
        *,
        canceled: bool | None = None,
    ) -> None:
        self.execution_id = execution_id
        self.execution = execution
        status = f" (last status {execution.status})" if execution is not None else ""
        what = f"workflow execution {execution_id!r} did not finish"
        left = "the run was left running"
        super().__init__(
            self._ran_out(what, timeout, status, left, cancelled=cancelled, canceled=canceled)
        )


# --- pure decisions ---------------------------------------------------------------


def final_status(execution: models.WorkflowExecutionResponse) -> bool:
    """True when the run is over successfully; raises when it is over unsuccessfully."""
    status = execution.status
    if status in SUCCEEDED_STATUSES:
        return True
    if status in FAILED_STATUSES:
        raise WorkflowExecutionError(execution)
    return False


def to_input(value: Any, field: str = "input") -> Any:
    """A plain Python value as a workflow/signal/query/update input object.

    Dicts, msgspec Structs and dataclasses become JSON objects; None stays unset.
    """
    if value is None or value is msgspec.UNSET:
        return msgspec.UNSET
    if isinstance(value, (Mapping, msgspec.Struct)) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        try:
            return msgspec.to_builtins(value)
        except TypeError as exc:
            raise RequestValidationError(f"{field}: {exc}", field=field) from None
    raise RequestValidationError(
        f"{field}: expected a dict, a msgspec Struct or a dataclass instance"
        f" (the API takes a JSON object), got {type(value).__name__}",
        field=field,
    )


def decode_result(result: Any, tp: Any, what: str) -> Any:
    """A query/update result converted to `tp` (unchanged for `Any`)."""
    if tp is Any:
        return result
    try:
        return msgspec.convert(result, tp)
    except msgspec.ValidationError as exc:
        from ._structured import OutputValidationError

        raise OutputValidationError(
            f"{what} result does not match {getattr(tp, '__name__', tp)}: {exc}; result: {result!r}",
            raw=msgspec.json.encode(result).decode(),
            type=tp,
        ) from None


def after_failed_start(exc: APIError) -> Literal["raise", "look", "retry"]:
    """What to do when starting a run failed.

    "look": the run may exist all the same (the answer was lost, a conflict on our
    execution id, a server error): fetch it before starting again. "retry": it was
    refused as it is (rate limit): start again later. "raise": the caller's problem.
    """
    if isinstance(exc, APIConnectionError):
        return "look"
    if isinstance(exc, APIStatusError):
        if exc.status_code in (408, 409) or exc.status_code >= 500:
            return "look"
        if exc.status_code == 429:
            return "retry"
    return "raise"


def _start_delay(exc: APIError, attempt: int, budget: int, waiter: _Waiter) -> float:
    headers = exc.response.headers if isinstance(exc, APIStatusError) else None
    delay = retry_delay(attempt, budget, headers)
    remaining = waiter.remaining()
    return delay if remaining is None else min(delay, remaining)


def wait_bound(wait_timeout: float | None, timeout: TimeoutTypes | NotGiven) -> float | None:
    """The whole wait's bound of `execute_and_wait`.

    Before `wait_timeout=` existed, a number given as `timeout=` was that bound; given
    alone it still is (as well as each request's timeout), with a DeprecationWarning.
    """
    if wait_timeout is None and isinstance(timeout, int | float) and not isinstance(timeout, bool):
        warnings.warn(
            "execute_and_wait(timeout=N) bounding the whole wait is deprecated: pass "
            "wait_timeout=N for the wait; timeout= is each request's HTTP timeout, as on "
            "every other method (an httpx2.Timeout is never read as the wait's bound)",
            DeprecationWarning,
            stacklevel=3,
        )
        return float(timeout)
    return wait_timeout


def _timeout_plus(timeout: float | httpx2.Timeout | None, seconds: float) -> TimeoutTypes:
    """`timeout` with `seconds` more to read the answer (the time the server waits)."""
    if isinstance(timeout, httpx2.Timeout):
        read = None if timeout.read is None else timeout.read + seconds
        return httpx2.Timeout(
            connect=timeout.connect, read=read, write=timeout.write, pool=timeout.pool
        )
    # only the read waits longer: connecting or sending is no slower for it
    return None if timeout is None else httpx2.Timeout(timeout, read=timeout + seconds)


def _timeout_within(timeout: float | httpx2.Timeout | None, bound: float) -> TimeoutTypes:
    """`timeout` (any part of it) never longer than `bound` seconds."""
    if isinstance(timeout, httpx2.Timeout):
        parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        connect, read, write, pool = (bound if t is None else min(t, bound) for t in parts)
        return httpx2.Timeout(connect=connect, read=read, write=write, pool=pool)
    return bound if timeout is None else min(timeout, bound)


class _Waiter:
    """Deadline, wait strategy and poll backoff of one `execute_and_wait` call."""

    def __init__(
        self,
        execution_id: str,
        timeout: float | None,
        use_sync: bool,
        request_timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> None:
        if timeout is not None and timeout <= 0:
            raise RequestValidationError("wait_timeout: must be > 0 seconds", field="wait_timeout")
        self.execution_id = execution_id
        self.timeout = timeout
        # the caller's per-request timeout (NOT_GIVEN: the SDK's choice per call)
        self.http_timeout = request_timeout
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.use_sync = use_sync
        self.use_stream = True
        self.empty_streams = 0
        self.poll_delay = POLL_INITIAL
        self.last: models.WorkflowExecutionResponse | None = None
        self.last_event_id: str | None = None

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(self.deadline - time.monotonic(), 0.0)

    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def timeout_error(self) -> WorkflowWaitTimeout:
        assert self.timeout is not None
        return WorkflowWaitTimeout(self.execution_id, self.timeout, self.last)

    def check(self) -> None:
        if self.expired():
            raise self.timeout_error()

    def deadline_error(self, exc: Exception) -> Exception:
        """A request that timed out because the wait's deadline passed is the wait's timeout."""
        if isinstance(exc, APITimeoutError) and self.expired():
            error = self.timeout_error()
            error.__cause__ = exc
            return error
        return exc

    def sync_wait(self) -> float:
        remaining = self.remaining()
        return SYNC_WAIT if remaining is None else min(SYNC_WAIT, remaining)

    def request_timeout(
        self, base: float | None = None, server_wait: float = 0.0
    ) -> TimeoutTypes | NotGiven:
        """One request's timeout: the caller's (else `base`, else the client's), plus
        `server_wait` seconds the server was asked to hold the answer, never past the
        deadline."""
        timeout: TimeoutTypes | NotGiven = self.http_timeout
        if isinstance(timeout, NotGiven):
            timeout = NOT_GIVEN if base is None else base
        if server_wait and not isinstance(timeout, NotGiven):
            timeout = _timeout_plus(timeout, server_wait)
        remaining = self.remaining()
        if remaining is None:
            return timeout
        bound = max(remaining, 0.001)
        return bound if isinstance(timeout, NotGiven) else _timeout_within(timeout, bound)

    def stream_failed(self, exc: APIError) -> bool:
        """Whether the wait goes on after the event stream failed with `exc` (False: raise it)."""
        if isinstance(exc, APITimeoutError):
            # a quiet run outlasted the read timeout: look at it, then listen again
            return not self.expired()
        if _stream_unusable(exc):
            self.use_stream = False
            return True
        return False

    def stream_ended(self, got_events: bool) -> None:
        """After a stream closed without the run being over: maybe switch to polling."""
        self.empty_streams = 0 if got_events else self.empty_streams + 1
        if self.empty_streams >= EMPTY_STREAMS:
            self.use_stream = False

    def next_poll_delay(self) -> float:
        delay = self.poll_delay
        self.poll_delay = min(self.poll_delay * 1.5, POLL_MAX)
        remaining = self.remaining()
        return delay if remaining is None else min(delay, remaining)


def _new_execution_id(execution_id: str | None) -> str:
    return execution_id or f"sdk-{uuid.uuid4().hex}"


def _stream_unusable(exc: APIError) -> bool:
    """A stream error after which polling is the way to wait (not the caller's problem)."""
    if isinstance(exc, APIStatusError):
        return exc.status_code in (404, 405, 406, 501) or exc.status_code >= 500
    return True  # dropped beyond the reconnect budget, undecodable or error events


class _Start(NamedTuple):
    sync_wait: float | None  # seconds for the server to wait (None: return at once)


class _Get(NamedTuple):
    pass


class _Follow(NamedTuple):
    pass


class _Sleep(NamedTuple):
    seconds: float


_Op: TypeAlias = "_Start | _Get | _Follow | _Sleep"


def _wait_flow(
    waiter: _Waiter, budget: int
) -> Generator[_Op, Any, models.WorkflowExecutionResponse]:
    """Every decision of `execute_and_wait`, without I/O (like httpx2's auth flows).

    Yields what to do; the driver does it and sends back the result (the answer of a
    `_Start` or `_Get`) or throws back the error it raised. Returns the final execution.
    """
    from . import models

    started: Any = None
    # The start goes out without the client's retries: before each new attempt, look
    # whether the previous one created the run.
    for attempt in range(budget + 1):
        try:
            started = yield _Start(waiter.sync_wait() if waiter.use_sync else None)
            break
        except APIError as exc:
            action = after_failed_start(exc)
            if action == "raise" or attempt == budget:
                raise
            if action == "look":
                try:
                    started = yield _Get()
                    break
                except NotFoundError:
                    pass
            yield _Sleep(_start_delay(exc, attempt, budget, waiter))
            waiter.check()
    # The server may run it under another id than the one sent: follow the one it names.
    returned = getattr(started, "execution_id", None)
    if isinstance(returned, str) and returned:
        waiter.execution_id = returned
    # A synchronous answer has the result but not the status: fetch the execution.
    execution: models.WorkflowExecutionResponse = (
        started if isinstance(started, models.WorkflowExecutionResponse) else (yield _Get())
    )
    while not final_status(execution):
        waiter.check()
        yield _Follow() if waiter.use_stream else _Sleep(waiter.next_poll_delay())
        execution = yield _Get()
    return execution


def _start_arguments(
    waiter: _Waiter,
    sync_wait: float | None,
    input: Any,
    extensions: Any,
    deployment_name: str | None,
    extra_headers: Headers | None,
) -> dict[str, Any]:
    """The keyword arguments of the `execute` call that starts the run."""
    return {
        "execution_id": waiter.execution_id,
        "input": to_input(input),
        "extensions": extensions,
        "deployment_name": msgspec.UNSET if deployment_name is None else deployment_name,
        "wait_for_result": True if sync_wait else msgspec.UNSET,
        "timeout_seconds": sync_wait if sync_wait else msgspec.UNSET,
        "timeout": waiter.request_timeout(
            30.0 if sync_wait else None, server_wait=sync_wait or 0.0
        ),
        "extra_headers": extra_headers,
        "max_retries": 0,
    }


def _notify_sync(on_event: EventHandler | None, event: WorkflowEvent) -> None:
    if on_event is not None:
        on_event(event)


async def _notify_async(on_event: AsyncEventHandler | None, event: WorkflowEvent) -> None:
    if on_event is not None:
        pending = on_event(event)
        if inspect.isawaitable(pending):
            await pending


# --- async: its blocking twin is generated into mistral_sdk._blocking (make unasync) ---


class AsyncWorkflowsHelpers:
    """Hand-written additions to `AsyncMistral().workflows`."""

    __slots__ = ()

    async def execute_and_wait(
        self,
        workflow_identifier: str,
        *,
        input: Any = None,
        connectors: Sequence[ConnectorSlot | ConnectorSlotParam] | None = None,
        extensions: Mapping[str, Any] | None = None,
        wait_timeout: float | None = None,
        cancel_on_timeout: bool = False,
        execution_id: str | None = None,
        deployment_name: str | None = None,
        on_event: AsyncEventHandler | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> models.WorkflowExecutionResponse:
        """Start a workflow and wait until its run is over; return the final execution.

        Args:
            workflow_identifier: the workflow's name or id.
            input: the workflow input: a dict, a msgspec Struct or a dataclass.
            connectors: connector bindings (`ConnectorSlot`s), merged into `extensions`.
            extensions: other extensions for the execution.
            wait_timeout: seconds to wait in all, every request included; then
                `WorkflowWaitTimeout` (default: no bound).
            cancel_on_timeout: cancel the run when `wait_timeout` expires (default:
                leave it running).
            execution_id: your own id for the run (default: one the SDK picks).
            deployment_name: the deployment to route the run to.
            on_event: called with each event of the run's event stream as it arrives
                (e.g. to show `mistral_sdk.connector_auth(event).auth_url`); with the
                async client it may also be a coroutine function.
            extra_headers: headers added to every request the wait makes.
            timeout: the HTTP timeout of each request (seconds or `httpx2.Timeout`), as
                on every other method; a request the server holds for its synchronous
                wait gets that wait on top. Never past `wait_timeout`. A number given
                alone (without `wait_timeout`) also bounds the whole wait, as before
                `wait_timeout` existed, with a DeprecationWarning.

        Raises `WorkflowExecutionError` when the run ends FAILED, CANCELED, TERMINATED
        or TIMED_OUT, and `WorkflowWaitTimeout` when `wait_timeout` expires first.
        """
        workflows = cast("AsyncWorkflows", self)
        executions = workflows.executions
        waiter = _Waiter(
            _new_execution_id(execution_id),
            wait_bound(wait_timeout, timeout),
            use_sync=on_event is None,
            request_timeout=timeout,
        )
        body_extensions = with_connectors(
            msgspec.UNSET if extensions is None else extensions, connectors
        )

        async def do(op: _Op) -> Any:
            if isinstance(op, _Start):
                arguments = _start_arguments(
                    waiter, op.sync_wait, input, body_extensions, deployment_name, extra_headers
                )
                return await workflows.execute(workflow_identifier, **arguments)
            if isinstance(op, _Get):
                waiter.last = await executions.get(
                    waiter.execution_id, timeout=waiter.request_timeout(30.0)
                )
                return waiter.last
            if isinstance(op, _Follow):
                return await _follow_async(executions, waiter, on_event)
            await asyncio.sleep(op.seconds)
            return None

        with activity(
            workflows._client._hooks,
            "workflow",
            workflow_identifier,
            workflow=workflow_identifier,
            execution_id=waiter.execution_id,
        ) as act:
            flow = _wait_flow(waiter, workflows._client.max_retries)
            reply: Any = None
            error: Exception | None = None
            try:
                while True:
                    try:
                        op = flow.send(reply) if error is None else flow.throw(error)
                    except StopIteration as done:
                        act.set("status", field_value(done.value, "status"))
                        return cast("models.WorkflowExecutionResponse", done.value)
                    try:
                        reply, error = await do(op), None
                    except Exception as exc:  # handed to the flow, which decides
                        reply, error = None, waiter.deadline_error(exc)
            except WorkflowWaitTimeout as exc:
                if not cancel_on_timeout:
                    raise
                await executions.cancel(
                    exc.execution_id, extra_headers=extra_headers, timeout=waiter.http_timeout
                )
                raise WorkflowWaitTimeout(
                    exc.execution_id, exc.timeout, exc.execution, cancelled=True
                ) from None


async def _follow_async(
    executions: AsyncWorkflowsExecutions,
    waiter: _Waiter,
    on_event: AsyncEventHandler | None,
) -> None:
    got_events = False
    try:
        async with await executions.stream(
            waiter.execution_id,
            last_event_id=waiter.last_event_id or msgspec.UNSET,
            timeout=waiter.request_timeout(),
        ) as stream:
            async for event in stream:
                got_events = True
                waiter.last_event_id = field_value(event, "id") or waiter.last_event_id
                await _notify_async(on_event, event)
                if ends_run(event, waiter.execution_id):
                    return
                waiter.check()
    except APIError as exc:
        if not waiter.stream_failed(exc):
            raise
    finally:
        waiter.stream_ended(got_events)


class AsyncExecutionsHelpers:
    """Hand-written additions to `AsyncMistral().workflows.executions`: plain values in
    and out."""

    __slots__ = ()

    async def send_signal(self, execution_id: str, name: str, input: Any = None) -> None:
        """Send signal `name` with `input` to a running execution.

        Args:
            execution_id: the running execution's id.
            name: the signal's name, as the workflow defines it.
            input: its input: a dict, a msgspec Struct or a dataclass (None: no input).
        """
        await cast("AsyncWorkflowsExecutions", self).signal(
            execution_id, name=name, input=to_input(input)
        )

    @overload
    async def run_query(self, execution_id: str, name: str, input: Any = None) -> Any: ...
    @overload
    async def run_query(
        self, execution_id: str, name: str, input: Any = None, *, type: type[T]
    ) -> T: ...
    async def run_query(
        self, execution_id: str, name: str, input: Any = None, *, type: Any = Any
    ) -> Any:
        """Run query `name`; return its result, converted to `type` when given.

        Args:
            execution_id: the running execution's id.
            name: the query's name, as the workflow defines it.
            input: its input: a dict, a msgspec Struct or a dataclass (None: no input).
            type: the type of the result (`OutputValidationError` when it does not fit).
        """
        return await self._handle("query", execution_id, name, input, type)

    @overload
    async def run_update(self, execution_id: str, name: str, input: Any = None) -> Any: ...
    @overload
    async def run_update(
        self, execution_id: str, name: str, input: Any = None, *, type: type[T]
    ) -> T: ...
    async def run_update(
        self, execution_id: str, name: str, input: Any = None, *, type: Any = Any
    ) -> Any:
        """Run update `name` of the execution `execution_id` with `input`; return its
        result, converted to `type` when given (the arguments as in `run_query`)."""
        return await self._handle("update", execution_id, name, input, type)

    async def _handle(
        self, handler: Literal["query", "update"], execution_id: str, name: str, input: Any, tp: Any
    ) -> Any:
        """Run the workflow's query or update handler `name` (one request: it answers)."""
        call = getattr(cast("AsyncWorkflowsExecutions", self), handler)
        response = await call(execution_id, name=name, input=to_input(input))
        return decode_result(response.result, tp, f"{handler} {name!r}")
