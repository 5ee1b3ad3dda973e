"""Hooks: observe or adjust every API call, stream and agentic step of a client.

Subclass `Hooks`, override the methods you need, and register an instance with
`client.add_hooks(...)`:

    class TenantHeader(mistral_sdk.Hooks):
        def before_request(self, call, request):
            request.headers["X-Tenant"] = current_tenant.get()

    client.add_hooks(TenantHeader())

Per call, in order: `before_request` (each attempt; may change the request or return
another one), `after_response` (each HTTP answer, success or not; may return another
response), `on_retry` (before the wait of each retry), then either `on_result` (the
value the method returns) or `on_error` (the exception it raises). A streamed result
then gives `on_stream_event` per event and one `on_stream_end` (exhausted, closed,
cut or broken). `activity` wraps the work above single calls: a `conversations.run`
(`"agent"`), its model turns (`"turn"`), its tool calls (`"tool"`) and a
`workflows.execute_and_wait` (`"workflow"`). OpenTelemetry tracing
(`mistral_sdk.otel`) is built on these hooks and nothing else.

On an `AsyncMistral`, `before_request`, `after_response`, `on_retry` and `on_error`
may be coroutine functions; they are awaited. The other hooks are always plain calls
(they run inside iteration and context managers).

Zero cost when none are registered: the client holds an empty `HookSet` and the
transport loops test it once per call.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

import httpx2
import msgspec

if TYPE_CHECKING:
    from ._operation import Operation

__all__ = ["Activity", "ActivityKind", "Call", "Hooks", "HookSet", "register_global_hooks"]

T = TypeVar("T")
MaybeAwaitable: TypeAlias = "T | Awaitable[T]"
ActivityKind: TypeAlias = Literal["agent", "turn", "tool", "workflow"]

# The environment variable that turns tracing on without code (read at the first
# client construction of the process); its value names the capability to load.
TRACING_ENV = "MISTRAL_TRACING"
_TRACING_MODULES = {"otel": "mistral_sdk.otel", "1": "mistral_sdk.otel", "true": "mistral_sdk.otel"}


class Call:
    """One API call as hooks see it: the same object from the first attempt to the
    result (and to the end of a streamed result).

    Attributes:
        method: the HTTP verb.
        path: the spec's path template (`"/v1/conversations/{conversation_id}"`).
        body: the request body as given to the client: a model, the multipart fields
            (a mapping), or None.
        stream: whether the response body is streamed (SSE events or a download).
        request: the `httpx2.Request` of the current attempt.
        response: the last `httpx2.Response` received, or None.
        attempt: 0 for the first attempt, 1 for the first retry, ...
        events: the number of stream events delivered so far.
        state: scratch space shared by the hooks of this call (key it by your hook).
    """

    __slots__ = (
        "_ended",
        "_hooks",
        "attempt",
        "body",
        "events",
        "method",
        "path",
        "request",
        "response",
        "state",
        "stream",
    )

    def __init__(
        self,
        hooks: HookSet,
        method: str,
        path: str,
        body: object,
        request: httpx2.Request,
        stream: bool,
    ) -> None:
        self._hooks = hooks
        self.method = method
        self.path = path
        self.body = None if body is msgspec.UNSET else body
        self.request = request
        self.stream = stream
        self.response: httpx2.Response | None = None
        self.attempt = 0
        self.events = 0
        self.state: dict[object, Any] = {}
        self._ended = False

    @property
    def operation(self) -> Operation | None:
        """The spec operation of this call (`mistral_sdk.OPERATIONS`), None for a path
        the spec does not have."""
        return _operation_of(self.method, self.path, self.stream)

    def __repr__(self) -> str:
        return f"<Call {self.method} {self.path} attempt={self.attempt}>"

    # -- stream observation (called by Stream / AsyncStream) ---------------------------

    def stream_event(self, event: object) -> None:
        """One more event of the stream: counted, and handed to the hooks that watch events."""
        self.events += 1
        for hook in self._hooks.event:
            hook.on_stream_event(self, event)

    def stream_end(self, error: BaseException | None) -> None:
        """The stream is over; idempotent (a close after exhaustion reports nothing)."""
        if self._ended:
            return
        self._ended = True
        if isinstance(error, GeneratorExit):
            error = None  # closed early by the caller: not a failure
        for hook in self._hooks.end:
            hook.on_stream_end(self, error)


class Activity:
    """A unit of work above single calls, handed to `Hooks.activity`.

    `kind` is `"agent"` (a `conversations.run`), `"turn"` (one model turn of it),
    `"tool"` (one tool call it runs) or `"workflow"` (a `workflows.execute_and_wait`).
    `name` is the agent id or model, the turn number, the tool's name or the
    workflow's identifier. `attributes` grows while the work goes on:

    - agent: `model`, `agent_id`, `conversation_id` (once known), `turns`, `usage`
      (the token counts added up so far, a dict)
    - turn: `turn` (1-based), `conversation_id` (once known)
    - tool: `tool_call_id`, `arguments` (a dict), then `result` (the tool's return
      value) or `error` (the exception it raised; reported to the model, not raised)
    - workflow: `workflow`, `execution_id`, then `status`
    """

    __slots__ = ("attributes", "kind", "name")

    def __init__(self, kind: ActivityKind, name: str, attributes: dict[str, Any]) -> None:
        self.kind = kind
        self.name = name
        self.attributes = attributes

    def set(self, key: str, value: object) -> None:
        """Record an attribute found while the work runs."""
        self.attributes[key] = value

    def __repr__(self) -> str:
        return f"<Activity {self.kind} {self.name!r}>"


class Hooks:
    """Base class of hooks: every method does nothing; override the ones you need.

    Exceptions raised by a hook propagate to the caller (a hook is part of the call).
    """

    def before_request(
        self, call: Call, request: httpx2.Request
    ) -> MaybeAwaitable[httpx2.Request | None]:
        """Before each attempt is sent. Change `request` in place (headers are
        mutable) or return another `httpx2.Request` to send instead."""
        return None

    def after_response(
        self, call: Call, response: httpx2.Response
    ) -> MaybeAwaitable[httpx2.Response | None]:
        """After each HTTP answer (any status; a streamed body is not read yet).
        Return another `httpx2.Response` to use it instead."""
        return None

    def on_retry(
        self, call: Call, delay: float, cause: httpx2.Response | Exception
    ) -> MaybeAwaitable[None]:
        """A retry is decided: the client waits `delay` seconds, then sends again.
        `cause` is the retryable response or the connection error."""
        return None

    def on_error(self, call: Call, error: Exception) -> MaybeAwaitable[None]:
        """The call failed with `error` (after any retries); it is raised next."""
        return None

    def on_result(self, call: Call, result: object) -> None:
        """The call succeeded; `result` is what the method returns (a model, a
        `Stream`, a raw `APIResponse`, ...)."""

    def on_stream_event(self, call: Call, event: object) -> None:
        """One event of a streamed result, as the caller receives it."""

    def on_stream_end(self, call: Call, error: BaseException | None) -> None:
        """The streamed result is over: exhausted or closed early (`error` None),
        cut or broken (`error` is the exception the caller gets)."""

    def activity(self, activity: Activity) -> AbstractContextManager[object] | None:
        """A context manager to wrap `activity` in (entered before the work,
        exited after it, with its exception if it fails), or None."""
        return None


def _overrides(hook: Hooks, name: str) -> bool:
    return getattr(type(hook), name) is not getattr(Hooks, name)


class HookSet:
    """The hooks of a client, sorted once by what each overrides, so that a call or
    a stream event runs only the hooks that want it."""

    __slots__ = (
        "activity",
        "after",
        "all",
        "before",
        "end",
        "error",
        "event",
        "per_call",
        "result",
        "retry",
    )

    def __init__(self, hooks: Iterable[Hooks] = ()) -> None:
        self.all: tuple[Hooks, ...] = tuple(hooks)
        for hook in self.all:
            if not isinstance(hook, Hooks):
                raise TypeError(f"hooks: expected a mistral_sdk.Hooks instance, got {hook!r}")

        def wanting(name: str) -> tuple[Hooks, ...]:
            return tuple(h for h in self.all if _overrides(h, name))

        self.before = wanting("before_request")
        self.after = wanting("after_response")
        self.retry = wanting("on_retry")
        self.error = wanting("on_error")
        self.result = wanting("on_result")
        self.event = wanting("on_stream_event")
        self.end = wanting("on_stream_end")
        self.activity = wanting("activity")
        self.per_call = bool(
            self.before or self.after or self.retry or self.error or self.result
        ) or bool(self.event or self.end)

    def __bool__(self) -> bool:
        return bool(self.all)

    def __add__(self, other: Iterable[Hooks]) -> HookSet:
        return HookSet((*self.all, *other))

    def without(self, hooks: Iterable[Hooks]) -> HookSet:
        drop = {id(h) for h in hooks}
        return HookSet(h for h in self.all if id(h) not in drop)

    def call(
        self, method: str, path: str, body: object, request: httpx2.Request, stream: bool
    ) -> Call | None:
        """A `Call` for the transport loop, or None when no hook looks at calls."""
        if not self.per_call:
            return None
        return Call(self, method, path, body, request, stream)


EMPTY = HookSet()


# --- the transport loops' side (sync and async twins of each step) ------------------


def before_sync(call: Call, request: httpx2.Request, attempt: int) -> httpx2.Request:
    call.attempt = attempt
    hooks = call._hooks.before
    call.request = _replaced_sync(call, hooks, "before_request", request, httpx2.Request)
    return call.request


async def before_async(call: Call, request: httpx2.Request, attempt: int) -> httpx2.Request:
    call.attempt = attempt
    hooks = call._hooks.before
    call.request = await _replaced_async(call, hooks, "before_request", request, httpx2.Request)
    return call.request


def after_sync(call: Call, response: httpx2.Response) -> httpx2.Response:
    hooks = call._hooks.after
    call.response = _replaced_sync(call, hooks, "after_response", response, httpx2.Response)
    return call.response


async def after_async(call: Call, response: httpx2.Response) -> httpx2.Response:
    hooks = call._hooks.after
    call.response = await _replaced_async(call, hooks, "after_response", response, httpx2.Response)
    return call.response


def _replaced_sync(
    call: Call, hooks: tuple[Hooks, ...], method: str, value: T, expected: type[T]
) -> T:
    """`value` once each of `hooks` has seen it through `method` (and maybe replaced it)."""
    for hook in hooks:
        value = _checked(getattr(hook, method)(call, value), value, expected, hook, method)
    return value


async def _replaced_async(
    call: Call, hooks: tuple[Hooks, ...], method: str, value: T, expected: type[T]
) -> T:
    for hook in hooks:
        replaced = await _awaited(getattr(hook, method)(call, value))
        value = _checked(replaced, value, expected, hook, method)
    return value


def retry_sync(call: Call, delay: float, cause: httpx2.Response | Exception) -> None:
    for hook in call._hooks.retry:
        hook.on_retry(call, delay, cause)


async def retry_async(call: Call, delay: float, cause: httpx2.Response | Exception) -> None:
    for hook in call._hooks.retry:
        await _awaited(hook.on_retry(call, delay, cause))


def error_sync(call: Call, error: Exception) -> None:
    for hook in call._hooks.error:
        hook.on_error(call, error)
    call._ended = True  # a failed call has no stream to end


async def error_async(call: Call, error: Exception) -> None:
    for hook in call._hooks.error:
        await _awaited(hook.on_error(call, error))
    call._ended = True


def result(call: Call, value: T) -> T:
    """Report the call's value; a stream is then watched until it ends."""
    observe = getattr(value, "_observe", None)
    if observe is not None:
        observe(call)
    else:
        call._ended = True
    for hook in call._hooks.result:
        hook.on_result(call, value)
    return value


