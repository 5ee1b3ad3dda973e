"""Payloads as streams: `PayloadCodec.encode_stream` reads a file object or chunks,
`decode_to` writes into a file object. What they write is read by `mistralai` 3.7.0,
and, where the bytes API would give the same bytes, they give them."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from encoding_helpers import MAIN_KEY, MemoryStore, official_encoder, run_official

from mistral_sdk.workflows_encoding import (
    Compression,
    EncodingConfigError,
    Encryption,
    Offloading,
    PayloadCodec,
    PayloadFormatError,
    WorkflowEncoding,
    WorkflowEncodingError,
)

official = pytest.importorskip("mistralai.extra.workflows.encoding")

# about 3 MB of JSON: past zstd's 2 MiB window at level 3, where a streamed frame's
# bytes part from a one-shot one
RECORDS = [{"id": i, "note": f"record {i} " + "lorem ipsum " * (i % 7)} for i in range(60_000)]
PAYLOAD = json.dumps({"records": RECORDS}, separators=(",", ":")).encode()
SMALL = PAYLOAD[:600_000]


@pytest.fixture(autouse=True)
def _quiet_official() -> Iterator[None]:
    logging.getLogger("mistralai").setLevel(logging.CRITICAL)
    yield


def _nonces() -> Callable[[int], bytes]:
    counter = itertools.count()
    return lambda size: next(counter).to_bytes(size, "big")


def _codec(
    mode: str | None, compress: bool, offload: bool, store: MemoryStore, **kw: Any
) -> PayloadCodec:
    return PayloadCodec(
        WorkflowEncoding(
            encryption=Encryption(MAIN_KEY, mode=mode) if mode else None,  # type: ignore[arg-type]
            compression=Compression(min_size_bytes=1024) if compress else None,
            offloading=Offloading(store, min_size_bytes=1024) if offload else None,
            **kw,
        )
    )


def _official_decode(
    mode: str | None, compress: bool, offload: bool, store: MemoryStore, data: Any, options: Any
) -> bytes:
    encoder = official_encoder(mode, compress, offload)
    result: bytes = run_official(store, encoder.decode_payload_content(bytes(data), options))
    return result


COMBINATIONS = list(itertools.product([None, "full", "partial"], [False, True], [False, True]))


@pytest.mark.parametrize(("mode", "compress", "offload"), COMBINATIONS)
def test_a_file_encoded_in_a_stream_is_read_by_mistralai_and_by_us(
    mode: str | None, compress: bool, offload: bool, tmp_path: Path
) -> None:
    path = tmp_path / "payload.json"
    path.write_bytes(PAYLOAD)
    store = MemoryStore()
    codec = _codec(mode, compress, offload, store)
    with path.open("rb") as source:
        encoded = codec.encode_stream(source, namespace="ns", execution_id="e1")
    assert encoded.options == codec.encode(PAYLOAD, namespace="ns", execution_id="e1").options
    theirs = _official_decode(mode, compress, offload, store, encoded.data, encoded.options)
    assert json.loads(theirs) == json.loads(PAYLOAD)
    sink = io.BytesIO()
    assert codec.decode_to(encoded.data, encoded.options, sink) == len(sink.getvalue())
    assert json.loads(sink.getvalue()) == json.loads(PAYLOAD)
    if mode != "partial":  # partial: rewritten in Python's form, as by every client
        assert sink.getvalue() == PAYLOAD


@pytest.mark.parametrize(("compress", "offload"), [(False, False), (True, False), (True, True)])
def test_the_same_bytes_as_encode_where_zstd_gives_them(compress: bool, offload: bool) -> None:
    """Full encryption in slices is the one-shot's; a streamed zstd frame within the
    window is the one-shot frame."""
    mine, theirs = MemoryStore(), MemoryStore()
    stream = _codec("full", compress, offload, mine, nonces=_nonces())
    whole = _codec("full", compress, offload, theirs, nonces=_nonces())
    encoded = stream.encode_stream(io.BytesIO(SMALL), namespace="ns", execution_id="e1")
    expected = whole.encode(SMALL, namespace="ns", execution_id="e1")
    assert (bytes(encoded.data), encoded.options) == (bytes(expected.data), expected.options)
    assert mine.blobs == theirs.blobs


def test_chunks_with_their_size() -> None:
    codec = _codec("full", True, False, MemoryStore())
    chunks = [PAYLOAD[i : i + 70_000] for i in range(0, len(PAYLOAD), 70_000)]
    encoded = codec.encode_stream(iter(chunks), size=len(PAYLOAD))
    assert encoded.options == ["compressed", "encrypted"]
    assert codec.decode(encoded.data, encoded.options) == PAYLOAD


def test_a_source_of_unknown_length_needs_its_size() -> None:
    codec = _codec("full", True, False, MemoryStore())
    with pytest.raises(EncodingConfigError, match="give size=") as caught:
        codec.encode_stream(iter([b"{}"]))
    assert caught.value.field == "size"


def test_a_text_source_is_an_error_naming_binary_mode(tmp_path: Path) -> None:
    path = tmp_path / "payload.json"
    path.write_bytes(SMALL)
    codec = _codec("full", True, False, MemoryStore())
    with path.open() as text, pytest.raises(EncodingConfigError, match="binary mode") as caught:
        codec.encode_stream(text)  # type: ignore[arg-type]
    assert caught.value.field == "source"
    with pytest.raises(EncodingConfigError, match="binary mode"):
        codec.encode_stream(["{}"], size=2)  # type: ignore[list-item]


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("given", [len(SMALL) - 1, len(SMALL) + 1])
def test_a_source_not_of_its_size_is_an_error(compress: bool, given: int) -> None:
    codec = _codec("full", compress, False, MemoryStore())
    with pytest.raises(PayloadFormatError, match=f"its size, {given} bytes"):
        codec.encode_stream(iter([SMALL]), size=given)


def test_incompressible_bytes_are_sent_as_they_are_when_the_file_can_be_read_again() -> None:
    noise = os.urandom(300_000)
    codec = _codec("full", True, False, MemoryStore())
    encoded = codec.encode_stream(io.BytesIO(noise))
    assert encoded.options == ["encrypted"]  # as `encode` does
    assert codec.decode(encoded.data, encoded.options) == noise
    once = codec.encode_stream(iter([noise]), size=len(noise))  # cannot be read again
    assert once.options == ["compressed", "encrypted"]
    assert codec.decode(once.data, once.options) == noise


def test_the_stream_api_async(tmp_path: Path) -> None:
    store = MemoryStore()
    codec = _codec("full", True, True, store)

    async def main() -> bytes:
        encoded = await codec.aencode_stream(io.BytesIO(PAYLOAD), namespace="ns", execution_id="e")
        assert encoded.options == ["compressed", "offloaded", "encrypted"]
        sink = io.BytesIO()
        await codec.adecode_to(encoded.data, encoded.options, sink)
        return sink.getvalue()

    assert asyncio.run(main()) == PAYLOAD


def test_a_sink_that_fails_is_named() -> None:
    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            raise OSError(28, "No space left on device")

    store = MemoryStore()
    codec = _codec("full", True, True, store)
    encoded = codec.encode(PAYLOAD, namespace="ns", execution_id="e")
    with pytest.raises(WorkflowEncodingError, match="could not write the decoded payload"):
        codec.decode_to(encoded.data, encoded.options, Full())
    with pytest.raises(EncodingConfigError, match="writable binary file object"):
        codec.decode_to(encoded.data, encoded.options, "out.json")  # type: ignore[arg-type]


def test_threads_compress_only_what_spans_several_zstd_jobs() -> None:
    store = MemoryStore()
    threaded = PayloadCodec(WorkflowEncoding(compression=Compression(threads=2)))
    single = PayloadCodec(WorkflowEncoding(compression=Compression()))
    assert bytes(threaded.encode(PAYLOAD).data) == bytes(single.encode(PAYLOAD).data)
    large = PAYLOAD * 3  # 13 MB: two jobs, compressed by zstd's threads
    for encoded in (threaded.encode(large), threaded.encode_stream(io.BytesIO(large))):
        assert encoded.options == ["compressed"]
        assert _official_decode(None, True, False, store, encoded.data, encoded.options) == large
