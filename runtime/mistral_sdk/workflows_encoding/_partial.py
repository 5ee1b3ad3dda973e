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

import binascii
import contextlib
import gc
import json
from collections.abc import Callable, Iterator
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


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The collector paused while a large document is built and walked: it holds no
    cycles, and collections triggered by its millions of objects cost a fifth of the
    time of a 100 MB payload."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    if fast:  # msgspec spells every float of the document as Python does (see _scan)
        return msgspec.json.encode(document)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace")


def _scan(document: Any) -> tuple[list[dict[str, Any]], bool]:
    """(the marked objects in document order, depth first; whether a float is one
    msgspec writes otherwise than Python's repr: below 1e-4 or from 1e16 on, where
    Python switches to an exponent). A marked object is not looked into: markers
    inside it are data. Decoded JSON holds exact dicts and lists only."""
    found: list[dict[str, Any]] = []
    append = found.append
    stack = [document]
    pop, extend = stack.pop, stack.extend
    odd = False
    while stack:
        node = pop()
        kind = type(node)
        if kind is dict:
            if node.get(MARKER_KEY) == MARKER:
                append(node)
                continue
            extend(reversed(node.values()))
        elif kind is list:
            extend(reversed(node))
        elif kind is float and not odd:
            odd = node != 0 and not 1e-4 <= abs(node) < 1e16
    return found, odd


def marked_fields(value: Any) -> list[dict[str, Any]]:
    """The marked objects, in document order (depth first). A marked object is not
    looked into: markers inside it are data."""
    return _scan(value)[0]


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
    data: bytes | bytearray | memoryview, encrypt: Callable[[list[bytes]], list[bytes]]
) -> tuple[bytes | bytearray | memoryview, bool]:
    """(the payload with its marked strings encrypted (`encrypt` seals them all),
    whether any was). A payload that is not JSON is returned as it is.

    The document is read with plain floats and written back by msgspec, which spells
    them as Python does except far from 1 (`_scan`); only a document holding such a
    float is read again with each float kept as Python's text."""
    with _no_gc():
        try:
            document, fast = _loads(data, canonical=False)
        except ValueError:
            return data, False
        fields, odd = _scan(document)
        if fast and odd:
            document, fast = _loads(data, canonical=True)
            fields = _scan(document)[0]
        texts = []
        for field in fields:
            text = field.get("data")
            if not isinstance(text, str):
                raise PayloadFormatError(
                    f"a field marked {MARKER!r} at {_where(document, field)} has no string "
                    f"`data` (got {type(text).__name__})"
                )
            texts.append(text.encode("utf-8", "surrogatepass"))
        b64 = binascii.b2a_base64
        for field, sealed in zip(fields, encrypt(texts), strict=True):
            field["data"] = b64(sealed, newline=False).decode("ascii")
        return _canonical(document, fast), bool(fields)


def decrypt_fields(
    data: bytes | bytearray | memoryview, decrypt: Callable[[bytes], bytes | bytearray]
) -> Any:
    """The payload (as Python values) with its marked strings decrypted."""
    with _no_gc():
        try:
            document = loads(data)
        except ValueError:
            raise PayloadFormatError("a partially encrypted payload is not JSON") from None
        for field in _scan(document)[0]:
            text = field.get("data")
            try:
                blob = (
                    binascii.a2b_base64(text, strict_mode=True) if isinstance(text, str) else None
                )
            except ValueError:  # binascii.Error, or text that is not ASCII
                blob = None
            if blob is None:
                where = _where(document, field)
                raise PayloadFormatError(f"the encrypted field at {where} is not base64 text")
            field["data"] = decrypt(blob).decode("utf-8", "surrogatepass")
        return document