def next_page(call: Call | None, request: httpx2.Request) -> Call | None:
    """The call of a later page of an auto-paginating list: a call of its own."""
    if call is None:
        return None
    return Call(call._hooks, call.method, call.path, None, request, False)


def observed_sync(call: Call | None, send: Callable[[], httpx2.Response]) -> httpx2.Response:
    """`send()`, reporting its response or error to the hooks of `call`."""
    if call is None:
        return send()
    try:
        response = send()
    except Exception as exc:
        error_sync(call, exc)
        raise
    return result(call, response)


async def observed_async(
    call: Call | None, send: Callable[[], Awaitable[httpx2.Response]]
) -> httpx2.Response:
    if call is None:
        return await send()
    try:
        response = await send()
    except Exception as exc:
        await error_async(call, exc)
        raise
    return result(call, response)


async def _awaited(value: MaybeAwaitable[T]) -> T:
    if inspect.isawaitable(value):
        return await value
    return value


def _checked(replaced: object, current: T, expected: type[T], hook: Hooks, method: str) -> T:
    """What a hook returned: None keeps `current`; anything else must be an `expected`."""
    if replaced is None:
        return current
    if not isinstance(replaced, expected):
        raise TypeError(
            f"{type(hook).__name__}.{method} returned {type(replaced).__name__}; "
            f"expected {expected.__name__} or None"
        )
    return replaced


