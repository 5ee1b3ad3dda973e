"""Conversation helpers: `client.beta.conversations.run(...)` (a tool-calling loop over
`start`/`append`), its streaming twin `run_stream`, and `tool_confirmations`.

The loop, per model turn: every function call the model made is answered. A call to
one of the `tools` given as Python callables is run locally (its return value, or
its exception, goes back to the model as the call's result); a call to a tool of a
tool source (an MCP server, `mistral_sdk.mcp`) goes to that source, opened for the
run (its tools listed once) and closed after it. A call that waits for
confirmation, on the server's side or because its tool asks for one, goes to
`on_confirmation(call) -> bool` first (without a callback it is denied: nothing
runs without consent). The answers are appended and the model goes
on, until it answers without calling anything, or `max_turns` model turns have been
used (`MaxTurnsExceeded`, which carries the partial result). Handoffs between agents
are followed: the outputs of every agent end up in the result.

`_RunLoop` makes every decision and builds every request (`first_request`,
`next_request`, and the `answer` flow, driven like httpx2's auth flows); the loops
that call the API, ask for confirmations and run the tools are written once, async;
their blocking twins (`ConversationsHelpers`, `RunStream`) are generated from the
section at the end into `mistral_sdk._blocking.conversations` (generator/unasync.py).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Mapping,
    Sequence,
)
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, cast

import msgspec

from ._accumulate import ConversationAccumulator, message_text
from ._errors import MistralError
from ._hooks import EMPTY, Activity, HookSet, activity
from ._tools import (
    FunctionTool,
    SourceTool,
    ToolArgumentsError,
    ToolOutput,
    ToolSource,
    ToolSourceError,
    result_text,
)
from ._types import field_value, twin_doc

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from . import models, params
    from ._codec import Unknown
    from .resources.beta.conversations import AsyncBetaConversations

__all__ = [
    "AsyncConversationsHelpers",
    "AsyncRunStream",
    "MaxTurnsExceeded",
    "RunResult",
    "ToolCall",
    "ToolResult",
    "tool_confirmations",
]

DEFAULT_MAX_TURNS = 10
# What the model reads for a call that was not allowed to run: an error, like every
# answer that is not the tool's own (`ToolResult.denied` tells the caller which).
DENIED = "error: the user denied this tool call; it did not run"


class ToolCall(msgspec.Struct, frozen=True):
    """A function call the model made (what `on_confirmation` is asked about)."""

    tool_call_id: str
    name: str
    arguments: str | dict[str, Any]
    confirmation_status: str | None = None
    agent_id: str | None = None


class ToolResult(msgspec.Struct, frozen=True):
    """The answer given to one call: `result` is the text sent back to the model.

    `error` is True when the tool raised, reported an error (an MCP `isError`
    result), its arguments did not fit or it was not allowed to run (the text then
    describes the error, `error: ...`); `denied` is True too when confirmation was
    refused (the tool did not run). `content` holds the richer chunks a
    tool gave besides text (images, audio, documents: `models.*Chunk`), which the
    model only sees described in `result`.
    """

    tool_call_id: str
    name: str
    result: str
    error: bool = False
    denied: bool = False
    content: tuple[Any, ...] = ()


class RunResult:
    """What `conversations.run` returns.

    `outputs` holds every output entry of every turn in order (messages, tool
    executions, function calls, handoffs); `output_text` is the text of the final
    turn's messages; `usage` adds up the turns; `tool_results` the answers given.
    """

    __slots__ = ("_last", "_usage", "conversation_id", "outputs", "tool_results", "turns")

    def __init__(self) -> None:
        self.conversation_id: str = ""
        self.outputs: list[Any] = []
        self.tool_results: list[ToolResult] = []
        self.turns = 0
        self._usage: dict[str, int] = {}
        self._last: list[Any] = []

    @property
    def usage(self) -> models.ConversationUsageInfo:
        """Token counts added up over the turns (fields the server never sent stay unset)."""
        from .models import ConversationUsageInfo

        return msgspec.convert(self._usage, ConversationUsageInfo)

    @property
    def output_text(self) -> str:
        """The text of the final turn's messages."""
        return "".join(_entry_text(e) for e in self._last if _kind(e) == "message.output")

    def __repr__(self) -> str:
        return (
            f"RunResult(conversation_id={self.conversation_id!r}, turns={self.turns},"
            f" output_text={self.output_text!r})"
        )


