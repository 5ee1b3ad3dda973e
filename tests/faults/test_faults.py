"""Each fault of docs/reliability.md, against a real server on 127.0.0.1, sync and async,
with the SDK's own httpx2 client and with a caller's legacy httpx client.

One test per row of the table (sometimes two: the failure when it persists and
the recovery when it does not). Retry delays are recorded, not slept; timeouts
and drips take real (sub-second) time.
"""

from __future__ import annotations

import email.utils
import io
import socket
import time
from typing import Any

import httpx2
import pytest
from fault_helpers import KEY, MODES, call, read_binary
from fault_server import (
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

from mistral_sdk import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    IncompleteStreamError,
    InternalServerError,
    RateLimitError,
)
from mistral_sdk._response import SSEResponse

OK = reply(200, {"id": "ok"})


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """Each fault with both clients, and with a legacy httpx client of each kind."""
    return str(request.param)


# -- 429 and retry-after ---------------------------------------------------------


def test_429_retry_after_seconds(mode: str, server: FaultServer) -> None:
    server.queue(reply(429, {"message": "slow down"}, {"retry-after": "7"}), OK)
    out = call(mode, server.url)
    assert out.value == {"id": "ok"}
    assert out.sleeps == [7.0]
    assert len(server.received) == 2


def test_429_retry_after_http_date(mode: str, server: FaultServer) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    server.queue(reply(429, {"message": "slow down"}, {"retry-after": when}), OK)
    out = call(mode, server.url)
    assert out.value == {"id": "ok"}
    # The date has a one-second resolution, and the clock runs meanwhile.
    assert len(out.sleeps) == 1 and 28 < out.sleeps[0] <= 30


def test_429_retry_after_ms_wins_over_retry_after(mode: str, server: FaultServer) -> None:
    headers = {"retry-after-ms": "1500", "retry-after": "9"}
    server.queue(reply(429, {"message": "slow down"}, headers), OK)
    out = call(mode, server.url)
    assert out.value == {"id": "ok"} and out.sleeps == [1.5]


def test_429_retry_after_beyond_cap_falls_back_to_backoff(mode: str, server: FaultServer) -> None:
    server.queue(reply(429, {"message": "come back tomorrow"}, {"retry-after": "86400"}), OK)
    out = call(mode, server.url)
    assert out.value == {"id": "ok"}
    assert len(out.sleeps) == 1 and 0.375 <= out.sleeps[0] <= 0.5


def test_429_persisting_raises_rate_limit_error(mode: str, server: FaultServer) -> None:
    server.default = reply(
        429,
        {"message": "Requests rate limit exceeded"},
        {"retry-after": "1", "x-request-id": "req-9"},
    )
    out = call(mode, server.url, client_options={"max_retries": 3})
    err = out.error
    assert isinstance(err, RateLimitError)
    assert len(server.received) == 4 and out.sleeps == [1.0, 1.0, 1.0]
    assert err.status_code == 429 and err.request_id == "req-9"
    assert err.body == {"message": "Requests rate limit exceeded"}
    assert err.response.headers["retry-after"] == "1"
    assert "Requests rate limit exceeded" in str(err) and "req-9" in str(err)


# -- 5xx -------------------------------------------------------------------------


def test_5xx_storm_raises_after_the_retry_budget(mode: str, server: FaultServer) -> None:
    server.default = reply(503, {"message": "overloaded"})
    out = call(mode, server.url, client_options={"max_retries": 4})
    assert isinstance(out.error, InternalServerError)
    assert out.error.status_code == 503 and out.error.body == {"message": "overloaded"}
    assert len(server.received) == 5
    # exponential backoff 0.5, 1, 2, 4 s with up to 25 % jitter taken off
    assert len(out.sleeps) == 4
    for n, delay in enumerate(out.sleeps):
        assert 0.75 * 0.5 * 2**n <= delay <= 0.5 * 2**n


def test_5xx_storm_that_ends_is_survived(mode: str, server: FaultServer) -> None:
    server.queue(
        reply(500, {}),
        reply(502, b""),
        reply(504, b"gateway timeout", content_type="text/plain"),
        OK,
    )
    out = call(mode, server.url, client_options={"max_retries": 3})
    assert out.value == {"id": "ok"} and len(server.received) == 4


def test_server_can_veto_a_retry(mode: str, server: FaultServer) -> None:
    server.default = reply(503, {"message": "no"}, {"x-should-retry": "false"})
    out = call(mode, server.url)
    assert isinstance(out.error, InternalServerError) and len(server.received) == 1


def test_4xx_is_not_retried(mode: str, server: FaultServer) -> None:
    server.default = reply(400, {"message": "bad"})
    out = call(mode, server.url)
    assert isinstance(out.error, APIStatusError) and out.error.status_code == 400
    assert len(server.received) == 1


# -- connection failures -----------------------------------------------------------


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()  # nothing listens there now
    return port


