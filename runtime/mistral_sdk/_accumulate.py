"""Stream accumulators: the whole answer a stream carries, assembled from its events.

A chat, FIM or agents stream sends a `ChatCompletionResponse` in pieces (content
deltas, tool calls whose `arguments` arrive a few characters at a time, usage in the
last chunk); a conversation stream sends the outputs of a `ConversationResponse` the
same way (message deltas, function call deltas, handoffs, then usage); a Responses API
stream sends output items, their text and arguments in deltas, and the whole answer
at the end. The
accumulators join the pieces as the events pass, so `stream.final()` (after or while
iterating) and `stream.snapshot()` (so far) give the assembled result.

Pure (no I/O): `Stream` and `AsyncStream` feed the events they yield; which
accumulator a stream gets depends only on its event type (`accumulator_for`). Each
accumulator counts in `size` the characters of text it holds (content, arguments,
segments), which bounds what a stream keeps (`_streaming.ASSEMBLE_BYTES`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import msgspec

from ._errors import APIError
from ._types import field_value

if TYPE_CHECKING:
    from . import models

__all__ = [
    "ChatAccumulator",
    "ConversationAccumulator",
    "ResponsesAccumulator",
    "Text",
    "TranscriptionAccumulator",
    "accumulator_for",
    "message_text",
]

# A piece of a few characters (a token) costs about 60 bytes as its own string object:
# every RUN pieces whose text is small, the last RUN are joined into one string, so a
# long answer holds about its text, not fifteen times it.
RUN = 256
SMALL_RUN = RUN * 64  # characters: longer pieces gain little from joining


class Text:
    """Text assembled from pieces: `add` one, `str()` the whole, `size` characters."""

    __slots__ = ("_parts", "_run", "_run_size", "size")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._run = self._run_size = 0  # pieces (and their characters) since the last join
        self.size = 0

    def add(self, piece: str) -> int:
        """Append `piece`; returns its length."""
        parts = self._parts
        parts.append(piece)
        n = len(piece)
        self.size += n
        self._run += 1
        self._run_size += n
        if self._run == RUN:
            if self._run_size <= SMALL_RUN:
                parts[-RUN:] = ["".join(parts[-RUN:])]
            self._run = self._run_size = 0
        return n

    def __str__(self) -> str:
        return "".join(self._parts)

    def __bool__(self) -> bool:
        return self.size > 0


def message_text(content: Any) -> str:
    """The text of a message's `content`: the string itself, or its text chunks joined
    (other chunks, such as images or references, have no text); "" when absent."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(t for t in (field_value(c, "text") for c in content) if isinstance(t, str))
    text = field_value(content, "text")  # a single chunk (conversation message deltas)
    return text if isinstance(text, str) else ""


def _dispatch(
    accumulator: Any, event: Any, handlers: Mapping[str, Callable[[Any, Any], None]]
) -> None:
    """Hand an event's `data` to the handler of its `type` (an `Unknown` variant has
    none: skipped)."""
    data = event.data if hasattr(event, "data") else field_value(event, "data")
    kind = getattr(data, "type", None)
    handler = handlers.get(kind) if isinstance(kind, str) else None
    if handler is not None:
        handler(accumulator, data)


