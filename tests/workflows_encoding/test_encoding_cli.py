"""The `mistral` command with workflow payload encoding: configured by environment
variables and key files, never by flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from encoding_helpers import MAIN_KEY, SECONDARY_KEY

from mistral_sdk.testing import Mock
from mistral_sdk.workflows_encoding import (
    AzureBlobStorage,
    EncodingConfigError,
    GCSStorage,
    S3Storage,
    WorkflowEncoding,
)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with Mock() as mock:
        yield mock.serve()


def _mistral(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import sys; from mistral_sdk.cli import main; sys.exit(main(sys.argv[1:]))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, env={**clean, **env}, timeout=60,
    )  # fmt: skip


def test_run_with_a_key_file(mock_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "workflow.key"
    key_file.write_text(MAIN_KEY + "\n")
    env = {
        "MISTRAL_API_KEY": "k",
        "MISTRAL_BASE_URL": mock_url,
        "MISTRAL_WORKFLOW_ENCRYPTION_KEY_FILE": str(key_file),
    }
    done = _mistral(["workflows", "run", "echo", "--json", "--input", '{"card": "4111"}'], env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == {"card": "4111"}  # decoded with the key file
    assert MAIN_KEY not in done.stdout + done.stderr


def test_no_key_flag() -> None:
    done = _mistral(["workflows", "run", "echo", "--encryption-key", MAIN_KEY], {})
    assert done.returncode != 0 and "unrecognized arguments" in done.stderr


def test_from_env(tmp_path: Path) -> None:
    assert WorkflowEncoding.from_env({}) is None
    encoding = WorkflowEncoding.from_env(
        {
            "MISTRAL_WORKFLOW_ENCRYPTION_KEY": MAIN_KEY,
            "MISTRAL_WORKFLOW_ENCRYPTION_SECONDARY_KEY": SECONDARY_KEY,
            "MISTRAL_WORKFLOW_ENCRYPTION_MODE": "partial",
            "MISTRAL_WORKFLOW_COMPRESSION": "9",
            "MISTRAL_WORKFLOW_COMPRESSION_MIN_BYTES": "100",
            "MISTRAL_WORKFLOW_COMPRESSION_THREADS": "2",
            "MISTRAL_WORKFLOW_OFFLOAD": "s3://bucket/team/a",
            "MISTRAL_WORKFLOW_OFFLOAD_SPOOL_MIN_BYTES": "off",
            "MISTRAL_WORKFLOW_NAMESPACE": "ns",
        }
    )
    assert encoding is not None and encoding.encryption is not None
    assert encoding.encryption.mode == "partial"
    assert encoding.encryption.keys == (bytes.fromhex(MAIN_KEY), bytes.fromhex(SECONDARY_KEY))
    assert encoding.compression is not None and encoding.compression.level == 9
    assert encoding.compression.threads == 2
    assert encoding.offloading is not None and encoding.offloading.spool_min_bytes is None
    storage = encoding.offloading.storage
    assert isinstance(storage, S3Storage) and (storage.bucket, storage.prefix) == (
        "bucket",
        "team/a",
    )
    assert encoding.namespace == "ns"
    gcs = WorkflowEncoding.from_env({"MISTRAL_WORKFLOW_OFFLOAD": "gs://b"})
    assert gcs is not None and isinstance(gcs.offloading.storage, GCSStorage)  # type: ignore[union-attr]
    assert gcs.offloading.spool_min_bytes == 2 * 1024 * 1024  # type: ignore[union-attr]
    spool = {"MISTRAL_WORKFLOW_OFFLOAD": "gs://b", "MISTRAL_WORKFLOW_OFFLOAD_SPOOL_MIN_BYTES": "0"}
    assert WorkflowEncoding.from_env(spool).offloading.spool_min_bytes == 0  # type: ignore[union-attr]
    with pytest.raises(EncodingConfigError, match="SPOOL_MIN_BYTES': expected a whole number"):
        WorkflowEncoding.from_env({**spool, "MISTRAL_WORKFLOW_OFFLOAD_SPOOL_MIN_BYTES": "2M"})
    azure = WorkflowEncoding.from_env(
        {"MISTRAL_WORKFLOW_OFFLOAD": "azure://c/p", "AZURE_STORAGE_CONNECTION_STRING": "x=y"}
    )
    assert azure is not None and isinstance(azure.offloading.storage, AzureBlobStorage)  # type: ignore[union-attr]
    with pytest.raises(EncodingConfigError, match="AZURE_STORAGE_CONNECTION_STRING"):
        WorkflowEncoding.from_env({"MISTRAL_WORKFLOW_OFFLOAD": "azure://c"})
    with pytest.raises(EncodingConfigError, match="ftp://"):
        WorkflowEncoding.from_env({"MISTRAL_WORKFLOW_OFFLOAD": "ftp://x"})
    with pytest.raises(EncodingConfigError, match="cannot read the key file"):
        WorkflowEncoding.from_env({"MISTRAL_WORKFLOW_ENCRYPTION_KEY_FILE": str(tmp_path / "no")})
