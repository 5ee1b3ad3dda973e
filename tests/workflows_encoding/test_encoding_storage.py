"""Offloading against real local servers of each storage API, sync and async, and
read back by Mistral's own SDK through the same bucket."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from encoding_helpers import MAIN_KEY, OfficialStore, counting_nonces, unique

from mistral_sdk.workflows_encoding import (
    AzureBlobStorage,
    Compression,
    Encryption,
    GCSStorage,
    Offloading,
    PayloadCodec,
    PayloadStorageError,
    S3Storage,
    WorkflowEncoding,
)

PAYLOAD = b'{"rows": [' + b",".join(b'{"n": %d, "t": "some text"}' % i for i in range(5000)) + b"]}"


@pytest.fixture(params=["s3", "gcs", "azure"])
def storage(request: pytest.FixtureRequest) -> Any:
    prefix = unique("tenant")
    if request.param == "s3":
        s3 = request.getfixturevalue("s3_endpoint")
        return S3Storage("payloads", prefix=prefix, **s3)
    if request.param == "gcs":
        return GCSStorage(
            "payloads", prefix=prefix, project="test",
            endpoint_url=request.getfixturevalue("gcs_endpoint"),
        )  # fmt: skip
    return AzureBlobStorage(
        "payloads", prefix=prefix, connection_string=request.getfixturevalue("azurite")
    )


def _encoding(storage: Any, **options: Any) -> WorkflowEncoding:
    return WorkflowEncoding(
        encryption=Encryption(MAIN_KEY),
        compression=Compression(min_size_bytes=1024),
        offloading=Offloading(storage, min_size_bytes=1024),
        nonces=counting_nonces(),
        **options,
    )


def test_offload_roundtrip_sync(storage: Any) -> None:
    codec = PayloadCodec(_encoding(storage))
    encoded = codec.encode(PAYLOAD, namespace="ns/1", execution_id="exec 1")
    assert encoded.options == ["compressed", "offloaded", "encrypted"]
    assert len(encoded.data) < 300  # only the (encrypted) reference travels
    assert codec.decode(encoded.data, encoded.options) == PAYLOAD
    # the blob is there under the prefix, once; encoding again uploads nothing new
    store = codec.encoding.offloading.store()  # type: ignore[union-attr]
    again = codec.encode(PAYLOAD, namespace="ns/1", execution_id="exec 1")
    assert codec.decode(again.data, again.options) == PAYLOAD
    assert store.name("temporal-payload/x").startswith(storage.prefix + "/")


def test_offload_roundtrip_async(storage: Any) -> None:
    async def main() -> bytes:
        codec = PayloadCodec(_encoding(storage))
        encoded = await codec.aencode(PAYLOAD, namespace="ns", execution_id="e-async")
        assert "offloaded" in encoded.options
        return bytes(await codec.adecode(encoded.data, encoded.options))

    assert asyncio.run(main()) == PAYLOAD


def test_offload_spooled_roundtrip(storage: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A compressed payload kept on disk until its upload: each provider's upload reads
    it through the file, a slice at a time."""
    from mistral_sdk.workflows_encoding import _spool

    monkeypatch.setattr(_spool, "SLICE", 4096)
    encoding = _encoding(storage)
    encoding.offloading.spool_min_bytes = 0  # type: ignore[union-attr]
    codec = PayloadCodec(encoding)
    encoded = codec.encode(PAYLOAD, namespace="ns", execution_id="spooled")
    assert encoded.options == ["compressed", "offloaded", "encrypted"]
    in_memory = PayloadCodec(_encoding(storage)).encode(
        PAYLOAD, namespace="ns", execution_id="spooled"
    )
    assert bytes(in_memory.data) == bytes(encoded.data)  # same blob, same key
    assert codec.decode(encoded.data, encoded.options) == PAYLOAD


def test_missing_blob_is_a_storage_error(storage: Any) -> None:
    codec = PayloadCodec(WorkflowEncoding(offloading=Offloading(storage, min_size_bytes=1)))
    reference = codec.encode(b'{"a": 1}', namespace="ns", execution_id="x")
    assert reference.options == ["offloaded"]
    elsewhere = bytes(reference.data).replace(b"sha256:", b"sha256:0")
    with pytest.raises(PayloadStorageError, match="no offloaded payload"):
        codec.decode(elsewhere, ["offloaded"])


def test_official_sdk_reads_what_we_offload_and_the_reverse(storage: Any) -> None:
    """Mistral's own encoder, its storage access replaced by ours on the same bucket,
    reads our blobs and writes blobs we read: same keys, same bytes."""
    official = pytest.importorskip("mistralai.extra.workflows.encoding")
    from mistralai.extra.workflows.encoding import payload_encoder
    from mistralai.extra.workflows.encoding.models import WorkflowContext
    from pydantic import SecretStr

    codec = PayloadCodec(_encoding(storage))
    store = codec.encoding.offloading.store()  # type: ignore[union-attr]

    theirs = official.PayloadEncoder(
        official.WorkflowEncodingConfig(
            payload_encryption=official.PayloadEncryptionConfig(
                mode="full", main_key=SecretStr(MAIN_KEY)
            ),
            payload_compression=official.PayloadCompressionConfig(min_size_bytes=1024),
            payload_offloading=official.PayloadOffloadingConfig(
                min_size_bytes=1024,
                storage_config=official.BlobStorageConfig(bucket_name="payloads"),
            ),
        )
    )
    ours = codec.encode(PAYLOAD, namespace="ns", execution_id="e-ours")
    original = payload_encoder.get_blob_storage
    payload_encoder.get_blob_storage = lambda _config: OfficialStore(store)  # type: ignore[assignment]
    try:
        decoded = asyncio.run(theirs.decode_payload_content(bytes(ours.data), ours.options))
        context = WorkflowContext(namespace="ns", execution_id="e-theirs")
        data, options = asyncio.run(theirs.encode_payload_content(PAYLOAD, context))
    finally:
        payload_encoder.get_blob_storage = original
    assert decoded == PAYLOAD
    assert [o.value for o in options] == ["compressed", "offloaded", "encrypted"]
    assert codec.decode(data, [o.value for o in options]) == PAYLOAD
