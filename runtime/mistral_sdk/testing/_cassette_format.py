"""What a cassette line holds, and back: HTTP exchanges as readable JSON values. Pure, no I/O.

One exchange is one JSON object: `{"request": {...}, "response": {...}}`, or
`{"request": {...}, "error": {...}}` when no response came. A body is written the
way a person reads it: `json` (a JSON value), `text`, `base64` (binary responses),
`multipart` (a request's parts, files summarised by size and digest), `binary` (a
request's opaque bytes, summarised), or `events` (a text/event-stream, one object
per event). Secrets are taken out here, before anything is written (`Redaction`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx2

from .._sse import ServerSentEvent, SSEDecoder

__all__ = [
    "REDACTED",
    "Redaction",
    "Secrets",
    "StreamRecorder",
    "body_value",
    "error_entry",
    "request_entry",
    "response_entry",
    "sse_chunks",
]

REDACTED = "REDACTED"

# Words that make a header or query parameter a credential, whatever the API: the
# key itself (`Authorization`, `x-api-key`, Azure's `api-key`), cookies, signed URLs.
_SECRET_HEADER_WORDS = ("auth", "token", "secret", "api-key", "apikey", "cookie", "password")
_SECRET_QUERY = frozenset(
    {"key", "api_key", "apikey", "token", "access_token", "id_token", "refresh_token",
     "client_secret", "secret", "password", "sig", "signature", "x-amz-signature",
     "x-goog-signature", "x-goog-credential", "x-amz-credential", "x-amz-security-token"}
)  # fmt: skip
# JSON fields whose string value is a credential (`client_secret` of a realtime
# session holds an object: its `value` goes). Not `token`: logprobs use that name.
_SECRET_FIELDS = frozenset(
    {"api_key", "apikey", "access_token", "refresh_token", "id_token", "bearer_token",
     "client_secret", "password"}
)  # fmt: skip
_SECRET_FIELD_PARTS = frozenset({"value", "token", "secret"})
# Noise that changes every run or release, or that describes the wire, not the content.
_DROPPED_REQUEST_HEADERS = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "user-agent", "transfer-encoding"}
)
_DROPPED_RESPONSE_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "date"}
)
# Secrets shorter than this are redacted where they stand (a header, a query value,
# a named field) but not searched for in every string: a short value would match text.
MIN_SCRUB_LENGTH = 6
_TEXT_PART_LIMIT = 2048  # multipart parts up to this size are kept as text


@dataclass(frozen=True)
class Redaction:
    """What never reaches a cassette, on top of the defaults (which cannot be turned off).

    `headers`, `query` and `fields` are names (case-insensitive) whose values are
    replaced by "REDACTED"; `values` are literal strings replaced wherever they occur.
    """

    headers: frozenset[str] = frozenset()
    query: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    values: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        headers: Iterable[str] = (),
        query: Iterable[str] = (),
        fields: Iterable[str] = (),
        values: Iterable[str] = (),
    ) -> Redaction:
        for what, names in (("headers", headers), ("query", query), ("fields", fields)):
            if isinstance(names, str):
                raise TypeError(
                    f"redact_{what}: expected a list of names, got the string {names!r}"
                )
        if isinstance(values, str):
            raise TypeError(f"redact_values: expected a list of strings, got the string {values!r}")
        return cls(
            frozenset(h.lower() for h in headers),
            frozenset(q.lower() for q in query),
            frozenset(f.lower() for f in fields),
            tuple(v for v in values if v),
        )

    def secret_header(self, name: str) -> bool:
        name = name.lower()
        return name in self.headers or any(word in name for word in _SECRET_HEADER_WORDS)

    def secret_query(self, name: str) -> bool:
        name = name.lower()
        return name in self.query or name in _SECRET_QUERY

    def secret_field(self, name: str) -> bool:
        name = name.lower()
        return name in self.fields or name in _SECRET_FIELDS


@dataclass
class Secrets:
    """The secret strings seen so far (the key, tokens, named values): searched for
    and replaced in every string and body, longest first."""

    known: set[str] = field(default_factory=set[str])

    def add(self, value: str) -> None:
        value = value.strip()
        if len(value) >= MIN_SCRUB_LENGTH:
            self.known.add(value)
        scheme, _, credential = value.partition(" ")
        if credential and scheme.isalpha():  # "Bearer <key>": the key alone too
            self.add(credential)

    def scrub(self, text: str) -> str:
        for secret in sorted(self.known, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def scrub_bytes(self, data: bytes) -> bytes:
        for secret in sorted(self.known, key=len, reverse=True):
            raw = secret.encode()
            if raw in data:
                data = data.replace(raw, REDACTED.encode())
        return data


# -- requests ------------------------------------------------------------------


def request_entry(
    request: httpx2.Request, body: bytes, redaction: Redaction, secrets: Secrets
) -> dict[str, Any]:
    """A request as a cassette writes it (and as a replay compares it)."""
    headers = _headers(request.headers, _DROPPED_REQUEST_HEADERS, redaction, secrets)
    url = _url(request.url, redaction, secrets)
    entry: dict[str, Any] = {"method": request.method, "url": url}
    if headers:
        entry["headers"] = headers
    content_type = request.headers.get("content-type", "")
    entry.update(_request_body(secrets.scrub_bytes(body), content_type, redaction, secrets))
    return entry


def _url(url: httpx2.URL, redaction: Redaction, secrets: Secrets) -> str:
    split = urlsplit(str(url))
    pairs = parse_qsl(split.query, keep_blank_values=True)
    for name, value in pairs:
        if redaction.secret_query(name):
            secrets.add(value)
    query = urlencode(
        [(name, REDACTED if redaction.secret_query(name) else value) for name, value in pairs]
    )
    # user:password@ in the URL is a credential too
    netloc = split.netloc.rpartition("@")[2]
    return secrets.scrub(urlunsplit((split.scheme, netloc, split.path, query, split.fragment)))


def _headers(
    headers: httpx2.Headers, dropped: frozenset[str], redaction: Redaction, secrets: Secrets
) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, value in headers.multi_items():
        name = name.lower()
        if name in dropped:
            continue
        if redaction.secret_header(name):
            secrets.add(value)
            value = REDACTED
        # a repeated header is kept as HTTP folds it
        kept[name] = f"{kept[name]}, {value}" if name in kept else value
    return {name: secrets.scrub(value) for name, value in kept.items()}


def _request_body(
    body: bytes, content_type: str, redaction: Redaction, secrets: Secrets
) -> dict[str, Any]:
    if not body:
        return {}
    media = content_type.partition(";")[0].strip().lower()
    if media == "multipart/form-data":
        parts = _multipart(body, content_type)
        if parts is not None:
            return {"multipart": parts}
    elif media == "application/x-www-form-urlencoded":
        text = _utf8(body)
        if text is not None:
            return {
                "form": {
                    k: REDACTED if redaction.secret_field(k) else v
                    for k, v in parse_qsl(text, keep_blank_values=True)
                }
            }
    value = _json(body)
    if value is not _NOT_JSON:
        return {"json": _redact_fields(value, redaction, secrets)}
    text = _utf8(body)
    if text is not None:
        return {"text": text}
    return {"binary": _digest(body)}


def _multipart(body: bytes, content_type: str) -> list[dict[str, Any]] | None:
    """The parts of a multipart/form-data body, in order: plain fields by value, files
    by name, type, size and SHA-256 (small text files also by content). None when the
    body does not parse (then it is kept as an opaque body)."""
    boundary = _param(content_type, "boundary")
    if not boundary:
        return None
    delimiter = b"--" + boundary.encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        return None
    parts: list[dict[str, Any]] = []
    for chunk in chunks[1:-1]:
        head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            return None
        content = content.removesuffix(b"\r\n")
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in head.decode("utf-8", "replace").split("\r\n"))
        }  # fmt: skip
        disposition = headers.get("content-disposition", "")
        part: dict[str, Any] = {"name": _param(disposition, "name")}
        filename = _param(disposition, "filename")
        text = _utf8(content)
        if filename is None and "content-type" not in headers and text is not None:
            part["value"] = text
        else:
            if filename is not None:
                part["filename"] = filename
            if "content-type" in headers:
                part["content_type"] = headers["content-type"]
            part.update(_digest(content))
            if text is not None and len(content) <= _TEXT_PART_LIMIT:
                part["text"] = text
        parts.append(part)
    return parts


def _param(header: str, name: str) -> str | None:
    """A parameter of a header value (`boundary=...`, `filename="..."`)."""
    for item in header.split(";")[1:]:
        key, _, value = item.strip().partition("=")
        if key.lower() == name:
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1].replace('\\"', '"')
            return value
    return None


def _digest(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def body_value(entry: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The kind and value of a recorded request's body, for comparing two requests."""
    for kind in ("json", "multipart", "form", "text", "binary"):
        if kind in entry:
            return kind, entry[kind]
    return None


