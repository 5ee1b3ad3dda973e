"""Turn the arguments of `client.request(...)` into an `httpx2.Request`. Pure, no I/O.

Shared by the sync and async clients. Encoding rules (OpenAPI defaults):

- path parameters are percent-quoted with nothing left safe, so a value can
  never change the shape of the path;
- query parameters use the `form` style with `explode`: lists repeat the key,
  objects spread their own keys, booleans are `true` / `false`, `None` and
  `UNSET` are dropped; names listed in `query_json` are sent as compact JSON;
- the JSON body is encoded by the codec the rest of the SDK uses;
- multipart bodies stream files (paths are opened lazily, never read whole).
"""

from __future__ import annotations

import enum
import functools
import io
import mimetypes
import os
import re
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, cast
from urllib.parse import quote

import httpx2
import msgspec

from ._codec import encode
from ._errors import RequestValidationError
from ._version import __version__

__all__ = [
    "BuiltRequest",
    "build_request",
    "encode_query",
    "user_agent",
]

_PATH_PARAM = re.compile(r"\{([^{}]+)\}")


@functools.cache
def user_agent() -> str:
    """`mistral-sdk/<version> python/<x.y> httpx2/<version>`, computed once."""
    # _version is what the build backend reads; importlib.metadata would cost
    # ~5 ms of client construction (it imports zipfile and csv, scans dist-info).
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"mistral-sdk/{__version__} python/{py} httpx2/{httpx2.__version__}"


@dataclass(slots=True)
class BuiltRequest:
    """The request plus what the transport loop must know about its body."""

    request: httpx2.Request
    # False when a retry could not send the same body again (a file object
    # that cannot seek back): such requests are not retried.
    rewindable: bool = True
    # Files this request opened itself; closed once the call is over.
    opened: list[_LazyFile] = field(default_factory=list)

    def close_files(self) -> None:
        for f in self.opened:
            f.close()


def build_request(
    method: str,
    base_url: str,
    path: str,
    *,
    headers: httpx2.Headers | Mapping[str, str],
    path_params: Mapping[str, object] | None = None,
    query: Mapping[str, object] | None = None,
    query_json: Collection[str] = (),
    header_params: Mapping[str, object] | None = None,
    json: object = msgspec.UNSET,
    multipart: Mapping[str, object] | None = None,
    multipart_files: Collection[str] = (),
    extra_headers: Mapping[str, str | None] | None = None,
    extra_query: Mapping[str, object] | None = None,
    extra_body: Mapping[str, Any] | None = None,
    timeout: httpx2.Timeout | None = None,
) -> BuiltRequest:
    """Build the request. `base_url` has no trailing slash; `headers` are the
    client's defaults (auth, user agent, accept, ...), lowest precedence."""
    url = base_url + render_path(path, path_params)

    # httpx2.Headers: names are case-insensitive when set or removed.
    all_headers = httpx2.Headers(headers)
    if header_params:
        for name, value in header_params.items():
            if value is None or value is msgspec.UNSET:
                continue
            all_headers[name] = _scalar(value)

    content: bytes | None = None
    data: dict[str, Any] | None = None
    files: list[tuple[str, Any]] | None = None
    opened: list[_LazyFile] = []
    rewindable = True
    if multipart is not None:
        fields: Mapping[str, object] = {**multipart, **extra_body} if extra_body else multipart
        data, files, rewindable = _encode_multipart(fields, multipart_files, opened)
    elif json is not msgspec.UNSET or extra_body:
        content = _encode_json(json, extra_body)
        all_headers["Content-Type"] = "application/json"

    if extra_headers:
        for name, value in extra_headers.items():
            if value is None:
                all_headers.pop(name, None)  # None removes a default header
            else:
                all_headers[name] = value

    params = encode_query(query, query_json, extra_query)
    request = httpx2.Request(
        method,
        url,
        params=cast(Any, params) or None,  # list invariance vs httpx2's union
        headers=all_headers,
        content=content,
        data=data,
        files=files,
        extensions={"timeout": httpx2.Timeout(timeout).as_dict()},
    )
    return BuiltRequest(request, rewindable, opened)