class _Choice:
    """One choice of a chat stream, as far as it has come."""

    __slots__ = ("chunks", "finish_reason", "index", "text", "tool_calls")

    def __init__(self, index: int) -> None:
        self.index = index
        self.text = Text()  # text since the last non-text chunk
        self.chunks: list[Any] = []  # content chunks that are not text, in order, with text
        self.tool_calls: dict[Any, dict[str, Any]] = {}
        self.finish_reason: str | None = None

    def add_content(self, content: Any) -> int:
        """Add a delta's content; returns the characters it added."""
        if content is None or content is msgspec.UNSET:
            return 0
        if isinstance(content, str):
            return self.text.add(content)
        added = 0
        for chunk in content:
            text = field_value(chunk, "text")
            if field_value(chunk, "type") == "text" and isinstance(text, str):
                added += self.text.add(text)
            else:  # thinking, references, images...: kept whole, in place
                self._flush_text()
                self.chunks.append(chunk)
                added += len(repr(chunk))  # about what it holds: rare, not worth more
        return added

    def _flush_text(self) -> None:
        if self.text:
            from .models import TextChunk

            self.chunks.append(TextChunk(text=str(self.text)))
            self.text = Text()

    def add_tool_calls(self, calls: Any) -> int:
        """Add a delta's tool call pieces; returns the characters of arguments added."""
        added = 0
        for position, call in enumerate(calls):
            # Pieces of one call share its index (the API's rule), else its id.
            index = field_value(call, "index")
            key = index if index is not None else field_value(call, "id") or position
            function = field_value(call, "function")
            arguments = field_value(function, "arguments")
            entry = self.tool_calls.get(key)
            if entry is None:
                entry = self.tool_calls[key] = {"arguments": Text(), "name": ""}
            for name in ("id", "type", "index"):
                if field_value(call, name) is not None:
                    entry[name] = field_value(call, name)
            if field_value(function, "name"):
                entry["name"] = field_value(function, "name")
            if isinstance(arguments, str) and isinstance(entry["arguments"], Text):
                added += entry["arguments"].add(arguments)
            elif arguments is not None:  # an already whole object replaces the text
                entry["arguments"] = arguments
                added += len(repr(arguments))
        return added

    def message(self) -> models.AssistantMessage:
        from .models import AssistantMessage, FunctionCall, ToolCall

        if self.chunks:
            self._flush_text()
            content: Any = list(self.chunks)
        else:
            content = str(self.text)
        calls = [
            ToolCall(
                function=FunctionCall(name=c["name"], arguments=_joined(c["arguments"])),
                **{k: c[k] for k in ("id", "type", "index") if k in c},
            )
            for c in self.tool_calls.values()
        ]
        return AssistantMessage(content=content, tool_calls=calls or msgspec.UNSET)


class ChatAccumulator:
    """Joins the `CompletionEvent`s of a chat, FIM or agents stream into the
    `ChatCompletionResponse` the same request without `stream` would have given."""

    __slots__ = ("_choices", "_head", "_usage", "size")

    def __init__(self) -> None:
        self._head: dict[str, Any] = {}
        self._choices: dict[int, _Choice] = {}
        self._usage: Any = None
        self.size = 0  # characters of text and arguments held

    def feed(self, event: Any) -> None:
        # Runs for every event of every chat stream: plain attribute reads, text fast.
        chunk = event.data
        if not self._head:
            for name in ("id", "object", "model", "created"):
                value = field_value(chunk, name)
                if value is not None:
                    self._head[name] = value
        usage = chunk.usage
        if usage is not msgspec.UNSET:
            self._usage = usage
        for choice in chunk.choices:
            state = self._choices.get(choice.index)
            if state is None:
                state = self._choices[choice.index] = _Choice(choice.index)
            delta = choice.delta
            content = delta.content
            if type(content) is str:
                self.size += state.text.add(content)
            else:
                self.size += state.add_content(content)
            calls = delta.tool_calls
            if calls:
                self.size += state.add_tool_calls(calls)
            if choice.finish_reason is not None:
                state.finish_reason = choice.finish_reason

    def result(self) -> models.ChatCompletionResponse:
        """The response so far. A choice that has not finished has `finish_reason` ""
        and a stream without a usage chunk has zero token counts."""
        from .models import ChatCompletionChoice, ChatCompletionResponse, UsageInfo

        usage = self._usage or UsageInfo(prompt_tokens=0, completion_tokens=0, total_tokens=0)
        head = self._head
        return ChatCompletionResponse(
            id=head.get("id", ""),
            object=head.get("object", "chat.completion"),
            model=head.get("model", ""),
            created=head.get("created", 0),
            usage=usage,
            choices=[
                ChatCompletionChoice(
                    index=c.index,
                    message=c.message(),
                    # "" until the choice finishes (enum values are open at run time)
                    finish_reason=cast("Any", c.finish_reason or ""),
                )
                for _, c in sorted(self._choices.items())
            ],
        )