# -- responses -----------------------------------------------------------------


def response_entry(
    status: int, headers: httpx2.Headers, body: bytes, redaction: Redaction, secrets: Secrets
) -> dict[str, Any]:
    """A complete (not streamed) response as a cassette writes it."""
    entry = _response_head(status, headers, redaction, secrets)
    entry.update(_response_body(secrets.scrub_bytes(body), headers, redaction, secrets))
    return entry


def _response_head(
    status: int, headers: httpx2.Headers, redaction: Redaction, secrets: Secrets
) -> dict[str, Any]:
    entry: dict[str, Any] = {"status": status}
    kept = _headers(headers, _DROPPED_RESPONSE_HEADERS, redaction, secrets)
    if kept:
        entry["headers"] = kept
    return entry


def _response_body(
    body: bytes, headers: httpx2.Headers, redaction: Redaction, secrets: Secrets
) -> dict[str, Any]:
    if not body:
        return {}
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media.endswith("json"):
        value = _json(body)
        if value is not _NOT_JSON:
            return {"json": _redact_fields(value, redaction, secrets)}
    if media.startswith("text/") or media.endswith(("json", "xml")) or not media:
        text = _utf8(body)
        if text is not None:
            return {"text": text}
    return {"base64": base64.b64encode(body).decode("ascii")}