def test_connection_refused(mode: str) -> None:
    out = call(mode, f"http://127.0.0.1:{_closed_port()}")
    err = out.error
    assert type(err) is APIConnectionError
    assert isinstance(err.__cause__, httpx2.ConnectError)
    assert err.request is not None and err.request.url.path == "/v1/x"
    assert len(out.sleeps) == 2  # retried twice (the default budget), then raised


def test_connection_reset(mode: str, server: FaultServer) -> None:
    server.default = reset()
    out = call(mode, server.url)
    assert type(out.error) is APIConnectionError
    assert isinstance(out.error.__cause__, (httpx2.ReadError, httpx2.RemoteProtocolError))
    assert len(server.received) == 3


def test_connection_reset_once_is_survived(mode: str, server: FaultServer) -> None:
    server.queue(reset(), OK)
    assert call(mode, server.url).value == {"id": "ok"}


def test_read_timeout(mode: str, server: FaultServer) -> None:
    server.default = hang()
    out = call(mode, server.url, client_options={"timeout": 0.2, "max_retries": 1})
    assert isinstance(out.error, APITimeoutError)
    assert isinstance(out.error.__cause__, httpx2.ReadTimeout)
    assert len(server.received) == 2


def test_slow_drip_with_gaps_longer_than_the_timeout(mode: str, server: FaultServer) -> None:
    server.default = drip(b'{"id": "ok"}', every=0.5)
    out = call(mode, server.url, client_options={"timeout": 0.15, "max_retries": 1})
    assert isinstance(out.error, APITimeoutError)
    assert len(server.received) == 2  # the body is read before the call returns: retried


def test_slow_drip_within_the_timeout_completes(mode: str, server: FaultServer) -> None:
    # The timeout bounds each wait for bytes, not the whole call (documented): six
    # pieces 0.1 s apart take longer than the 0.4 s timeout, and still arrive.
    server.queue(drip(b'{"id": "ok"}', every=0.1, chunk=2))
    started = time.monotonic()
    out = call(mode, server.url, client_options={"timeout": 0.4, "max_retries": 0})
    assert out.value == {"id": "ok"}
    assert time.monotonic() - started > 0.4


# -- broken bodies ---------------------------------------------------------------


def test_body_shorter_than_content_length(mode: str, server: FaultServer) -> None:
    server.default = truncated(b'{"id": "o', declared=200)
    out = call(mode, server.url, client_options={"max_retries": 1})
    assert type(out.error) is APIConnectionError
    assert isinstance(out.error.__cause__, httpx2.RemoteProtocolError)
    assert len(server.received) == 2


def test_truncated_json_keeps_the_raw_body(mode: str, server: FaultServer) -> None:
    server.queue(reply(200, b'{"id": "o'))
    out = call(mode, server.url)
    err = out.error
    assert isinstance(err, APIResponseValidationError)
    assert err.body == b'{"id": "o' and err.status_code == 200
    assert "truncated" in str(err)
    assert len(server.received) == 1  # a complete answer: retrying would not change it


def test_html_502_from_a_proxy(mode: str, server: FaultServer) -> None:
    page = (
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
        b"</body>\r\n</html>\r\n"
    )
    server.default = reply(502, page, content_type="text/html")
    out = call(mode, server.url)
    err = out.error
    assert isinstance(err, InternalServerError) and err.status_code == 502
    assert len(server.received) == 3
    assert err.body == page.decode()
    assert str(err) == "502 Bad Gateway from GET /v1/x: HTML error page: 502 Bad Gateway"
    assert err.message == "HTML error page: 502 Bad Gateway"


@pytest.mark.parametrize("kind", ["json", "binary", "sse"])
def test_broken_content_encoding(mode: str, server: FaultServer, kind: str) -> None:
    ctype = {"json": "application/json", "binary": "application/octet-stream"}
    server.default = reply(
        200, b"not gzip at all", {"content-encoding": "gzip"}, ctype.get(kind, "text/event-stream")
    )
    response = SSEResponse(Any) if kind == "sse" else None
    if kind == "binary":  # the body is read when asked for: `.read()`
        out = read_binary(mode, server.url)
    else:
        out = call(mode, server.url, response=response)
    assert type(out.error) is APIError and "decod" in str(out.error).lower()
    assert isinstance(out.error.__cause__, httpx2.DecodingError)
    assert len(server.received) == 1


def test_oversized_response_header(mode: str, server: FaultServer) -> None:
    server.default = huge_header(1_000_000)
    out = call(mode, server.url, client_options={"max_retries": 1})
    assert type(out.error) is APIConnectionError
    assert "Receive buffer too long" in str(out.error)
    assert len(server.received) == 2


# -- streams ----------------------------------------------------------------------


def test_sse_cut_mid_event(mode: str, server: FaultServer) -> None:
    events = [b'data: {"n": 1}\n\n', b'data: {"n": 2}\n\n', b'data: {"n": 3, "te']
    server.default = sse(events, cut=True)
    out = call(mode, server.url, response=SSEResponse(Any))
    assert out.events == [{"n": 1}, {"n": 2}]  # what arrived is delivered first
    assert type(out.error) is APIConnectionError
    assert isinstance(out.error.__cause__, httpx2.RemoteProtocolError)
    assert len(server.received) == 1  # a started stream is never replayed