class MaxTurnsExceeded(MistralError):
    """The model was still calling tools after `max_turns` turns. `.result` is the
    run so far (its `conversation_id` can be continued)."""

    def __init__(self, result: RunResult, max_turns: int) -> None:
        super().__init__(
            f"conversation {result.conversation_id!r} still calls tools after"
            f" {max_turns} model turns (max_turns={max_turns})"
        )
        self.result = result
        self.max_turns = max_turns


# --- pure helpers ---------------------------------------------------------------------


def _kind(entry: Any) -> str | None:
    kind = field_value(entry, "type")
    return kind if isinstance(kind, str) else None


def _entry_text(entry: Any) -> str:
    return message_text(field_value(entry, "content"))


def _as_call(entry: Any) -> ToolCall:
    arguments = field_value(entry, "arguments")
    return ToolCall(
        tool_call_id=field_value(entry, "tool_call_id") or "",
        name=field_value(entry, "name") or "",
        arguments=arguments if isinstance(arguments, (str, dict)) else "",
        confirmation_status=field_value(entry, "confirmation_status"),
        agent_id=field_value(entry, "agent_id"),
    )


def _origin(tool: Any) -> str:
    if isinstance(tool, FunctionTool):
        module = getattr(tool.func, "__module__", None)
        qualname = getattr(tool.func, "__qualname__", tool.name)
        return f"Python function {module}.{qualname}" if module else f"Python function {qualname}"
    return str(tool.origin)


def _whole_calls(calls: Iterable[Any]) -> list[ToolCall]:
    """`calls` as whole `ToolCall`s: the pieces of a streamed call (function call delta
    events sharing a `tool_call_id`) joined into one, in the order calls first appear."""
    whole: dict[str, ToolCall] = {}
    for entry in calls:
        piece = False
        if not isinstance(entry, ToolCall):
            kind = _kind(entry)
            if kind not in (None, "function.call", "function.call.delta"):
                continue
            piece = kind == "function.call.delta"
            entry = _as_call(entry)
        seen = whole.get(entry.tool_call_id)
        if seen is None:
            whole[entry.tool_call_id] = entry
        elif piece and isinstance(seen.arguments, str) and isinstance(entry.arguments, str):
            # a later piece of a streamed call (a repeated whole entry is not joined)
            whole[entry.tool_call_id] = msgspec.structs.replace(
                seen,
                arguments=seen.arguments + entry.arguments,
                name=seen.name or entry.name,
                confirmation_status=entry.confirmation_status or seen.confirmation_status,
            )
    return list(whole.values())


def _verdict(allowed: bool) -> Literal["allow", "deny"]:
    return "allow" if allowed else "deny"


def tool_confirmations(
    calls: Iterable[Any], allow: bool | Callable[[ToolCall], bool] = True
) -> list[params.ToolCallConfirmationParam]:
    """The `tool_confirmations` of an append answering the calls that wait for one.

    `calls` are function call entries (`stream.final().outputs`, `response.outputs`),
    `ToolCall`s, or the function call events of a stream: the pieces of a call that
    arrived in several events are joined first, so `allow` always sees the whole call
    (its complete `arguments`). Calls whose `confirmation_status` is "pending" get
    `allow` (a bool, or a function deciding per call). Use:
    `conversations.append(cid, tool_confirmations=tool_confirmations(
    response.outputs, allow=lambda call: call.name in SAFE))`.
    """
    out: list[params.ToolCallConfirmationParam] = []
    for call in _whole_calls(calls):
        if call.confirmation_status != "pending":
            continue
        decision = allow(call) if callable(allow) else allow
        out.append({"tool_call_id": call.tool_call_id, "confirmation": _verdict(decision)})
    return out


