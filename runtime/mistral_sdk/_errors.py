"""The exception hierarchy (GUIDE §1) and the factory that maps a response to it.

MistralError
├── APIError                      message, request, body
│   ├── APIConnectionError
│   │   └── APITimeoutError
│   ├── APIStatusError            status_code, body, response, request_id
│   │   ├── BadRequestError           400
│   │   ├── AuthenticationError       401
│   │   ├── PermissionDeniedError     403
│   │   ├── NotFoundError             404
│   │   ├── ConflictError             409
│   │   ├── UnprocessableEntityError  422 (.detail)
│   │   ├── RateLimitError            429
│   │   └── InternalServerError       >= 500
│   └── APIResponseValidationError    a 2xx body that does not decode
└── RequestValidationError (also a ValueError)  bad input, nothing sent
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import httpx2
import msgspec

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CancelledFlag",
    "ConflictError",
    "ErrorInfo",
    "IncompleteStreamError",
    "InternalServerError",
    "MistralError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "UnprocessableEntityError",
    "make_status_error",
    "parse_error_body",
    "redact_secret",
]

# Long bodies (an HTML error page from a proxy, say) are cut in messages;
# the full body stays available on `.body`.
_MAX_MESSAGE = 1000

_REQUEST_ID_HEADERS = ("x-request-id", "mistral-correlation-id", "request-id")


class MistralError(Exception):
    """Base class of every exception raised by this SDK."""


class APIError(MistralError):
    """A request was attempted and did not produce a usable answer."""

    message: str
    request: httpx2.Request | None
    body: object
    default_message = "API error."  # the message of a subclass raised without one

    def __init__(
        self,
        message: str | None = None,
        *,
        request: httpx2.Request | None = None,
        body: object = None,
    ) -> None:
        message = self.default_message if message is None else message
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke."""

    default_message = "Connection error."


class IncompleteStreamError(APIConnectionError):
    """A stream ended before the event that ends it (`[DONE]`, the response's
    done event, the end of the workflow run): the connection was cut.

    `.received` is how many events arrived before the cut; `.events` holds the
    last of them, typed, in order (up to 16 KiB of their text, so that a long
    stream does not keep everything it delivered; all of them when the stream's
    `keep_events()` was called); `.partial` is the text of an event that was cut
    half-way ("" when none was).
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx2.Request | None = None,
        events: list[Any] | None = None,
        received: int | None = None,
        partial: str = "",
    ) -> None:
        super().__init__(message, request=request)
        self.events: list[Any] = events if events is not None else []
        self.received: int = len(self.events) if received is None else received
        self.partial = partial


class APIStreamError(APIError):
    """The server reported an error inside a stream (an error event).

    `.event` is the typed event when the stream's schema has one (for example a
    `models.ConversationEvents` whose `data` is a `ResponseErrorEvent`), else None;
    `.body` the error as received; `.code` the server's error code, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx2.Request | None = None,
        body: object = None,
        event: Any = None,
        code: object = None,
    ) -> None:
        super().__init__(message, request=request, body=body)
        self.event = event
        self.code = code


