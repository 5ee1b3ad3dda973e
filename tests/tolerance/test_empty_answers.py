"""Point 3 of issue 11: a 2xx with an empty body."""

from __future__ import annotations

import inspect

import httpx2
import pytest
from tolerance_helpers import Api

from mistral_sdk import APIResponseValidationError


def test_delete_answering_204_returns_none(mode: str) -> None:
    api = Api(mode, lambda r: httpx2.Response(204))
    assert api.call("files.delete", "file-1") is None
    assert api.call("beta.connectors.delete", "c-1") is None
    # the annotation says what the caller gets
    annotation = inspect.get_annotations(type(api.client.files).delete)["return"]
    assert annotation == "models.DeleteFileResponse | None"


def test_delete_with_its_body_still_decodes(mode: str) -> None:
    body = {"id": "file-1", "object": "file", "deleted": True}
    api = Api(mode, lambda r: httpx2.Response(200, json=body))
    deleted = api.call("files.delete", "file-1")
    assert deleted is not None and deleted.deleted is True


@pytest.mark.parametrize("status", [200, 204])
def test_an_empty_body_where_one_is_required_says_so(mode: str, status: int) -> None:
    api = Api(mode, lambda r: httpx2.Response(status))
    with pytest.raises(APIResponseValidationError) as caught:
        api.call("files.retrieve", "file-1")
    assert str(caught.value) == (
        f"the server answered {status} with no body; the spec promises a GetFileResponse"
    )
    assert "truncated" not in str(caught.value)
