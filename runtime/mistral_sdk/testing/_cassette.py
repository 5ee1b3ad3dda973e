"""Record and replay: a cassette file of real exchanges, served back offline.

`cassette(path, mode=...)` returns a `Cassette`: a context manager whose `client` /
`async_client` (or, for a client of your own, `transport` / `async_transport`) send
through it. In record mode every exchange goes to the real API and is written to
`path` (JSON Lines, see `_cassette_format`) when the cassette closes; in replay mode
the same requests are answered from the file and nothing leaves the process.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import httpx2

from .._version import __version__
from ._cassette_format import (
    REDACTED,
    Redaction,
    Secrets,
    StreamRecorder,
    error_entry,
    error_from_entry,
    request_entry,
    response_body,
    response_entry,
    sse_chunks,
)
from ._cassette_match import DEFAULT_MATCH_ON, Matcher, closest, describe, resolve_matchers, show

if TYPE_CHECKING:
    from .. import AsyncMistral, Mistral
    from ._cassette_transport import AsyncCassetteTransport, CassetteTransport

__all__ = [
    "Cassette",
    "CassetteError",
    "CassetteMode",
    "UnmatchedRequestError",
    "cassette",
]

CassetteMode = Literal["record", "replay", "once"]
MODES: tuple[str, ...] = get_args(CassetteMode)
FORMAT = 1  # the cassette format's version, in each file's first line
# The key a replaying client is built with: nothing is sent, so no real key is needed.
REPLAY_KEY = "cassette-replay-key"


class CassetteError(Exception):
    """A cassette could not be used (an unreadable file, a request it does not hold).

    Not a `MistralError`: application code that handles API errors must not swallow it.
    """


class UnmatchedRequestError(CassetteError):
    """A replayed test sent a request that the cassette does not hold (or holds, but
    already played). `method`, `url` and `cassette` (the file) say which."""

    def __init__(self, message: str, *, request: httpx2.Request, cassette: Path) -> None:
        super().__init__(message)
        self.request = request
        self.method = request.method
        self.url = str(request.url)
        self.cassette = cassette


class _Slot:
    """One recorded exchange, in the order its request was sent; a streamed response
    is filled in as the caller reads it."""

    __slots__ = ("error", "request", "response", "stream")

    def __init__(self, request: dict[str, Any]) -> None:
        self.request = request
        self.response: dict[str, Any] | None = None
        self.stream: StreamRecorder | None = None
        self.error: dict[str, str] | None = None

    def entry(self) -> dict[str, Any] | None:
        if self.stream is not None:
            self.stream.end()  # still open when the cassette closes: what was read so far
            return {"request": self.request, "response": self.stream.entry()}
        if self.response is not None:
            return {"request": self.request, "response": self.response}
        if self.error is not None:
            return {"request": self.request, "error": self.error}
        return None  # sent, but nothing came back before the cassette closed


class Cassette:
    """A file of recorded exchanges and the clients that record into it or replay from it
    (also named `cassette`, for `with cassette(path) as tape:`).

        with mistral_sdk.testing.cassette("tests/cassettes/chat.jsonl", mode="once") as tape:
            reply = tape.client.chat.complete(model="mistral-small-latest", messages=[...])

    Args:
        path: the cassette file (JSON Lines; its directory is created on record).
        mode: "replay" (default: answer from the file, never touch the network),
            "record" (send to the real API and write every exchange, replacing the
            file), or "once" (replay when the file exists, else record).
        match_on: what makes a sent request the recorded one: rule names among
            "method", "scheme", "host", "port", "path", "query", "body", "headers", or
            callables `(recorded, live) -> bool`. Default: method, path, query, body.
        allow_repeats: replay a recorded exchange more than once (by default each
            one answers one request, in the order they were recorded).
        redact_headers, redact_query, redact_fields: more header, query parameter and
            JSON field names whose values never reach the file. The API key,
            `Authorization`, cookies and any header or parameter named like a token
            or secret are always redacted.
        redact_values: literal strings replaced wherever they occur.
        api_key, base_url: for `client` / `async_client` (default: the environment,
            as `Mistral()`; a replaying client needs no key).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        mode: CassetteMode = "replay",
        match_on: Iterable[str | Matcher] = DEFAULT_MATCH_ON,
        allow_repeats: bool = False,
        redact_headers: Iterable[str] = (),
        redact_query: Iterable[str] = (),
        redact_fields: Iterable[str] = (),
        redact_values: Iterable[str] = (),
        api_key: str | None = None,
        base_url: str | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
        self.path = Path(path)
        self.mode: CassetteMode = mode
        self.recording = mode == "record" or (mode == "once" and not self.path.exists())
        self._rules = resolve_matchers(match_on)
        self.match_on = tuple(name for name, _ in self._rules)
        self.allow_repeats = allow_repeats
        self._redaction = Redaction.of(redact_headers, redact_query, redact_fields, redact_values)
        self._secrets = Secrets()
        for value in (*self._redaction.values, api_key, os.environ.get("MISTRAL_API_KEY")):
            if value:
                self._secrets.add(value)
        self._api_key = api_key
        self._base_url = base_url
        self._lock = threading.Lock()
        self._slots: list[_Slot] = []
        self._recorded: list[dict[str, Any]] = []
        self._played: list[bool] = []
        self._loaded = False
        self._saved = False
        self._transport: CassetteTransport | None = None
        self._async_transport: AsyncCassetteTransport | None = None
        self._client: Mistral | None = None
        self._async_client: AsyncMistral | None = None

    def __repr__(self) -> str:
        return f"<Cassette {str(self.path)!r} mode={self.mode!r} recording={self.recording}>"

    # -- what tests use ----------------------------------------------------------

    @property
    def transport(self) -> CassetteTransport:
        """An httpx2 transport through this cassette, for `httpx2.Client(transport=...)`."""
        if self._transport is None:
            from ._cassette_transport import CassetteTransport

            self._transport = CassetteTransport(self)
        return self._transport

    @property
    def async_transport(self) -> AsyncCassetteTransport:
        """The async twin of `transport`, for `httpx2.AsyncClient(transport=...)`."""
        if self._async_transport is None:
            from ._cassette_transport import AsyncCassetteTransport

            self._async_transport = AsyncCassetteTransport(self)
        return self._async_transport

    @property
    def client(self) -> Mistral:
        """A `Mistral` client that sends through this cassette (closed with it)."""
        if self._client is None:
            from .. import Mistral

            self._client = Mistral(
                **self._client_options(), http_client=httpx2.Client(transport=self.transport)
            )
        return self._client

    @property
    def async_client(self) -> AsyncMistral:
        """An `AsyncMistral` client that sends through this cassette (closed with it)."""
        if self._async_client is None:
            from .. import AsyncMistral

            self._async_client = AsyncMistral(
                **self._client_options(),
                http_client=httpx2.AsyncClient(transport=self.async_transport),
            )
        return self._async_client

    @property
    def all_played(self) -> bool:
        """Whether every recorded exchange answered a request (replay mode)."""
        self._load()
        return all(self._played)

    def _client_options(self) -> dict[str, Any]:
        api_key = self._api_key if self.recording else (self._api_key or REPLAY_KEY)
        return {"api_key": api_key, "base_url": self._base_url}

    # -- lifetime ----------------------------------------------------------------

    def __enter__(self) -> Cassette:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Cassette:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def close(self) -> None:
        """Close the clients this cassette made and, when recording, write the file.

        An `async_client` still open is left to its event loop (it holds no
        connection between calls: see `AsyncCassetteTransport`); use `aclose()` or
        `async with` to close it too."""
        if self._client is not None:
            self._client.close()
        self.save()

    async def aclose(self) -> None:
        """Close both clients and, when recording, write the file."""
        if self._async_client is not None:
            await self._async_client.close()
        self.close()

    def save(self) -> None:
        """Write what was recorded (record mode; replay mode leaves the file alone).
        Called by `close()`; the file is replaced in one step, never left half written."""
        if not self.recording:
            return
        with self._lock:
            entries = [entry for slot in self._slots if (entry := slot.entry()) is not None]
        header = {"cassette": FORMAT, "recorded_with": f"mistral-sdk {__version__}"}
        lines = [json.dumps(header)]
        # Secrets learned late (a token in a later response) are scrubbed from
        # every exchange, earlier ones included.
        lines += [json.dumps(_scrub(entry, self._secrets), ensure_ascii=False) for entry in entries]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(partial, self.path)
        self._saved = True

    # -- recording (called by the transports) ------------------------------------

    def _record_request(self, request: httpx2.Request, body: bytes) -> _Slot:
        slot = _Slot(request_entry(request, body, self._redaction, self._secrets))
        with self._lock:
            self._slots.append(slot)
        return slot

    def _record_response(self, slot: _Slot, response: httpx2.Response, body: bytes) -> None:
        slot.response = response_entry(
            response.status_code, response.headers, body, self._redaction, self._secrets
        )

    def _record_stream(self, slot: _Slot, response: httpx2.Response) -> StreamRecorder:
        slot.stream = StreamRecorder(
            response.status_code, response.headers, self._redaction, self._secrets
        )
        return slot.stream

    def _record_error(self, slot: _Slot, exc: BaseException) -> None:
        slot.error = error_entry(exc, self._secrets)

    # -- replaying (called by the transports) ------------------------------------

    def _replay(self, request: httpx2.Request, body: bytes) -> httpx2.Response:
        """The recorded answer to `request`, or UnmatchedRequestError."""
        self._load()
        live = request_entry(request, body, self._redaction, self._secrets)
        with self._lock:
            index = self._find(live)
            if index is None:
                raise self._unmatched(request, live)
            self._played[index] = True
            exchange = self._recorded[index]
        if "response" not in exchange:
            raise error_from_entry(exchange.get("error", {}), request)
        return _response(exchange["response"], request)

    def _find(self, live: Mapping[str, Any]) -> int | None:
        fallback = None
        for index, exchange in enumerate(self._recorded):
            if all(rule(exchange["request"], live) for _, rule in self._rules):
                if not self._played[index]:
                    return index
                if self.allow_repeats and fallback is None:
                    fallback = index
        return fallback

    def _unmatched(self, request: httpx2.Request, live: Mapping[str, Any]) -> CassetteError:
        name = describe(live)
        how = (
            "record it with `pytest --mistral-record`, MISTRAL_RECORD=record "
            'or mode="record" (needs a real key)'
        )
        if not self.path.exists():
            message = f"{name}: cassette {self.path} does not exist; {how}"
            return UnmatchedRequestError(message, request=request, cassette=self.path)
        lines = [
            f"{name} is not in cassette {self.path} "
            f"({len(self._recorded)} exchanges; matching on {', '.join(self.match_on)})"
        ]
        requests = [exchange["request"] for exchange in self._recorded]
        near = closest(self._rules, requests, live)
        if near is not None and not near[1]:
            lines.append(
                f"it matches exchange #{near[0] + 1}, which was played already "
                "(allow_repeats=True replays an exchange more than once)"
            )
        elif near is not None:
            index, failed = near
            lines.append(
                f"the closest, exchange #{index + 1} ({describe(requests[index])}), differs in:"
            )
            for rule in failed:
                lines.append(f"  {rule}: recorded {show(rule, requests[index])}")
                lines.append(f"  {' ' * len(rule)}  sent     {show(rule, live)}")
        lines.append(f"If the test changed, {how}.")
        return UnmatchedRequestError("\n".join(lines), request=request, cassette=self.path)

    def _load(self) -> None:
        if self._loaded or self.recording:
            return
        self._loaded = True
        if not self.path.exists():
            return  # every request is then unmatched, with a message saying why
        self._recorded = _read(self.path)
        self._played = [False] * len(self._recorded)