def test_sse_with_an_end_cut_mid_event_keeps_the_events(mode: str, server: FaultServer) -> None:
    # Chat's stream ends at [DONE]: the socket closing inside the chunked body
    # before it (a proxy dropping the connection) is the common real-world cut.
    server.default = sse([b'data: {"n": 1}\n\n', b'data: {"n'], cut=True)
    spec = SSEResponse(Any, done_marker="[DONE]", terminal=("[DONE]",))
    out = call(mode, server.url, response=spec)
    assert isinstance(out.error, IncompleteStreamError)
    assert out.error.events == [{"n": 1}] and '{"n' in out.error.partial


def test_sse_ended_before_its_terminal_event(mode: str, server: FaultServer) -> None:
    # A clean end of the body (the last chunk arrives) without the event that
    # ends the stream: a proxy or server that gave up. The events are kept.
    events = [b'event: delta\ndata: {"n": 1}\n\n', b'event: delta\ndata: {"n": 2}\n\n']
    server.default = sse(events)
    out = call(mode, server.url, response=SSEResponse(Any, terminal=("done",)))
    err = out.error
    assert isinstance(err, IncompleteStreamError) and isinstance(err, APIConnectionError)
    assert err.events == [{"n": 1}, {"n": 2}] == out.events
    assert len(server.received) == 1


def test_sse_stalled_mid_stream_times_out(mode: str, server: FaultServer) -> None:
    server.default = sse([b'data: {"n": 1}\n\n', b'data: {"n": 2}\n\n'], every=0.5)
    out = call(mode, server.url, response=SSEResponse(Any), client_options={"timeout": 0.2})
    assert isinstance(out.error, APITimeoutError)


# -- redirects ---------------------------------------------------------------------


def test_redirect_to_another_host_drops_authorization(
    mode: str, server: FaultServer, other_server: FaultServer
) -> None:
    server.queue(redirect(f"{other_server.url}/elsewhere"))
    other_server.queue(reply(200, {"id": "moved"}))
    out = call(mode, server.url)
    assert out.value == {"id": "moved"}
    assert server.received[0].headers["authorization"] == f"Bearer {KEY}"
    (moved,) = other_server.received
    assert moved.target == "/elsewhere"
    assert "authorization" not in moved.headers


def test_redirect_of_a_post_to_another_host(
    mode: str, server: FaultServer, other_server: FaultServer
) -> None:
    # 307 keeps the method and body (RFC 9110); the key still stays behind.
    server.queue(redirect(f"{other_server.url}/elsewhere", status=307))
    other_server.queue(reply(200, {"id": "moved"}))
    out = call(mode, server.url, "POST", json={"q": 1})
    assert out.value == {"id": "moved"}
    (moved,) = other_server.received
    assert moved.method == "POST" and moved.body == b'{"q":1}'
    assert "authorization" not in moved.headers


def test_redirect_on_the_same_host_keeps_authorization(mode: str, server: FaultServer) -> None:
    server.queue(redirect("/v1/y"), OK)
    out = call(mode, server.url)
    assert out.value == {"id": "ok"}
    assert [r.target for r in server.received] == ["/v1/x", "/v1/y"]
    assert server.received[1].headers["authorization"] == f"Bearer {KEY}"


def test_redirect_loop(mode: str, server: FaultServer) -> None:
    server.default = redirect("/v1/x")
    out = call(mode, server.url)
    assert type(out.error) is APIError and "TooManyRedirects" in str(out.error)
    assert len(server.received) == 21  # httpx2 follows 20 redirects; no retry after that


# -- POST retry policy ----------------------------------------------------------------


def test_post_is_retried_with_the_same_body(mode: str, server: FaultServer) -> None:
    server.queue(reply(503, {}), reset(), OK)
    out = call(mode, server.url, "POST", json={"model": "m", "n": 1})
    assert out.value == {"id": "ok"}
    bodies = [r.body for r in server.received]
    assert bodies == [b'{"model":"m","n":1}'] * 3


def test_post_multipart_from_a_path_is_retried(
    mode: str, server: FaultServer, tmp_path: Any
) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 1000)
    server.queue(reset(), OK)
    out = call(mode, server.url, "POST", multipart={"file": str(path)}, multipart_files=("file",))
    assert out.value == {"id": "ok"}
    first, second = server.received
    assert first.body == second.body and b'{"a": 1}\n' * 1000 in second.body


def test_post_with_a_one_shot_body_is_not_retried(mode: str, server: FaultServer) -> None:
    class OneShot(io.RawIOBase):
        def __init__(self) -> None:
            self.data = b"payload"

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            data, self.data = self.data, b""
            return data

    server.default = reply(503, {})
    out = call(mode, server.url, "POST", multipart={"file": ("a.bin", OneShot())})
    assert isinstance(out.error, InternalServerError) and len(server.received) == 1
