"""`make spec-update` in a copy of the repository, for the tests that run it
(test_spec_update.py, test_supplement_update.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def copy_repo(tmp_path: Path, *files: str) -> Path:
    """What `make spec-update` reads and writes (the generator, the scripts, both halves
    of the package and `files`), copied under `tmp_path` (no .git, no .venv)."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("generator", "scripts", "runtime", "generated"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", *files):
        (root / name).parent.mkdir(exist_ok=True)
        shutil.copy2(REPO / name, root / name)
    return root


def spec_update(
    root: Path, source: Path, tests: str = "touch tests-ran", **variables: str
) -> subprocess.CompletedProcess[str]:
    """`make spec-update` in `root` with SPEC_SOURCE=`source`, the tests command `tests`
    and other make `variables`; `-o venv`: this checkout's environment is used instead
    of building one in the copy."""
    assignments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "venv",
            "spec-update",
            f"PY={sys.executable}",
            f"SPEC_UPDATE_TESTS={tests}",
            *assignments,
        ],
        cwd=root,
        env={**os.environ, "SPEC_SOURCE": str(source)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` and its bytes (caches left out)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
