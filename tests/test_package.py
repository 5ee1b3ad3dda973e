"""The package surface: lazy imports, models under their spec names, OPERATIONS, API key."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from spec_values import (
    REPO,
    SPEC_MISSING_REASON,
    find_spec,
    needs_calls,
    raw_operations,
    raw_spec,
    raw_supplement,
    supplement_operations,
    tracked_lock,
)

import mistral_sdk
from mistral_sdk import models


def _run(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_and_client_are_lazy() -> None:
    out = _run("""
        import json, sys
        import mistral_sdk
        mistral_sdk.Mistral(api_key="x")
        mistral_sdk.AsyncMistral(api_key="x")
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("mistral_sdk"))))
    """)
    loaded = json.loads(out)
    assert "mistral_sdk" in loaded
    eager_models = [m for m in loaded if m.startswith("mistral_sdk.models._")]
    eager_resources = [m for m in loaded if m.startswith("mistral_sdk.resources")]
    assert not eager_models, f"building a client imported model modules: {eager_models[:10]}"
    assert not eager_resources, f"building a client imported resources: {eager_resources[:10]}"


def test_import_and_clients_load_only_httpx2() -> None:
    """The SDK runs on httpx2: importing it, building both clients and making a call
    (sync and async) load neither legacy `httpx` nor `httpcore`, though the dev
    environment has both installed (respx brings them)."""
    out = _run("""
        import asyncio, json, sys
        import httpx2
        import mistral_sdk

        def handler(request):
            return httpx2.Response(200, json={"object": "list", "data": []})

        mistral_sdk.Mistral(api_key="x")
        mistral_sdk.AsyncMistral(api_key="x")
        mock = httpx2.MockTransport(handler)
        mistral_sdk.Mistral(api_key="x", http_client=httpx2.Client(transport=mock)).models.list()
        client = mistral_sdk.AsyncMistral(api_key="x", http_client=httpx2.AsyncClient(transport=mock))
        asyncio.run(client.models.list())
        print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
    """)
    top = set(json.loads(out))
    assert "httpx2" in top
    assert not top & {"httpx", "httpcore"}, sorted(top & {"httpx", "httpcore"})


def test_first_call_imports_only_its_resource() -> None:
    out = _run("""
        import json, sys
        import mistral_sdk
        client = mistral_sdk.Mistral(api_key="x")
        client.chat
        print(json.dumps(sorted(m for m in sys.modules if m.startswith("mistral_sdk.resources"))))
    """)
    loaded = json.loads(out)
    assert "mistral_sdk.resources.chat" in loaded
    assert not any(m.startswith("mistral_sdk.resources.beta") for m in loaded), loaded


# with the generated blocking twins of their drivers (generator/unasync.py)
CAPABILITIES = (
    "mistral_sdk.batch",
    "mistral_sdk.mcp",
    "mistral_sdk.realtime",
    "mistral_sdk._blocking.batch_run",
    "mistral_sdk._blocking.realtime",
)


@needs_calls("batch.jobs.list", "beta.connectors.list", "audio.transcriptions.complete")
def test_capabilities_load_when_a_method_needs_them() -> None:
    """Touching `client.batch`, `client.beta.connectors` or `client.audio.realtime` (and
    their methods, unbound) loads none of the capability's modules, nor sqlite3,
    websockets or mcp; calling a method loads what it needs, and only that."""
    out = _run(f"""
        import asyncio, json, sys
        import mistral_sdk

        def loaded():
            return sorted(m for m in sys.modules
                          if m.startswith({CAPABILITIES!r}) or m in ("sqlite3", "websockets", "mcp"))

        client = mistral_sdk.Mistral(api_key="x", base_url="http://127.0.0.1:9", max_retries=0)
        aclient = mistral_sdk.AsyncMistral(api_key="x", base_url="http://127.0.0.1:9")
        for c in (client, aclient):
            c.batch.run, c.batch.submit, c.batch.job, c.batch.jobs.list
            c.beta.connectors.mcp, c.beta.connectors.http, c.beta.connectors.list
            c.audio.realtime.connect_transcription, c.audio.realtime.speak
        steps = {{"touched": loaded()}}
        client.beta.connectors.http("gmail")
        steps["connectors.http"] = loaded()
        sys.modules["websockets"] = None  # as if the extra were missing: no socket opens
        try:
            asyncio.run(aclient.audio.realtime.connect_transcription(model="m"))
        except mistral_sdk.MistralError:
            pass
        steps["audio.realtime.connect_transcription"] = loaded()
        try:
            client.batch.job()
        except ValueError:
            pass
        steps["batch.job"] = loaded()
        print(json.dumps(steps))
    """)
    steps = json.loads(out)
    assert steps["touched"] == []
    assert {m.split(".")[1] for m in steps["connectors.http"]} == {"mcp"}
    assert "mistral_sdk.realtime._async" in steps["audio.realtime.connect_transcription"]
    assert "mistral_sdk._blocking.batch_run" in steps["batch.job"]


def test_every_exported_model_resolves() -> None:
    assert models.__all__, "models.__all__ is empty"
    assert len(set(models.__all__)) == len(models.__all__)
    missing = [name for name in models.__all__ if not hasattr(models, name)]
    assert not missing, missing[:20]


def test_every_component_schema_is_a_model() -> None:
    spec = find_spec()
    if spec is None:
        pytest.skip(SPEC_MISSING_REASON)
    doc = raw_spec(str(spec))
    names = list((doc.get("components") or {}).get("schemas") or {})
    assert len(names) == tracked_lock()["schemas"]
    missing = [name for name in names if not hasattr(models, name)]
    assert not missing, (
        f"{len(missing)} component schemas are not in mistral_sdk.models: {missing[:20]}"
    )
    not_exported = [name for name in names if name not in models.__all__]
    assert not not_exported, not_exported[:20]


def test_operations_table() -> None:
    ops = mistral_sdk.OPERATIONS
    supplement = sum(1 for op in ops.values() if op.source == "supplement")
    assert len(ops) - supplement == tracked_lock()["operations"]
    from mistral_sdk import _spec

    assert supplement == _spec.SUPPLEMENT_OPERATION_COUNT
    sync = mistral_sdk.Mistral(api_key="x")
    async_ = mistral_sdk.AsyncMistral(api_key="x")
    calls = set()
    for op_id, op in ops.items():
        assert isinstance(op, mistral_sdk.Operation)
        assert op.operation_id == op_id
        assert op.method in {"GET", "POST", "PUT", "PATCH", "DELETE"}, op
        assert op.path.startswith("/"), op
        assert isinstance(op.streaming, bool)
        for call in filter(None, (op.call, op.stream_call)):
            assert call not in calls, f"two operations share {call}"
            calls.add(call)
            for client, is_async in ((sync, False), (async_, True)):
                target = client
                for part in call.split("."):
                    target = getattr(target, part)
                assert callable(target), f"{call} on {type(client).__name__}"
                assert inspect.iscoroutinefunction(target) is is_async, call
    streaming = {op.call for op in ops.values() if op.streaming}
    assert "chat.complete" not in streaming


def test_operations_are_the_spec_operations() -> None:
    spec = find_spec()
    if spec is None:
        pytest.skip(SPEC_MISSING_REASON)
    public = raw_operations(raw_spec(str(spec)))
    supplement = supplement_operations(spec)
    seen = {op_id: (op.method, op.path) for op_id, op in mistral_sdk.OPERATIONS.items()}
    assert seen == public | supplement
    # each says where it is described, and a supplement one from which official release
    source = raw_supplement(spec).get("x-source", {})
    release = f"{source.get('package')} {source.get('version')}"
    for op_id, op in mistral_sdk.OPERATIONS.items():
        expected = ("supplement", release) if op_id in supplement else ("spec", None)
        assert (op.source, op.release) == expected, op_id


# The guide's familiar names (docs: /work/shared/GUIDE.md, section 1), each with the
# operation it names. A spec without the operation skips its check, naming it.
FAMILIAR = {
    "chat.complete": "POST /v1/chat/completions",
    "chat.stream": "POST /v1/chat/completions",
    "fim.complete": "POST /v1/fim/completions",
    "fim.stream": "POST /v1/fim/completions",
    "embeddings.create": "POST /v1/embeddings",
    "files.upload": "POST /v1/files",
    "files.list": "GET /v1/files",
    "files.retrieve": "GET /v1/files/{file_id}",
    "files.delete": "DELETE /v1/files/{file_id}",
    "files.download": "GET /v1/files/{file_id}/content",
    "models.list": "GET /v1/models",
    "models.retrieve": "GET /v1/models/{model_id}",
    "ocr.process": "POST /v1/ocr",
    "classifiers.moderate": "POST /v1/moderations",
    "classifiers.classify": "POST /v1/classifications",
    "agents.complete": "POST /v1/agents/completions",
    "agents.stream": "POST /v1/agents/completions",
    "beta.conversations.start": "POST /v1/conversations",
    "beta.conversations.start_stream": "POST /v1/conversations#stream",
    "beta.conversations.append": "POST /v1/conversations/{conversation_id}",
    "beta.conversations.append_stream": "POST /v1/conversations/{conversation_id}#stream",
    "beta.conversations.restart": "POST /v1/conversations/{conversation_id}/restart",
    "beta.conversations.restart_stream": "POST /v1/conversations/{conversation_id}/restart#stream",
    "beta.conversations.get": "GET /v1/conversations/{conversation_id}",
    "beta.conversations.list": "GET /v1/conversations",
    "beta.conversations.delete": "DELETE /v1/conversations/{conversation_id}",
    "beta.conversations.get_history": "GET /v1/conversations/{conversation_id}/history",
    "beta.conversations.get_messages": "GET /v1/conversations/{conversation_id}/messages",
    "audio.transcriptions.complete": "POST /v1/audio/transcriptions",
    "audio.transcriptions.stream": "POST /v1/audio/transcriptions#stream",
    "workflows.executions.get": "GET /v1/workflows/executions/{execution_id}",
}


@pytest.mark.parametrize("familiar", sorted(FAMILIAR))
def test_familiar_name(familiar: str) -> None:
    key = FAMILIAR[familiar]
    op = next((o for o in mistral_sdk.OPERATIONS.values() if f"{o.method} {o.path}" == key), None)
    if op is None:
        pytest.skip(f"the spec has no {key}, which {familiar} calls")
    calls = [c for c in (op.call, op.stream_call) if c]
    # the resource path follows the spec's tag (`beta.workflows` in some versions);
    # the familiar part is the method and the resources it names
    assert any(c == familiar or c.endswith("." + familiar) for c in calls), (key, calls)
    if familiar.endswith("stream"):
        assert op.streaming or op.stream_call is not None, key


@pytest.mark.parametrize("cls", ["Mistral", "AsyncMistral"])
def test_missing_api_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, cls: str) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with pytest.raises(mistral_sdk.MistralError) as info:
        getattr(mistral_sdk, cls)()
    message = str(info.value)
    assert "api_key" in message and "MISTRAL_API_KEY" in message


def test_api_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "from-env")
    assert mistral_sdk.Mistral().api_key == "from-env"


def test_version() -> None:
    assert isinstance(mistral_sdk.__version__, str) and mistral_sdk.__version__


def test_tracked_spec_version_and_sha256_at_run_time() -> None:
    """For bug reports: which spec the installed SDK was generated from."""
    lock = json.loads((REPO / "spec" / "lock.json").read_text(encoding="utf-8"))
    assert lock["sha256"] == mistral_sdk.SPEC_SHA256
    assert lock["version"] == mistral_sdk.SPEC_VERSION
    proc = subprocess.run(
        [sys.executable, "-m", "mistral_sdk", "version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"mistral-sdk {mistral_sdk.__version__}"
    assert lines[1].endswith(f"sha256 {lock['sha256']}") and lock["version"] in lines[1]
    assert lines[3].startswith("httpx2 ")
    from mistral_sdk import _spec

    assert lines[4:] == [
        f"supplement: {_spec.SUPPLEMENT} ({_spec.SUPPLEMENT_OPERATION_COUNT} operations), "
        f"sha256 {_spec.SUPPLEMENT_SHA256}"
    ]


def test_public_names_resolve() -> None:
    broken = []
    for name in mistral_sdk.__all__:
        try:
            getattr(mistral_sdk, name)
        except Exception as exc:
            broken.append(f"{name}: {exc!r}")
    assert not broken, broken


def test_wheel_holds_runtime_and_generated_code_only(tmp_path: Path) -> None:
    """`pip install .` gets both halves of `mistral_sdk` and nothing of generator/ or tests/."""
    import zipfile

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(root)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {n.split("/", 1)[0] for n in names}
    assert packages == {
        "mistral_sdk",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }
    assert "mistral_sdk/_client.py" in names  # runtime
    assert "mistral_sdk/_mistral.py" in names  # generated
    assert "mistral_sdk/py.typed" in names
    assert not any(n.startswith(("generator/", "tests/")) for n in names)
    # `pip install mistral-sdk[cli]` puts the `mistral` command on the PATH
    dist_info = next(n.split("/", 1)[0] for n in names if ".dist-info/" in n)
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    assert "mistral = mistral_sdk.cli:main" in entry_points
    assert "mistral_sdk/cli/__init__.py" in names
