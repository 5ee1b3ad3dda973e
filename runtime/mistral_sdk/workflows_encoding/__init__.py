"""Workflow payloads Mistral never reads: client-side encryption, compression and
offloading to your own blob storage, in the wire format of Mistral's own clients and
workers (`mistralai.extra.workflows.encoding`, byte for byte).

    from mistral_sdk import Mistral
    from mistral_sdk.workflows_encoding import (
        Compression, Encryption, Offloading, S3Storage, WorkflowEncoding, encrypted,
    )

    client = Mistral(workflow_encoding=WorkflowEncoding(
        encryption=Encryption(main_key=key_hex),   # AES-GCM, full or partial
        compression=Compression(),                 # zstd above 1 MB
        offloading=Offloading(S3Storage("my-bucket")),
    ))
    client.workflows.execute_and_wait("kyc-check", input={"passport": encrypted("X123")})

Inputs of `execute`, `execute_and_wait`, signals, queries, updates and schedules are
encoded before they leave; results, schedule inputs and events (lists and streams)
come back decoded, sync and async. Needs `pip install 'mistral-sdk[workflow-encoding]'`
(cryptography, zstandard) and, to offload, `[s3]`, `[gcs]` or `[azure-blob]`; each is
imported only when the configuration uses it. docs/workflows-encoding.md has the
threat model and the wire format.
"""

from ._codec import Encoded, PayloadCodec
from ._config import Compression, Encryption, Offloading, Secret, WorkflowEncoding
from ._errors import (
    EncodingConfigError,
    MissingExtraError,
    PayloadDecryptionError,
    PayloadFormatError,
    PayloadStorageError,
    WorkflowEncodingError,
)
from ._partial import encrypted
from ._storage import AzureBlobStorage, BlobStore, GCSStorage, S3Storage

__all__ = [
    "AzureBlobStorage",
    "BlobStore",
    "Compression",
    "Encoded",
    "EncodingConfigError",
    "Encryption",
    "GCSStorage",
    "MissingExtraError",
    "Offloading",
    "PayloadCodec",
    "PayloadDecryptionError",
    "PayloadFormatError",
    "PayloadStorageError",
    "S3Storage",
    "Secret",
    "WorkflowEncoding",
    "WorkflowEncodingError",
    "encrypted",
]