# What a streamed run yields: the conversation's events, and each tool's answer.
RunItem: TypeAlias = "models.ConversationEvents | ToolResult"
if TYPE_CHECKING:
    # What a run takes: `start`'s inputs, and as tools Python callables (or FunctionTools),
    # tool sources, and the tool definitions `start` takes (docs/typing.md)
    RunInputs: TypeAlias = str | Sequence[models.InputEntry | params.InputEntryParam | Unknown]
    RunTool: TypeAlias = (
        Callable[..., Any]
        | FunctionTool
        | ToolSource
        | models.ConversationRequestTool
        | params.ConversationRequestToolParam
        | Unknown
    )

    class _RunOptions(params.ConversationRunArguments, total=False):
        tools: Sequence[RunTool]
        max_turns: int
        conversation_id: str | None

    class RunOptions(_RunOptions, total=False):
        """The keyword arguments of `Mistral().beta.conversations.run` / `run_stream`:
        the run's own, then `start`'s (`model`, `agent_id`, …; not `inputs`)."""

        on_confirmation: Callable[[ToolCall], bool] | None

    class AsyncRunOptions(_RunOptions, total=False):
        """`RunOptions` of `AsyncMistral`: `on_confirmation` may be a coroutine function."""

        on_confirmation: Callable[[ToolCall], bool | Awaitable[bool]] | None


Decision: TypeAlias = Literal["run", "confirm", "skip", "unknown"]


class _Ask(NamedTuple):
    call: ToolCall


_Tool: TypeAlias = "FunctionTool | SourceTool"


class _Invoke(NamedTuple):
    tool: _Tool
    arguments: dict[str, Any]
    call: ToolCall


_Step: TypeAlias = "_Ask | _Invoke"
_Answers: TypeAlias = (
    "tuple[list[params.FunctionResultEntryParam], list[params.ToolCallConfirmationParam]]"
)


