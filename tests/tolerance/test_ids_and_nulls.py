"""Points 1 and 2 of issue 11: ids are strings; null and missing as servers send them."""

from __future__ import annotations

import json
import uuid

import msgspec
import pytest
from tolerance_helpers import CHUNK, Api, json_reply, sse_reply

import mistral_sdk
from mistral_sdk import APIResponseValidationError, models

FILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FILE = {
    "id": FILE_ID,
    "object": "file",
    "bytes": 12,
    "created_at": 1700000000,
    "filename": "a.jsonl",
    "purpose": "batch",
    "sample_type": "batch_request",
    "source": "upload",
}


# --- 1. ids are strings ------------------------------------------------------------------


def test_uuid_fields_are_plain_strings() -> None:
    file = mistral_sdk.decode(json.dumps(FILE), models.FileSchema)
    assert type(file.id) is str and file.id == FILE_ID
    assert json.loads(json.dumps({"id": file.id})) == {"id": FILE_ID}  # json.dumps works


def test_an_id_that_is_not_a_uuid_decodes() -> None:
    file = mistral_sdk.decode(json.dumps({**FILE, "id": "file-123"}), models.FileSchema)
    assert file.id == "file-123"


def test_list_of_ids_is_a_list_of_strings() -> None:
    (field,) = [f for f in msgspec.structs.fields(models.BatchJob) if f.name == "input_files"]
    assert field.type == list[str]


def test_arguments_take_strings_and_uuids(mode: str) -> None:
    api = Api(mode, json_reply(json.dumps({**FILE, "deleted": False})))
    by_text = api.call("files.retrieve", "file-123")
    by_uuid = api.call("files.retrieve", uuid.UUID(FILE_ID))
    assert by_text.id == by_uuid.id == FILE_ID
    assert [r.url.path for r in api.sent] == ["/v1/files/file-123", f"/v1/files/{FILE_ID}"]


def test_body_ids_may_be_uuids_sent_as_text(mode: str) -> None:
    job = {
        "id": "job-1",
        "object": "batch",
        "input_files": [FILE_ID],
        "endpoint": "/v1/chat/completions",
        "errors": [],
        "status": "QUEUED",
        "created_at": 1,
        "total_requests": 0,
        "completed_requests": 0,
        "succeeded_requests": 0,
        "failed_requests": 0,
    }
    api = Api(mode, json_reply(json.dumps(job)))
    result = api.call(
        "batch.jobs.create",
        input_files=[uuid.UUID(FILE_ID), "file-2"],
        endpoint="/v1/chat/completions",
        model="m",
    )
    assert api.last_json["input_files"] == [FILE_ID, "file-2"]
    assert result.input_files == [FILE_ID]
    # a value of the wrong kind is still refused, naming the field
    with pytest.raises(mistral_sdk.RequestValidationError, match="input_files"):
        api.call("batch.jobs.create", input_files=[3], endpoint="/v1/chat/completions")


# --- 2. null and missing -------------------------------------------------------------------


def test_null_in_an_optional_non_nullable_field_is_absent(mode: str) -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    body = (
        f"data: {json.dumps({**CHUNK, 'usage': None})}\n\n"
        f"data: {json.dumps({**CHUNK, 'usage': usage})}\n\n"
        "data: [DONE]\n\n"
    )
    api = Api(mode, sse_reply(body))
    events = api.events("chat.stream", model="m", messages=[{"role": "user", "content": "x"}])
    first, last = (event.data for event in events)
    assert first.usage is msgspec.UNSET  # read as absent: the 2024 API sent this
    assert isinstance(first, models.CompletionChunk)
    assert last.usage == models.UsageInfo(prompt_tokens=1, completion_tokens=2, total_tokens=3)


def test_null_deep_inside_a_list_is_absent_too() -> None:
    call = {"id": None, "type": None, "function": {"name": "f", "arguments": "{}"}, "index": 0}
    chunk = {**CHUNK, "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]}
    decoded = mistral_sdk.decode(json.dumps(chunk), models.CompletionChunk)
    (tool_call,) = decoded.choices[0].delta.tool_calls  # type: ignore[misc]
    assert tool_call.id is msgspec.UNSET and tool_call.type is msgspec.UNSET
    assert tool_call.index == 0 and tool_call.function.name == "f"


def test_null_in_a_required_non_nullable_field_still_raises() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.model"):
        mistral_sdk.decode(json.dumps({**CHUNK, "model": None}), models.CompletionChunk)


EXECUTION = {
    "workflow_name": "w",
    "execution_id": "e1",
    "root_execution_id": "e1",
    "status": "RUNNING",
    "start_time": "2026-01-01T00:00:00Z",
}


def test_required_nullable_field_missing_reads_as_none(mode: str) -> None:
    api = Api(mode, json_reply(json.dumps(EXECUTION)))
    execution = api.call("workflows.executions.get", "e1")
    assert isinstance(execution, models.WorkflowExecutionResponse)
    assert execution.end_time is None and execution.result is None


def test_required_non_nullable_field_missing_is_an_error_naming_it(mode: str) -> None:
    body = {k: v for k, v in EXECUTION.items() if k != "start_time"}
    api = Api(mode, json_reply(json.dumps(body)))
    with pytest.raises(APIResponseValidationError, match="start_time"):
        api.call("workflows.executions.get", "e1")


def test_request_sends_null_for_a_required_nullable_field(mode: str) -> None:
    answer = {"pages": [], "model": "m", "usage_info": {"pages_processed": 0}}
    api = Api(mode, json_reply(json.dumps(answer)))
    document = {"type": "document_url", "document_url": "https://x.test/a.pdf"}
    api.call("ocr.process", document=document)
    assert "model" in api.last_json and api.last_json["model"] is None
    api.call("ocr.process", model="mistral-ocr-latest", document=document)
    assert api.last_json["model"] == "mistral-ocr-latest"
    assert models.OCRRequest(document=document).model is None  # type: ignore[arg-type]