# `with cassette(path, mode="once") as tape:` reads as an action; the class is the same thing.
cassette = Cassette


def _read(path: Path) -> list[dict[str, Any]]:
    exchanges: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                raise CassetteError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(value, dict):
                raise CassetteError(f"{path}:{number}: expected a JSON object")
            value = _checked(value, path, number)
            if value is not None:
                exchanges.append(value)
    return exchanges


def _checked(value: dict[str, Any], path: Path, number: int) -> dict[str, Any] | None:
    """An exchange line, checked enough that replay cannot fail on it later; None
    for the header line."""
    if "cassette" in value:
        if value["cassette"] != FORMAT:
            raise CassetteError(
                f"{path}:{number}: cassette format {value['cassette']!r}; this mistral-sdk "
                f"reads format {FORMAT} (record it again)"
            )
        return None
    request = value.get("request")
    if not isinstance(request, dict) or "method" not in request or "url" not in request:
        raise CassetteError(f"{path}:{number}: an exchange needs request.method and request.url")
    response = value.get("response")
    if response is None and not isinstance(value.get("error"), dict):
        raise CassetteError(f"{path}:{number}: an exchange needs a response or an error")
    if response is not None and not (
        isinstance(response, dict) and isinstance(response.get("status"), int)
    ):
        raise CassetteError(f"{path}:{number}: response.status must be an integer")
    return value


def _response(recorded: Mapping[str, Any], request: httpx2.Request) -> httpx2.Response:
    from ._cassette_transport import ReplayStream

    headers = dict(recorded.get("headers", {}))
    status = int(recorded["status"])
    if "events" in recorded:
        chunks = sse_chunks(recorded["events"])
        if "tail" in recorded:
            chunks.append(str(recorded["tail"]).encode())
        error = recorded.get("error")
        failure = None if error is None else error_from_entry(error, request)
        stream = ReplayStream(chunks, failure)
        return httpx2.Response(status, headers=headers, stream=stream, request=request)
    return httpx2.Response(
        status, headers=headers, content=response_body(recorded), request=request
    )


def _scrub(value: Any, secrets: Secrets) -> Any:
    if isinstance(value, str):
        return secrets.scrub(value) if value != REDACTED else value
    if isinstance(value, dict):
        return {key: _scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, secrets) for item in value]
    return value