class _RunLoop:
    """Decisions and payloads of one run (no I/O)."""

    def __init__(self, options: Mapping[str, Any], *, allow_async: bool) -> None:
        """`options`: the keyword arguments of `run` (`RunOptions`): the run's own are
        taken out, `start`'s stay in `.options`."""
        rest = dict(options)
        tools: Sequence[RunTool] = rest.pop("tools", ())
        max_turns: int = rest.pop("max_turns", DEFAULT_MAX_TURNS)
        self.conversation_id: str | None = rest.pop("conversation_id", None)
        rest.pop("on_confirmation", None)  # the driver's: it answers the confirmations
        if max_turns < 1:
            raise ValueError("max_turns must be >= 1")
        if "stream" in rest:
            raise TypeError("use run_stream() for a streamed run")
        self.max_turns = max_turns
        self.options: dict[str, Any] = {k: v for k, v in rest.items() if v is not None}
        self.local: dict[str, _Tool] = {}
        # The definitions in the order of `tools=`: a source's tools take its place
        # once it is opened (its own segment).
        self._segments: list[list[Any]] = [[]]
        self._source_segment: dict[int, list[Any]] = {}
        self.sources: list[ToolSource] = []
        self.allow_async = allow_async
        for tool in tools:
            if isinstance(tool, ToolSource):
                self.sources.append(tool)
                segment: list[Any] = []
                self._source_segment[id(tool)] = segment
                self._segments += [segment, []]
            elif callable(tool) or isinstance(tool, FunctionTool):
                function_tool = FunctionTool.from_callable(tool)
                if function_tool.is_async and not allow_async:
                    raise TypeError(
                        f"tool {function_tool.name!r} is a coroutine function; use AsyncMistral"
                    )
                self._add(function_tool)
            else:
                self._segments[-1].append(tool)  # a tool definition (dict or model): as is
        self.result = RunResult()

    @property
    def definitions(self) -> list[Any]:
        return [d for segment in self._segments for d in segment]

    def _add(self, tool: _Tool, segment: list[Any] | None = None) -> None:
        clash = self.local.get(tool.name)
        if clash is not None:
            first = _origin(clash)
            second = _origin(tool)
            raise ValueError(
                f"two tools are named {tool.name!r}: one from {first}, one from {second}"
                if first != second
                else f"two tools are named {tool.name!r}, both from {first}"
            )
        self.local[tool.name] = tool
        (self._segments[-1] if segment is None else segment).append(tool.definition())

    def add_source(self, source: ToolSource, tools: Sequence[SourceTool]) -> None:
        """The tools an opened source offers join the run (before its first request)."""
        for tool in tools:
            if tool.is_async and not self.allow_async:
                raise TypeError(f"tool {tool.name!r} ({tool.origin}) was opened for async use")
            self._add(tool, self._source_segment[id(source)])

    def first_request(self, inputs: RunInputs) -> tuple[str, dict[str, Any]]:
        """The method (`start` or `append`) and arguments of the run's first call."""
        conversation_id = self.conversation_id
        if conversation_id is None:
            tools = self.definitions or msgspec.UNSET
            return "start", {"inputs": inputs, "tools": tools, **self.options}
        return "append", {"conversation_id": conversation_id, "inputs": inputs, **self._append()}

    def next_request(self, outputs: Sequence[Any], answers: _Answers) -> dict[str, Any] | None:
        """The arguments of the `append` answering a turn; None when the run is over."""
        inputs, confirmations = answers
        if not inputs and not confirmations and not self.needs_handoff_turn(outputs):
            return None
        self.check_turns()
        return {
            "conversation_id": self.result.conversation_id,
            "inputs": inputs,
            "tool_confirmations": confirmations or msgspec.UNSET,
            **self._append(),
        }

    def _append(self) -> dict[str, Any]:
        # `append` takes only some of `start`'s options; the rest are the conversation's.
        keep = ("store", "handoff_execution", "completion_args", "extra_headers", "timeout")
        return {k: v for k, v in self.options.items() if k in keep}

    def absorb(self, conversation_id: str, outputs: Sequence[Any], usage: Any) -> None:
        self.result.conversation_id = conversation_id or self.result.conversation_id
        self.result.outputs.extend(outputs)
        self.result._last = list(outputs)
        self.result.turns += 1
        for name in ("prompt_tokens", "completion_tokens", "total_tokens", "connector_tokens"):
            value = field_value(usage, name)
            if isinstance(value, int):
                self.result._usage[name] = self.result._usage.get(name, 0) + value

    def decide(self, call: ToolCall) -> Decision:
        if call.confirmation_status == "pending":
            return "confirm"
        tool = self.local.get(call.name)
        if tool is not None:
            return "confirm" if tool.requires_confirmation else "run"
        # Calls the server already ran or answered (after a confirmation) need nothing.
        return "skip" if call.confirmation_status in ("allowed", "denied") else "unknown"

    def calls(self, outputs: Sequence[Any]) -> list[ToolCall]:
        return [_as_call(e) for e in outputs if _kind(e) == "function.call"]

    def needs_handoff_turn(self, outputs: Sequence[Any]) -> bool:
        """A client-side handoff left the turn to the next agent: continue the run."""
        return bool(outputs) and _kind(outputs[-1]) == "agent.handoff"

    def check_turns(self) -> None:
        if self.result.turns >= self.max_turns:
            raise MaxTurnsExceeded(self.result, self.max_turns)

    def prepare(self, call: ToolCall) -> tuple[_Tool, dict[str, Any]] | ToolResult:
        """The tool and its arguments, or the result that answers the call without it."""
        tool = self.local.get(call.name)
        if tool is None:
            known = ", ".join(sorted(self.local)) or "none"
            return self.record(call, f"error: no tool named {call.name!r} (tools: {known})", True)
        try:
            return tool, tool.arguments(call.arguments)
        except ToolArgumentsError as exc:
            return self.record(call, f"error: {exc}", True)

    def record(
        self,
        call: ToolCall,
        text: str,
        error: bool = False,
        denied: bool = False,
        content: tuple[Any, ...] = (),
    ) -> ToolResult:
        result = ToolResult(
            call.tool_call_id, call.name, text, error=error, denied=denied, content=content
        )
        self.result.tool_results.append(result)
        return result

    def finished(self, call: ToolCall, value: Any) -> ToolResult:
        if isinstance(value, ToolOutput):
            return self.record(call, value.text, error=value.error, content=value.content)
        return self.record(call, result_text(value))

    def failed(self, call: ToolCall, exc: BaseException) -> ToolResult:
        return self.record(call, f"error: {type(exc).__name__}: {exc}", error=True)

    def answer(self, outputs: Sequence[Any]) -> Generator[_Step, Any, _Answers]:
        """The answers to a turn's calls, as a flow driven by `_answer_sync/_async`.

        Yields `_Ask(call)` (send back the confirmation: a bool) and
        `_Invoke(tool, arguments)` (send back `(value, None)` or `(None, exception)`);
        returns the function results to append and the tool confirmations.
        """
        results: list[ToolResult] = []
        confirmations: list[params.ToolCallConfirmationParam] = []
        for call in self.calls(outputs):
            decision = self.decide(call)
            if decision == "skip":
                continue
            if decision == "confirm":
                allowed = bool((yield _Ask(call)))
                if call.confirmation_status == "pending" and call.name not in self.local:
                    confirmations.append(
                        {"tool_call_id": call.tool_call_id, "confirmation": _verdict(allowed)}
                    )
                    continue
                if not allowed:
                    results.append(self.record(call, DENIED, error=True, denied=True))
                    continue
            prepared = self.prepare(call)
            if isinstance(prepared, ToolResult):
                results.append(prepared)
                continue
            value, error = yield _Invoke(*prepared, call)
            results.append(
                self.failed(call, error) if error is not None else self.finished(call, value)
            )
        return self.inputs(results), confirmations

    # -- what hooks see (`Hooks.activity`); no-ops without hooks ------------------------

    def run_activity(self, hooks: HookSet) -> AbstractContextManager[Activity]:
        model, agent_id = self.options.get("model"), self.options.get("agent_id")
        return activity(
            hooks,
            "agent",
            str(agent_id or model or ""),
            model=model,
            agent_id=agent_id,
            conversation_id=self.conversation_id,
        )

    def turn_activity(self, hooks: HookSet) -> AbstractContextManager[Activity]:
        turn = self.result.turns + 1
        return activity(hooks, "turn", str(turn), turn=turn)

    def tool_activity(self, hooks: HookSet, step: _Invoke) -> AbstractContextManager[Activity]:
        return activity(
            hooks,
            "tool",
            step.tool.name,
            tool_call_id=step.call.tool_call_id,
            arguments=step.arguments,
        )

    def report(self, run: Activity, turn: Activity) -> None:
        """After a turn: what the run and the turn learned (conversation, usage)."""
        turn.set("conversation_id", self.result.conversation_id)
        run.set("conversation_id", self.result.conversation_id)
        run.set("turns", self.result.turns)
        run.set("usage", dict(self.result._usage))

    @staticmethod
    def inputs(results: Sequence[ToolResult]) -> list[params.FunctionResultEntryParam]:
        return [
            {"type": "function.result", "tool_call_id": r.tool_call_id, "result": r.result}
            for r in results
        ]


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


