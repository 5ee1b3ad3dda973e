"""`Model`, the base of every generated model, and the typed text conveniences a few
models add (the generator's overlay, `spec/overlay.yaml` `schemas.<name>.base`, says which).

Every model is a msgspec Struct; `Model` adds what a user reaches for first:

- `repr()` shows the fields that are set (a field still at its default, such as an
  optional field the server did not send, is left out), instead of a wall of `UNSET`;
- `to_dict()`: JSON-ready builtins (dicts, lists, str, int, float, bool, None;
  datetimes as ISO 8601 text), fields that were never set left out, `Unknown` variants
  as received; the wire names are used (`to_dict()` of a decoded model round-trips);
- `to_json(indent=0)`: the same as JSON *text* (`str`); `mistral_sdk.encode(obj)` gives
  the bytes the client sends;
- `Model.from_dict(data)` / `Model.from_json(text)`: the way back (for a union, which
  is not a class: `mistral_sdk.from_dict(data, models.Union)` / `mistral_sdk.decode`);
- `_request_id`: the id the server gave the request a decoded model answered (kept
  beside the model by `_request_ids`, not a field: none of the above shows it);
  `mistral_sdk.request_id(model)` reads it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from ._codec import decode, encode, from_dict
from ._request_ids import request_id_for

__all__ = ["HasText", "Model", "OutputText"]

M = TypeVar("M", bound="Model")


def _enc_hook(obj: Any) -> Any:
    raw = getattr(obj, "raw", _MISSING)  # an `Unknown` variant: its JSON as received
    if raw is not _MISSING:
        return raw
    raise NotImplementedError(f"cannot convert objects of type {type(obj).__name__}")


_MISSING = object()


class Model(msgspec.Struct, kw_only=True, repr_omit_defaults=True):
    """Base class of every generated model (a msgspec Struct)."""

    @property
    def _request_id(self) -> str | None:
        """The id the server gave the request this model answered (`x-request-id`), for
        support tickets and logs; None for a model not received from the API."""
        return request_id_for(self)

    def to_dict(self) -> dict[str, Any]:
        """This model as JSON-ready builtins, keyed by wire name; unset fields left out."""
        out: dict[str, Any] = msgspec.to_builtins(self, enc_hook=_enc_hook)
        return out

    def to_json(self, *, indent: int = 0) -> str:
        """This model as JSON text (`str`; `mistral_sdk.encode(model)` gives bytes).
        `indent` > 0 pretty-prints."""
        data = encode(self)
        if indent:
            data = msgspec.json.format(data, indent=indent)
        return data.decode()

    @classmethod
    def from_dict(cls: type[M], data: Any) -> M:
        """The model `data` describes: what `to_dict()` gives, or any JSON-like dict
        (read as a response is: unknown union variants kept as `Unknown`, undeclared
        fields skipped). Raises `msgspec.ValidationError` naming the field."""
        return from_dict(data, cls)

    @classmethod
    def from_json(cls: type[M], data: str | bytes) -> M:
        """The model the JSON text `data` describes (what `to_json()` gives); like
        `mistral_sdk.decode(data, cls)`."""
        return decode(data, cls)


def _text(content: Any) -> str:
    from ._accumulate import message_text

    return "" if content is None or content is msgspec.UNSET else message_text(content)


class HasText(Model, kw_only=True):
    """A message (or message delta) whose `content` is text, chunks, or absent."""

    @property
    def text(self) -> str:
        """The text of `content`: the string itself, or its text chunks joined; "" when
        there is none (no content, or only non-text chunks)."""
        return _text(getattr(self, "content", None))


class OutputText(Model, kw_only=True):
    """A response (or stream chunk) whose answer is spread over choices or outputs."""

    @property
    def output_text(self) -> str:
        """The answer's text: of the first choice's message (or delta) for chat
        completions and their chunks, of every message output for conversations and
        for the Responses API."""
        output = getattr(self, "output", None)  # the Responses API's items
        if output is not None:
            return "".join(
                _text(getattr(item, "content", None))
                for item in output
                if getattr(item, "type", None) == "message"
            )
        choices = getattr(self, "choices", None)
        if choices is not None:
            if not choices:
                return ""
            first = choices[0]
            message = getattr(first, "message", None)
            if message is None or message is msgspec.UNSET:
                message = getattr(first, "delta", None)
            return _text(getattr(message, "content", None))
        return "".join(
            _text(getattr(entry, "content", None))
            for entry in getattr(self, "outputs", ())
            if getattr(entry, "type", None) == "message.output"
        )
