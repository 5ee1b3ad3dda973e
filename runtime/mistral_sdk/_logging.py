"""The `mistral_sdk` logger: what the client logs, and `MISTRAL_LOG` to turn it on.

- INFO: one line per HTTP answer (method, URL, status, request id, time to the
  response headers) and each retry decision (why, the wait, which retry).
- DEBUG: also each attempt as it is sent.
- Bodies go to the child logger `mistral_sdk.bodies`, at DEBUG, and only when asked
  for explicitly: `MISTRAL_LOG_BODIES=1`, or
  `logging.getLogger("mistral_sdk.bodies").setLevel(logging.DEBUG)`. Turning the
  root logger to DEBUG does not log bodies (prompts are data, not diagnostics).
- Headers are never logged, so neither is the API key.

`MISTRAL_LOG=debug|info` (read at the first client construction) attaches a stderr
handler to `mistral_sdk` at that level, for use without touching logging config.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import warnings

import httpx2

from ._errors import request_id_of

__all__ = ["BODY_LOG", "LOG", "log_request", "log_response", "setup_from_env"]

LOG = logging.getLogger("mistral_sdk")
BODY_LOG = logging.getLogger("mistral_sdk.bodies")
LOG_ENV = "MISTRAL_LOG"
BODIES_ENV = "MISTRAL_LOG_BODIES"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_SENT_AT = "mistral_sdk.sent_at"  # request extension: when the attempt went out
_BODY_LIMIT = 10_000  # characters of a body written to the log


def setup_from_env() -> None:
    """Apply `MISTRAL_LOG` and `MISTRAL_LOG_BODIES` (once per process)."""
    # Bodies stay off unless asked for, even when an ancestor logger is at DEBUG;
    # a level the application set itself is left alone.
    if BODY_LOG.level == logging.NOTSET:
        BODY_LOG.setLevel(logging.WARNING)
    if os.environ.get(BODIES_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        BODY_LOG.setLevel(logging.DEBUG)
    value = os.environ.get(LOG_ENV, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{LOG_ENV}={value!r} is not one of {sorted(_LEVELS)}; logging stays off",
            stacklevel=4,
        )
        return
    if not any(getattr(h, "_mistral_sdk", False) for h in LOG.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._mistral_sdk = True  # type: ignore[attr-defined]  # ours: added once
        LOG.addHandler(handler)
    LOG.setLevel(level)


def log_request(request: httpx2.Request, attempt: int) -> None:
    """An attempt is about to be sent (call only when INFO is enabled)."""
    request.extensions[_SENT_AT] = time.perf_counter()
    if LOG.isEnabledFor(logging.DEBUG):
        retry = f" (retry {attempt})" if attempt else ""
        LOG.debug("HTTP %s %s%s", request.method, request.url, retry)
    if BODY_LOG.isEnabledFor(logging.DEBUG):
        BODY_LOG.debug("request body %s %s: %s", request.method, request.url, _body(request))


def log_response(request: httpx2.Request, response: httpx2.Response) -> None:
    """An HTTP answer arrived (call only when INFO is enabled)."""
    sent_at = request.extensions.get(_SENT_AT)
    took = f", {(time.perf_counter() - sent_at) * 1e3:.1f} ms" if sent_at is not None else ""
    request_id = request_id_of(response.headers)
    LOG.info(
        "HTTP %s %s -> %d %s (request id %s%s)",
        request.method,
        request.url,
        response.status_code,
        response.reason_phrase,
        request_id or "none",
        took,
    )
    if BODY_LOG.isEnabledFor(logging.DEBUG):
        BODY_LOG.debug("response body %s %s: %s", request.method, request.url, _body(response))


def _body(message: httpx2.Request | httpx2.Response) -> str:
    try:
        content = message.content
    except (httpx2.RequestNotRead, httpx2.ResponseNotRead):
        return "(streamed, not logged)"
    if not content:
        return "(empty)"
    content_type = message.headers.get("content-type", "")
    if "json" not in content_type and not content_type.startswith("text/"):
        return f"({len(content)} bytes of {content_type or 'unknown type'})"
    text = content.decode("utf-8", "replace")
    if len(text) > _BODY_LIMIT:
        text = f"{text[:_BODY_LIMIT]}... ({len(text)} characters)"
    return text
