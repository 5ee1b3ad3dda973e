"""The codec's own edges: malformed envelopes and options, streaming decompression,
configuration errors."""

from __future__ import annotations

import base64
import io
import json

import msgpack
import pytest
from encoding_helpers import MAIN_KEY, MemoryStore, counting_nonces

from mistral_sdk.workflows_encoding import (
    Compression,
    EncodingConfigError,
    Encryption,
    Offloading,
    PayloadCodec,
    PayloadFormatError,
    WorkflowEncoding,
)
from mistral_sdk.workflows_encoding._codec import run_sync
from mistral_sdk.workflows_encoding._compress import compress, decompress, decompress_stream
from mistral_sdk.workflows_encoding._wire import decode_response_flow

DATA = b'{"text": "' + b"lorem ipsum dolor " * 50_000 + b'"}'


def test_streamed_and_whole_decompression_agree() -> None:
    packed = compress(memoryview(DATA), 3)
    assert packed is not None
    envelope = b"".join(packed)
    assert decompress(envelope) == DATA
    assert decompress_stream(io.BytesIO(envelope)) == DATA


def test_other_envelope_layouts_decode() -> None:
    """Another client may order the keys otherwise, or omit the frame's size."""
    packed = compress(memoryview(DATA), 3)
    assert packed is not None
    reordered = msgpack.packb(
        {"payload": packed[1], "compression": {"level": 3, "algorithm": "zstd"}},
        use_bin_type=True,
    )
    assert decompress_stream(io.BytesIO(reordered)) == DATA
    import zstandard

    unsized = zstandard.ZstdCompressor(write_content_size=False).compress(DATA)
    envelope = msgpack.packb(
        {"compression": {"algorithm": "zstd", "level": 3}, "payload": unsized}, use_bin_type=True
    )
    assert decompress(envelope) == DATA
    assert decompress_stream(io.BytesIO(envelope)) == DATA


@pytest.mark.parametrize(
    ("envelope", "message"),
    [
        (b"\x01", "not a MessagePack map"),
        (b"\x91\x01", "unexpected MessagePack type 0x91"),
        (msgpack.packb({"payload": b"x"}), "no `compression` settings"),
        (
            msgpack.packb({"compression": {"algorithm": "lz4"}, "payload": b"x"}),
            "unsupported compression algorithm 'lz4'",
        ),
        (
            msgpack.packb({"compression": {"algorithm": "zstd", "level": 3}, "payload": b"xx"}),
            "does not decompress",
        ),
        (b"\x82\xabcompression", "truncated"),
    ],
)
def test_malformed_envelopes(envelope: bytes, message: str) -> None:
    with pytest.raises(PayloadFormatError, match=message):
        decompress(envelope)


def test_a_truncated_stream() -> None:
    envelope = b"".join(compress(memoryview(DATA), 3) or ())
    with pytest.raises(PayloadFormatError, match="truncated"):
        decompress_stream(io.BytesIO(envelope[:-5]))


def test_options_and_missing_configuration() -> None:
    codec = PayloadCodec(WorkflowEncoding(encryption=Encryption(MAIN_KEY)))
    with pytest.raises(PayloadFormatError, match="unknown encoding option 'gzip'"):
        codec.decode(b"x", ["gzip"])
    with pytest.raises(PayloadFormatError, match="no offloading configured"):
        codec.decode(b'{"key": "k"}', ["offloaded"])
    plain = PayloadCodec(WorkflowEncoding(compression=Compression(min_size_bytes=1)))
    with pytest.raises(PayloadFormatError, match="no encryption configured"):
        plain.decode(b"x" * 40, ["encrypted"])
    with pytest.raises(PayloadFormatError, match="is not"):
        PayloadCodec(WorkflowEncoding(offloading=Offloading(MemoryStore()))).decode(
            b"[]", ["offloaded"]
        )


def test_compression_is_kept_only_when_smaller() -> None:
    import os

    noise = os.urandom(5000)
    codec = PayloadCodec(WorkflowEncoding(compression=Compression(min_size_bytes=10)))
    assert codec.encode(noise).options == []
    assert codec.encode(DATA).options == ["compressed"]


def test_configuration_errors_name_the_field() -> None:
    with pytest.raises(EncodingConfigError, match=r"'main_key'.*16, 24 or 32 bytes"):
        Encryption("abcd")
    with pytest.raises(EncodingConfigError, match="'mode'"):
        Encryption(MAIN_KEY, mode="half")  # type: ignore[arg-type]
    with pytest.raises(EncodingConfigError, match="'level'"):
        Compression(level=23)
    with pytest.raises(EncodingConfigError, match="'min_size_bytes'"):
        Offloading(MemoryStore(), min_size_bytes=-1)
    with pytest.raises(EncodingConfigError, match="'storage'"):
        Offloading("s3://bucket")  # type: ignore[arg-type]
    with pytest.raises(EncodingConfigError, match="'encryption'"):
        WorkflowEncoding(encryption="full")  # type: ignore[arg-type]
    bad_nonces = WorkflowEncoding(encryption=Encryption(MAIN_KEY), nonces=lambda n: b"short")
    with pytest.raises(EncodingConfigError, match="12 bytes"):
        PayloadCodec(bad_nonces).encode(b"{}")


def test_partial_with_a_non_string_marker_names_its_path() -> None:
    codec = PayloadCodec(
        WorkflowEncoding(encryption=Encryption(MAIN_KEY, mode="partial"), nonces=counting_nonces())
    )
    bad = b'{"a": [1, {"field_type": "__encrypted_str__", "data": 5}]}'
    with pytest.raises(PayloadFormatError, match=r"at \$\.a\[1\] has no string `data`"):
        codec.encode(bad)


# -- results in an answer ------------------------------------------------------------


def _answer(codec: PayloadCodec, payload: bytes, b64: str | None = None) -> bytes | None:
    encoded = codec.encode(payload)
    text = b64 if b64 is not None else base64.b64encode(bytes(encoded.data)).decode()
    body = {
        "execution_id": "e1",
        "result": {"b64payload": text, "encoding_options": encoded.options},
    }
    return run_sync(
        decode_response_flow(codec, "result", json.dumps(body).encode(), "/v1/workflows/x"),
        codec.encoding,
    )


@pytest.mark.parametrize(
    ("payload", "result"),
    [
        (b'{"a": [1, 2.50],  "b": "\\u00e9"}', b'{"a": [1, 2.50],  "b": "\\u00e9"}'),  # as it is
        (b'{"a": NaN}', b'{"a":null}'),  # read by the json module; the answer stays JSON
        (b"plain text", b'"plain text"'),  # not JSON: the text, as a JSON string
    ],
)
def test_a_decoded_result_stands_in_the_answer(payload: bytes, result: bytes) -> None:
    codec = PayloadCodec(WorkflowEncoding(encryption=Encryption(MAIN_KEY)))
    answer = _answer(codec, payload)
    assert answer is not None
    assert answer == b'{"execution_id":"e1","result":' + result + b"}"


def test_a_result_neither_json_nor_text_names_the_field() -> None:
    codec = PayloadCodec(WorkflowEncoding(encryption=Encryption(MAIN_KEY)))
    with pytest.raises(PayloadFormatError, match="neither JSON nor text") as caught:
        _answer(codec, b"\xff\xfe")
    assert (caught.value.execution_id, caught.value.field) == ("e1", "result")
    with pytest.raises(PayloadFormatError, match="`b64payload` is not base64"):
        _answer(codec, b"{}", b64="not base64!")
