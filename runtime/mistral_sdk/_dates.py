"""Date-times read as the API's peers read them (pydantic, the official SDK's base).

The fast path decodes `date-time` fields with msgspec, which takes RFC 3339 text
(with or without a time zone). A server that sends a date alone or Unix seconds
fails it, and the lenient path (docs/unions.md) reads such a field through
`read_datetime`, pydantic's rule in lax mode:

- text `YYYY-MM-DD[Thh:mm[:ss[.f]][Z|±hh[:]mm]]` (`T` may be a space): a date alone is
  midnight; without a zone the datetime is naive, as the text says nothing more;
- a number, or text that is one: Unix time in seconds, in milliseconds beyond 2e10
  (20 billion seconds is the year 2603), as an aware UTC datetime;
- anything else is an error naming the field (the response keeps its raw body).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

__all__ = ["LenientDateTime", "read_datetime"]

# patterns, compiled (and cached by `re`) on first use: importing costs nothing
_ISO = (
    r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_MILLISECONDS_FROM = 2e10


class _DateTimeMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:  # msgspec checks what the hook returns
        return isinstance(obj, datetime.datetime)


class LenientDateTime(metaclass=_DateTimeMeta):
    """Stands for `datetime` in a lenient twin: the decoder's hook reads the JSON value
    with `read_datetime`."""


def read_datetime(value: Any) -> datetime.datetime:
    """A `date-time` from JSON text or a number, as pydantic reads it; ValueError else."""
    if isinstance(value, str):
        if re.fullmatch(_ISO, value):
            return datetime.datetime.fromisoformat(value.upper().replace(",", "."))
        if not re.fullmatch(_NUMBER, value):
            raise ValueError(
                f"invalid date-time {value!r}: expected RFC 3339 text, a date, or Unix seconds"
            )
        value = float(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > _MILLISECONDS_FROM else value
        try:
            return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"invalid date-time {value!r}: out of range") from None
    raise ValueError(f"invalid date-time: expected text or a number, got {type(value).__name__}")
