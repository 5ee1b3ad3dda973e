"""A caller's legacy `httpx` client as `http_client=`: one DeprecationWarning, then the
same calls, streams, uploads, errors and retries as with an httpx2 client (the fault
tests run against a real server with one too: tests/faults/test_faults.py)."""

from __future__ import annotations

import asyncio
import gzip
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest

import mistral_sdk
from mistral_sdk import APIConnectionError, APITimeoutError, NotFoundError

KEY = "sk-legacy"
MODELS = {"object": "list", "data": []}
CHUNKS = [
    {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    for text in ("Hel", "lo")
]
SSE = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in CHUNKS) + b"data: [DONE]\n\n"

Handler = Callable[[httpx.Request], httpx.Response]


def run(mode: str, handler: Handler, act: Callable[[Any], Any], **client_options: Any) -> Any:
    """`act(client)` with a Mistral / AsyncMistral whose http_client is a legacy httpx
    client over `handler` (awaited when async); the warning is checked elsewhere."""
    transport = httpx.MockTransport(handler)
    options = {"api_key": KEY, "base_url": "https://api.test", **client_options}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if mode == "sync":
            http = httpx.Client(transport=transport, headers={"X-Corp": "1"})
            client = mistral_sdk.Mistral(http_client=http, **options)
            client._sleep = lambda seconds: None
            return act(client)

        async def main() -> Any:
            http = httpx.AsyncClient(transport=transport, headers={"X-Corp": "1"})
            client = mistral_sdk.AsyncMistral(http_client=http, **options)

            async def sleep(seconds: float) -> None:
                pass

            client._sleep = sleep
            result = act(client)
            while asyncio.iscoroutine(result):
                result = await result
            return result

        return asyncio.run(main())


async def _collect(stream: Any) -> list[Any]:
    return [event async for event in stream]


def test_one_deprecation_warning_naming_the_fix() -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=MODELS)))
    with pytest.warns(DeprecationWarning) as caught:
        client = mistral_sdk.Mistral(api_key=KEY, http_client=http)
    (warning,) = caught
    assert "httpx2.Client" in str(warning.message)
    assert warning.filename == __file__  # points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # calls and copies warn no more
        client.with_options(max_retries=0).models.list()
        client.models.list()


def test_async_warning_names_the_async_client() -> None:
    with pytest.warns(DeprecationWarning, match=r"httpx2\.AsyncClient"):
        mistral_sdk.AsyncMistral(api_key=KEY, http_client=httpx.AsyncClient())


def test_a_legacy_timeout_is_read_as_an_httpx2_one() -> None:
    client = mistral_sdk.Mistral(api_key=KEY, timeout=httpx.Timeout(3.0, connect=1.0))  # type: ignore[arg-type]
    assert client.timeout == httpx2.Timeout(3.0, connect=1.0)
    with pytest.raises(TypeError, match="Invalid timeout"):
        mistral_sdk.Mistral(api_key=KEY, timeout="soon")  # type: ignore[arg-type]


def test_a_client_of_the_other_kind_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match=r"Mistral sends with an httpx2\.Client"):
        mistral_sdk.Mistral(api_key=KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"AsyncMistral sends with an httpx2\.AsyncClient"):
        mistral_sdk.AsyncMistral(api_key=KEY, http_client=httpx2.Client())  # type: ignore[arg-type]


def test_calls_carry_the_sdk_and_the_legacy_clients_headers(mode: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=MODELS)

    page = run(mode, handler, lambda c: c.models.list())
    assert page.data == []
    (request,) = seen
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-corp"] == "1"  # the legacy client's own default header
    assert request.headers["user-agent"].startswith("mistral-sdk/")
    assert request.url == "https://api.test/v1/models"


def test_raw_responses_are_httpx2_responses(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = gzip.compress(json.dumps(MODELS).encode())
        return httpx.Response(200, content=body, headers={"content-encoding": "gzip"})

    raw = run(mode, handler, lambda c: c.models.with_raw_response.list())
    assert isinstance(raw.http_response, httpx2.Response)
    assert raw.http_response.json() == MODELS  # the legacy client decoded the gzip


def test_streams(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=SSE, headers={"content-type": "text/event-stream"})

    def act(client: Any) -> Any:
        stream = client.chat.stream(model="m", messages=[{"role": "user", "content": "hi"}])
        if mode == "sync":
            return list(stream)

        async def read() -> list[Any]:
            return await _collect(await stream)

        return read()

    events = run(mode, handler, act)
    assert [e.data.choices[0].delta.content for e in events] == ["Hel", "lo"]


def test_uploads_stream_the_file(mode: str, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1024
    path = tmp_path / "data.bin"
    path.write_bytes(data)
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        if len(bodies) == 1:
            return httpx.Response(503)  # the file is sent again on the retry
        return httpx.Response(
            200,
            json={
                "id": "f",
                "object": "file",
                "bytes": len(data),
                "created_at": 1,
                "filename": "data.bin",
                "purpose": "batch",
                "sample_type": "batch_request",
                "source": "upload",
            },
        )

    uploaded = run(mode, handler, lambda c: c.files.upload(file=path, purpose="batch"))
    assert uploaded.id == "f"
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    assert data in bodies[1] and b'filename="data.bin"' in bodies[1]


def test_status_errors(mode: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "no such model"})

    with pytest.raises(NotFoundError, match="no such model") as info:
        run(mode, handler, lambda c: c.models.retrieve("nope"))
    assert isinstance(info.value.response, httpx2.Response)


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
def test_transport_errors_are_retried_then_mapped(
    mode: str, raised: Exception, expected: type[Exception]
) -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        raise raised

    with pytest.raises(expected) as info:
        run(mode, handler, lambda c: c.models.list())
    assert len(attempts) == 3  # the default budget: 2 retries
    assert isinstance(info.value.__cause__, httpx2.TransportError)  # httpx2's, as always
    assert isinstance(info.value.__cause__.__cause__, type(raised))  # the legacy original


def test_a_connection_error_once_is_survived(mode: str) -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.RemoteProtocolError("server disconnected")
        return httpx.Response(200, json=MODELS)

    assert run(mode, handler, lambda c: c.models.list()).data == []
    assert len(attempts) == 2


def test_httpx2_connect_error_is_retried_and_mapped(mode: str) -> None:
    """An httpx2 client over a MockTransport (a caller's test double) as well."""
    attempts: list[int] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        attempts.append(1)
        raise httpx2.ConnectError("refused", request=request)

    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        client = mistral_sdk.Mistral(api_key=KEY, http_client=httpx2.Client(transport=transport))
        client._sleep = lambda seconds: None
        with pytest.raises(APIConnectionError):
            client.models.list()
    else:

        async def main() -> None:
            http = httpx2.AsyncClient(transport=transport)
            client = mistral_sdk.AsyncMistral(api_key=KEY, http_client=http)

            async def sleep(seconds: float) -> None:
                pass

            client._sleep = sleep
            with pytest.raises(APIConnectionError):
                await client.models.list()

        asyncio.run(main())
    assert len(attempts) == 3