# --- activities ------------------------------------------------------------------------


class _NullActivity(Activity):
    __slots__ = ()

    def set(self, key: str, value: object) -> None:
        pass


_NULL_ACTIVITY = _NullActivity("agent", "", {})


@contextlib.contextmanager
def _entered(managers: list[AbstractContextManager[object]], act: Activity) -> Iterator[Activity]:
    with contextlib.ExitStack() as stack:
        for manager in managers:
            stack.enter_context(manager)
        yield act


def activity(
    hooks: HookSet, kind: ActivityKind, name: str, **attributes: Any
) -> AbstractContextManager[Activity]:
    """Wrap a unit of work in the hooks' context managers (none: a no-op)."""
    if not hooks.activity:
        return contextlib.nullcontext(_NULL_ACTIVITY)
    act = Activity(kind, name, attributes)
    managers = [m for m in (h.activity(act) for h in hooks.activity) if m is not None]
    return _entered(managers, act)


# --- registration --------------------------------------------------------------------

_global = EMPTY
_env_read = False


def register_global_hooks(*hooks: Hooks) -> None:
    """Hooks every client created afterwards starts with (`with_options` copies keep
    their original's). Used by `mistral_sdk.otel.instrument()` without a client."""
    global _global
    _global = _global + hooks


def unregister_global_hooks(*hooks: Hooks) -> None:
    global _global
    _global = _global.without(hooks)


