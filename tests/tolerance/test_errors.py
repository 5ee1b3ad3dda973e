"""Point 5 of issue 11: every error carries what the server said, whatever its shape."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from tolerance_helpers import KEY, Api

import mistral_sdk
from mistral_sdk import (
    APIStatusError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    UnprocessableEntityError,
)
from mistral_sdk._errors import parse_error_body, redact_secret

VALIDATION = [{"loc": ["body", "messages", 0, "role"], "msg": "Field required", "type": "missing"}]

# (status, content type, body, message, type, code, param, detail)
SHAPES: list[tuple[int, str, bytes, str, Any, Any, Any, Any]] = [
    (
        400,
        "application/json",
        json.dumps(
            {
                "object": "error",
                "message": "Invalid model: mistral-huge",
                "type": "invalid_model",
                "param": "model",
                "code": "1500",
            }
        ).encode(),
        "Invalid model: mistral-huge",
        "invalid_model",
        "1500",
        "model",
        [{"loc": ["model"], "msg": "Invalid model: mistral-huge", "type": "invalid_model"}],
    ),
    (
        422,
        "application/json",
        json.dumps({"detail": VALIDATION}).encode(),
        "body.messages[0].role: Field required",
        None,
        None,
        None,
        VALIDATION,
    ),
    (  # the API's 422: the validation list inside `message`, as an object
        422,
        "application/json",
        json.dumps(
            {
                "object": "error",
                "message": {"detail": VALIDATION},
                "type": "invalid_request_message_order",
                "param": None,
                "code": None,
            }
        ).encode(),
        "body.messages[0].role: Field required",
        "invalid_request_message_order",
        None,
        None,
        VALIDATION,
    ),
    (  # ... and as JSON text
        422,
        "application/json",
        json.dumps(
            {"object": "error", "message": json.dumps({"detail": VALIDATION}), "type": "x"}
        ).encode(),
        "body.messages[0].role: Field required",
        "x",
        None,
        None,
        VALIDATION,
    ),
    (
        404,
        "application/json",
        b'{"message": "No file with id file-1"}',
        "No file with id file-1",
        None,
        None,
        None,
        None,
    ),
    (
        422,
        "text/plain",
        b"Unprocessable: bad audio",
        "Unprocessable: bad audio",
        None,
        None,
        None,
        [{"loc": [], "msg": "Unprocessable: bad audio"}],
    ),
    (
        502,
        "text/html",
        b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "HTML error page: 502 Bad Gateway",
        None,
        None,
        None,
        None,
    ),
    (
        400,
        "application/json",
        b'{"error": {"message": "nested words", "type": "bad", "code": 7}}',
        "nested words",
        "bad",
        7,
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("status", "ctype", "body", "message", "type_", "code", "param", "detail"), SHAPES
)
def test_each_error_shape(
    mode: str,
    status: int,
    ctype: str,
    body: bytes,
    message: str,
    type_: Any,
    code: Any,
    param: Any,
    detail: Any,
) -> None:
    api = Api(
        mode, lambda r: httpx2.Response(status, content=body, headers={"content-type": ctype})
    )
    with pytest.raises(APIStatusError) as caught:
        api.call("files.retrieve", "file-1", extra_query={"token": "query-secret"})
    exc = caught.value
    assert (exc.message, exc.type, exc.code, exc.param) == (message, type_, code, param)
    text = str(exc)
    assert text.startswith(f"{status} ")
    assert "from GET /v1/files/file-1: " in text and text.endswith(message)
    assert "query-secret" not in text and KEY not in text
    if isinstance(exc, UnprocessableEntityError):
        assert exc.detail == detail
    expected = {400: BadRequestError, 404: NotFoundError, 422: UnprocessableEntityError}
    assert isinstance(exc, expected.get(status, InternalServerError))


def test_one_parser_for_streams_and_responses() -> None:
    info = parse_error_body({"object": "error", "message": "m", "type": "t", "code": 3})
    assert (info.message, info.type, info.code) == ("m", "t", 3)
    assert parse_error_body("").message == "" and parse_error_body(None).detail_items() == []
    assert parse_error_body([1, 2]).message == "[1,2]"
    assert parse_error_body({"weird": True}).message == '{"weird":true}'


def test_redaction_keeps_other_text_intact() -> None:
    assert redact_secret("/v1/workflows failed", "k") == "/v1/workflows failed"
    assert redact_secret("bad key k here", "k") == "bad key *** here"
    assert redact_secret("key=sk-123;", "sk-123") == "key=***;"
    assert redact_secret("sk-1234 and sk-12345", "sk-1234") == "*** and sk-12345"


def test_a_short_key_never_mangles_the_message(mode: str) -> None:
    body = b'{"message": "no workflow here for key k"}'
    api = Api(
        mode,
        lambda r: httpx2.Response(404, content=body, headers={"content-type": "application/json"}),
        api_key="k",
    )
    with pytest.raises(NotFoundError) as caught:
        api.call("workflows.get", "wf")
    assert (
        str(caught.value) == "404 Not Found from GET /v1/workflows/wf: no workflow here for key ***"
    )
    assert caught.value.message == "no workflow here for key ***"


def test_connection_errors_redact_by_whole_token_too(mode: str) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("cannot reach /v1/workflows with key k", request=request)

    api = Api(mode, refuse, api_key="k")
    with pytest.raises(mistral_sdk.APIConnectionError) as caught:
        api.call("workflows.get", "wf")
    assert str(caught.value) == "Connection error: cannot reach /v1/workflows with key ***"
