"""Point 7 of issue 11: fixes found on the way."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx2
import pytest
from tolerance_helpers import Api

from mistral_sdk import Mistral, RequestValidationError

START = "2026-01-01T00:00:00Z"


def execution(execution_id: str, status: str) -> dict[str, Any]:
    return {
        "workflow_name": "w",
        "execution_id": execution_id,
        "root_execution_id": execution_id,
        "status": status,
        "start_time": START,
        "result": {"ok": True} if status == "COMPLETED" else None,
    }


def test_execute_and_wait_follows_the_execution_id_the_server_returns(mode: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if request.method == "POST" and path == "/v1/workflows/w/execute":
            # the server runs it under its own id, not the one the SDK sent
            assert json.loads(request.content)["execution_id"].startswith("sdk-")
            return httpx2.Response(200, json=execution("server-7", "RUNNING"))
        if request.method == "GET" and path == "/v1/workflows/executions/server-7":
            return httpx2.Response(200, json=execution("server-7", "COMPLETED"))
        return httpx2.Response(404, json={"message": f"no {path}"})

    api = Api(mode, handler)
    done = api.call("workflows.execute_and_wait", "w", input={"q": 1}, wait_timeout=30)
    assert done.execution_id == "server-7" and done.status == "COMPLETED"
    assert [r.url.path for r in api.sent][-1] == "/v1/workflows/executions/server-7"


FILE_OUT = {
    "id": "file-1",
    "object": "file",
    "bytes": 5,
    "created_at": 1,
    "filename": "data.jsonl",
    "purpose": "batch",
    "sample_type": "batch_request",
    "source": "upload",
}


def _upload(mode: str, file: Any) -> httpx2.Request:
    api = Api(mode, lambda r: httpx2.Response(200, json=FILE_OUT))
    api.call("files.upload", file=file, purpose="batch")
    return api.sent[-1]


@pytest.mark.parametrize("content", [b'{"a"}', io.BytesIO(b'{"a"}')], ids=["bytes", "file object"])
def test_upload_takes_the_official_sdks_dict(mode: str, content: Any) -> None:
    request = _upload(mode, {"file_name": "data.jsonl", "content": content})
    body = request.content
    assert b'filename="data.jsonl"' in body and b'\r\n\r\n{"a"}\r\n' in body
    assert b"application/jsonl" in body or b"application/octet-stream" in body
    typed = _upload(mode, {"file_name": "d.bin", "content": b"xyz", "content_type": "text/x"})
    assert b"Content-Type: text/x" in typed.content


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        ({"name": "a", "data": b"x"}, "unknown keys"),
        ({"file_name": "a"}, "`content` must be bytes"),
        ({"file_name": "a", "content": "text"}, "`content` must be bytes"),
        ({"file_name": 3, "content": b"x"}, "`file_name` must be a str"),
    ],
)
def test_any_other_dict_is_refused_before_sending(mode: str, file: Any, problem: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(200, json=FILE_OUT))
    with pytest.raises(RequestValidationError, match=problem) as caught:
        api.call("files.upload", file=file)
    assert caught.value.field == "file" and api.sent == []


@pytest.mark.parametrize(
    "base", ["https://api.test/v1", "https://api.test/v1/", "https://api.test"]
)
def test_base_url_ending_in_v1(mode: str, base: str) -> None:
    models_list = {"object": "list", "data": []}
    api = Api(mode, lambda r: httpx2.Response(200, json=models_list), base_url=base)
    api.call("models.list")
    assert str(api.sent[-1].url) == "https://api.test/v1/models"


def test_base_url_prefix_is_kept() -> None:
    client = Mistral(api_key="k", base_url="https://proxy.test/mistral/v1")
    assert client.base_url == "https://proxy.test/mistral"
