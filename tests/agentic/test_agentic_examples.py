"""Every example runs to completion against the local mock (no key)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from spec_values import needs_helpers

from generator import overlay

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROGRAMS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
# typed_usage is for mypy; test_*.py examples are pytest files, run by their own tests
# (tests/testing/test_example.py, tests/cassette/)
RUNNABLE = [p for p in PROGRAMS if p.name != "typed_usage.py" and not p.name.startswith("test_")]


def _with_helper_needs(program: Path) -> object:
    """The example, skipped when the spec lacks what a helper it calls needs."""
    text = program.read_text(encoding="utf-8")
    used = [h for h in overlay.default().helpers if ".".join(h.split(".")[-2:]) + "(" in text]
    return pytest.param(program, marks=needs_helpers(*used), id=program.name)


@pytest.mark.parametrize("program", [_with_helper_needs(p) for p in RUNNABLE])
def test_example_runs_against_the_mock(program: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    done = subprocess.run(
        [sys.executable, str(program)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "using the local mock" in done.stdout.lower()
    assert "Traceback" not in done.stderr


def test_the_headline_flows_each_have_an_example() -> None:
    names = {p.stem for p in PROGRAMS}
    assert {
        "workflow_connectors",
        "conversation_confirm",
        "run_tools",
        "structured_output",
        "ocr_upload",
        "batch_jsonl",
    } <= names


@pytest.mark.live
@pytest.mark.skipif(not os.environ.get("MISTRAL_API_KEY"), reason="needs MISTRAL_API_KEY")
@pytest.mark.parametrize("program", RUNNABLE, ids=lambda p: p.name)
def test_example_runs_against_the_real_api(program: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(program)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