@functools.lru_cache(maxsize=512)
def _path_names(path: str) -> tuple[str, ...]:
    return tuple(_PATH_PARAM.findall(path))


def render_path(path: str, params: Mapping[str, object] | None) -> str:
    """Substitute `{name}` placeholders with percent-quoted values."""
    names = _path_names(path)
    if not names:
        return path
    values = params or {}
    for name in names:
        value = values.get(name)
        if value is None or value is msgspec.UNSET:
            raise RequestValidationError(f"missing required path parameter {name!r}", field=name)
        text = _scalar(value)
        if text == "":
            raise RequestValidationError(f"path parameter {name!r} must not be empty", field=name)
        path = path.replace("{" + name + "}", quote(text, safe=""))
    return path


def _scalar(value: object) -> str:
    """One value as text: booleans in JSON spelling, enums by value, Structs as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, enum.Enum):
        return _scalar(value.value)
    builtin = msgspec.to_builtins(value)
    if isinstance(builtin, str):  # datetime, UUID, Decimal, ...
        return builtin
    return encode(builtin).decode()


def _query_items(name: str, value: object, as_json: bool) -> Iterable[tuple[str, str]]:
    if value is None or value is msgspec.UNSET:
        return ()
    if as_json:
        return ((name, encode(value).decode()),)
    if isinstance(value, (str, bool, int, float, enum.Enum)):
        return ((name, _scalar(value)),)
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    if isinstance(value, Mapping):
        # form + explode: an object's properties become their own parameters.
        return [
            (str(k), _scalar(v))
            for k, v in value.items()
            if v is not None and v is not msgspec.UNSET
        ]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [(name, _scalar(v)) for v in value if v is not None and v is not msgspec.UNSET]
    return ((name, _scalar(value)),)


def encode_query(
    query: Mapping[str, object] | None,
    query_json: Collection[str] = (),
    extra_query: Mapping[str, object] | None = None,
) -> list[tuple[str, str]]:
    """The query as ordered pairs; `extra_query` replaces same-named parameters."""
    pairs: list[tuple[str, str]] = []
    if query:
        for name, value in query.items():
            pairs.extend(_query_items(name, value, name in query_json))
    if extra_query:
        replaced = set(extra_query)
        pairs = [p for p in pairs if p[0] not in replaced]
        for name, value in extra_query.items():
            pairs.extend(_query_items(name, value, False))
    return pairs


def _encode_json(json: object, extra_body: Mapping[str, Any] | None) -> bytes:
    if not extra_body:
        return encode(json)  # the fast path: one encode, no intermediate dict
    if json is msgspec.UNSET:
        return encode(extra_body)
    obj = msgspec.json.decode(encode(json))
    if not isinstance(obj, dict):
        raise RequestValidationError(
            "extra_body can only be merged into a JSON object body", field="extra_body"
        )
    obj.update(extra_body)
    return encode(obj)


# -- multipart ---------------------------------------------------------------


class _ForceMultipart(dict[str, Any]):
    """An empty `files` argument that is truthy: httpx2 only encodes as
    multipart/form-data when `files` is truthy, and a form without files must
    still be multipart when the API says so."""

    def __bool__(self) -> bool:
        return True


class _LazyFile:
    """A path that httpx2's multipart encoder can read like a file object.

    The file is opened on the first read and closed at end of file, so a
    request that is never sent opens nothing and a retry (httpx2 seeks back to
    0) re-opens it. The size comes from `os.stat` so that Content-Length is
    known without reading.
    """

    def __init__(self, path: str) -> None:
        self.name = path
        self._size = os.stat(path).st_size  # fail early on a missing file
        self._file: IO[bytes] | None = None
        self._pos = 0

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END:
            self._pos = self._size + offset
        elif whence == os.SEEK_CUR:
            self._pos += offset
        else:
            self._pos = offset
        if self._file is not None:
            self._file.seek(self._pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        if self._file is None:
            self._file = open(self.name, "rb")  # noqa: SIM115 - closed at EOF / by close()
            self._file.seek(self._pos)
        chunk = self._file.read(size)
        self._pos += len(chunk)
        if not chunk or size < 0:
            self.close()
        return chunk

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _is_content(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, memoryview)) or hasattr(value, "read")


def _is_file(value: object) -> bool:
    if isinstance(value, tuple):
        return len(value) in (2, 3) and _is_content(value[1])
    return _is_content(value) or isinstance(value, os.PathLike)


def _basename(name: object) -> str | None:
    if isinstance(name, (str, os.PathLike)):
        base = os.path.basename(os.fspath(name))
        return base or None
    return None


def _file_part(
    field: str, value: object, opened: list[_LazyFile]
) -> tuple[tuple[str, Any, str], bool]:
    """(filename, content, content type) in the shape httpx2's `files=` expects,
    and whether the content can be sent again on a retry."""
    rewindable = True
    filename: str | None = None
    content_type: str | None = None
    if isinstance(value, tuple):
        if len(value) == 3:
            filename, content, content_type = value
        else:
            filename, content = value
    else:
        content = value
    if isinstance(content, (str, os.PathLike)):
        path = os.fspath(content)
        filename = filename or _basename(path)
        content = _LazyFile(path)
        opened.append(content)
    elif isinstance(content, (bytearray, memoryview)):
        content = bytes(content)
    elif not isinstance(content, bytes):
        if isinstance(content, io.TextIOBase):
            raise RequestValidationError(
                f"{field}: files must be opened in binary mode ('rb')", field=field
            )
        filename = filename or _basename(getattr(content, "name", None))
        seekable = getattr(content, "seekable", None)
        if not (callable(seekable) and seekable()):
            rewindable = False
    filename = filename or "upload"
    if content_type is None:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return (filename, content, content_type), rewindable


_FILE_KEYS = frozenset({"file_name", "content", "content_type"})


def _file_from_mapping(field: str, value: Mapping[Any, Any]) -> tuple[str | None, Any, str | None]:
    """The official SDK's file form, `{"file_name": ..., "content": ...}` (bytes or a
    binary file object; `content_type` optional), as a (filename, content, type) part.
    Any other mapping is refused: sent as a text field, the server would store 0 bytes."""
    unknown = sorted(str(k) for k in value if k not in _FILE_KEYS)
    content = value.get("content")
    if unknown or content is None or not _is_content(content):
        problem = f"unknown keys {unknown}" if unknown else "`content` must be bytes or a file"
        raise RequestValidationError(
            f"{field}: a file given as a dict takes {{'file_name': str, 'content': bytes | "
            f"binary file, 'content_type': str (optional)}}; {problem}",
            field=field,
        )
    name, ctype = value.get("file_name"), value.get("content_type")
    if name is not None and not isinstance(name, str):
        raise RequestValidationError(f"{field}: `file_name` must be a str", field=field)
    if ctype is not None and not isinstance(ctype, str):
        raise RequestValidationError(f"{field}: `content_type` must be a str", field=field)
    return (name, content, ctype)


def _form_value(value: object) -> str:
    if isinstance(value, (Mapping, msgspec.Struct, list, tuple)):
        return encode(value).decode()
    return _scalar(value)


def _encode_multipart(
    fields: Mapping[str, object], file_fields: Collection[str], opened: list[_LazyFile]
) -> tuple[dict[str, Any], list[tuple[str, Any]], bool]:
    data: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    rewindable = True
    for name, value in fields.items():
        if value is None or value is msgspec.UNSET:
            continue
        is_file_field = name in file_fields
        items = value if isinstance(value, list) else [value]
        texts = []
        for item in items:
            if item is None or item is msgspec.UNSET:
                continue
            if is_file_field and isinstance(item, Mapping):
                item = _file_from_mapping(name, item)
            if _is_file(item) or (is_file_field and isinstance(item, str)):
                part, can_rewind = _file_part(name, item, opened)
                files.append((name, part))
                rewindable = rewindable and can_rewind
            else:
                texts.append(_form_value(item))
        if texts:
            data[name] = texts if isinstance(value, list) else texts[0]
    return data, (files or cast(list[tuple[str, Any]], _ForceMultipart())), rewindable