def is_event_stream(headers: httpx2.Headers) -> bool:
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    return media == "text/event-stream"


class StreamRecorder:
    """A text/event-stream response being recorded as the caller reads it: events
    are kept one by one; a cut stream keeps its unfinished tail and its error."""

    def __init__(
        self, status: int, headers: httpx2.Headers, redaction: Redaction, secrets: Secrets
    ) -> None:
        self._redaction = redaction
        self._secrets = secrets
        self._head = _response_head(status, headers, redaction, secrets)
        self._decoder = SSEDecoder()
        self._events: list[dict[str, Any]] = []
        self._last_id: str | None = None
        self._tail = ""
        self._error: dict[str, str] | None = None
        self.ended = False

    def feed(self, chunk: bytes) -> None:
        self._add(self._decoder.feed(chunk))

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Around the loop that reads the real stream: its end, or the transport error
        that cut it, is recorded (an early close is `end()`, called by the caller)."""
        try:
            yield
        except httpx2.TransportError as exc:
            self.fail(exc)
            raise
        self.end()

    def fail(self, exc: BaseException) -> None:
        if not self.ended:
            self._error = _error(exc, self._secrets)
            self.end()

    def end(self) -> None:
        """The body ended (or the caller closed it): what was read is the recording."""
        if self.ended:
            return
        self.ended = True
        self._add(self._decoder.end())
        self._tail = self._decoder.close()

    def entry(self) -> dict[str, Any]:
        entry = dict(self._head)
        entry["events"] = self._events
        if self._tail:
            entry["tail"] = self._secrets.scrub(self._tail)
        if self._error is not None:
            entry["error"] = self._error
        return entry

    def _add(self, events: list[ServerSentEvent]) -> None:
        for event in events:
            item: dict[str, Any] = {}
            if event.event is not None:
                item["event"] = event.event
            if event.id is not None and event.id != self._last_id:
                item["id"] = self._last_id = event.id
            if event.retry is not None:
                item["retry"] = event.retry
            data = self._secrets.scrub(event.data)
            value = _json(data.encode())
            if value is _NOT_JSON or "\n" in data:
                item["data"] = data  # kept as sent: not JSON, or JSON over several lines
            else:
                item["json"] = _redact_fields(value, self._redaction, self._secrets)
            self._events.append(item)


def sse_chunks(events: Iterable[Mapping[str, Any]]) -> list[bytes]:
    """The wire form of recorded events, one chunk per event (as a server flushes them)."""
    chunks: list[bytes] = []
    for event in events:
        lines: list[str] = []
        if "id" in event:
            lines.append(f"id: {event['id']}")
        if "event" in event:
            lines.append(f"event: {event['event']}")
        if "retry" in event:
            lines.append(f"retry: {event['retry']}")
        data = _dumps(event["json"]) if "json" in event else str(event.get("data", ""))
        lines.extend(f"data: {line}" for line in data.split("\n"))
        chunks.append(("\n".join(lines) + "\n\n").encode())
    return chunks


def response_body(entry: Mapping[str, Any]) -> bytes:
    """The body bytes of a recorded complete response."""
    if "json" in entry:
        return _dumps(entry["json"]).encode()
    if "text" in entry:
        return str(entry["text"]).encode()
    if "base64" in entry:
        return base64.b64decode(entry["base64"])
    return b""


# -- errors --------------------------------------------------------------------


def error_entry(exc: BaseException, secrets: Secrets) -> dict[str, str]:
    """A transport error (no response, or a stream cut), to raise again on replay."""
    return _error(exc, secrets)


def _error(exc: BaseException, secrets: Secrets) -> dict[str, str]:
    return {"type": type(exc).__name__, "message": secrets.scrub(str(exc))}


def error_from_entry(error: Mapping[str, Any], request: httpx2.Request) -> Exception:
    """The recorded transport error as its httpx2 exception (a plain httpx2.TransportError
    when the recorded type is not one of httpx2's)."""
    cls = getattr(httpx2, str(error.get("type", "")), None)
    message = str(error.get("message", ""))
    if isinstance(cls, type) and issubclass(cls, httpx2.TransportError):
        return cls(message, request=request)
    return httpx2.TransportError(f"{error.get('type')}: {message}", request=request)


# -- helpers -------------------------------------------------------------------

_NOT_JSON: Any = object()


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:  # also UnicodeDecodeError
        return _NOT_JSON


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _redact_fields(value: Any, redaction: Redaction, secrets: Secrets, inside: bool = False) -> Any:
    """`value` with the string values of secret fields replaced (and remembered, so
    that the same string is scrubbed elsewhere too)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            secret = redaction.secret_field(key) or (inside and key.lower() in _SECRET_FIELD_PARTS)
            if secret and isinstance(item, str):
                secrets.add(item)
                out[key] = REDACTED
            else:
                out[key] = _redact_fields(item, redaction, secrets, inside=secret)
        return out
    if isinstance(value, list):
        return [_redact_fields(item, redaction, secrets, inside) for item in value]
    return value
