"""Workflow payload encoding through the client, sync and async, against the local
mock (a real loopback server playing a worker that echoes its encoded input)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import msgspec
import pytest
from encoding_helpers import MAIN_KEY, SECONDARY_KEY, MemoryStore

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import Mock
from mistral_sdk.workflows_encoding import (
    Compression,
    EncodingConfigError,
    Encryption,
    Offloading,
    PayloadDecryptionError,
    PayloadFormatError,
    PayloadStorageError,
    WorkflowEncoding,
    encrypted,
)

# large enough to be offloaded once compressed (hex digests compress only so much)
NOTES = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(100))
SECRET = {"card": "4111 1111 1111 1111", "notes": NOTES}


class Recorder(mistral_sdk.Hooks):
    """Sees each request as it goes out (registered after the encoding hook)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def before_request(self, call: Any, request: httpx2.Request) -> None:
        if request.content:  # (not the GETs)
            self.bodies.append(request.content)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with Mock() as mock:
        yield mock.serve()


def _encoding(store: MemoryStore, mode: str = "full", **options: Any) -> WorkflowEncoding:
    return WorkflowEncoding(
        encryption=Encryption(MAIN_KEY, mode=mode),  # type: ignore[arg-type]
        compression=Compression(min_size_bytes=1024),
        offloading=Offloading(store, min_size_bytes=1024),
        **options,
    )


@pytest.fixture
def client(mock_url: str, store: MemoryStore) -> Iterator[Mistral]:
    with Mistral(api_key="k", base_url=mock_url, workflow_encoding=_encoding(store)) as c:
        yield c


@pytest.fixture
async def aclient(mock_url: str, store: MemoryStore) -> AsyncIterator[AsyncMistral]:
    async with AsyncMistral(
        api_key="k", base_url=mock_url, workflow_encoding=_encoding(store)
    ) as c:
        yield c


def _sent(recorder: Recorder) -> bytes:
    return b"\n".join(recorder.bodies)


def test_execute_and_wait_roundtrip_sync(client: Mistral, store: MemoryStore) -> None:
    recorder = Recorder()
    client.add_hooks(recorder)
    events: list[Any] = []
    execution = client.workflows.execute_and_wait("echo", input=SECRET, on_event=events.append)
    assert execution.result == SECRET
    # the whole card number: 4 digits alone may occur by chance in a random id
    card = SECRET["card"].encode()
    assert card not in _sent(recorder) and NOTES[:64].encode() not in _sent(recorder)
    body = json.loads(recorder.bodies[0])
    assert body["input"] is None
    assert body["encoded_input"]["encoding_options"] == ["compressed", "offloaded", "encrypted"]
    assert len(store.blobs) == 1
    key = next(iter(store.blobs))
    assert key.startswith(f"temporal-payload/default/{execution.execution_id}/sha256:")
    started = events[0].data.data.attributes.input
    assert started.value == SECRET and started.encoding_options == []


async def test_execute_and_wait_roundtrip_async(aclient: AsyncMistral, store: MemoryStore) -> None:
    events: list[Any] = []
    execution = await aclient.workflows.execute_and_wait(
        "echo", input=SECRET, on_event=events.append
    )
    assert execution.result == SECRET
    results = [e.data.data.attributes for e in events if hasattr(e.data.data.attributes, "result")]
    assert results[-1].result.value == SECRET
    assert len(store.blobs) == 1


def test_streams_and_lists_decode_sync(client: Mistral) -> None:
    started = client.workflows.execute("echo", input={"n": 1})
    with client.workflows.executions.stream(started.execution_id) as stream:
        values = [
            getattr(e.data.data.attributes, "input", None)
            or getattr(e.data.data.attributes, "result", None)
            for e in stream
        ]
    assert {"n": 1} in [v.value for v in values if v is not None]
    assert client.workflows.executions.get(started.execution_id).result == {"n": 1}


async def test_streams_decode_async(aclient: AsyncMistral) -> None:
    started = await aclient.workflows.execute("echo", input={"n": 2})
    seen = []
    async with await aclient.workflows.executions.stream(started.execution_id) as stream:
        async for event in stream:
            attributes = event.data.data.attributes
            payload = getattr(attributes, "input", None) or getattr(attributes, "result", None)
            if payload is not None:
                seen.append(payload.value)
    assert seen[0] == {"n": 2} and seen[-1] == {"n": 2}


