"""`WorkflowEncoding.from_env()`: the configuration of the `mistral` command (and of
any program that wants it) from environment variables and key files, never from
command-line flags (they end up in shell histories and process lists).

| variable | meaning |
| --- | --- |
| `MISTRAL_WORKFLOW_ENCRYPTION_KEY` or `..._KEY_FILE` | the main key (hex), or a file holding it |
| `MISTRAL_WORKFLOW_ENCRYPTION_SECONDARY_KEY` or `..._FILE` | the previous key, still read |
| `MISTRAL_WORKFLOW_ENCRYPTION_MODE` | `full` (default) or `partial` |
| `MISTRAL_WORKFLOW_COMPRESSION` | `on`, or a zstd level (1-22); unset or `off`: none |
| `MISTRAL_WORKFLOW_COMPRESSION_MIN_BYTES` | threshold (default 1 MiB) |
| `MISTRAL_WORKFLOW_COMPRESSION_THREADS` | zstd worker threads above 8 MiB (default 0) |
| `MISTRAL_WORKFLOW_OFFLOAD` | `s3://bucket/prefix`, `gs://bucket/prefix` or `azure://container/prefix` |
| `MISTRAL_WORKFLOW_OFFLOAD_MIN_BYTES` | threshold (default 1 MiB) |
| `MISTRAL_WORKFLOW_OFFLOAD_SPOOL_MIN_BYTES` | compressed bytes kept in memory before a temporary file (default 2 MiB; `off`: all in memory) |
| `MISTRAL_WORKFLOW_NAMESPACE` | the namespace in blob keys (default: asked from the API) |

Storage credentials come from each provider's own variables: `AWS_*` (and
`AWS_ENDPOINT_URL` for an S3-compatible server), `GOOGLE_APPLICATION_CREDENTIALS` (and
`STORAGE_EMULATOR_HOST`), `AZURE_STORAGE_CONNECTION_STRING`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._config import (
    DEFAULT_MIN_SIZE,
    DEFAULT_SPOOL_MIN,
    Compression,
    Encryption,
    Offloading,
    read_key_file,
)
from ._errors import EncodingConfigError
from ._storage import AzureBlobStorage, GCSStorage, S3Storage

if TYPE_CHECKING:
    from ._config import WorkflowEncoding

PREFIX = "MISTRAL_WORKFLOW_"


def _key(env: Mapping[str, str], name: str) -> str | None:
    value, path = env.get(PREFIX + name), env.get(PREFIX + name + "_FILE")
    if value and path:
        raise EncodingConfigError(f"set {PREFIX}{name} or {PREFIX}{name}_FILE, not both")
    if path:
        return read_key_file(path, PREFIX + name + "_FILE")
    return value or None


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(PREFIX + name)
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise EncodingConfigError(
            f"expected a whole number, got {text!r}", field=PREFIX + name
        ) from None


def _storage(url: str, env: Mapping[str, str]) -> Any:
    parts = urlsplit(url)
    name, prefix = parts.netloc, parts.path.strip("/") or None
    if parts.scheme == "s3":
        return S3Storage(name, prefix=prefix)
    if parts.scheme in ("gs", "gcs"):
        return GCSStorage(name, prefix=prefix)
    if parts.scheme == "azure":
        connection = env.get("AZURE_STORAGE_CONNECTION_STRING")
        if not connection:
            raise EncodingConfigError(
                "azure:// needs AZURE_STORAGE_CONNECTION_STRING", field=PREFIX + "OFFLOAD"
            )
        return AzureBlobStorage(name, prefix=prefix, connection_string=connection)
    raise EncodingConfigError(
        f"expected s3://, gs:// or azure:// followed by the bucket, got {url!r}",
        field=PREFIX + "OFFLOAD",
    )


def encoding_from_env(
    cls: type[WorkflowEncoding], env: Mapping[str, str]
) -> WorkflowEncoding | None:
    main, secondary = _key(env, "ENCRYPTION_KEY"), _key(env, "ENCRYPTION_SECONDARY_KEY")
    encryption = None
    if main:
        mode = env.get(PREFIX + "ENCRYPTION_MODE", "full") or "full"
        encryption = Encryption(main, secondary_key=secondary, mode=mode)  # type: ignore[arg-type]
    elif secondary:
        raise EncodingConfigError(f"{PREFIX}ENCRYPTION_SECONDARY_KEY without a main key")
    compression = None
    setting = (env.get(PREFIX + "COMPRESSION") or "off").strip().lower()
    if setting not in ("off", "0", "false", "no", "none"):
        level = 3 if setting in ("on", "1", "true", "yes", "zstd") else _int(env, "COMPRESSION", 3)
        compression = Compression(
            min_size_bytes=_int(env, "COMPRESSION_MIN_BYTES", DEFAULT_MIN_SIZE),
            level=level,
            threads=_int(env, "COMPRESSION_THREADS", 0),
        )
    offloading = None
    if url := env.get(PREFIX + "OFFLOAD"):
        spool = (env.get(PREFIX + "OFFLOAD_SPOOL_MIN_BYTES") or "").strip().lower()
        offloading = Offloading(
            _storage(url, env),
            min_size_bytes=_int(env, "OFFLOAD_MIN_BYTES", DEFAULT_MIN_SIZE),
            spool_min_bytes=None
            if spool in ("off", "none")
            else _int(env, "OFFLOAD_SPOOL_MIN_BYTES", DEFAULT_SPOOL_MIN),
        )
    if encryption is None and compression is None and offloading is None:
        return None
    return cls(
        encryption=encryption,
        compression=compression,
        offloading=offloading,
        namespace=env.get(PREFIX + "NAMESPACE") or None,
    )
