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

import bisect
import contextlib
import io
import itertools
import threading
from collections.abc import Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from ._config import Secret
from ._errors import EncodingConfigError, require
from ._spool import FileChunks

__all__ = ["AzureBlobStorage", "BlobStore", "GCSStorage", "S3Storage"]

Buffer = bytes | bytearray | memoryview


@runtime_checkable
class BlobStore(Protocol):
    """What offloading needs of a store. Implement it for a store of your own (and
    optionally `aexists` / `aput` / `aget` coroutines, used by async clients)."""

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under `key`."""
        ...

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        """Store the concatenation of `chunks` (`size` bytes) under `key`. Read them
        before returning: a large payload's chunks are read from a temporary file,
        a slice at a time, and the file is gone once `put` returns."""
        ...

    def get(self, key: str) -> bytes:
        """The blob under `key`; raises KeyError when there is none."""
        ...


# A store may also have `open(key)`: a readable file object of the blob (a context
# manager; KeyError when there is none). Then a compressed blob is decompressed as it
# is read, instead of being read whole first.


class ChunkReader(io.RawIOBase):
    """A readable, seekable file over a sequence of buffers (no copy of the whole).
    Chunks spooled to a file (`FileChunks`) are read one at a time, as they are
    reached."""

    def __init__(self, chunks: Sequence[Buffer]) -> None:
        self._chunks = chunks
        self._views: list[memoryview] | None = None
        if isinstance(chunks, FileChunks):
            sizes = chunks.sizes
        else:
            self._views = [memoryview(c).cast("B") for c in chunks]
            sizes = [len(v) for v in self._views]
        self._starts = [0, *itertools.accumulate(sizes)]
        self._size = self._starts[-1]
        self._pos = 0
        self._current: tuple[int, memoryview] = (-1, memoryview(b""))

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

    def _chunk(self, index: int) -> memoryview:
        if self._views is not None:
            return self._views[index]
        if self._current[0] != index:  # read sequentially: each spooled slice once
            self._current = (index, memoryview(self._chunks[index]).cast("B"))
        return self._current[1]

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        written = 0
        index = bisect.bisect_right(self._starts, self._pos) - 1
        while written < len(target) and self._pos < self._size:
            chunk = self._chunk(index)
            skip = self._pos - self._starts[index]
            n = min(len(chunk) - skip, len(target) - written)
            target[written : written + n] = chunk[skip : skip + n]
            written += n
            self._pos += n
            index += 1
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


class _Store:
    """A provider's store: a key prefix, and a client made on first use (the
    provider's SDK is imported then, in whichever thread uses it first)."""

    provider = ""

    def __init__(self, prefix: str | None) -> None:
        self.prefix = (prefix or "").strip("/")
        self._lock = threading.Lock()
        self._connection: Any = None

    def name(self, key: str) -> str:
        """The blob's name for a key (the key under the prefix)."""
        if not self.prefix or key.startswith(self.prefix):
            return key
        return f"{self.prefix}/{key}"

    def _connected(self) -> Any:
        with self._lock:
            if self._connection is None:
                self._connection = self._connect()
            return self._connection

    def _connect(self) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        where = getattr(self, "bucket", None) or getattr(self, "container", "")
        return f"{type(self).__name__}({where!r}, prefix={self.prefix!r})"


class S3Storage(_Store):
    """An S3 bucket (or any S3-compatible server: `endpoint_url`), through boto3
    (`pip install 'mistral-sdk[s3]'`). Credentials not given come from boto3's usual
    chain (environment, profile, instance role)."""

    provider = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        access_key_id: str | Secret | None = None,
        secret_access_key: str | Secret | None = None,
    ) -> None:
        super().__init__(prefix)
        if not bucket:
            raise EncodingConfigError("an S3 bucket name is required", field="bucket")
        self.bucket = bucket
        self.region = region
        self.endpoint_url = endpoint_url
        self._access_key_id = _secret(access_key_id)
        self._secret_access_key = _secret(secret_access_key)

    def _connect(self) -> Any:
        boto3 = require("boto3", "s3", "Offloading payloads to S3")
        errors = require("botocore.exceptions", "s3", "Offloading payloads to S3")
        client = boto3.session.Session().client(
            "s3",
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=_reveal(self._access_key_id),
            aws_secret_access_key=_reveal(self._secret_access_key),
        )
        return client, errors.ClientError

    def _call(self, method: str, key: str, missing: Any = None, **extra: Any) -> Any:
        client, client_error = self._connected()
        try:
            return getattr(client, method)(Bucket=self.bucket, Key=self.name(key), **extra)
        except client_error as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NotFound"):
                if missing is KeyError:
                    raise KeyError(key) from None
                return missing
            raise

    def exists(self, key: str) -> bool:
        return self._call("head_object", key, missing=False) is not False

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        self._call("put_object", key, Body=ChunkReader(chunks), ContentLength=size)

    def get(self, key: str) -> bytes:
        data: bytes = self._call("get_object", key, missing=KeyError)["Body"].read()
        return data

    def open(self, key: str) -> Any:
        return contextlib.closing(self._call("get_object", key, missing=KeyError)["Body"])