class ConversationAccumulator:
    """Rebuilds a conversation stream's outputs (messages, whole function calls,
    handoffs), its conversation id and its usage, from its events."""

    __slots__ = ("_calls", "_handoffs", "_messages", "_order", "conversation_id", "size", "usage")

    def __init__(self) -> None:
        self.conversation_id = ""
        self.usage: Any = None
        self.size = 0  # characters of text and arguments held
        self._order: list[tuple[str, str]] = []
        self._messages: dict[str, dict[str, Any]] = {}
        self._calls: dict[str, dict[str, Any]] = {}
        self._handoffs: dict[str, dict[str, Any]] = {}

    def feed(self, event: Any) -> None:
        _dispatch(self, event, _CONVERSATION_HANDLERS)

    def _started(self, data: Any) -> None:
        self.conversation_id = field_value(data, "conversation_id") or ""

    def _done(self, data: Any) -> None:
        self.usage = field_value(data, "usage")

    def _error(self, data: Any) -> None:
        raise APIError(
            f"the conversation failed: {field_value(data, 'message')}"
            f" (code {field_value(data, 'code')})",
            body=data,
        )

    def _entry(self, table: dict[str, dict[str, Any]], kind: str, key: str) -> dict[str, Any]:
        entry = table.get(key)
        if entry is None:
            entry = table[key] = {}
            self._order.append((kind, key))
        return entry

    def _keep(self, entry: dict[str, Any], data: Any, names: tuple[str, ...]) -> None:
        for name in names:
            value = field_value(data, name)
            if value is not None:
                entry.setdefault(name, value)

    def _message(self, data: Any) -> None:
        key = field_value(data, "id") or str(field_value(data, "output_index"))
        entry = self._messages.get(key)
        if entry is None:  # the first piece of this message: where it came from
            entry = self._entry(self._messages, "message", key)
            entry["text"] = Text()
            self._keep(entry, data, ("agent_id", "model", "created_at"))
        content = data.content
        text = content if type(content) is str else message_text(content)
        self.size += entry["text"].add(text)

    def _call(self, data: Any) -> None:
        key = field_value(data, "tool_call_id") or field_value(data, "id") or ""
        entry = self._entry(self._calls, "call", key)
        if "arguments" not in entry:
            entry["arguments"] = Text()
        self.size += entry["arguments"].add(field_value(data, "arguments") or "")
        self._keep(entry, data, ("id", "name", "agent_id", "model", "created_at"))
        status = field_value(data, "confirmation_status")
        if status is not None:  # the latest word on it wins
            entry["confirmation_status"] = status

    def _handoff(self, data: Any) -> None:
        entry = self._entry(self._handoffs, "handoff", field_value(data, "id") or "")
        self._keep(entry, data, ("previous_agent_id", "previous_agent_name", "created_at"))
        for name in ("next_agent_id", "next_agent_name"):
            if field_value(data, name) is not None:
                entry[name] = field_value(data, name)

    def outputs(self) -> list[Any]:
        """The output entries so far, in the order they started."""
        from .models import AgentHandoffEntry, FunctionCallEntry, MessageOutputEntry

        unset = msgspec.UNSET
        out: list[Any] = []
        for kind, key in self._order:
            if kind == "message":
                m = self._messages[key]
                out.append(
                    MessageOutputEntry(
                        id=key,
                        content=str(m["text"]),
                        agent_id=m.get("agent_id", unset),
                        model=m.get("model", unset),
                        created_at=m.get("created_at", unset),
                    )
                )
            elif kind == "call":
                c = self._calls[key]
                out.append(
                    FunctionCallEntry(
                        tool_call_id=key,
                        name=c.get("name", ""),
                        arguments=str(c["arguments"]),
                        confirmation_status=c.get("confirmation_status", unset),
                        id=c.get("id", unset),
                        agent_id=c.get("agent_id", unset),
                        model=c.get("model", unset),
                        created_at=c.get("created_at", unset),
                    )
                )
            else:
                h = self._handoffs[key]
                out.append(
                    AgentHandoffEntry(
                        id=key,
                        previous_agent_id=h.get("previous_agent_id", ""),
                        previous_agent_name=h.get("previous_agent_name", ""),
                        next_agent_id=h.get("next_agent_id", ""),
                        next_agent_name=h.get("next_agent_name", ""),
                        created_at=h.get("created_at", unset),
                    )
                )
        return out

    def result(self) -> models.ConversationResponse:
        """The `ConversationResponse` so far (usage stays unset until the stream's end)."""
        from .models import ConversationResponse, ConversationUsageInfo

        return ConversationResponse(
            conversation_id=self.conversation_id,
            outputs=self.outputs(),
            usage=self.usage or ConversationUsageInfo(),
        )


