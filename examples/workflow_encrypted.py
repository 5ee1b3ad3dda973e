#!/usr/bin/env python3
"""Run a workflow on data Mistral never reads: its input is encrypted (AES-GCM) and
compressed on this machine, and, being large, offloaded to your own S3 bucket.

Needs: mistral-sdk[workflow-encoding,s3] (`pip install 'mistral-sdk[workflow-encoding,s3]'`)
and, against the local mock (without MISTRAL_API_KEY), moto[server] as the local S3.

Only an encrypted reference goes to Mistral; the result comes back the same way and
is decoded here.

Against the local mock, the bucket is a local S3 stand-in (moto's server, started
here); against the real API, set MISTRAL_WORKFLOW_OFFLOAD=s3://bucket/prefix and your
AWS credentials. The key is MISTRAL_WORKFLOW_ENCRYPTION_KEY (64 hex digits), or a new
random one for this run.

    .venv/bin/python examples/workflow_encrypted.py
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import socket
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

from _connect import connect, needs, using_mock

from mistral_sdk import WorkflowExecutionError
from mistral_sdk.workflows_encoding import (
    Compression,
    Encryption,
    Offloading,
    PayloadCodec,
    S3Storage,
    WorkflowEncoding,
)

with needs("pip install 'mistral-sdk[workflow-encoding,s3]'", "cryptography", "zstandard", "boto3"):
    pass


@contextlib.contextmanager
def s3_bucket() -> Generator[S3Storage, None, None]:
    """The bucket offloaded payloads go to: a local S3 server against the mock."""
    if not using_mock():
        url = os.environ.get("MISTRAL_WORKFLOW_OFFLOAD", "")
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        yield S3Storage(bucket, prefix=prefix or None)
        return
    with needs("pip install 'moto[server]'", "moto"):  # the stand-in (a dev dependency)
        moto: Any = importlib.import_module("moto.server")
    boto3: Any = importlib.import_module("boto3")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the stand-in's access log
    server = moto.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials).create_bucket(
        Bucket="workflow-payloads"
    )
    print(f"(a local S3 stand-in at {endpoint})")
    try:
        yield S3Storage(
            "workflow-payloads",
            prefix="team-a",
            endpoint_url=endpoint,
            region="us-east-1",
            access_key_id="local",
            secret_access_key="local",
        )
    finally:
        server.stop()


def main() -> int:
    key = os.environ.get("MISTRAL_WORKFLOW_ENCRYPTION_KEY") or os.urandom(32).hex()
    workflow = os.environ.get("MISTRAL_EXAMPLE_WORKFLOW", "echo")
    statements = [
        {"month": m, "lines": [f"line {m}-{i}: {i * 37 % 1000} EUR" for i in range(300)]}
        for m in range(1, 13)
    ]
    data = {
        "customer": "ACME Corp",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "statements": statements,
    }

    with connect() as client, s3_bucket() as bucket:
        encoding = WorkflowEncoding(
            encryption=Encryption(key),  # mode="partial": only fields marked encrypted(...)
            compression=Compression(min_size_bytes=1024),
            offloading=Offloading(bucket, min_size_bytes=4096),
        )
        private = client.with_options(workflow_encoding=encoding)
        print(f"1. {workflow}: input of {len(str(data)) // 1024} KB, encrypted and offloaded")
        try:
            run = private.workflows.execute_and_wait(workflow, input=data, wait_timeout=120)
        except WorkflowExecutionError as exc:
            print(f"   the run ended {exc.status}")
            return 1
        print(f"2. the run {run.execution_id} ended {run.status}")
        result = run.result
        same = result == data if using_mock() else "n/a (your workflow's own result)"
        print(
            f"3. its result, decoded here: {str(result)[:70]}...  (the echo's input back: {same})"
        )
        seen = client.workflows.executions.get(run.execution_id).result
        print(f"4. what Mistral holds instead: {str(seen)[:90]}...")
        if not stream_a_file(encoding, run.execution_id):
            return 1
    return 0


def stream_a_file(encoding: WorkflowEncoding, execution_id: str) -> bool:
    """A payload too large to hold twice, as a worker of your own handles it: encoded
    from a file, decoded into another, never whole in memory."""
    codec = PayloadCodec(encoding)
    with tempfile.TemporaryDirectory() as tmp:
        export, restored = Path(tmp, "export.jsonl"), Path(tmp, "restored.jsonl")
        with export.open("w") as out:
            for i in range(50_000):
                out.write(json.dumps({"row": i, "note": f"ledger entry {i}"}) + "\n")
        with export.open("rb") as source:
            encoded = codec.encode_stream(source, namespace="examples", execution_id=execution_id)
        with restored.open("wb") as sink:
            size = codec.decode_to(encoded.data, encoded.options, sink)
        same = restored.read_bytes() == export.read_bytes()
        print(
            f"5. a {export.stat().st_size // 1024} KB file streamed: {'+'.join(encoded.options)}, "
            f"{len(encoded.data)} bytes to send, {size // 1024} KB decoded into a file (same: {same})"
        )
        return same


if __name__ == "__main__":
    raise SystemExit(main())
