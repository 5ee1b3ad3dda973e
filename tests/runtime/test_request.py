"""Request building (pure): URL, path and query encoding, headers, bodies."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx2
import msgspec
import pytest

from mistral_sdk._errors import RequestValidationError
from mistral_sdk._request import build_request, encode_query, render_path, user_agent
from mistral_sdk._types import UNSET


class Point(msgspec.Struct):
    x: int
    y: int


def build(path: str = "/v1/x", method: str = "POST", **kwargs: Any) -> httpx2.Request:
    kwargs.setdefault("headers", {"Authorization": "Bearer k"})
    return build_request(method, "https://api.test/prefix", path, **kwargs).request


def multipart_parts(request: httpx2.Request) -> list[tuple[dict[str, str], bytes]]:
    """Parse a multipart body into (headers, content) per part."""
    body = request.read()
    boundary = re.search(r"boundary=([^;]+)", request.headers["content-type"])
    assert boundary
    parts = []
    for raw in body.split(b"--" + boundary.group(1).encode())[1:-1]:
        head, _, content = raw[2:-2].partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode().split("\r\n"):
            k, _, v = line.partition(": ")
            headers[k.lower()] = v
        parts.append((headers, content))
    return parts


def test_base_url_prefix_kept() -> None:
    assert str(build("/v1/models").url) == "https://api.test/prefix/v1/models"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a b/c?d#e", "a%20b%2Fc%3Fd%23e"),
        ("..", ".."),
        ("é", "%C3%A9"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
    ],
)
def test_path_params_quoted(value: object, expected: str) -> None:
    assert render_path("/v1/files/{file_id}", {"file_id": value}) == f"/v1/files/{expected}"


@pytest.mark.parametrize("params", [None, {}, {"file_id": None}, {"file_id": UNSET}])
def test_missing_path_param_names_it(params: dict[str, object] | None) -> None:
    with pytest.raises(RequestValidationError, match="file_id") as info:
        render_path("/v1/files/{file_id}", params)
    assert info.value.field == "file_id"


def test_query_encoding() -> None:
    pairs = encode_query(
        {
            "page": 2,
            "flag": True,
            "off": False,
            "none": None,
            "unset": UNSET,
            "ids": ["a", "b"],
            "metadata": {"k1": "v1", "k2": 3},
            "point": Point(1, 2),
            "filters": {"status": ["ok"]},
        },
        query_json=("filters",),
    )
    assert pairs == [
        ("page", "2"),
        ("flag", "true"),
        ("off", "false"),
        ("ids", "a"),
        ("ids", "b"),
        ("k1", "v1"),
        ("k2", "3"),
        ("x", "1"),
        ("y", "2"),
        ("filters", '{"status":["ok"]}'),
    ]


def test_query_in_url_and_extra_query_replaces() -> None:
    req = build(query={"page": 1, "ids": ["a", "b"]}, extra_query={"page": 5, "new": "x y"})
    assert req.url.params.multi_items() == [
        ("ids", "a"),
        ("ids", "b"),
        ("page", "5"),
        ("new", "x y"),
    ]


def test_header_params_and_extra_headers() -> None:
    req = build(
        headers={"Authorization": "Bearer k", "X-Default": "d", "Accept": "application/json"},
        header_params={"last-event-id": "7", "dropped": UNSET, "none": None, "flag": True},
        extra_headers={"x-default": None, "X-Extra": "e"},
    )
    assert req.headers["last-event-id"] == "7"
    assert req.headers["flag"] == "true"
    assert "dropped" not in req.headers and "none" not in req.headers
    assert "x-default" not in req.headers
    assert req.headers["x-extra"] == "e"
    assert req.headers["authorization"] == "Bearer k"


def test_json_body() -> None:
    req = build(json=Point(1, 2))
    assert req.headers["content-type"] == "application/json"
    assert req.content == b'{"x":1,"y":2}'


def test_no_body_when_unset() -> None:
    req = build(method="GET")
    assert req.content == b""
    assert "content-type" not in req.headers


def test_extra_body_merged() -> None:
    req = build(json=Point(1, 2), extra_body={"y": 5, "z": [1]})
    assert json.loads(req.content) == {"x": 1, "y": 5, "z": [1]}
    assert json.loads(build(extra_body={"a": 1}).content) == {"a": 1}


def test_extra_body_needs_object() -> None:
    with pytest.raises(RequestValidationError):
        build(json=[1, 2], extra_body={"a": 1})


def test_timeout_extension() -> None:
    req = build(timeout=httpx2.Timeout(3.0, connect=1.0))
    assert req.extensions["timeout"] == {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert build(timeout=None).extensions["timeout"]["read"] is None


def test_user_agent() -> None:
    ua = user_agent()
    assert re.fullmatch(r"mistral-sdk/\S+ python/\d+\.\d+ httpx2/\S+", ua)


# -- multipart ---------------------------------------------------------------


def test_multipart_from_path(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"a":1}\n')
    built = build_request(
        "POST",
        "https://api.test",
        "/v1/files",
        headers={},
        multipart={"file": str(path), "purpose": "fine-tune"},
        multipart_files=("file",),
    )
    assert built.rewindable
    assert built.request.headers["content-length"]  # size known without reading
    parts = multipart_parts(built.request)
    (purpose_h, purpose), (file_h, content) = parts
    assert 'name="purpose"' in purpose_h["content-disposition"] and purpose == b"fine-tune"
    assert 'filename="train.jsonl"' in file_h["content-disposition"]
    assert content == b'{"a":1}\n'
    # opened lazily and closed at end of file
    assert all(f._file is None for f in built.opened)


def test_multipart_from_pathlike_without_hint(tmp_path: Path) -> None:
    path = tmp_path / "img.png"
    path.write_bytes(b"\x89PNG")
    req = build(multipart={"file": path})
    [(h, content)] = multipart_parts(req)
    assert h["content-type"] == "image/png"
    assert 'filename="img.png"' in h["content-disposition"]
    assert content == b"\x89PNG"


def test_multipart_missing_file_fails_before_sending(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        build(multipart={"file": tmp_path / "nope.txt"})


def test_multipart_bytes() -> None:
    [(h, content)] = multipart_parts(build(multipart={"file": b"abc"}))
    assert 'filename="upload"' in h["content-disposition"]
    assert h["content-type"] == "application/octet-stream"
    assert content == b"abc"


def test_multipart_file_object(tmp_path: Path) -> None:
    path = tmp_path / "audio.mp3"
    path.write_bytes(b"ID3")
    with open(path, "rb") as f:
        built = build_request("POST", "https://x", "/", headers={}, multipart={"file": f})
        [(h, content)] = multipart_parts(built.request)
    assert 'filename="audio.mp3"' in h["content-disposition"]
    assert h["content-type"] == "audio/mpeg"
    assert content == b"ID3"
    assert built.rewindable


def test_multipart_tuple_with_filename_and_type() -> None:
    req = build(multipart={"file": ("doc.bin", io.BytesIO(b"xyz"), "application/pdf")})
    [(h, content)] = multipart_parts(req)
    assert 'filename="doc.bin"' in h["content-disposition"]
    assert h["content-type"] == "application/pdf"
    assert content == b"xyz"
    [(h2, _)] = multipart_parts(build(multipart={"file": ("a.txt", b"hi")}))
    assert h2["content-type"] == "text/plain"


def test_multipart_non_seekable_is_not_rewindable() -> None:
    r, w = os.pipe()
    os.write(w, b"data")
    os.close(w)
    with os.fdopen(r, "rb") as f:
        built = build_request("POST", "https://x", "/", headers={}, multipart={"file": f})
        assert not built.rewindable


def test_multipart_text_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("x")
    with open(path) as f, pytest.raises(RequestValidationError, match="binary"):
        build(multipart={"file": f})


def test_multipart_form_fields() -> None:
    req = build(
        multipart={
            "model": "m",
            "stream": False,
            "temperature": 0.5,
            "timestamp_granularities": ["segment", "word"],
            "meta": {"a": 1},
            "point": Point(1, 2),
            "skip": UNSET,
            "none": None,
        },
        extra_body={"extra": "e"},
    )
    fields = [
        (re.search(r'name="([^"]+)"', h["content-disposition"]).group(1), c)  # type: ignore[union-attr]
        for h, c in multipart_parts(req)
    ]
    assert fields == [
        ("model", b"m"),
        ("stream", b"false"),
        ("temperature", b"0.5"),
        ("timestamp_granularities", b"segment"),
        ("timestamp_granularities", b"word"),
        ("meta", b'{"a":1}'),
        ("point", b'{"x":1,"y":2}'),
        ("extra", b"e"),
    ]
    assert req.headers["content-type"].startswith("multipart/form-data")
