"""Structured outputs: `client.chat.parse(..., response_format=MyType)`.

The type (a msgspec Struct, a dataclass, or any type msgspec can describe) becomes a
strict `json_schema` response format; the reply is decoded into it. A reply that is
not valid JSON of that type raises `OutputValidationError` carrying the raw text.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import msgspec

from ._closing import AsyncClosing, Closing
from ._errors import MistralError
from ._schema import json_schema
from ._types import twin_doc

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from . import models, params
    from ._streaming import AsyncStream, Stream
    from .resources.chat import AsyncChat, Chat

__all__ = [
    "AsyncChatHelpers",
    "AsyncParsedChatStream",
    "ChatHelpers",
    "ParsedChatStream",
    "OutputValidationError",
    "ParsedChatCompletion",
    "decode_output",
    "response_format_for",
]

T = TypeVar("T")


class OutputValidationError(MistralError, ValueError):
    """A model's output does not match the type it was asked for.

    `.raw` is the text as received, `.type` the expected type.
    """

    def __init__(self, message: str, *, raw: str | None, type: Any) -> None:
        super().__init__(message)
        self.raw = raw
        self.type = type


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


def response_format_for(tp: Any, *, name: str | None = None) -> params.ResponseFormatParam:
    """The strict `json_schema` response format asking the model for a `tp`."""
    schema = json_schema(tp, strict=True)
    schema_name = name or re.sub(r"[^A-Za-z0-9_-]", "_", _type_name(tp))[:64]
    json_schema_entry: params.JsonSchemaParam = {
        "name": schema_name,
        "schema": schema,
        "strict": True,
    }
    description = schema.get("description")
    if description:
        json_schema_entry["description"] = description
    return {"type": "json_schema", "json_schema": json_schema_entry}


def decode_output(raw: str | None, tp: type[T], *, finish_reason: str | None = None) -> T:
    """`raw` decoded as a `tp`, or `OutputValidationError` saying why not."""
    if raw is None or not raw.strip():
        raise OutputValidationError(
            f"the model returned no content to parse as {_type_name(tp)}"
            f" (finish_reason={finish_reason!r})",
            raw=raw,
            type=tp,
        )
    try:
        return msgspec.json.decode(raw, type=tp)
    except msgspec.MsgspecError as exc:
        hint = (
            " (the reply was cut off: finish_reason='length')" if finish_reason == "length" else ""
        )
        shown = raw if len(raw) <= 500 else raw[:500] + "…"
        raise OutputValidationError(
            f"the model's reply does not match {_type_name(tp)}: {exc}{hint}; raw text: {shown}",
            raw=raw,
            type=tp,
        ) from None


def _message_text(content: Any) -> str | None:
    if content is None or content is msgspec.UNSET or isinstance(content, str):
        return None if content is msgspec.UNSET else content
    parts = [getattr(chunk, "text", None) for chunk in content]
    return "".join(p for p in parts if isinstance(p, str))


class ParsedChatCompletion(Generic[T]):
    """The parsed object (`.parsed`) alongside the full `.response`."""

    __slots__ = ("parsed", "response", "text")

    def __init__(self, parsed: T, response: models.ChatCompletionResponse, text: str) -> None:
        self.parsed = parsed
        self.response = response
        self.text = text

    def __repr__(self) -> str:
        return f"ParsedChatCompletion(parsed={self.parsed!r})"


def _parse_response(
    response: models.ChatCompletionResponse, tp: type[T]
) -> ParsedChatCompletion[T]:
    if not response.choices:
        raise OutputValidationError("the response has no choices to parse", raw=None, type=tp)
    choice = response.choices[0]
    message = choice.message
    text = None if message is msgspec.UNSET else _message_text(message.content)
    finish = choice.finish_reason if isinstance(choice.finish_reason, str) else None
    parsed = decode_output(text, tp, finish_reason=finish)
    return ParsedChatCompletion(parsed, response, text or "")


def _check_kwargs(kwargs: Mapping[str, object]) -> None:
    if kwargs.get("stream"):
        raise TypeError("chat.parse does not stream; use chat.parse_stream")


def _delta_text(event: models.CompletionEvent) -> str:
    """The text an event adds to the first choice ("" for usage or tool call chunks)."""
    for choice in event.data.choices:
        if choice.index == 0:
            return choice.delta.text
    return ""


class _ParsedStreamBase(Generic[T]):
    __slots__ = ("_type", "stream")

    def __init__(self, stream: Any, tp: type[T]) -> None:
        self.stream = stream  # the underlying `Stream[CompletionEvent]`
        self._type = tp

    def _parsed(self) -> ParsedChatCompletion[T]:
        return _parse_response(self.stream.snapshot(), self._type)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {_type_name(self._type)}>"


class ParsedChatStream(Closing, _ParsedStreamBase[T]):
    """What `chat.parse_stream` returns: iterate for the reply's text as it arrives;
    `final()` reads the rest and gives the `ParsedChatCompletion[T]`. A context manager
    (the connection is released on exit), like every stream."""

    stream: Stream[models.CompletionEvent]

    def __iter__(self) -> Iterator[str]:
        for event in self.stream:
            text = _delta_text(event)
            if text:
                yield text

    def final(self) -> ParsedChatCompletion[T]:
        """The whole reply parsed as `T` (`OutputValidationError` when it does not match)."""
        self.stream.final()
        return self._parsed()

    def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        self.stream.close()


class AsyncParsedChatStream(AsyncClosing, _ParsedStreamBase[T]):
    """The async twin of `ParsedChatStream`: `async for`, `await final()`."""

    stream: AsyncStream[models.CompletionEvent]

    async def __aiter__(self) -> AsyncIterator[str]:
        async for event in self.stream:
            text = _delta_text(event)
            if text:
                yield text

    async def final(self) -> ParsedChatCompletion[T]:
        """The whole reply parsed as `T` (`OutputValidationError` when it does not match)."""
        await self.stream.final()
        return self._parsed()

    async def close(self) -> None:
        """Stop the stream and release the connection (idempotent)."""
        await self.stream.close()


class ChatHelpers:
    """Hand-written additions to `client.chat`."""

    __slots__ = ()

    def parse(
        self, *, response_format: type[T], **kwargs: Unpack[params.ChatParseArguments]
    ) -> ParsedChatCompletion[T]:
        """`chat.complete` asking for a `response_format` type, and its reply parsed into it.

        Raises `OutputValidationError` (with `.raw`) when the reply does not match.

        Args:
            response_format: a msgspec Struct, a dataclass, or another type msgspec can
                describe; sent as a strict JSON schema.
            **kwargs: `chat.complete`'s arguments (`model`, `messages`, ...).
        """
        _check_kwargs(kwargs)
        chat = cast("Chat", self)
        response = chat.complete(response_format=response_format_for(response_format), **kwargs)
        return _parse_response(response, response_format)

    def parse_stream(
        self, *, response_format: type[T], **kwargs: Unpack[params.ChatParseArguments]
    ) -> ParsedChatStream[T]:
        """`chat.stream` asking for a `response_format` type: iterate for the text as it
        arrives, then `final()` for the reply parsed into the type.

        Args:
            response_format: as for `parse`.
            **kwargs: `chat.stream`'s arguments (`model`, `messages`, ...).

        ```python
        with client.chat.parse_stream(model=..., messages=..., response_format=Book) as s:
            for text in s:
                print(text, end="")
            book = s.final().parsed
        ```
        """
        _check_kwargs(kwargs)
        chat = cast("Chat", self)
        stream = chat.stream(response_format=response_format_for(response_format), **kwargs)
        return ParsedChatStream(stream, response_format)


class AsyncChatHelpers:
    """Hand-written additions to `AsyncMistral().chat`."""

    __slots__ = ()

    @twin_doc(ChatHelpers.parse)
    async def parse(
        self, *, response_format: type[T], **kwargs: Unpack[params.ChatParseArguments]
    ) -> ParsedChatCompletion[T]:
        """The async twin of `Mistral().chat.parse`."""
        _check_kwargs(kwargs)
        chat = cast("AsyncChat", self)
        response = await chat.complete(
            response_format=response_format_for(response_format), **kwargs
        )
        return _parse_response(response, response_format)

    @twin_doc(ChatHelpers.parse_stream)
    async def parse_stream(
        self, *, response_format: type[T], **kwargs: Unpack[params.ChatParseArguments]
    ) -> AsyncParsedChatStream[T]:
        """The async twin of `Mistral().chat.parse_stream`
        (`async with await client.chat.parse_stream(...) as s`)."""
        _check_kwargs(kwargs)
        chat = cast("AsyncChat", self)
        stream = await chat.stream(response_format=response_format_for(response_format), **kwargs)
        return AsyncParsedChatStream(stream, response_format)
