"""Opening a realtime WebSocket: the URL, the headers, the timeouts and what a
refused upgrade means. Shared by the blocking and the async connections."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2

from .._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    MistralError,
    make_status_error,
    redact_secret,
)
from .._request import user_agent
from .._retry import retry_delay, should_retry

if TYPE_CHECKING:
    from .._client import BaseClient
    from ._protocol import Kind

__all__ = ["DEFAULT_OPEN_TIMEOUT", "Target", "failure", "require_websockets", "target"]

# Connect, upgrade and wait for `session.created`: bounded, unlike the official
# SDK's default. A caller can pass `open_timeout=` per session.
DEFAULT_OPEN_TIMEOUT = 10.0
# Largest server message accepted (an audio delta of long-form speech is large).
MAX_MESSAGE = 16 * 1024 * 1024
# Messages buffered before the SDK stops reading the socket, so a slow consumer
# holds the server back (TCP backpressure) instead of growing memory.
MAX_QUEUE = 16
# How long closing waits for the server's close frame before dropping the socket
# (a server still pushing audio to a consumer that stopped reading never sends it).
CLOSE_TIMEOUT = 2.0
# How long closing a session whose input has ended waits for its final event (the
# final transcript, the last audio) before the close frame; `close(timeout=...)`.
END_TIMEOUT = 5.0

# The clock of the deadlines above (a test puts a fake one here).
clock = time.monotonic

_SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key"})


def require_websockets() -> None:
    try:
        import websockets  # noqa: F401
    except ImportError:
        raise MistralError(
            "Realtime audio needs the `websockets` package: pip install 'mistral-sdk[realtime]'"
        ) from None


class _RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets logs the handshake's headers at DEBUG: never the key."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if args and isinstance(args[0], str) and args[0].lower() in _SECRET_HEADERS:
            args = (args[0], "***", *args[2:])
        super().log(level, msg, *args, **kwargs)


LOGGER = _RedactingLogger(logging.getLogger("mistral_sdk.realtime"), {})


@dataclass(frozen=True)
class Target:
    """Where and how to connect."""

    url: str  # ws:// or wss://
    headers: dict[str, str]
    secrets: tuple[str, ...]  # to scrub from messages
    safe_url: str  # for errors: no query string


def target(
    client: BaseClient[Any, Any],
    path: str,
    model: str,
    auth: Mapping[str, str],
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, object] | None,
) -> Target:
    """The WebSocket URL (https → wss, http → ws) and headers for a session.

    `auth` is the client's current credential header (`client._auth_headers()`,
    the same precedence as every request: empty when the caller sets one).
    """
    url = httpx2.URL(client.base_url + path)
    scheme = {"https": "wss", "http": "ws"}.get(url.scheme, url.scheme)
    params = {"model": model, **{k: str(v) for k, v in (extra_query or {}).items()}}
    url = url.copy_with(scheme=scheme).copy_merge_params(params)
    headers = dict(auth)
    for name, value in client._custom_headers.items():
        if name.lower() not in ("accept", "content-type", "connection", "upgrade"):
            headers[name] = value
    headers.update(extra_headers or {})
    return Target(
        url=str(url),
        headers=headers,
        secrets=client._credentials.secrets,
        safe_url=str(url.copy_with(query=None)),
    )


def user_agent_header() -> str:
    return user_agent()


def failure(exc: BaseException, where: Target) -> tuple[APIError, bool, Mapping[str, str] | None]:
    """The SDK error for a failed connect, whether to retry it, and the headers that
    may ask for a delay."""
    from websockets.exceptions import InvalidStatus, InvalidURI

    if isinstance(exc, InvalidStatus):
        response = exc.response
        headers = httpx2.Headers(list(response.headers.raw_items()))
        http_response = httpx2.Response(
            response.status_code,
            headers=headers,
            content=bytes(response.body or b""),
            request=httpx2.Request("GET", where.safe_url),
        )
        error: APIError = make_status_error(http_response, redact=where.secrets)
        assert isinstance(error, APIStatusError)
        return error, should_retry(response.status_code, headers), headers
    if isinstance(exc, InvalidURI):
        return APIError(f"realtime: invalid URL {where.safe_url}"), False, None
    if isinstance(exc, TimeoutError):
        from .._errors import APITimeoutError

        return APITimeoutError(f"realtime: timed out connecting to {where.safe_url}"), True, None
    message = f"realtime: cannot connect to {where.safe_url}: {type(exc).__name__}: {exc}"
    for secret in where.secrets:
        message = redact_secret(message, secret)
    return APIConnectionError(message), True, None


def delay(attempt: int, max_retries: int, headers: Mapping[str, str] | None) -> float:
    return retry_delay(attempt, max_retries, headers)


def out_of_time(kind: str, timeout: float, attempts: int, last: APIError) -> APIError:
    """The error when `open_timeout` leaves no time for another attempt."""
    from .._errors import APITimeoutError

    return APITimeoutError(
        f"realtime {kind}: not connected within open_timeout={timeout:g} s"
        f" ({attempts} attempt(s); the last: {last})"
    )


def gave_up_waiting(kind: Kind, timeout: float) -> None:
    """Closing stops waiting for the final event: say so (the session's `done` is False)."""
    LOGGER.warning(
        "realtime %s: no %s within %g s after the end of the input; closing without it",
        kind.name,
        kind.done_event,
        timeout,
    )
