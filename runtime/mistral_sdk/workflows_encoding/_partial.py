"""Partial encryption: the string fields marked `{"field_type": "__encrypted_str__",
"data": "..."}` anywhere in a JSON payload get their `data` encrypted (base64 of
nonce | ciphertext | tag); everything else stays readable.

Mistral's clients rewrite the whole document after marking (Python's
`json.dumps(..., ensure_ascii=False, separators=(",", ":"))`), so the bytes sent
depend on that canonical form. It is reproduced here with msgspec (floats keep
Python's spelling through a float hook), and with the `json` module itself for what
msgspec does not read (NaN, Infinity, lone surrogates), so that the same input gives
the same bytes in every client.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

import msgspec

from ._errors import PayloadFormatError

__all__ = ["MARKER", "decrypt_fields", "dumps", "encrypt_fields", "encrypted", "loads"]

MARKER = "__encrypted_str__"
MARKER_KEY = "field_type"


def encrypted(value: str) -> dict[str, str]:
    """Mark a string for partial encryption: put `encrypted("...")` in a workflow
    input where the plain string would be; the worker receives the string."""
    if not isinstance(value, str):
        raise TypeError(f"encrypted() takes a str, got {type(value).__name__}")
    return {MARKER_KEY: MARKER, "data": value}


def _float_text(text: str) -> msgspec.Raw:
    value = float(text)
    if value != value:
        return msgspec.Raw(b"NaN")
    if value in (float("inf"), float("-inf")):
        return msgspec.Raw(b"Infinity" if value > 0 else b"-Infinity")
    return msgspec.Raw(repr(value).encode())


_CANONICAL = msgspec.json.Decoder(float_hook=_float_text)
_PLAIN = msgspec.json.Decoder()


def _loads(data: bytes | bytearray | memoryview, canonical: bool) -> tuple[Any, bool]:
    """(the document, whether msgspec read it). Raises ValueError for what is not JSON."""
    try:
        return (_CANONICAL if canonical else _PLAIN).decode(data), True
    except msgspec.DecodeError:
        pass  # NaN, Infinity, lone surrogates: read (and written back) the json module's way
    try:
        return json.loads(bytes(data)), False
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(str(exc)) from None


def loads(data: bytes | bytearray | memoryview) -> Any:
    """JSON as Python's `json.loads` reads it (ValueError for what is not JSON)."""
    return _loads(data, canonical=False)[0]


def dumps(value: Any) -> bytes:
    """JSON for any decoded payload value (NaN and Infinity as Python writes them)."""
    try:
        return msgspec.json.encode(value)
    except (msgspec.EncodeError, UnicodeEncodeError, OverflowError, TypeError):
        return json.dumps(value).encode("utf-8", "backslashreplace")


def _canonical(document: Any, fast: bool) -> bytes:
    if fast:  # floats are their Python text already (msgspec.Raw)
        return msgspec.json.encode(document)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace")


def marked_fields(value: Any) -> list[dict[str, Any]]:
    """The marked objects, in document order (depth first). A marked object is not
    looked into: markers inside it are data."""
    found: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get(MARKER_KEY) == MARKER:
                found.append(node)
                continue
            children = [v for v in node.values() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            children = [v for v in node if isinstance(v, (dict, list))]
        else:
            continue
        children.reverse()
        stack.extend(children)
    return found


def _where(document: Any, target: dict[str, Any], path: str = "$") -> str | None:
    """The JSON path of `target` in `document` (for error messages only)."""
    if document is target:
        return path
    items = (
        document.items()
        if isinstance(document, dict)
        else enumerate(document)
        if isinstance(document, list)
        else ()
    )
    for key, item in items:
        step = f"{path}[{key}]" if isinstance(document, list) else f"{path}.{key}"
        found = _where(item, target, step)
        if found is not None:
            return found
    return None


def encrypt_fields(
    data: bytes | bytearray | memoryview, encrypt: Callable[[bytes], bytearray]
) -> tuple[bytes | bytearray | memoryview, bool]:
    """(the payload with its marked strings encrypted, whether any was). A payload that
    is not JSON is returned as it is."""
    try:
        document, fast = _loads(data, canonical=True)
    except ValueError:
        return data, False
    fields = marked_fields(document)
    for field in fields:
        text = field.get("data")
        if not isinstance(text, str):
            raise PayloadFormatError(
                f"a field marked {MARKER!r} at {_where(document, field)} has no string "
                f"`data` (got {type(text).__name__})"
            )
        field["data"] = base64.b64encode(encrypt(text.encode("utf-8", "surrogatepass"))).decode()
    return _canonical(document, fast), bool(fields)


def decrypt_fields(
    data: bytes | bytearray | memoryview, decrypt: Callable[[bytes], bytes | bytearray]
) -> Any:
    """The payload (as Python values) with its marked strings decrypted."""
    try:
        document = loads(data)
    except ValueError:
        raise PayloadFormatError("a partially encrypted payload is not JSON") from None
    for field in marked_fields(document):
        text = field.get("data")
        try:
            blob = base64.b64decode(text, validate=True) if isinstance(text, str) else None
        except binascii.Error:
            blob = None
        if blob is None:
            where = _where(document, field)
            raise PayloadFormatError(f"the encrypted field at {where} is not base64 text")
        field["data"] = decrypt(blob).decode("utf-8", "surrogatepass")
    return document