def body_error(exc: httpx2.RequestError, request: httpx2.Request) -> APIError:
    """The error for a response body that broke off while being read (`exc`, httpx2's):
    a timeout, a cut connection, or a content-encoding that does not decode."""
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(request=request)
    if isinstance(exc, httpx2.TransportError):
        return APIConnectionError(
            f"Connection error while reading the body: {exc}", request=request
        )
    return APIError(f"{type(exc).__name__}: {exc}", request=request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    default_message = "Request timed out."


class APIStatusError(APIError):
    """The server answered with a non-2xx status.

    `str(exc)` names the status, the method and the URL path (never the query, which
    may hold secrets) and what the server said. `.message`, `.type`, `.code` and
    `.param` are the server's own words, read from whichever error shape it used
    (`ErrorInfo`); None (`.message`: "") when it did not say.
    """

    status_code: int
    response: httpx2.Response
    request_id: str | None
    type: str | None
    code: object
    param: str | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response,
        body: object,
        info: ErrorInfo | None = None,
    ) -> None:
        super().__init__(message, request=response.request, body=body)
        info = info if info is not None else parse_error_body(body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = request_id_of(response.headers)
        self.message = info.message
        self.type = info.type
        self.code = info.code
        self.param = info.param
        self.info = info


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    """422: the server rejected the request body; `.detail` lists what and where."""

    @functools.cached_property
    def detail(self) -> list[Any]:
        return self.info.detail_items()


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


class APIResponseValidationError(APIError):
    """A 2xx body that does not decode into the expected type.

    `.body` keeps the raw body (bytes, or str for an SSE event) for inspection;
    the message carries the decoder's explanation, including the JSON path.
    """

    response: httpx2.Response
    status_code: int

    def __init__(self, message: str, *, response: httpx2.Response, body: bytes | str) -> None:
        super().__init__(message, request=response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class RequestValidationError(MistralError, ValueError):
    """Bad input detected before anything was sent. `.field` names the culprit."""

    field: str | None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id the server assigned, for support tickets and logs."""
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def decode_error_body(response: httpx2.Response) -> object:
    """The (already read) error body as JSON when it is JSON, else as text."""
    try:
        content = response.content
    except httpx2.ResponseNotRead:  # the connection broke while reading it
        return None
    if not content:
        return None
    try:
        return msgspec.json.decode(content)
    except msgspec.DecodeError:
        return response.text


def make_status_error(
    response: httpx2.Response, *, redact: str | Iterable[str] | None = None
) -> APIStatusError:
    """Build the exception for a non-2xx response whose body has been read: the one
    factory every non-2xx answer goes through.

    `redact` is a secret (the API key), or the recent ones of a rotating
    credential, to scrub from the message, in case a server or proxy echoes it back.
    """
    body = decode_error_body(response)
    status = response.status_code
    cls = _STATUS_CLASSES.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    html = isinstance(body, str) and _is_html(response, body)
    info = parse_error_body(_html_summary(body) if html and isinstance(body, str) else body)
    message = _format_message(response, info.message)
    for secret in (redact,) if isinstance(redact, str) else redact or ():
        message = redact_secret(message, secret)
        info.message = redact_secret(info.message, secret)
    return cls(message, response=response, body=body, info=info)


def redact_secret(text: str, secret: str) -> str:
    """`text` with each occurrence of `secret` as a whole token replaced by `***`.

    A token is a run of letters, digits, `-` and `_` (what API keys are made of), so a
    short key such as "k" never turns `/v1/workflows` into `/v1/wor***flows`."""
    if not secret or secret not in text:
        return text
    pattern = rf"(?<![A-Za-z0-9_\-]){re.escape(secret)}(?![A-Za-z0-9_\-])"
    return re.sub(pattern, "***", text)


def _format_message(response: httpx2.Response, server: str) -> str:
    head = f"{response.status_code} {response.reason_phrase}".rstrip()
    try:
        request = response.request
    except RuntimeError:  # a response built by hand, without its request
        pass
    else:
        head += f" from {request.method} {request.url.path}"  # never the query
    text = f"{head}: {server}" if server else head
    request_id = request_id_of(response.headers)
    if request_id:
        text += f" (request id: {request_id})"
    return text


class ErrorInfo:
    """What a server said about an error, whatever the shape of its body.

    Shapes read (one function, `parse_error_body`, for all of them):

    - `{"object": "error", "message": ..., "type": ..., "param": ..., "code": ...}`
    - `{"detail": [{"loc": [...], "msg": ..., "type": ...}, ...]}` (validation)
    - a `message` that itself holds `{"detail": [...]}` (as an object, or as JSON text)
    - `{"detail": "..."}`, `{"message": "..."}`, `{"error": "..."}`,
      `{"error": {"message": ..., "type": ..., "code": ...}}`
    - plain text, or the summary of an HTML page from a proxy
    """

    __slots__ = ("code", "detail", "message", "param", "type")

    def __init__(
        self,
        message: str = "",
        *,
        type: str | None = None,
        code: object = None,
        param: str | None = None,
        detail: list[Any] | None = None,
    ) -> None:
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.detail = detail  # validation items, when the server listed them

    def detail_items(self) -> list[Any]:
        """The validation items; one built from the message when the server gave none."""
        if self.detail is not None:
            return self.detail
        if not self.message:
            return []
        item: dict[str, Any] = {"loc": [self.param] if self.param else [], "msg": self.message}
        if self.type:
            item["type"] = self.type
        return [item]

    def __repr__(self) -> str:
        return (
            f"ErrorInfo(message={self.message!r}, type={self.type!r}, code={self.code!r}, "
            f"param={self.param!r}, detail={self.detail!r})"
        )


def parse_error_body(body: object) -> ErrorInfo:
    """Read an error body (decoded JSON, or text) into an `ErrorInfo`."""
    if body is None or body == "":
        return ErrorInfo()
    if isinstance(body, str):
        inner = _json_object(body)
        return parse_error_body(inner) if inner is not None else ErrorInfo(_truncate(body.strip()))
    if not isinstance(body, dict):
        return ErrorInfo(_truncate(_compact_json(body)))
    nested = body.get("error")
    if isinstance(nested, dict):  # {"error": {"message": ..., "type": ..., "code": ...}}
        merged = {k: v for k, v in body.items() if k != "error"}
        merged.update(nested)
        return parse_error_body(merged)
    info = ErrorInfo(
        type=_text_or_none(body.get("type")),
        code=body.get("code"),
        param=_text_or_none(body.get("param")),
    )
    for key in ("message", "detail", "error", "msg"):
        value = body.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            inner = _json_object(value)  # a message that is itself a JSON error body
            if inner is not None:
                value = inner
        if isinstance(value, list):
            info.detail = value
            info.message = _truncate(_format_detail(value))
        elif isinstance(value, dict):
            sub = parse_error_body(value)
            info.message = sub.message
            info.detail = sub.detail
            info.type = info.type or sub.type
            info.code = info.code if info.code is not None else sub.code
            info.param = info.param or sub.param
        else:
            info.message = _truncate(str(value))
        break
    else:
        info.message = _truncate(_compact_json(body))
    if info.detail is None and isinstance(body.get("detail"), list):
        info.detail = body["detail"]  # a message and a list of validation items
    return info


def _json_object(text: str) -> dict[str, Any] | None:
    """`text` decoded when it is a JSON object, else None."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        value = msgspec.json.decode(stripped)
    except msgspec.DecodeError:
        return None
    return value if isinstance(value, dict) else None


def _text_or_none(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else _compact_json(value)


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _is_html(response: httpx2.Response, body: str) -> bool:
    ctype = response.headers.get("content-type", "")
    return "html" in ctype.lower() or body.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def _html_summary(body: str) -> str:
    """An HTML error page (from a proxy or load balancer, not the API): its
    title rather than its markup. The page itself stays on `.body`."""
    match = _TITLE.search(body[:65536])
    title = " ".join(_TAG.sub("", match.group(1)).split()) if match else ""
    return _truncate(f"HTML error page: {title}" if title else "HTML error page")


def server_message(body: object) -> str:
    """Pick the human part of an error body; servers disagree on where it lives."""
    return parse_error_body(body).message


def _format_detail(detail: list[Any]) -> str:
    """Render FastAPI-style validation errors: `body.messages[0].role: field required`."""
    parts = []
    for item in detail:
        if isinstance(item, dict):
            loc = _format_loc(item.get("loc"))
            msg = item.get("msg", "")
            parts.append(f"{loc}: {msg}" if loc else str(msg))
        else:
            parts.append(str(item))
    return "; ".join(parts)


def _format_loc(loc: object) -> str:
    if not isinstance(loc, list):
        return "" if loc is None else str(loc)
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _compact_json(value: object) -> str:
    try:
        return msgspec.json.encode(value).decode()
    except (TypeError, msgspec.EncodeError):
        return repr(value)


def _truncate(text: str) -> str:
    if len(text) <= _MAX_MESSAGE:
        return text
    return text[: _MAX_MESSAGE - 1] + "…"


class CancelledFlag:
    """`.timeout` and `.cancelled` of a wait that ran out of time: how long it waited and
    whether it asked to cancel what it waited for. The SDK spells it as Python does
    (asyncio's `cancelled()`); `.canceled` and the `canceled=` argument are the old
    spelling, deprecated."""

    timeout: float
    cancelled: bool

    def _ran_out(
        self,
        what: str,
        timeout: float,
        detail: str,
        left_running: str,
        *,
        cancelled: bool,
        canceled: bool | None,
    ) -> str:
        """Set `.timeout` and `.cancelled` (from `cancelled`, or the deprecated `canceled`
        when given); the message: `what` did not end within `timeout`, `detail` (`" (...)"`
        or empty), and what became of it (`left_running` unless cancelled)."""
        if canceled is not None:
            _warn_canceled()  # stacklevel 3: the subclass's __init__, as before
            cancelled = canceled
        self.timeout = timeout
        self.cancelled = cancelled
        action = "cancellation was requested" if cancelled else left_running
        return f"{what} within {timeout:g} s{detail}; {action}"

    @property
    def canceled(self) -> bool:
        """Deprecated: `.cancelled`."""
        _warn_canceled()
        return self.cancelled


def _warn_canceled() -> None:
    import warnings

    warnings.warn(
        "`canceled` is deprecated: use `cancelled` (the SDK spells it as asyncio does)",
        DeprecationWarning,
        stacklevel=3,
    )
