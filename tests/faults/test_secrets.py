"""The API key appears in no repr, str, traceback or log line, on any path.

Every fault of the fault suite is replayed with every logger (ours, httpx2,
httpcore2, the root) at DEBUG, then everything a user might print or log is
searched for the key: the client and its copies, the error (str, repr, the
full traceback with its causes), its request and response, the value
returned, the log records and the warnings.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fault_helpers import KEY, call
from fault_server import (
    Action,
    FaultServer,
    drip,
    hang,
    huge_header,
    redirect,
    reply,
    reset,
    sse,
    truncated,
)

import mistral_sdk
from mistral_sdk._response import BinaryResponse, SSEResponse

ECHO_KEY = {"message": f"invalid key {KEY}", "detail": f"Bearer {KEY}"}

FAULTS: dict[str, tuple[Action, dict[str, Any]]] = {
    "401 echoing the key": (reply(401, ECHO_KEY), {}),
    "429": (reply(429, {"message": "slow"}, {"retry-after-ms": "1"}), {}),
    "503 storm": (reply(503, b"<html><title>down</title></html>", content_type="text/html"), {}),
    "422": (reply(422, {"detail": [{"loc": ["body", "k"], "msg": KEY}]}), {}),
    "reset": (reset(), {}),
    "read timeout": (hang(), {"client_options": {"timeout": 0.1, "max_retries": 0}}),
    "slow drip": (drip(b"{}", 0.3), {"client_options": {"timeout": 0.1, "max_retries": 0}}),
    "short body": (truncated(b"{", 10), {}),
    "bad json": (reply(200, b"{"), {}),
    "bad gzip": (reply(200, b"xx", {"content-encoding": "gzip"}), {}),
    "huge header": (huge_header(1_000_000), {}),
    "sse cut": (sse([b"data: {}\n\n", b"data: {"], cut=True), {"response": SSEResponse(Any)}),
    "sse unfinished": (
        sse([b"data: {}\n\n"]),
        {"response": SSEResponse(Any, terminal=("done",))},
    ),
    "sse error event": (
        sse([b'event: error\ndata: {"message": "boom"}\n\n']),
        {"response": SSEResponse(Any)},
    ),
    "redirect loop": (redirect("/v1/x"), {}),
    "ok json": (reply(200, {"id": "x"}), {}),
    "ok stream": (sse([b"data: {}\n\n"]), {"response": SSEResponse(Any)}),
    "ok binary": (
        reply(200, b"\x00\x01", content_type="application/octet-stream"),
        {"response": BinaryResponse()},
    ),
}


@pytest.fixture
def debug_logs() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    names = ["", "mistral_sdk", "httpx2", "httpcore2"]
    saved = {name: logging.getLogger(name).level for name in names}
    root = logging.getLogger()
    root.addHandler(handler)
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def texts_of(obj: object, seen: set[int] | None = None) -> Iterator[str]:
    """str and repr of an object and of what it carries (request, response, causes)."""
    seen = seen if seen is not None else set()
    if obj is None or id(obj) in seen:
        return
    seen.add(id(obj))
    yield str(obj)
    yield repr(obj)
    if isinstance(obj, BaseException):
        yield "".join(traceback.format_exception(obj))
        yield from texts_of(obj.__cause__, seen)
        yield from texts_of(obj.__context__, seen)
        for name in ("request", "response", "message", "events"):
            yield from texts_of(getattr(obj, name, None), seen)
    if isinstance(obj, httpx2.Response):
        yield from texts_of(obj.request, seen)
        yield repr(obj.headers)
        yield repr(obj.request.headers)
    if isinstance(obj, httpx2.Request):
        yield repr(obj.headers)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_key_never_shown(
    mode: str, server: FaultServer, fault: str, debug_logs: list[logging.LogRecord]
) -> None:
    action, options = FAULTS[fault]
    server.default = action
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call(mode, server.url, **options)
    assert server.received, "the request reached the server"
    assert server.received[0].headers["authorization"] == f"Bearer {KEY}"
    shown = [*texts_of(out.error), *texts_of(out.value), *map(repr, out.events)]
    shown += [record.getMessage() for record in debug_logs]
    shown += [str(w.message) for w in caught]
    assert debug_logs, "DEBUG logging produced nothing: the check would prove nothing"
    leaks = [text for text in shown if KEY in text]
    assert not leaks, leaks[0][:500]


def test_server_echoing_the_key_is_redacted_from_the_message(
    mode: str, server: FaultServer
) -> None:
    server.default = reply(401, ECHO_KEY)
    out = call(mode, server.url)
    assert isinstance(out.error, mistral_sdk.AuthenticationError)
    assert "***" in str(out.error)
    assert out.error.body == ECHO_KEY  # the body is kept as received, for inspection


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_authorization_never_follows_a_redirect_to_another_host(
    mode: str, server: FaultServer, other_server: FaultServer, status: int
) -> None:
    # 127.0.0.1 and localhost on another port are other origins too.
    target = other_server.url.replace("127.0.0.1", "localhost")
    server.queue(redirect(f"{target}/v1/elsewhere", status=status))
    other_server.queue(reply(200, {"id": "x"}))
    out = call(mode, server.url, "POST", json={"a": 1})
    assert out.value == {"id": "x"}
    (moved,) = other_server.received
    assert "authorization" not in moved.headers
    assert KEY not in repr(moved)


def _clients(base_url: str) -> Iterator[Any]:
    sync = mistral_sdk.Mistral(api_key=KEY, base_url=base_url)
    yield sync
    yield sync.with_options(max_retries=5)
    yield sync.chat
    async_client = mistral_sdk.AsyncMistral(api_key=KEY, base_url=base_url)
    yield async_client
    yield async_client.with_options(timeout=3)
    yield async_client.beta.conversations
    sync.close()
    asyncio.run(async_client.close())


def test_client_reprs_hide_the_key() -> None:
    for client in _clients("https://api.example"):
        for text in (str(client), repr(client)):
            assert KEY not in text


def test_plain_http_to_a_remote_host_warns(recwarn: pytest.WarningsRecorder) -> None:
    warnings.simplefilter("always")
    mistral_sdk.Mistral(api_key=KEY, base_url="http://127.0.0.1:9").close()
    mistral_sdk.Mistral(api_key=KEY, base_url="http://localhost:9").close()
    mistral_sdk.Mistral(api_key=KEY, base_url="http://[::1]:9").close()
    assert not recwarn.list, "loopback is fine"
    with pytest.warns(UserWarning, match="plain http") as caught:
        client = mistral_sdk.Mistral(api_key=KEY, base_url="https://api.example")
        client.with_options(base_url="http://proxy.secrets-test.example:8080")
    assert KEY not in str(caught[0].message)
    with pytest.warns(UserWarning, match="plain http"):
        asyncio.run(mistral_sdk.AsyncMistral(api_key=KEY, base_url="http://10.1.2.3:8080").close())


# A key provider and a service-account token file are credentials too: the same
# faults, the same search (the token file holds KEY, so one search covers both).
CREDENTIAL_FAULTS = ["401 echoing the key", "422", "reset", "bad gzip", "sse cut", "ok stream"]


def _key_provider(_: Path) -> dict[str, Any]:
    return {"api_key": lambda: KEY, "api_key_ttl": 30}


def _token_file(tmp_path: Path) -> dict[str, Any]:
    token = tmp_path / "token"
    token.write_text(KEY + "\n")
    return {"api_key": None, "service_account_token_path": str(token)}


@pytest.mark.parametrize("credential", [_key_provider, _token_file], ids=["provider", "token"])
@pytest.mark.parametrize("fault", CREDENTIAL_FAULTS)
def test_provided_and_file_credentials_never_shown(
    mode: str,
    server: FaultServer,
    fault: str,
    credential: Any,
    tmp_path: Path,
    debug_logs: list[logging.LogRecord],
) -> None:
    action, options = FAULTS[fault]
    server.default = action
    client_options = {**options.get("client_options", {}), **credential(tmp_path)}
    out = call(mode, server.url, **{**options, "client_options": client_options})
    assert server.received[0].headers["authorization"] == f"Bearer {KEY}"
    shown = [*texts_of(out.error), *texts_of(out.value), *map(repr, out.events)]
    shown += [record.getMessage() for record in debug_logs]
    assert debug_logs, "DEBUG logging produced nothing: the check would prove nothing"
    leaks = [text for text in shown if KEY in text]
    assert not leaks, leaks[0][:500]


def test_credential_errors_and_reprs_hide_the_secret(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text(KEY)
    client = mistral_sdk.Mistral(service_account_token_path=token, base_url="https://api.example")
    with_provider = mistral_sdk.AsyncMistral(api_key=lambda: KEY, base_url="https://api.example")
    token.write_text("")
    with pytest.raises(mistral_sdk.MistralError) as caught:
        client.models.list()
    texts = [*texts_of(caught.value), repr(client), repr(client._credentials)]
    texts += [repr(with_provider), repr(with_provider._credentials)]
    assert not [t for t in texts if KEY in t]
    assert str(token) in str(caught.value)  # the error names the file, not its content
    client.close()
    asyncio.run(with_provider.close())
