"""The client core through MockTransport, sync and async alike."""

from __future__ import annotations

import asyncio
import email.utils
import io
import logging
import time
import warnings
from pathlib import Path
from typing import Any

import httpx2
import msgspec
import pytest
from runtime_helpers import BASE, KEY, AsyncClient, Client, Harness

from mistral_sdk._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    MistralError,
    RateLimitError,
    UnprocessableEntityError,
)
from mistral_sdk._response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncBinaryContent,
    BinaryContent,
    BinaryResponse,
    EmptyResponse,
    JsonResponse,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)


class Model(msgspec.Struct):
    id: str
    n: int = 0


def ok(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, json={"id": "m1", "n": 3})


# -- construction ------------------------------------------------------------


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_missing_key_is_a_clear_error(cls: type[Any]) -> None:
    with pytest.raises(MistralError, match="MISTRAL_API_KEY"):
        cls()


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_env_key_and_base_url(cls: type[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "env-key")
    assert cls().base_url == "https://api.mistral.ai"
    monkeypatch.setenv("MISTRAL_BASE_URL", "https://eu.example/")
    client = cls()
    assert client.api_key == "env-key"
    assert client.base_url == "https://eu.example"
    assert cls(base_url=httpx2.URL("https://other")).base_url == "https://other"


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_repr_hides_key(cls: type[Any]) -> None:
    client = cls(api_key=KEY)
    assert KEY not in repr(client) and KEY not in str(client)
    assert "https://api.mistral.ai" in repr(client)


def test_plain_http_warns_once_for_remote_hosts() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Client(api_key=KEY, base_url="http://localhost:8080")
        Client(api_key=KEY, base_url="http://127.0.0.1:8080")
        Client(api_key=KEY, base_url="http://remote.example")
        Client(api_key=KEY, base_url="http://remote.example")
    msgs = [str(w.message) for w in caught]
    assert len(msgs) == 1 and "remote.example" in msgs[0]
    assert KEY not in msgs[0]


# -- headers -----------------------------------------------------------------


def test_auth_user_agent_accept(mode: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return ok(request)

    h = Harness(mode, handler, default_headers={"X-Team": "t1"})
    assert h.request(response=JsonResponse(Model)) == Model("m1", 3)
    req = seen[0]
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["user-agent"].startswith("mistral-sdk/")
    assert req.headers["accept"] == "application/json"
    assert req.headers["x-team"] == "t1"
    assert str(req.url) == f"{BASE}/v1/x"


@pytest.mark.parametrize("custom", [{}, {"Authorization": "Token mine"}])
def test_api_key_header_replaces_bearer(mode: str, custom: dict[str, str]) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return ok(request)

    h = Harness(mode, handler, default_headers=custom)
    h.request(api_key_header="x-api-key")
    h.request()
    assert seen[0].headers["x-api-key"] == KEY
    assert seen[0].headers.get("authorization") == custom.get("Authorization")
    assert "x-api-key" not in seen[1].headers  # per operation, not for the client
    assert seen[1].headers["authorization"] == custom.get("Authorization", f"Bearer {KEY}")


def test_extra_headers_query_body(mode: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return ok(request)

    h = Harness(mode, handler)
    h.request(
        "POST",
        "/v1/things/{id}",
        path_params={"id": "a/b"},
        query={"page": 1},
        json={"a": 1},
        extra_headers={"X-Extra": "1", "User-Agent": None},
        extra_query={"debug": True},
        extra_body={"b": 2},
    )
    req = seen[0]
    assert req.url.raw_path == b"/v1/things/a%2Fb?page=1&debug=true"
    assert req.headers["x-extra"] == "1"
    assert "user-agent" not in req.headers
    assert msgspec.json.decode(req.content) == {"a": 1, "b": 2}


# -- responses ---------------------------------------------------------------


def test_empty_response(mode: str) -> None:
    h = Harness(mode, lambda r: httpx2.Response(204))
    assert h.request("DELETE", response=EmptyResponse()) is None


def test_empty_body_gives_none_when_allowed(mode: str) -> None:
    h = Harness(mode, lambda r: httpx2.Response(200, content=b""))
    assert h.request(response=JsonResponse(Model | None)) is None
    with pytest.raises(APIResponseValidationError):
        h.request(response=JsonResponse(Model))


def test_response_validation_error_keeps_raw_body(mode: str) -> None:
    h = Harness(mode, lambda r: httpx2.Response(200, json={"id": 5}))
    with pytest.raises(APIResponseValidationError) as info:
        h.request(response=JsonResponse(Model))
    assert info.value.body == b'{"id":5}'
    assert info.value.status_code == 200
    assert "$.id" in str(info.value)


def test_binary_response_read_and_write(mode: str, tmp_path: Path) -> None:
    payload = bytes(range(256)) * 1000
    h = Harness(
        mode,
        lambda r: httpx2.Response(
            200, content=payload, headers={"content-type": "application/octet-stream"}
        ),
    )

    if mode == "sync":
        content = h.request(response=BinaryResponse())
        assert isinstance(content, BinaryContent)
        assert content.content_type == "application/octet-stream"
        assert content.read() == payload
        assert content.response.is_closed
        with h.request(response=BinaryResponse()) as c2:
            c2.write_to_file(tmp_path / "out.bin")
        assert c2.response.is_closed
        chunks = list(h.request(response=BinaryResponse()).iter_bytes(1000))
        assert b"".join(chunks) == payload
    else:

        async def main() -> None:
            content = await h.client.request("GET", "/f", response=BinaryResponse())
            assert isinstance(content, AsyncBinaryContent)
            assert await content.read() == payload
            assert content.response.is_closed
            async with await h.client.request("GET", "/f", response=BinaryResponse()) as c2:
                await c2.write_to_file(tmp_path / "out.bin")
            assert c2.response.is_closed

        asyncio.run(main())
    assert (tmp_path / "out.bin").read_bytes() == payload


def test_binary_request_asks_for_anything(mode: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, content=b"x")

    h = Harness(mode, handler)
    h.request(response=BinaryResponse())
    assert seen[0].headers["accept"] == "*/*"


# -- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, BadRequestError), (401, AuthenticationError), (422, UnprocessableEntityError)],
)
def test_error_statuses(mode: str, status: int, cls: type[APIStatusError]) -> None:
    body = {"message": "went wrong", "detail": [{"loc": ["body", "x"], "msg": "bad"}]}
    h = Harness(mode, lambda r: httpx2.Response(status, json=body, headers={"x-request-id": "r9"}))
    with pytest.raises(cls) as info:
        h.request()
    err = info.value
    assert err.status_code == status
    assert err.request_id == "r9"
    assert "went wrong" in str(err) and "r9" in str(err)
    assert err.body == body
    assert err.request is not None and err.response.status_code == status
    assert KEY not in str(err) and KEY not in repr(err)
    if isinstance(err, UnprocessableEntityError):
        assert err.detail == body["detail"]
    assert h.sleeps == []  # never retried


def test_streamed_error_body_is_read(mode: str) -> None:
    h = Harness(mode, lambda r: httpx2.Response(401, json={"message": "bad key"}))
    with pytest.raises(AuthenticationError, match="bad key"):
        h.request(response=BinaryResponse())


# -- retries -----------------------------------------------------------------


def flaky(statuses: list[int], headers: dict[str, str] | None = None) -> Any:
    calls: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        status = statuses[min(len(calls) - 1, len(statuses) - 1)]
        if status == 200:
            return ok(request)
        return httpx2.Response(status, json={"message": f"s{status}"}, headers=headers)

    handler.calls = calls  # type: ignore[attr-defined]
    return handler


@pytest.mark.parametrize("status", [408, 409, 429, 500, 503])
def test_retries_then_succeeds(mode: str, status: int) -> None:
    handler = flaky([status, status, 200])
    h = Harness(mode, handler)
    assert h.request(response=JsonResponse(Model)).id == "m1"
    assert len(handler.calls) == 3
    assert len(h.sleeps) == 2
    assert 0.375 <= h.sleeps[0] <= 0.5 and 0.75 <= h.sleeps[1] <= 1.0


def test_retries_exhausted_raises_last_error(mode: str) -> None:
    handler = flaky([503])
    h = Harness(mode, handler, max_retries=3)
    with pytest.raises(InternalServerError, match="s503"):
        h.request()
    assert len(handler.calls) == 4 and len(h.sleeps) == 3


def test_max_retries_zero_per_call(mode: str) -> None:
    handler = flaky([429])
    h = Harness(mode, handler)
    with pytest.raises(RateLimitError):
        h.request(max_retries=0)
    assert len(handler.calls) == 1 and h.sleeps == []


def test_no_retry_on_400(mode: str) -> None:
    handler = flaky([400, 200])
    h = Harness(mode, handler)
    with pytest.raises(BadRequestError):
        h.request()
    assert len(handler.calls) == 1


def test_retry_after_ms(mode: str) -> None:
    h = Harness(mode, flaky([429, 200], {"retry-after-ms": "1234"}))
    h.request()
    assert h.sleeps == [1.234]


def test_retry_after_seconds(mode: str) -> None:
    h = Harness(mode, flaky([503, 200], {"retry-after": "7"}))
    h.request()
    assert h.sleeps == [7.0]


def test_retry_after_http_date(mode: str) -> None:
    date = email.utils.formatdate(time.time() + 20, usegmt=True)
    h = Harness(mode, flaky([503, 200], {"retry-after": date}))
    h.request()
    assert 18 < h.sleeps[0] <= 20


def test_retry_after_too_long_is_capped_to_backoff(mode: str) -> None:
    h = Harness(mode, flaky([503, 200], {"retry-after": "3600"}))
    h.request()
    assert h.sleeps[0] <= 0.5


def test_should_retry_header(mode: str) -> None:
    handler = flaky([503, 200], {"x-should-retry": "false"})
    h = Harness(mode, handler)
    with pytest.raises(InternalServerError):
        h.request()
    assert len(handler.calls) == 1


def test_connection_errors_retried_then_raised(mode: str) -> None:
    calls = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        raise httpx2.ConnectError("refused", request=request)

    h = Harness(mode, handler)
    with pytest.raises(APIConnectionError) as info:
        h.request()
    assert not isinstance(info.value, APITimeoutError)
    assert len(calls) == 3 and len(h.sleeps) == 2


def test_connection_error_then_success(mode: str) -> None:
    calls = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx2.ReadError("reset", request=request)
        return ok(request)

    h = Harness(mode, handler)
    assert h.request()["id"] == "m1"


def test_timeouts_become_api_timeout_error(mode: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("slow", request=request)

    h = Harness(mode, handler, max_retries=1)
    with pytest.raises(APITimeoutError):
        h.request()
    assert len(h.sleeps) == 1


def test_retry_resends_file_body(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"line\n" * 1000)
    bodies: list[bytes] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        bodies.append(request.read())
        return httpx2.Response(503 if len(bodies) == 1 else 200, json={"id": "f"})

    h = Harness(mode, handler)
    with open(path, "rb") as f:
        h.request("POST", "/v1/files", multipart={"file": f, "purpose": "batch"})
    h.request("POST", "/v1/files", multipart={"file": path})
    assert len(bodies) == 3
    assert bodies[0] == bodies[1]
    assert b"line\n" * 1000 in bodies[0] and b"line\n" * 1000 in bodies[2]


def test_non_seekable_body_not_retried(mode: str) -> None:
    class Pipe(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            return 0

    handler = flaky([503, 200])
    h = Harness(mode, handler)
    with pytest.raises(InternalServerError):
        h.request("POST", "/v1/files", multipart={"file": ("x.bin", io.BufferedReader(Pipe()))})
    assert len(handler.calls) == 1


# -- with_options ------------------------------------------------------------


def test_with_options_shares_pool_and_overrides(mode: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return ok(request)

    h = Harness(mode, handler, default_headers={"X-A": "a"})
    copy = h.client.with_options(
        api_key="other-key", base_url="https://b.test", max_retries=5, timeout=3.0,
        default_headers={"X-B": "b"},
    )  # fmt: skip
    assert type(copy) is type(h.client)
    assert copy._http is h.client._http
    assert copy.max_retries == 5 and copy.timeout == httpx2.Timeout(3.0)
    assert h.client.max_retries == 2
    if mode == "sync":
        copy.request("GET", "/v1/y", response=JsonResponse(Model))
        copy.close()  # does not close the shared pool
        assert not h.client._http.is_closed
    else:
        asyncio.run(copy.request("GET", "/v1/y", response=JsonResponse(Model)))
        asyncio.run(copy.close())
        assert not h.client._http.is_closed
    req = seen[0]
    assert str(req.url) == "https://b.test/v1/y"
    assert req.headers["authorization"] == "Bearer other-key"
    assert req.headers["x-a"] == "a" and req.headers["x-b"] == "b"
    assert req.extensions["timeout"]["read"] == 3.0


def test_context_manager_closes_own_pool() -> None:
    with Client(api_key=KEY) as client:
        http = client._http
    assert http.is_closed
    user_http = httpx2.Client()
    with Client(api_key=KEY, http_client=user_http):
        pass
    assert not user_http.is_closed
    user_http.close()


async def test_async_context_manager_closes_own_pool() -> None:
    async with AsyncClient(api_key=KEY) as client:
        http = client._http
    assert http.is_closed
    user_http = httpx2.AsyncClient()
    async with AsyncClient(api_key=KEY, http_client=user_http):
        pass
    assert not user_http.is_closed
    await user_http.aclose()


def test_timeout_option_per_call(mode: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return ok(request)

    h = Harness(mode, handler, timeout=httpx2.Timeout(10.0, connect=2.0))
    h.request()
    h.request(timeout=1.5)
    h.request(timeout=None)
    assert seen[0].extensions["timeout"] == {
        "connect": 2.0,
        "read": 10.0,
        "write": 10.0,
        "pool": 10.0,
    }
    assert seen[1].extensions["timeout"]["read"] == 1.5
    assert seen[2].extensions["timeout"]["read"] is None


# -- raw responses -----------------------------------------------------------


class Resource:
    def __init__(self, client: Any) -> None:
        self._client = client

    def get(self, model_id: str, *, extra_headers: Any = None) -> Model:
        return self._client.request(  # type: ignore[no-any-return]
            "GET", "/v1/models/{id}", path_params={"id": model_id},
            response=JsonResponse(Model), extra_headers=extra_headers,
        )  # fmt: skip


class AsyncResource(Resource):
    async def get(self, model_id: str, *, extra_headers: Any = None) -> Model:  # type: ignore[override]
        return await self._client.request(  # type: ignore[no-any-return]
            "GET", "/v1/models/{id}", path_params={"id": model_id},
            response=JsonResponse(Model), extra_headers=extra_headers,
        )  # fmt: skip


def test_raw_response_wrapper(mode: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(201, json={"id": "m1"}, headers={"x-request-id": "rid", "x-a": "1"})

    h = Harness(mode, handler)
    if mode == "sync":
        raw = to_raw_response_wrapper(Resource(h.client).get)("m1", extra_headers={"X-U": "u"})
        assert isinstance(raw, APIResponse)
        parsed = raw.parse()
    else:

        async def main() -> tuple[Any, Model]:
            raw = await async_to_raw_response_wrapper(AsyncResource(h.client).get)("m1")
            assert isinstance(raw, AsyncAPIResponse)
            return raw, await raw.parse()

        raw, parsed = asyncio.run(main())
    assert raw.status_code == 201
    assert raw.headers["x-a"] == "1"
    assert raw.request_id == "rid"
    assert isinstance(raw.http_response, httpx2.Response)
    assert parsed == Model("m1")
    assert not any(k.lower().startswith("x-mistral-sdk") for k in seen[0].headers)
    if mode == "sync":
        assert seen[0].headers["x-u"] == "u"


# -- logging -----------------------------------------------------------------


def test_debug_log_never_shows_key(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="mistral_sdk")
    h = Harness(mode, flaky([503, 401]))
    with pytest.raises(AuthenticationError):
        h.request()
    text = caplog.text
    assert "GET https://api.test/v1/x" in text
    assert "503" in text and "Retrying" in text and "401" in text
    assert KEY not in text


# -- real sockets ------------------------------------------------------------


@pytest.fixture
def slow_server() -> Any:
    """A loopback HTTP server that answers after 2 s, so reads time out."""
    import http.server
    import threading

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(1.0)
            try:
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")
            except OSError:
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_read_timeout_real_socket(slow_server: str) -> None:
    client = Client(api_key=KEY, base_url=slow_server, timeout=0.1, max_retries=0)
    with client, pytest.raises(APITimeoutError):
        client.request("GET", "/x", response=JsonResponse(Any))


async def test_read_timeout_real_socket_async(slow_server: str) -> None:
    async with AsyncClient(api_key=KEY, base_url=slow_server, timeout=0.1, max_retries=0) as c:
        with pytest.raises(APITimeoutError):
            await c.request("GET", "/x", response=JsonResponse(Any))


def test_connection_refused_real_socket() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with Client(api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=1) as client:
        client._sleep = lambda d: None
        with pytest.raises(APIConnectionError):
            client.request("GET", "/x", response=JsonResponse(Any))
