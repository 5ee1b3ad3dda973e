"""Run mypy --strict over typing_check.py: the runtime's types must let
generated code return `request(...)` without casts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def test_generated_style_code_type_checks() -> None:
    pytest.importorskip("mypy")
    env = {**os.environ, "MYPYPATH": os.path.join(ROOT, "runtime")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         os.path.join(HERE, "typing_check.py")],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