# --- async: its blocking twin is generated into mistral_sdk._blocking (make unasync) ---


class AsyncConversationsHelpers:
    """Hand-written additions to `AsyncMistral().beta.conversations`."""

    __slots__ = ()

    async def run(self, inputs: RunInputs, **kwargs: Unpack[AsyncRunOptions]) -> RunResult:
        """Start (or continue) a conversation and run its tool calls until the model answers.

        Args:
            inputs: the user's message (str) or input entries.
            tools: Python callables (run locally when the model calls them; with the
                async client they may be coroutine functions), tool sources
                (`mistral_sdk.mcp.MCPToolSource`: opened for the run, their tools listed and
                called through them) and/or tool definitions sent as they are
                (`{"type": "web_search"}`, …). None by default.
            on_confirmation: decides on calls that wait for confirmation (True = allow;
                with the async client it may be a coroutine function). Without it,
                such calls are refused.
            max_turns: model turns allowed before `MaxTurnsExceeded` (default 10).
            conversation_id: continue this conversation instead of starting one.
            **kwargs: `start`'s other arguments (`model`, `agent_id`, `instructions`, …).
                Type checkers know every keyword (`AsyncRunOptions`).
        """
        conversations = cast("AsyncBetaConversations", self)
        api = conversations._client
        hooks = api._hooks
        on_confirmation = kwargs.get("on_confirmation")
        loop = _RunLoop(kwargs, allow_async=True)
        with loop.run_activity(hooks) as run:
            async with _open_tools_async(loop, api):
                method, arguments = loop.first_request(inputs)
                while True:
                    with loop.turn_activity(hooks) as turn:
                        response = await getattr(conversations, method)(**arguments)
                        loop.absorb(response.conversation_id, response.outputs, response.usage)
                        loop.report(run, turn)
                        answers = await _answer_async(
                            loop, response.outputs, on_confirmation, hooks
                        )
                    request = loop.next_request(response.outputs, answers)
                    if request is None:
                        return loop.result
                    method, arguments = "append", request

    @twin_doc(run)
    def run_stream(self, inputs: RunInputs, **kwargs: Unpack[AsyncRunOptions]) -> AsyncRunStream:
        """`run`, streamed: yields each `models.ConversationEvents` as it arrives and
        each `ToolResult` as a tool finishes; `.result` is the `RunResult` at the end."""
        conversations = cast("AsyncBetaConversations", self)
        on_confirmation = kwargs.get("on_confirmation")
        loop = _RunLoop(kwargs, allow_async=True)

        async def turns() -> AsyncGenerator[RunItem, None]:
            async with _open_tools_async(loop, conversations._client):
                method, arguments = loop.first_request(inputs)
                stream = await getattr(conversations, f"{method}_stream")(**arguments)
                while True:
                    turn = ConversationAccumulator()
                    async with stream:
                        async for event in stream:
                            turn.feed(event)
                            yield event
                    outputs = turn.outputs()
                    loop.absorb(turn.conversation_id, outputs, turn.usage)
                    before = len(loop.result.tool_results)
                    answers = await _answer_async(loop, outputs, on_confirmation)
                    for tool_result in loop.result.tool_results[before:]:
                        yield tool_result
                    request = loop.next_request(outputs, answers)
                    if request is None:
                        handle.result = loop.result
                        return
                    stream = await conversations.append_stream(**request)

        handle = AsyncRunStream(turns())
        return handle