def global_hooks() -> tuple[Hooks, ...]:
    """The hooks every new client starts with (`register_global_hooks`)."""
    return _global.all


def initial_hooks() -> HookSet:
    """The hooks a new client starts with. The first call of the process reads the
    environment: `MISTRAL_LOG` (see `_logging`) and `MISTRAL_TRACING=otel`, which loads
    the tracing capability by name, so the core never imports it otherwise."""
    global _env_read
    if not _env_read:
        from ._logging import setup_from_env

        setup_from_env()
        value = os.environ.get(TRACING_ENV, "").strip().lower()
        if value and value not in ("0", "false", "off", "none"):
            module = _TRACING_MODULES.get(value)
            if module is None:
                raise ValueError(
                    f"{TRACING_ENV}={value!r}: expected 'otel' (or unset to trace nothing)"
                )
            importlib.import_module(module).instrument()
        _env_read = True  # only once it worked: a wrong value fails every construction
    return _global


class HooksMixin:
    """`add_hooks` / `remove_hooks` / `hooks` of the clients."""

    _hooks: HookSet = EMPTY

    @property
    def hooks(self) -> tuple[Hooks, ...]:
        """The hooks this client runs, in registration order."""
        return self._hooks.all

    def add_hooks(self, *hooks: Hooks) -> None:
        """Run `hooks` on every call of this client from now on (after those already
        registered). Copies made later by `with_options` inherit them."""
        self._hooks = self._hooks + hooks

    def remove_hooks(self, *hooks: Hooks) -> None:
        """Stop running `hooks` on this client (unknown ones are ignored)."""
        self._hooks = self._hooks.without(hooks)


# --- operation lookup ------------------------------------------------------------------

_operations_index: Mapping[tuple[str, str], list[Operation]] | None = None


def _operation_of(method: str, path: str, stream: bool) -> Operation | None:
    global _operations_index
    if _operations_index is None:
        index: dict[tuple[str, str], list[Operation]] = {}
        # The generated half may be absent (runtime-only tests): then no operation is known.
        try:
            module = importlib.import_module("mistral_sdk._operations")
        except ImportError:
            module = None
        for op in getattr(module, "OPERATIONS", {}).values():
            # "/v1/conversations#stream": the spec's spelling of a second operation
            # (the streamed one) on the same path
            index.setdefault((op.method, op.path.partition("#")[0]), []).append(op)
        _operations_index = index
    candidates = _operations_index.get((method.upper(), path))
    if not candidates:
        return None
    for op in candidates:
        if op.streaming == stream:
            return op
    return candidates[0]