class TranscriptionAccumulator:
    """Joins the events of a transcription stream into the `TranscriptionResponse` the
    same request without `stream` gives: text deltas, the language, segments, then the
    `transcription.done` event's model, text and usage (which win when it comes)."""

    __slots__ = ("_done", "_language", "_segments", "_text", "size")

    def __init__(self) -> None:
        self._text = Text()
        self._language: str | None = None
        self._segments: list[Any] = []
        self._done: Any = None
        self.size = 0  # characters of text held (the segments' included)

    def feed(self, event: Any) -> None:
        data = event.data
        kind = getattr(data, "type", None)
        if kind == "transcription.text.delta":
            self.size += self._text.add(data.text)
        elif kind == "transcription.language":
            self._language = data.audio_language
        elif kind == "transcription.segment":
            from .models import TranscriptionSegmentChunk

            speaker = field_value(data, "speaker_id")
            self.size += len(data.text)
            self._segments.append(
                TranscriptionSegmentChunk(
                    text=data.text,
                    start=data.start,
                    end=data.end,
                    speaker_id=msgspec.UNSET if speaker is None else speaker,
                )
            )
        elif kind == "transcription.done":
            self._done = data

    def result(self) -> models.TranscriptionResponse:
        """The transcription so far (zero token counts until the done event)."""
        from .models import TranscriptionResponse, UsageInfo

        done = self._done
        if done is not None:
            return TranscriptionResponse(
                model=done.model,
                text=done.text,
                language=done.language,
                segments=done.segments
                if done.segments is not msgspec.UNSET
                else self._segments or msgspec.UNSET,
                usage=done.usage,
            )
        return TranscriptionResponse(
            model="",
            text=str(self._text),
            language=self._language,
            segments=self._segments or msgspec.UNSET,
            usage=UsageInfo(prompt_tokens=0, completion_tokens=0, total_tokens=0),
        )


class ResponsesAccumulator:
    """Rebuilds the answer of a Responses API stream (`responses.stream`): the
    `response` of its last `response.created` / `response.in_progress` event with the
    output items added since, their text and function call arguments joined from the
    deltas; the `response` of its `response.completed` (or `.incomplete`, `.failed`)
    event, which is the whole answer, wins when it comes."""

    __slots__ = ("_arguments", "_final", "_items", "_response", "_texts", "size")

    def __init__(self) -> None:
        self._response: Any = None  # the latest snapshot the stream sent
        self._final: Any = None  # the whole answer, at the end
        self._items: dict[int, dict[str, Any]] = {}  # output index → item (JSON)
        self._texts: dict[tuple[int, int], Text] = {}  # (item, part) → text
        self._arguments: dict[int, Text] = {}  # item → arguments
        self.size = 0  # characters of text and arguments held

    def _set(self, table: dict[Any, Text], key: Any, text: str) -> None:
        """`table[key]` becomes `text` (a whole text replaces the pieces so far)."""
        old = table.get(key)
        table[key] = whole = Text()
        self.size += whole.add(text) - (old.size if old is not None else 0)

    def feed(self, event: Any) -> None:
        _dispatch(self, event, _RESPONSES_HANDLERS)

    def _snapshot(self, data: Any) -> None:
        self._response = data.response

    def _end(self, data: Any) -> None:
        self._final = data.response

    def _item(self, data: Any) -> None:
        index = data.output_index
        self._items[index] = msgspec.to_builtins(data.item)
        if field_value(data.item, "type") == "function_call":
            self._set(self._arguments, index, field_value(data.item, "arguments") or "")
        for part, content in enumerate(self._items[index].get("content") or ()):
            if isinstance(content, dict) and isinstance(content.get("text"), str):
                self._set(self._texts, (index, part), content["text"])

    def _part(self, data: Any) -> None:
        item = self._items.setdefault(data.output_index, {})
        parts = item.setdefault("content", [])
        part = msgspec.to_builtins(data.part)
        while len(parts) <= data.content_index:
            parts.append(None)
        parts[data.content_index] = part
        if isinstance(part.get("text"), str):
            self._set(self._texts, (data.output_index, data.content_index), part["text"])

    def _text_delta(self, data: Any) -> None:
        text = self._texts.setdefault((data.output_index, data.content_index), Text())
        self.size += text.add(data.delta)

    def _text_done(self, data: Any) -> None:
        self._set(self._texts, (data.output_index, data.content_index), data.text)

    def _arguments_delta(self, data: Any) -> None:
        self.size += self._arguments.setdefault(data.output_index, Text()).add(data.delta)

    def _arguments_done(self, data: Any) -> None:
        self._set(self._arguments, data.output_index, data.arguments)

    def output(self) -> list[dict[str, Any]]:
        """The output items so far (JSON), in their order, the pieces joined."""
        out = []
        for index, item in sorted(self._items.items()):
            item = dict(item)
            if index in self._arguments:
                item["arguments"] = str(self._arguments[index])
            parts = item.get("content")
            if isinstance(parts, list):
                parts = [dict(p) if isinstance(p, dict) else p for p in parts]
                for number, part in enumerate(parts):
                    text = self._texts.get((index, number))
                    if isinstance(part, dict) and text is not None:
                        part["text"] = str(text)
                item["content"] = [p for p in parts if p is not None]
            out.append(item)
        return out

    def result(self) -> models.CreateResponseResponse:
        """The whole answer once the stream ended, else the answer so far (the last
        snapshot, or an empty one, with the items received)."""
        if self._final is not None:
            return cast("models.CreateResponseResponse", self._final)
        from . import models
        from ._codec import decode

        head: dict[str, Any] = (
            msgspec.to_builtins(self._response)
            if self._response is not None
            else {"id": "", "created_at": 0, "model": "", "parallel_tool_calls": True}
        )
        head.setdefault("tool_choice", "auto")
        head.setdefault("tools", [])
        head["output"] = self.output()
        return decode(msgspec.json.encode(head), models.CreateResponseResponse)


