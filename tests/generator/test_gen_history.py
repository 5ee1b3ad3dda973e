"""Every spec Mistral published (../shared/spec/history/) generates an SDK that imports
and exposes all of that spec's operations, counted independently of the generator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gen_helpers import REPO

HISTORY = REPO.parent / "shared" / "spec" / "history"
SPECS = sorted(HISTORY.glob("*.yaml")) if HISTORY.is_dir() else []
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}

CHECK = """
import json, sys
import msgspec
import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, OPERATIONS, models
assert mistral_sdk.__file__.startswith(sys.argv[1]), mistral_sdk.__file__
for name in models.__all__:
    msgspec.json.Decoder(getattr(models, name))  # every annotation resolves
calls = 0
for client in (Mistral(api_key="k"), AsyncMistral(api_key="k")):
    for op in OPERATIONS.values():
        for call in filter(None, (op.call, op.stream_call)):
            target = client
            for part in call.split("."):
                target = getattr(target, part)
            assert callable(target), call
            calls += 1
print(json.dumps({"operations": sorted(OPERATIONS), "models": models.__all__}))
"""


def spec_counts(path: Path) -> tuple[set[str], set[str]]:
    """operationIds and component schema names, read straight from the YAML."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    ops = {
        op["operationId"]
        for item in doc["paths"].values()
        for verb, op in item.items()
        if verb in HTTP_METHODS
    }
    return ops, set((doc.get("components") or {}).get("schemas") or {})


@pytest.mark.skipif(not SPECS, reason="../shared/spec/history/ is not beside the checkout")
@pytest.mark.parametrize("spec", SPECS, ids=[p.name[:19] for p in SPECS])
def test_history_spec_generates_a_working_sdk(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    gen = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert gen.returncode == 0, gen.stderr
    run = subprocess.run(
        [sys.executable, "-c", CHECK, str(out)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout)
    operations, schemas = spec_counts(spec)
    assert set(seen["operations"]) == operations
    assert schemas <= set(seen["models"])  # plus hoisted inline definitions