def test_signals_queries_updates_sync(client: Mistral) -> None:
    recorder = Recorder()
    client.add_hooks(recorder)
    run = client.workflows.execute("slow", input={"a": 1})
    client.workflows.executions.send_signal(run.execution_id, "poke", {"token": "s3cr3t"})
    assert client.workflows.executions.run_update(run.execution_id, "set", {"v": "s3cr3t"}) == {
        "v": "s3cr3t"
    }
    client.workflows.executions.run_query(run.execution_id, "get", {"q": "s3cr3t"})
    assert b"s3cr3t" not in _sent(recorder)
    for body in recorder.bodies[1:]:
        assert json.loads(body)["input"]["encoding_options"] == ["encrypted"]
    client.workflows.executions.cancel(run.execution_id)


async def test_signals_queries_updates_async(aclient: AsyncMistral) -> None:
    run = await aclient.workflows.execute("slow", input={"a": 1})
    await aclient.workflows.executions.send_signal(run.execution_id, "poke", {"t": 1})
    assert await aclient.workflows.executions.run_update(run.execution_id, "set", {"v": 2}) == {
        "v": 2
    }
    await aclient.workflows.executions.cancel(run.execution_id)


def test_partial_encryption_leaves_the_rest_readable(mock_url: str, store: MemoryStore) -> None:
    recorder = Recorder()
    encoding = WorkflowEncoding(encryption=Encryption(MAIN_KEY, mode="partial"))
    with Mistral(api_key="k", base_url=mock_url, workflow_encoding=encoding) as client:
        client.add_hooks(recorder)
        value = {"customer": "Ada", "card": encrypted("4111 1111 1111 1111")}
        assert client.workflows.execute_and_wait("echo", input=value).result == value
    sent = json.loads(recorder.bodies[0])["encoded_input"]
    payload = base64.b64decode(sent["b64payload"])
    assert sent["encoding_options"] == ["encrypted-partial"]
    assert b'"customer":"Ada"' in payload and b"4111 1111 1111 1111" not in payload


def _transport(answers: list[httpx2.Response], seen: list[httpx2.Request]) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return answers.pop(0)

    return httpx2.MockTransport(handle)


def test_a_retry_sends_the_same_encoded_body_and_uploads_once(store: MemoryStore) -> None:
    seen: list[httpx2.Request] = []
    ok = {"workflow_name": "w", "execution_id": "e", "result": None}
    answers = [httpx2.Response(503), httpx2.Response(200, json=ok)]
    http = httpx2.Client(transport=_transport(answers, seen))
    encoding = _encoding(store, namespace="ns")
    client = Mistral(api_key="k", http_client=http, workflow_encoding=encoding, max_retries=1)
    client._sleep = lambda _s: None  # type: ignore[method-assign]
    client.workflows.execute("w", input=SECRET, execution_id="e")
    assert len(seen) == 2 and seen[0].content == seen[1].content
    assert store.puts == 1


def test_wrong_key_names_execution_and_field(mock_url: str, store: MemoryStore) -> None:
    with Mistral(api_key="k", base_url=mock_url, workflow_encoding=_encoding(store)) as client:
        run = client.workflows.execute_and_wait("echo", input={"a": 1}, execution_id="exec-wk")
    other = WorkflowEncoding(encryption=Encryption(SECONDARY_KEY), offloading=Offloading(store))
    with (
        Mistral(api_key="k", base_url=mock_url, workflow_encoding=other) as client,
        pytest.raises(PayloadDecryptionError) as info,
    ):
        client.workflows.executions.get(run.execution_id)
    error = info.value
    assert error.execution_id == "exec-wk" and error.field == "result"
    assert "'exec-wk'" in str(error) and "'result'" in str(error)
    assert MAIN_KEY not in str(error) and SECONDARY_KEY not in str(error)


def test_an_input_that_cannot_be_encoded_sends_nothing(store: MemoryStore) -> None:
    seen: list[httpx2.Request] = []
    http = httpx2.Client(transport=_transport([], seen))
    encoding = WorkflowEncoding(encryption=Encryption(MAIN_KEY, mode="partial"))
    client = Mistral(api_key="k", http_client=http, workflow_encoding=encoding)
    bad = {"secret": {"field_type": "__encrypted_str__", "data": 42}}
    with pytest.raises(PayloadFormatError) as info:
        client.workflows.execute("w", input=bad, execution_id="exec-bad")
    assert seen == []
    assert info.value.execution_id == "exec-bad" and info.value.field == "input"


