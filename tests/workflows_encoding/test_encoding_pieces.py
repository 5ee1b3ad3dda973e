"""Partial encryption of a large document a piece at a time: the same bytes as reading
it whole (and as mistralai, which reads it whole), for any shape of JSON."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from encoding_helpers import MAIN_KEY, MemoryStore, official_context, official_encoder, run_official
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mistral_sdk.workflows_encoding import (
    Compression,
    Encryption,
    Offloading,
    PayloadCodec,
    PayloadFormatError,
    WorkflowEncoding,
    _partial,
    encrypted,
)


def _sealer() -> Callable[[list[bytes]], list[bytes]]:
    """Deterministic sealing: a counter for the nonce, the text, a fixed tag."""
    counter = itertools.count()
    return lambda pieces: [next(counter).to_bytes(12, "big") + p + b"T" * 16 for p in pieces]


def _open(blob: bytes) -> bytes:
    return blob[12:-16]


def _both_ways(
    document: bytes, piece: int, monkeypatch: pytest.MonkeyPatch, *, split: bool = True
) -> None:
    """Encrypting and decrypting in pieces of `piece` bytes gives the whole reading's
    bytes (and, with `split`, the document was indeed read in pieces)."""
    whole, found = _partial._encrypt_whole(document, _sealer())
    monkeypatch.setattr(_partial, "PIECE", piece)
    monkeypatch.setattr(_partial, "WHOLE_MAX", piece)
    in_pieces = _partial._in_pieces(document, lambda text: text)
    assert (in_pieces is not None) == (split and len(document) > piece)
    if in_pieces is not None:  # the pieces, put back together unchanged, are the document
        assert json.loads(in_pieces) == json.loads(document)
    pieces, found_in_pieces = _partial.encrypt_fields(document, _sealer())
    assert bytes(pieces) == bytes(whole)
    assert found_in_pieces == found
    back = _partial.decrypt_text(whole, _open)
    monkeypatch.setattr(_partial, "WHOLE_MAX", 1 << 30)
    assert bytes(back) == bytes(_partial.decrypt_text(whole, _open))


DOCUMENTS = {
    "records": json.dumps(
        {
            "records": [
                {"id": i, "card": encrypted(f"4111-{i}"), "note": "é" * (i % 5), "x": i / 7}
                for i in range(200)
            ],
            "total": 200,
        }
    ),
    "nested arrays": json.dumps(
        [[[encrypted(str(i)), i, None, True] for i in range(20)] for _ in range(10)]
    ),
    "top-level markers": json.dumps([encrypted("s" * i) for i in range(100)]),
    "a large marked object": json.dumps(
        {"a": 1, "secret": encrypted("x" * 5000), "b": [encrypted("y")] * 30}
    ),
    "a marker inside marked data is data": json.dumps(
        {"m": {"field_type": "__encrypted_str__", "data": "p", "inner": encrypted("q")}}
        | {"pad": ["z" * 40] * 50}
    ),
    "floats Python spells with an exponent": json.dumps(
        {"v": [1e-05, 1e16, 1.5e300, -2.5e-300, 0.1, 5e-324] * 40, "s": encrypted("f")}
    ),
    "blanks, escapes and duplicate keys": (
        '{ "k" : [ 1 , 2 ,\n "\\u00e9\\n\\"" ] , "k" : { "field_type" : "__encrypted_str__" ,'
        ' "data" : "t\\u00e9" } , "list" : [ ' + " , ".join(['{"a": "b"}'] * 60) + " ] }"
    ),
    "a key that is not a marker": json.dumps(
        {"field_type": 3, "data": "d", "rows": [{"field_type": "other", "data": "e"}] * 40}
    ),
    "a long string": json.dumps("l" * 3000),
    "empty containers": json.dumps({"a": [], "b": {}, "c": [[]] * 100, "d": [{}] * 100}),
}


@pytest.mark.parametrize("piece", [1, 16, 100, 700])
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_pieces_give_the_whole_reading_bytes(
    name: str, piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both_ways(DOCUMENTS[name].encode(), piece, monkeypatch)


def test_what_msgspec_does_not_read_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # NaN and lone surrogates: the json module's reading, for the whole document
    document = (
        '{"a": [NaN, Infinity], "b": "\\ud800", "c": ' + json.dumps([encrypted("s")] * 50) + "}"
    ).encode()
    _both_ways(document, 16, monkeypatch, split=False)
    sealed, _ = _partial._encrypt_whole(document, _sealer())
    assert math.isnan(json.loads(_partial.decrypt_text(sealed, _open))["a"][0])


def test_an_error_names_the_field_in_the_whole_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_partial, "PIECE", 16)
    monkeypatch.setattr(_partial, "WHOLE_MAX", 16)
    document = json.dumps(
        {"rows": [{"n": i} for i in range(30)] + [{"field_type": "__encrypted_str__", "data": 5}]}
    )
    with pytest.raises(PayloadFormatError, match=r"at \$\.rows\[30\] has no string `data`"):
        _partial.encrypt_fields(document.encode(), _sealer())


def test_not_json_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_partial, "PIECE", 4)
    monkeypatch.setattr(_partial, "WHOLE_MAX", 4)
    data = b"not json at all, " * 10
    assert _partial.encrypt_fields(data, _sealer()) == (data, False)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.builds(encrypted, st.text(max_size=8)),
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=40,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=JSON, piece=st.sampled_from([1, 8, 64]), indent=st.sampled_from([None, 1]))
def test_any_document(
    value: Any, piece: int, indent: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _both_ways(json.dumps(value, indent=indent).encode(), piece, monkeypatch)


def test_mistralai_reads_a_large_document_written_in_pieces_byte_for_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("mistralai.extra.workflows.encoding")
    monkeypatch.setattr(_partial, "PIECE", 2048)
    monkeypatch.setattr(_partial, "WHOLE_MAX", 2048)
    raw = DOCUMENTS["records"].encode()  # 200 records: many pieces

    def nonces() -> Callable[[int], bytes]:
        counter = itertools.count()
        return lambda size: next(counter).to_bytes(size, "big")

    theirs_store, mine_store = MemoryStore(), MemoryStore()
    theirs = official_encoder("partial", True, True, min_size=1024)
    context = official_context("ns", "e1")
    data, options = run_official(
        theirs_store, theirs.encode_payload_content(raw, context), nonces()
    )
    codec = PayloadCodec(
        WorkflowEncoding(
            encryption=Encryption(MAIN_KEY, mode="partial"),
            compression=Compression(min_size_bytes=1024),
            offloading=Offloading(mine_store, min_size_bytes=1024),
            nonces=nonces(),
        )
    )
    mine = codec.encode(raw, namespace="ns", execution_id="e1")
    assert mine.options == [o.value for o in options]
    assert bytes(mine.data) == data
    assert mine_store.blobs == theirs_store.blobs
    assert json.loads(codec.decode(mine.data, mine.options)) == json.loads(raw)
    decoded = run_official(mine_store, theirs.decode_payload_content(bytes(mine.data), options))
    assert json.loads(decoded) == json.loads(raw)