class _BlobStore(_Store):
    """A store whose SDK hands out one client per blob (GCS, Azure): `_blob(key)`;
    `_connect` returns the bucket or container and the SDK's not-found exception."""

    def _blob(self, key: str) -> Any:
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        return bool(self._blob(key).exists())

    def _read(self, key: str, method: str) -> Any:
        """`_blob(key).<method>()`, the blob's download; KeyError when there is none."""
        try:
            return getattr(self._blob(key), method)()
        except self._connected()[1]:
            raise KeyError(key) from None


class GCSStorage(_BlobStore):
    """A Google Cloud Storage bucket, through google-cloud-storage
    (`pip install 'mistral-sdk[gcs]'`). Credentials and project come from Google's
    application default credentials unless given; `endpoint_url` points at an
    emulator (google-cloud-storage also reads `STORAGE_EMULATOR_HOST`)."""

    provider = "gcs"

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        project: str | None = None,
        credentials: Any = None,
        endpoint_url: str | None = None,
    ) -> None:
        super().__init__(prefix)
        if not bucket:
            raise EncodingConfigError("a GCS bucket name is required", field="bucket")
        self.bucket = bucket
        self.project = project
        self.credentials = credentials
        self.endpoint_url = endpoint_url

    def _connect(self) -> Any:
        what = "Offloading payloads to GCS"
        storage = require("google.cloud.storage", "gcs", what)
        not_found = require("google.api_core.exceptions", "gcs", what).NotFound
        options, credentials = None, self.credentials
        if self.endpoint_url is not None:
            options = {"api_endpoint": self.endpoint_url}
            if credentials is None:  # an emulator: no Google account involved
                credentials = require("google.auth.credentials", "gcs", what).AnonymousCredentials()
        client = storage.Client(
            project=self.project, credentials=credentials, client_options=options
        )
        return client.bucket(self.bucket), not_found

    def _blob(self, key: str) -> Any:
        return self._connected()[0].blob(self.name(key))

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        self._blob(key).upload_from_file(ChunkReader(chunks), size=size)

    def get(self, key: str) -> bytes:
        data: bytes = self._read(key, "download_as_bytes")
        return data

    def open(self, key: str) -> Any:
        return self._blob(key).open("rb", chunk_size=1024 * 1024)


class AzureBlobStorage(_BlobStore):
    """An Azure Blob Storage container, through azure-storage-blob
    (`pip install 'mistral-sdk[azure-blob]'`): a `connection_string`, or an
    `account_url` with a `credential` (e.g. azure-identity's DefaultAzureCredential)."""

    provider = "azure"

    def __init__(
        self,
        container: str,
        *,
        prefix: str | None = None,
        connection_string: str | Secret | None = None,
        account_url: str | None = None,
        credential: Any = None,
    ) -> None:
        super().__init__(prefix)
        if not container:
            raise EncodingConfigError("an Azure container name is required", field="container")
        if (connection_string is None) == (account_url is None):
            raise EncodingConfigError(
                "give either connection_string or account_url", field="connection_string"
            )
        self.container = container
        self._connection_string = _secret(connection_string)
        self.account_url = account_url
        self.credential = credential

    def _connect(self) -> Any:
        what = "Offloading payloads to Azure Blob"
        blob = require("azure.storage.blob", "azure-blob", what)
        not_found = require("azure.core.exceptions", "azure-blob", what).ResourceNotFoundError
        connection = _reveal(self._connection_string)
        if connection is not None:
            service = blob.BlobServiceClient.from_connection_string(connection)
        else:
            service = blob.BlobServiceClient(self.account_url, credential=self.credential)
        return service.get_container_client(self.container), not_found

    def _blob(self, key: str) -> Any:
        return self._connected()[0].get_blob_client(self.name(key))

    def put(self, key: str, chunks: Sequence[Buffer], size: int) -> None:
        self._blob(key).upload_blob(ChunkReader(chunks), length=size, overwrite=True)

    def get(self, key: str) -> bytes:
        data: bytes = self._read(key, "download_blob").readall()
        return data

    def open(self, key: str) -> Any:
        return IterReader(iter(self._read(key, "download_blob").chunks()))


def _secret(value: str | Secret | None) -> Secret | None:
    return value if value is None or isinstance(value, Secret) else Secret(value)


def _reveal(value: Secret | None) -> Any:
    return None if value is None else value.reveal()
