"""The local mock's faults on request (header `x-mock-fault` or query `mock_fault`)
reach the SDK as the API's would: 429 with Retry-After, 5xx, 422 with its detail, a
cut stream; and uploads arrive whole, multipart or chunked. Sync and async."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx2
import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral

MESSAGES = [{"role": "user", "content": "Count to three."}]


def _call(mode: str, mock_url: str, fn: Any, **options: Any) -> Any:
    """`fn(client)` with a client of `mode` on the mock (awaited when async)."""
    if mode == "sync":
        with Mistral(api_key="k", base_url=mock_url, **options) as client:
            client._sleep = lambda delay: None  # type: ignore[method-assign]
            return fn(client)

    async def main() -> Any:
        async with AsyncMistral(api_key="k", base_url=mock_url, **options) as client:

            async def sleep(delay: float) -> None:
                return None

            client._sleep = sleep  # type: ignore[method-assign]
            result = fn(client)
            return await result if asyncio.iscoroutine(result) else result

    return asyncio.run(main())


def _unique(fault: str) -> dict[str, str]:
    # `xN` faults count per method and path: a fresh query keeps tests independent
    return {"x-mock-fault": fault, "x-test": uuid.uuid4().hex}


def test_429_once_is_retried_honouring_retry_after(mode: str, mock_url: str) -> None:
    key = uuid.uuid4().hex
    page = _call(
        mode,
        mock_url,
        lambda c: c.models.list(extra_headers={"x-mock-fault": "429x1"}, extra_query={"k": key}),
    )
    assert page.data


def test_429_every_time_is_a_rate_limit_error(mode: str, mock_url: str) -> None:
    with pytest.raises(mistral_sdk.RateLimitError) as info:
        _call(mode, mock_url, lambda c: c.models.list(extra_headers=_unique("429")), max_retries=1)
    assert info.value.response.headers["retry-after"] == "0"
    assert info.value.request_id


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx(mode: str, mock_url: str, status: int) -> None:
    with pytest.raises(mistral_sdk.InternalServerError) as info:
        _call(
            mode,
            mock_url,
            lambda c: c.models.list(extra_query={"mock_fault": str(status)}),
            max_retries=0,
        )
    assert info.value.status_code == status


def test_422_has_the_apis_detail_shape(mode: str, mock_url: str) -> None:
    with pytest.raises(mistral_sdk.UnprocessableEntityError) as info:
        _call(
            mode,
            mock_url,
            lambda c: c.chat.complete(
                model="m", messages=MESSAGES, extra_headers={"x-mock-fault": "422"}
            ),
        )
    (detail,) = info.value.detail
    assert detail["loc"] == ["body", "model"] and detail["msg"] == "Field required"


def _cut_stream(client: Any) -> Any:
    stream = client.chat.stream(model="m", messages=MESSAGES, extra_headers={"x-mock-fault": "cut"})
    if isinstance(client, AsyncMistral):

        async def read() -> list[Any]:
            return [e async for e in await stream]

        return read()
    return list(stream)


def test_a_cut_stream_is_an_incomplete_stream(mode: str, mock_url: str) -> None:
    with pytest.raises(mistral_sdk.IncompleteStreamError) as info:
        _call(mode, mock_url, _cut_stream)
    assert len(info.value.events) == 1  # the first event came, then the cut


def test_a_cut_json_answer_is_a_connection_error(mode: str, mock_url: str) -> None:
    with pytest.raises(mistral_sdk.APIConnectionError):
        _call(
            mode,
            mock_url,
            lambda c: c.models.list(extra_headers={"x-mock-fault": "cut"}),
            max_retries=0,
        )


def test_an_unknown_fault_is_a_clear_400(mock_url: str) -> None:
    with pytest.raises(mistral_sdk.BadRequestError, match="429, 5xx, 422, cut"):
        _call("sync", mock_url, lambda c: c.models.list(extra_headers={"x-mock-fault": "boom"}))


def test_uploads_arrive_whole_multipart_and_chunked(mode: str, mock_url: str) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB

    def upload(client: Any) -> Any:
        return client.files.upload(file=("big.bin", data))

    stored = _call(mode, mock_url, upload)
    assert stored.bytes == len(data)
    content = _call("sync", mock_url, lambda c: c.files.download(stored.id).read())
    assert content == data

    # the same file sent with Transfer-Encoding: chunked (a body of unknown length)
    boundary = "mockboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    parts = [head, data[:300_000], data[300_000:], f"\r\n--{boundary}--\r\n".encode()]
    answer = httpx2.post(
        f"{mock_url}/v1/files",
        content=iter(parts),
        headers={
            "Authorization": "Bearer k",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert answer.json()["bytes"] == len(data)