@contextlib.asynccontextmanager
async def _open_tools_async(loop: _RunLoop, client: Any) -> AsyncIterator[None]:
    """The run's tool sources, open (tools listed) for the block, closed after it; an
    MCP server over HTTP sends through the run's client (mcp/_via.py)."""
    async with contextlib.AsyncExitStack() as stack:
        for source in loop.sources:
            loop.add_source(source, await stack.enter_async_context(source.open_async(client)))
        yield


async def _answer_async(
    loop: _RunLoop,
    outputs: Sequence[Any],
    on_confirmation: Callable[[ToolCall], bool | Awaitable[bool]] | None,
    hooks: HookSet = EMPTY,
) -> _Answers:
    flow = loop.answer(outputs)
    reply: Any = None
    while True:
        try:
            step = flow.send(reply)
        except StopIteration as done:
            return cast("_Answers", done.value)
        if isinstance(step, _Ask):
            reply = on_confirmation(step.call) if on_confirmation is not None else False
            reply = await _maybe_await(reply)
            continue
        with loop.tool_activity(hooks, step) as act:
            try:
                value = step.tool.func(**step.arguments)
                value = await _maybe_await(value)
                reply = (value, None)
            except ToolSourceError:
                raise  # the source itself failed: nothing the model can do about it
            except Exception as exc:  # reported to the model, which can recover
                reply = (None, exc)
            act.set(*(("result", reply[0]) if reply[1] is None else ("error", reply[1])))


class AsyncRunStream:
    """Iterate for conversation events and `ToolResult`s; `.result` once exhausted."""

    def __init__(self, turns: AsyncGenerator[RunItem, None]) -> None:
        self._turns = turns
        self.result: RunResult | None = None

    def __aiter__(self) -> AsyncRunStream:
        return self

    async def __anext__(self) -> RunItem:
        return await anext(self._turns)

    async def until_done(self) -> RunResult:
        """Consume what is left and return the result."""
        async for _ in self:
            pass
        assert self.result is not None
        return self.result

    async def close(self) -> None:
        """Stop the run and release its connection (idempotent)."""
        await self._turns.aclose()

    async def __aenter__(self) -> AsyncRunStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
