"""Partial encryption: the string fields marked `{"field_type": "__encrypted_str__",
"data": "..."}` anywhere in a JSON payload get their `data` encrypted (base64 of
nonce | ciphertext | tag); everything else stays readable.

Mistral's clients rewrite the whole document after marking (Python's
`json.dumps(..., ensure_ascii=False, separators=(",", ":"))`), so the bytes sent
depend on that canonical form. It is reproduced here with msgspec (floats keep
Python's spelling through a float hook), and with the `json` module itself for what
msgspec does not read (NaN, Infinity, lone surrogates), so that the same input gives
the same bytes in every client.

A document over `WHOLE_MAX` bytes is rewritten a piece at a time (`_in_pieces`): its
large objects and arrays are taken apart with msgspec (their members as raw JSON
text) and only pieces of about `PIECE` bytes are read into Python objects at once,
which gives the same bytes as reading it whole in a fraction of the memory.
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

__all__ = [
    "MARKER",
    "decrypt_fields",
    "decrypt_text",
    "dumps",
    "encrypt_fields",
    "encrypted",
    "loads",
]

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


def _encrypt_whole(
    data: bytes | bytearray | memoryview, encrypt: Callable[[list[bytes]], list[bytes]]
) -> tuple[bytes | bytearray | memoryview, bool]:
    """`encrypt_fields` of a document read whole.

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


def encrypt_fields(
    data: bytes | bytearray | memoryview, encrypt: Callable[[list[bytes]], list[bytes]]
) -> tuple[bytes | bytearray | memoryview, bool]:
    """(the payload with its marked strings encrypted (`encrypt` seals them all, in
    document order), whether any was). A payload that is not JSON is returned as it
    is. A large document is rewritten a piece at a time (`_in_pieces`)."""
    found = False

    def rewrite(piece: bytes | bytearray | memoryview) -> bytes | bytearray | memoryview:
        nonlocal found
        text, marked = _encrypt_whole(piece, encrypt)
        if text is piece:  # not JSON to the json module either: read it whole
            raise _Whole
        found = found or marked
        return text

    rewritten = _in_pieces(data, rewrite)
    if rewritten is None:
        return _encrypt_whole(data, encrypt)
    return rewritten, found


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


def decrypt_text(
    data: bytes | bytearray | memoryview, decrypt: Callable[[bytes], bytes | bytearray]
) -> bytes | bytearray:
    """`decrypt_fields` written back as JSON text (`dumps`), a large document a piece
    at a time."""

    def rewrite(piece: bytes | bytearray | memoryview) -> bytes:
        try:  # msgspec's text only: the json module's (NaN, ...) spaces its separators
            return msgspec.json.encode(decrypt_fields(piece, decrypt))
        except (msgspec.EncodeError, UnicodeEncodeError, OverflowError, TypeError):
            raise _Whole from None

    rewritten = _in_pieces(data, rewrite)
    return dumps(decrypt_fields(data, decrypt)) if rewritten is None else rewritten


# -- large documents, a piece at a time ---------------------------------------------

PIECE = 1024 * 1024
"""About how many bytes of a large document are read into Python objects at a time."""
WHOLE_MAX = 8 * 1024 * 1024
"""Documents up to this size are read whole: taking one apart costs a few
milliseconds, which only a large document's memory is worth."""

_MEMBERS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_STRING = msgspec.json.Decoder(str)
_BLANK = b" \t\r\n"


class _Whole(Exception):
    """A piece that only the whole document's reading handles (not for msgspec, or
    an error whose message names the field's path in the document)."""


def _in_pieces(
    data: bytes | bytearray | memoryview,
    rewrite: Callable[[bytes | bytearray | memoryview], bytes | bytearray | memoryview],
) -> bytearray | None:
    """The document with `rewrite` applied to each piece, or None when it is read
    whole (a document up to `WHOLE_MAX` bytes, or one msgspec does not read).

    JSON text is written member by member, item by item, so rewriting pieces in
    document order gives the bytes of rewriting the whole: an object or array over
    `PIECE` bytes is written by hand around its members (each key as msgspec writes
    it, as Python does) and runs of its items of about `PIECE` bytes, each rewritten
    as one array; a marked object is a piece, whatever its size. Only the pieces and
    the text written so far are in memory, never the whole document as objects (about
    five times its size)."""
    if len(memoryview(data).cast("B")) <= WHOLE_MAX:
        return None
    out = bytearray()
    try:
        _write(data, rewrite, out)
    except (_Whole, PayloadFormatError, msgspec.DecodeError):
        return None
    return out


def _head(value: Any) -> bytes:
    """The first byte of a JSON value's text (b"" past 64 blanks: read it whole)."""
    return bytes(memoryview(value).cast("B")[:64]).lstrip(_BLANK)[:1]


def _is_marker(value: Any) -> bool:
    return _head(value) == b'"' and _STRING.decode(value) == MARKER


def _write(value: Any, rewrite: Callable[[Any], Any], out: bytearray) -> None:
    if len(memoryview(value).cast("B")) <= PIECE:
        out += rewrite(value)
        return
    head = _head(value)
    if head == b"{":
        members = _MEMBERS.decode(value)
        marker = members.get(MARKER_KEY)
        if marker is not None and _is_marker(marker):  # a marked object is one piece
            out += rewrite(value)
            return
        out += b"{"
        for index, (key, member) in enumerate(members.items()):
            if index:
                out += b","
            out += msgspec.json.encode(key)
            out += b":"
            _write(member, rewrite, out)
        out += b"}"
    elif head == b"[":
        _write_items(_ITEMS.decode(value), rewrite, out)
    elif head:
        out += rewrite(value)  # one large string
    else:
        raise _Whole


def _write_items(items: list[msgspec.Raw], rewrite: Callable[[Any], Any], out: bytearray) -> None:
    """An array: runs of items of about `PIECE` bytes, each rewritten as one array
    (its brackets dropped), an item over `PIECE` bytes on its own."""
    out += b"["
    run: list[msgspec.Raw] = []
    size = 0
    wrote = False

    def flush() -> None:
        nonlocal size, wrote
        if run:
            text = memoryview(rewrite(b"[" + b",".join(run) + b"]")).cast("B")
            out.extend(b"," if wrote else b"")
            out.extend(text[1:-1])
            wrote = True
            run.clear()
            size = 0

    for item in items:
        length = len(item)
        if length > PIECE:
            flush()
            out.extend(b"," if wrote else b"")
            _write(item, rewrite, out)
            wrote = True
            continue
        run.append(item)
        size += length
        if size >= PIECE:
            flush()
    flush()
    out += b"]"