def test_keys_never_in_reprs_or_logs(
    mock_url: str, store: MemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    encoding = _encoding(store)
    with (
        caplog.at_level(logging.DEBUG, logger="mistral_sdk"),
        Mistral(api_key="k", base_url=mock_url, workflow_encoding=encoding) as client,
    ):
        client.workflows.execute_and_wait("echo", input={"a": 1})
        text = repr(client) + repr(encoding) + repr(encoding.encryption) + repr(client.hooks)
    assert MAIN_KEY not in text + caplog.text
    assert "Secret(" in repr(encoding.encryption)
    with pytest.raises(EncodingConfigError, match="main_key") as info:
        Encryption("zz" + MAIN_KEY[2:])
    assert MAIN_KEY[2:] not in str(info.value)


def test_with_options_changes_or_removes_the_encoding(mock_url: str, store: MemoryStore) -> None:
    recorder = Recorder()
    with Mistral(api_key="k", base_url=mock_url, workflow_encoding=_encoding(store)) as client:
        plain = client.with_options(workflow_encoding=None)
        plain.add_hooks(recorder)
        plain.workflows.execute("echo", input={"visible": True})
        assert json.loads(recorder.bodies[0])["input"] == {"visible": True}
        assert client.with_options(timeout=5).workflow_encoding is client.workflow_encoding
        assert len([h for h in plain.hooks if type(h).__name__ == "EncodingHooks"]) == 0


def test_import_loads_no_optional_package() -> None:
    code = (
        "import sys, mistral_sdk\n"
        "from mistral_sdk import Mistral\n"
        "Mistral(api_key='k').workflows\n"
        "import mistral_sdk.workflows_encoding as w\n"
        "w.WorkflowEncoding(offloading=w.Offloading(w.S3Storage('b')))\n"
        "bad = [m for m in ('cryptography', 'boto3', 'botocore', 'google.cloud.storage',"
        " 'azure.storage.blob', 'mistralai', 'pydantic', 'msgpack') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    only = "import sys, mistral_sdk; print('zstandard' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", only], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_missing_extra_names_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['cryptography'] = None\n"
        "sys.modules['boto3'] = None\n"
        "import mistral_sdk.workflows_encoding as w\n"
        "for build in (lambda: w.PayloadCodec(w.WorkflowEncoding(encryption=w.Encryption('11' * 32))),\n"
        "              lambda: w.S3Storage('b').exists('k')):\n"
        "    try:\n"
        "        build()\n"
        "    except w.MissingExtraError as exc:\n"
        "        print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert "mistral-sdk[workflow-encoding]" in lines[0]
    assert "mistral-sdk[s3]" in lines[1]


def test_results_not_encoded_pass_through(client: Mistral) -> None:
    """A run started without encoding (another client): its plain result is kept."""
    plain = client.with_options(workflow_encoding=None)
    run = plain.workflows.execute_and_wait("plain", input={"x": 1})
    assert client.workflows.executions.get(run.execution_id).result == run.result
    assert msgspec.json.encode(run.result)


def test_a_stream_event_that_does_not_decrypt_raises_typed(mock_url: str) -> None:
    writer = WorkflowEncoding(encryption=Encryption(MAIN_KEY))
    reader = WorkflowEncoding(encryption=Encryption(SECONDARY_KEY))
    with Mistral(api_key="k", base_url=mock_url, workflow_encoding=writer) as client:
        run = client.workflows.execute("echo", input={"x": 1})
    with (
        Mistral(api_key="k", base_url=mock_url, workflow_encoding=reader) as client,
        pytest.raises(PayloadDecryptionError) as info,
        client.workflows.executions.stream(run.execution_id) as stream,
    ):
        for _event in stream:
            pass
    assert (info.value.execution_id, info.value.field) == (run.execution_id, "attributes.input")


async def test_a_stream_event_that_does_not_decrypt_raises_typed_async(mock_url: str) -> None:
    writer = WorkflowEncoding(encryption=Encryption(MAIN_KEY))
    reader = WorkflowEncoding(encryption=Encryption(SECONDARY_KEY))
    async with AsyncMistral(api_key="k", base_url=mock_url, workflow_encoding=writer) as client:
        run = await client.workflows.execute("echo", input={"x": 1})
    async with AsyncMistral(api_key="k", base_url=mock_url, workflow_encoding=reader) as client:
        with pytest.raises(PayloadDecryptionError, match=r"attributes\.input"):
            async with await client.workflows.executions.stream(run.execution_id) as stream:
                async for _event in stream:
                    pass


def test_a_storage_failure_names_execution_and_field_and_sends_nothing() -> None:
    class Refusing(MemoryStore):
        def put(self, key: str, chunks: Any, size: int) -> None:
            raise PermissionError("access denied")

    seen: list[httpx2.Request] = []
    http = httpx2.Client(transport=_transport([], seen))
    encoding = WorkflowEncoding(offloading=Offloading(Refusing(), min_size_bytes=1), namespace="ns")
    client = Mistral(api_key="k", http_client=http, workflow_encoding=encoding)
    with pytest.raises(PayloadStorageError, match="access denied") as info:
        client.workflows.executions.signal("exec-s", name="go", input={"a": 1})
    assert seen == []
    assert (info.value.execution_id, info.value.field) == ("exec-s", "input")