_RESPONSES_HANDLERS: dict[str, Callable[[ResponsesAccumulator, Any], None]] = {
    "response.created": ResponsesAccumulator._snapshot,
    "response.in_progress": ResponsesAccumulator._snapshot,
    "response.completed": ResponsesAccumulator._end,
    "response.incomplete": ResponsesAccumulator._end,
    "response.failed": ResponsesAccumulator._end,
    "response.output_item.added": ResponsesAccumulator._item,
    "response.output_item.done": ResponsesAccumulator._item,
    "response.content_part.added": ResponsesAccumulator._part,
    "response.content_part.done": ResponsesAccumulator._part,
    "response.output_text.delta": ResponsesAccumulator._text_delta,
    "response.output_text.done": ResponsesAccumulator._text_done,
    "response.reasoning_text.delta": ResponsesAccumulator._text_delta,
    "response.reasoning_text.done": ResponsesAccumulator._text_done,
    "response.function_call_arguments.delta": ResponsesAccumulator._arguments_delta,
    "response.function_call_arguments.done": ResponsesAccumulator._arguments_done,
}


_CONVERSATION_HANDLERS: dict[str, Callable[[ConversationAccumulator, Any], None]] = {
    "conversation.response.started": ConversationAccumulator._started,
    "conversation.response.done": ConversationAccumulator._done,
    "conversation.response.error": ConversationAccumulator._error,
    "message.output.delta": ConversationAccumulator._message,
    "function.call.delta": ConversationAccumulator._call,
    "agent.handoff.started": ConversationAccumulator._handoff,
    "agent.handoff.done": ConversationAccumulator._handoff,
}

# Event type name → accumulator: by name, so that a stream never imports the models.
Accumulator = (
    ChatAccumulator | ConversationAccumulator | TranscriptionAccumulator | ResponsesAccumulator
)
_ACCUMULATORS: dict[str, Callable[[], Accumulator]] = {
    "CompletionEvent": ChatAccumulator,
    "ConversationEvents": ConversationAccumulator,
    "TranscriptionStreamEvents": TranscriptionAccumulator,
    "ResponsesStreamFrame": ResponsesAccumulator,
}


def _joined(arguments: Any) -> Any:
    """A tool call's arguments: the joined text, or the whole object the API sent."""
    return str(arguments) if isinstance(arguments, Text) else arguments


def accumulator_for(type_: Any) -> Accumulator | None:
    """A new accumulator for a stream of `type_` events, or None when it has none."""
    factory = _ACCUMULATORS.get(getattr(type_, "__name__", ""))
    return factory() if factory is not None else None
