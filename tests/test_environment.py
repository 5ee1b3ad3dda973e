"""Tests never take their configuration from the caller's environment (issue 12).

`make spec-update SPEC_SOURCE=new.yaml` runs the suite with `SPEC_SOURCE` and
`MAKEFLAGS` set; a developer runs it with `MISTRAL_API_KEY` set. tests/conftest.py
clears them around every test (tests marked `live` keep the client's variables)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from caller_env import CALLER_VARIABLES, caller_variables

REPO = Path(__file__).resolve().parent.parent
POLLUTED = {
    "SPEC_SOURCE": "/nonexistent/caller.yaml",
    "MAKEFLAGS": " -- SPEC_SOURCE=/nonexistent/caller.yaml",
    "MAKELEVEL": "1",
    "MISTRAL_API_KEY": "caller-key",
    "MISTRAL_BASE_URL": "http://caller.invalid",
}


def test_no_caller_variable_inside_a_test() -> None:
    leaked = [name for name in (*CALLER_VARIABLES, *POLLUTED) if name in os.environ]
    assert not leaked, leaked


def test_a_polluted_environment_does_not_reach_the_tests() -> None:
    inner = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__).name}::test_no_caller_variable_inside_a_test",
        ],
        cwd=REPO / "tests",
        env={**os.environ, **POLLUTED},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert inner.returncode == 0, inner.stdout + inner.stderr
    assert "1 passed" in inner.stdout


def test_live_tests_keep_the_client_variables_only() -> None:
    environ = {**POLLUTED, "MISTRAL_FUZZ_PROFILE": "fuzz-deep", "HOME": "/home/x"}
    assert set(caller_variables(environ, live=False)) == set(POLLUTED)
    assert set(caller_variables(environ, live=True)) == {"SPEC_SOURCE", "MAKEFLAGS", "MAKELEVEL"}
