from __future__ import annotations

import copy
import pickle

import httpx2
import pytest
from runtime_helpers import KEY

from mistral_sdk._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MistralError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
    make_status_error,
)
from mistral_sdk._types import NOT_GIVEN, UNSET, NotGiven, UnsetType


def test_not_given_is_falsy_singleton() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN


def test_unset_is_msgspecs() -> None:
    import msgspec

    assert UNSET is msgspec.UNSET
    assert UnsetType is msgspec.UnsetType


def test_hierarchy() -> None:
    assert issubclass(APIError, MistralError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, APIError)
    assert issubclass(APIResponseValidationError, APIError)
    assert issubclass(RequestValidationError, MistralError)
    assert issubclass(RequestValidationError, ValueError)
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
    ):
        assert issubclass(cls, APIStatusError)


def _response(status: int, **kwargs: object) -> httpx2.Response:
    request = httpx2.Request("POST", "https://api.test/v1/x")
    return httpx2.Response(status, request=request, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_factory_picks_class(status: int, cls: type[APIStatusError]) -> None:
    err = make_status_error(_response(status, json={"message": "nope"}))
    assert type(err) is cls
    assert err.status_code == status
    assert "nope" in str(err)
    assert str(status) in str(err)


@pytest.mark.parametrize("header", ["x-request-id", "mistral-correlation-id", "request-id"])
def test_request_id(header: str) -> None:
    err = make_status_error(_response(404, json={"message": "m"}, headers={header: "rid-1"}))
    assert err.request_id == "rid-1"
    assert "rid-1" in str(err)


def test_messages_from_various_bodies() -> None:
    assert "plain words" in str(make_status_error(_response(500, text="plain words")))
    assert "boom" in str(make_status_error(_response(400, json={"detail": "boom"})))
    assert "bad thing" in str(make_status_error(_response(400, json={"error": "bad thing"})))
    assert "nested" in str(make_status_error(_response(400, json={"error": {"message": "nested"}})))
    long = make_status_error(_response(502, text="x" * 10_000))
    assert len(str(long)) < 1100
    assert long.body == "x" * 10_000


def test_422_detail_kept_and_rendered() -> None:
    detail = [
        {"loc": ["body", "messages", 0, "role"], "msg": "field required", "type": "missing"},
        {"loc": ["query", "page"], "msg": "not an int", "type": "int"},
    ]
    err = make_status_error(_response(422, json={"detail": detail}))
    assert isinstance(err, UnprocessableEntityError)
    assert err.detail == detail
    assert "body.messages[0].role: field required" in str(err)
    assert "query.page: not an int" in str(err)
    assert err.body == {"detail": detail}


def test_body_is_json_or_text() -> None:
    assert make_status_error(_response(400, json={"a": 1})).body == {"a": 1}
    assert make_status_error(_response(400, text="<html>")).body == "<html>"
    assert make_status_error(_response(400)).body is None


def test_key_redacted_from_message() -> None:
    err = make_status_error(_response(401, json={"message": f"bad key {KEY}"}), redact=KEY)
    assert KEY not in str(err)
    assert KEY not in repr(err)


def test_response_validation_error_keeps_body() -> None:
    r = _response(200, content=b"{bad")
    err = APIResponseValidationError("no", response=r, body=b"{bad")
    assert err.body == b"{bad"
    assert err.status_code == 200
    assert err.response is r


def test_request_validation_error_names_field() -> None:
    err = RequestValidationError("messages: required", field="messages")
    assert err.field == "messages"
    assert isinstance(err, ValueError)
