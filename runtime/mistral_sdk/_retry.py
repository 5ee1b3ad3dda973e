"""Retry policy: which failures to retry and how long to wait. Pure, no I/O.

The transport loops in `_client.py` ask `should_retry` after each failed
attempt and sleep `retry_delay` seconds (through an injectable sleep function).
"""

from __future__ import annotations

import email.utils
import random as _random
import time
from collections.abc import Callable, Mapping

__all__ = [
    "INITIAL_DELAY",
    "MAX_DELAY",
    "MAX_RETRY_AFTER",
    "retry_delay",
    "should_retry",
]

INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
# A server asking us to wait longer than this is better answered with an error
# than with a silently hanging call; we fall back to our own backoff instead.
MAX_RETRY_AFTER = 60.0

# 408 request timeout, 409 lock conflict, 429 rate limited: all transient.
_RETRY_STATUSES = frozenset({408, 409, 429})


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    # httpx2.Headers is case-insensitive already; a plain dict may not be.
    if not headers:
        return None
    value = headers.get(name)
    if value is None and not hasattr(headers, "multi_items"):
        lowered = {k.lower(): v for k, v in headers.items()}
        value = lowered.get(name)
    return value


def should_retry(status_code: int | None, headers: Mapping[str, str] | None = None) -> bool:
    """Whether a failed attempt is worth repeating.

    `status_code` is None for a connection error or timeout (always retried).
    The server can override our judgement with `x-should-retry: true|false`.
    """
    override = _header(headers, "x-should-retry")
    if override == "true":
        return True
    if override == "false":
        return False
    if status_code is None:
        return True
    return status_code in _RETRY_STATUSES or status_code >= 500


def _retry_after(headers: Mapping[str, str] | None, now: Callable[[], float]) -> float | None:
    """The server's requested delay in seconds, if any and parseable."""
    value = _header(headers, "retry-after-ms")
    if value is not None:
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    # An HTTP-date: "Wed, 21 Oct 2015 07:28:00 GMT".
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - now()


def retry_delay(
    attempt: int,
    max_retries: int,
    headers: Mapping[str, str] | None = None,
    *,
    random: Callable[[], float] = _random.random,
    now: Callable[[], float] = time.time,
) -> float:
    """Seconds to wait before retry number `attempt` (0-based) of `max_retries`.

    The server's `retry-after-ms` / `retry-after` wins when it is within
    (0, 60] seconds; otherwise exponential backoff 0.5 s * 2**attempt, capped at
    8 s, minus up to 25 % jitter so that clients do not retry in lockstep.
    `random` and `now` are injectable for tests.
    """
    del max_retries  # part of the signature for policies that depend on it
    requested = _retry_after(headers, now)
    if requested is not None and 0 < requested <= MAX_RETRY_AFTER:
        return requested
    delay = min(INITIAL_DELAY * 2.0**attempt, MAX_DELAY)
    return delay * (1 - 0.25 * random())
