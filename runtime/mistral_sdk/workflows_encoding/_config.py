"""The configuration of workflow payload encoding: one `WorkflowEncoding` object.

    encoding = WorkflowEncoding(
        encryption=Encryption(main_key=os.environ["WF_KEY"], mode="full"),
        compression=Compression(),
        offloading=Offloading(S3Storage("my-bucket")),
    )
    client = Mistral(workflow_encoding=encoding)

Keys are hex strings (64, 48 or 32 hex digits: AES-256, -192 or -128, as Mistral's
workers take them) or the raw key bytes. They are kept in `Secret`s: never in a repr,
a log line or an error message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._errors import EncodingConfigError

if TYPE_CHECKING:
    from .._hooks import Hooks
    from ._storage import BlobStore

__all__ = ["Compression", "Encryption", "Offloading", "Secret", "WorkflowEncoding"]

DEFAULT_MIN_SIZE = 1024 * 1024  # bytes: the threshold of compression and offloading
DEFAULT_SPOOL_MIN = 2 * 1024 * 1024  # compressed bytes kept in memory before an upload
EncryptionMode = Literal["full", "partial"]


class Secret:
    """A key or credential: `reveal()` gives it; repr and str never do."""

    __slots__ = ("_value",)

    def __init__(self, value: str | bytes) -> None:
        self._value = value

    def reveal(self) -> str | bytes:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not picklable (it would write the key out)")


def _key(value: str | bytes | Secret, field: str) -> bytes:
    raw = value.reveal() if isinstance(value, Secret) else value
    if isinstance(raw, str):
        try:
            key = bytes.fromhex(raw.strip())
        except ValueError:
            raise EncodingConfigError(
                "expected a hex string (64, 48 or 32 hex digits) or the key's bytes", field=field
            ) from None
    elif isinstance(raw, (bytes, bytearray)):
        key = bytes(raw)
    else:
        raise EncodingConfigError(
            f"expected a hex string or bytes, got {type(raw).__name__}", field=field
        )
    if len(key) not in (16, 24, 32):
        raise EncodingConfigError(
            f"an AES key is 16, 24 or 32 bytes (32, 48 or 64 hex digits), got {len(key)} bytes",
            field=field,
        )
    return key


def _size(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise EncodingConfigError(f"expected a number of bytes >= 0, got {value!r}", field=field)
    return value


class Encryption:
    """AES-GCM encryption of workflow payloads.

    Args:
        main_key: encrypts what is sent and is tried first to decrypt.
        secondary_key: also tried to decrypt, so that keys rotate: make the new key
            the main one and the old one the secondary until no payload needs it.
        mode: "full" encrypts the whole payload; "partial" only the string fields
            marked with `encrypted(...)` (the rest stays readable to Mistral).
    """

    __slots__ = ("_main", "_secondary", "mode")

    def __init__(
        self,
        main_key: str | bytes | Secret,
        *,
        secondary_key: str | bytes | Secret | None = None,
        mode: EncryptionMode = "full",
    ) -> None:
        if mode not in ("full", "partial"):
            raise EncodingConfigError(f"expected 'full' or 'partial', got {mode!r}", field="mode")
        self.mode: EncryptionMode = mode
        self._main = Secret(_key(main_key, "main_key"))
        self._secondary = (
            None if secondary_key is None else Secret(_key(secondary_key, "secondary_key"))
        )

    @property
    def keys(self) -> tuple[bytes, ...]:
        """The decryption keys, main first (private to the codec: do not log them)."""
        keys = [self._main.reveal()]
        if self._secondary is not None:
            keys.append(self._secondary.reveal())
        return tuple(k if isinstance(k, bytes) else k.encode() for k in keys)

    def __repr__(self) -> str:
        rotation = ", secondary_key=Secret(...)" if self._secondary is not None else ""
        return f"Encryption(main_key=Secret(...){rotation}, mode={self.mode!r})"


class Compression:
    """zstd compression of payloads of at least `min_size_bytes` (kept only when smaller).

    `threads`: compress payloads above 8 MiB with that many worker threads, in jobs
    of 2 MiB (0: in the calling thread, as Mistral's other clients do, which gives
    their bytes exactly; the frames decode the same either way)."""

    __slots__ = ("level", "min_size_bytes", "threads")

    def __init__(
        self, *, min_size_bytes: int = DEFAULT_MIN_SIZE, level: int = 3, threads: int = 0
    ) -> None:
        self.min_size_bytes = _size(min_size_bytes, "min_size_bytes")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 22:
            raise EncodingConfigError(f"expected 1 to 22, got {level!r}", field="level")
        self.level = level
        self.threads = _size(threads, "threads")

    def __repr__(self) -> str:
        return f"Compression(min_size_bytes={self.min_size_bytes}, level={self.level})"


class Offloading:
    """Payloads of at least `min_size_bytes` (after compression) go to your own blob
    storage; Mistral receives only a reference to them (encrypted with full encryption).

    `storage` is an `S3Storage`, `GCSStorage`, `AzureBlobStorage`, or any object with
    the `BlobStore` methods (`exists`, `put`, `get`) for a store of your own.

    `spool_min_bytes`: a compressed payload to offload that grows past this many
    bytes waits for its upload in an anonymous temporary file (`tempfile`, in
    `TMPDIR`, readable by you only, removed after the upload) rather than in memory,
    so a large payload is not held twice. None keeps it in memory."""

    __slots__ = ("min_size_bytes", "spool_min_bytes", "storage")

    def __init__(
        self,
        storage: BlobStore,
        *,
        min_size_bytes: int = DEFAULT_MIN_SIZE,
        spool_min_bytes: int | None = DEFAULT_SPOOL_MIN,
    ) -> None:
        if not all(callable(getattr(storage, m, None)) for m in ("exists", "put", "get")):
            raise EncodingConfigError(
                "expected S3Storage, GCSStorage, AzureBlobStorage or a BlobStore "
                f"(exists, put, get), got {type(storage).__name__}",
                field="storage",
            )
        self.storage = storage
        self.min_size_bytes = _size(min_size_bytes, "min_size_bytes")
        self.spool_min_bytes = (
            None if spool_min_bytes is None else _size(spool_min_bytes, "spool_min_bytes")
        )

    def store(self) -> BlobStore:
        """The store (a provider's connects, and imports its SDK, on first use)."""
        return self.storage

    def __repr__(self) -> str:
        return (
            f"Offloading({self.storage!r}, min_size_bytes={self.min_size_bytes}, "
            f"spool_min_bytes={self.spool_min_bytes})"
        )


class WorkflowEncoding:
    """How workflow payloads are encoded before they reach Mistral: pass it as
    `Mistral(workflow_encoding=...)` (or `client.with_options(workflow_encoding=...)`).

    Args:
        encryption: an `Encryption` (full or partial), or None.
        compression: a `Compression`, or None.
        offloading: an `Offloading` to your blob storage, or None.
        namespace: the workflow namespace in offloaded blob keys; when None it is
            asked from the API (`GET /v1/workflows/workers/whoami`) at the first offload.
        nonces: the source of AES-GCM nonces (`os.urandom`); tests inject their own.
    """

    __slots__ = ("_nonces", "compression", "encryption", "namespace", "offloading")

    def __init__(
        self,
        *,
        encryption: Encryption | None = None,
        compression: Compression | None = None,
        offloading: Offloading | None = None,
        namespace: str | None = None,
        nonces: Callable[[int], bytes] = os.urandom,
    ) -> None:
        for name, value, kind in (
            ("encryption", encryption, Encryption),
            ("compression", compression, Compression),
            ("offloading", offloading, Offloading),
        ):
            if value is not None and not isinstance(value, kind):
                raise EncodingConfigError(
                    f"expected {kind.__name__} or None, got {type(value).__name__}", field=name
                )
        self.encryption = encryption
        self.compression = compression
        self.offloading = offloading
        self.namespace = namespace
        self._nonces = nonces

    def __repr__(self) -> str:
        parts = [
            f"{name}={value!r}"
            for name in ("encryption", "compression", "offloading", "namespace")
            if (value := getattr(self, name)) is not None
        ]
        return f"WorkflowEncoding({', '.join(parts)})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WorkflowEncoding | None:
        """The configuration the environment describes (the `mistral` command's), or
        None when it describes none. See docs/workflows-encoding.md for the variables."""
        from ._env import encoding_from_env

        encoding: WorkflowEncoding | None = encoding_from_env(
            cls, os.environ if environ is None else environ
        )
        return encoding

    def _hooks(self, client: Any, asynchronous: bool) -> Hooks:
        """The client hook that applies this configuration (called by the client)."""
        from ._hook import EncodingHooks

        return EncodingHooks(self, client, asynchronous)


def read_key_file(path: str, field: str) -> str:
    """A key kept in a file (hex text; surrounding whitespace ignored)."""
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise EncodingConfigError(
            f"cannot read the key file {path!r}: {type(exc).__name__}", field=field
        ) from None
