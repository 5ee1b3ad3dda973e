"""Blob stores for offloaded payloads: S3, Google Cloud Storage, Azure Blob Storage.

Each wraps its provider's own SDK (an optional extra, imported when the store is
first used). They are blocking; async clients run them in a worker thread. Uploads
read the payload's chunks through a file object: the payload is never joined into
one more copy.

A blob's name is `<prefix>/<key>` (the key alone without a prefix, or when the key
already starts with the prefix), as in Mistral's other clients: the reference sent
to Mistral holds the key, and every client configured with the same bucket and
prefix finds the blob.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from ._errors import require

__all__ = ["AzureStore", "BlobStore", "GCSStore", "S3Store"]

Buffer = bytes | bytearray | memoryview


@runtime_checkable
class BlobStore(Protocol):
    """What offloading needs of a store. Implement it for a store of your own (and
    optionally `aexists` / `aput` / `aget` coroutines, used by async clients)."""

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""
        ...

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        """Store the concatenation of `chunks` (`size` bytes) under `key`."""
        ...

    def get(self, key: str) -> bytes:
        """The blob under `key`; raises KeyError when there is none."""
        ...


# A store may also have `open(key)`: a readable file object of the blob (a context
# manager; KeyError when there is none). Then a compressed blob is decompressed as it
# is read, instead of being read whole first.


class ChunkReader(io.RawIOBase):
    """A readable, seekable file over a sequence of buffers (no copy of the whole)."""

    def __init__(self, chunks: Sequence[Buffer]) -> None:
        self._chunks = [memoryview(c).cast("B") for c in chunks]
        self._size = sum(len(c) for c in self._chunks)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, min(base + offset, self._size))
        return self._pos

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        written, skip = 0, self._pos
        for chunk in self._chunks:
            if skip >= len(chunk):
                skip -= len(chunk)
                continue
            n = min(len(chunk) - skip, len(target) - written)
            target[written : written + n] = chunk[skip : skip + n]
            written += n
            skip = 0
            if written == len(target):
                break
        self._pos += written
        return written

    def __len__(self) -> int:
        return self._size


class IterReader(io.RawIOBase):
    """A readable file over an iterator of byte chunks (a download in pieces)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        n = min(len(target), len(self._pending))
        target[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class _Prefixed:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def name(self, key: str) -> str:
        if not self.prefix or key.startswith(self.prefix):
            return key
        return f"{self.prefix}/{key}"


class S3Store(_Prefixed):
    """An S3 bucket through boto3 (`mistral-sdk[s3]`)."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        region: str | None = None,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        super().__init__(prefix)
        boto3 = require("boto3", "s3", "Offloading payloads to S3")
        self._errors = require("botocore.exceptions", "s3", "Offloading payloads to S3")
        self.bucket = bucket
        self._client = boto3.session.Session().client(
            "s3",
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
        )

    def _missing(self, exc: Exception) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self.name(key))
        except self._errors.ClientError as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        body = ChunkReader(chunks)
        self._client.put_object(
            Bucket=self.bucket, Key=self.name(key), Body=body, ContentLength=size
        )

    def get(self, key: str) -> bytes:
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self.name(key))
        except self._errors.ClientError as exc:
            if self._missing(exc):
                raise KeyError(key) from None
            raise
        data: bytes = answer["Body"].read()
        return data

    def open(self, key: str) -> Any:
        try:
            answer = self._client.get_object(Bucket=self.bucket, Key=self.name(key))
        except self._errors.ClientError as exc:
            if self._missing(exc):
                raise KeyError(key) from None
            raise
        return contextlib.closing(answer["Body"])


class GCSStore(_Prefixed):
    """A Google Cloud Storage bucket through google-cloud-storage (`mistral-sdk[gcs]`)."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        project: str | None = None,
        credentials: Any = None,
        endpoint_url: str | None = None,
    ) -> None:
        super().__init__(prefix)
        storage = require("google.cloud.storage", "gcs", "Offloading payloads to GCS")
        self._not_found = require(
            "google.api_core.exceptions", "gcs", "Offloading payloads to GCS"
        ).NotFound
        options = None
        if endpoint_url is not None:
            options = {"api_endpoint": endpoint_url}
            if credentials is None:  # an emulator: no Google account involved
                credentials = require(
                    "google.auth.credentials", "gcs", "Offloading payloads to GCS"
                ).AnonymousCredentials()
        client = storage.Client(project=project, credentials=credentials, client_options=options)
        self._bucket = client.bucket(bucket)

    def exists(self, key: str) -> bool:
        return bool(self._bucket.blob(self.name(key)).exists())

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        self._bucket.blob(self.name(key)).upload_from_file(ChunkReader(chunks), size=size)

    def get(self, key: str) -> bytes:
        try:
            data: bytes = self._bucket.blob(self.name(key)).download_as_bytes()
        except self._not_found:
            raise KeyError(key) from None
        return data

    def open(self, key: str) -> Any:
        return self._bucket.blob(self.name(key)).open("rb", chunk_size=1024 * 1024)


class AzureStore(_Prefixed):
    """An Azure Blob Storage container through azure-storage-blob (`mistral-sdk[azure-blob]`)."""

    def __init__(
        self,
        container: str,
        *,
        prefix: str = "",
        connection_string: str | None = None,
        account_url: str | None = None,
        credential: Any = None,
    ) -> None:
        super().__init__(prefix)
        blob = require("azure.storage.blob", "azure-blob", "Offloading payloads to Azure Blob")
        self._not_found = require(
            "azure.core.exceptions", "azure-blob", "Offloading payloads to Azure Blob"
        ).ResourceNotFoundError
        if connection_string is not None:
            service = blob.BlobServiceClient.from_connection_string(connection_string)
        else:
            service = blob.BlobServiceClient(account_url, credential=credential)
        self._container = service.get_container_client(container)

    def exists(self, key: str) -> bool:
        return bool(self._container.get_blob_client(self.name(key)).exists())

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        self._container.get_blob_client(self.name(key)).upload_blob(
            ChunkReader(chunks), length=size, overwrite=True
        )

    def get(self, key: str) -> bytes:
        try:
            data: bytes = self._container.get_blob_client(self.name(key)).download_blob().readall()
        except self._not_found:
            raise KeyError(key) from None
        return data

    def open(self, key: str) -> Any:
        try:
            download = self._container.get_blob_client(self.name(key)).download_blob()
        except self._not_found:
            raise KeyError(key) from None
        return IterReader(iter(download.chunks()))
