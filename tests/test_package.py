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
from spec_values import REPO, SPEC_MISSING_REASON, find_spec

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


def test_every_exported_model_resolves() -> None:
    assert models.__all__, "models.__all__ is empty"
    assert len(set(models.__all__)) == len(models.__all__)
    missing = [name for name in models.__all__ if not hasattr(models, name)]
    assert not missing, missing[:20]


def test_every_component_schema_is_a_model() -> None:
    spec = find_spec()
    if spec is None:
        pytest.skip(SPEC_MISSING_REASON)
    import yaml

    doc = yaml.load(
        spec.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )
    names = list(doc["components"]["schemas"])
    assert len(names) == 756
    missing = [name for name in names if not hasattr(models, name)]
    assert not missing, (
        f"{len(missing)} component schemas are not in mistral_sdk.models: {missing[:20]}"
    )
    not_exported = [name for name in names if name not in models.__all__]
    assert not not_exported, not_exported[:20]


def test_operations_table() -> None:
    ops = mistral_sdk.OPERATIONS
    assert len(ops) == 288
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
    # familiar names from the guide
    for call in (
        "chat.complete",
        "chat.stream",
        "fim.complete",
        "fim.stream",
        "embeddings.create",
        "files.upload",
        "files.list",
        "files.retrieve",
        "files.delete",
        "files.download",
        "models.list",
        "models.retrieve",
        "ocr.process",
        "classifiers.moderate",
        "classifiers.classify",
        "agents.complete",
        "agents.stream",
        "beta.conversations.start",
        "beta.conversations.start_stream",
        "beta.conversations.append",
        "beta.conversations.append_stream",
        "beta.conversations.restart",
        "beta.conversations.restart_stream",
        "beta.conversations.get",
        "beta.conversations.list",
        "beta.conversations.delete",
        "beta.conversations.get_history",
        "beta.conversations.get_messages",
        "audio.transcriptions.complete",
        "audio.transcriptions.stream",
        "workflows.executions.get",
    ):
        assert call in calls, call
    streaming = {op.call for op in ops.values() if op.streaming}
    assert "beta.conversations.start_stream" in streaming
    assert "chat.complete" not in streaming


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
    assert lines[3].startswith("httpx ")


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
