"""The GitHub Actions workflows: valid against the workflow schema, and every command
they run is a Makefile target (the same commands developers run and these tests try),
including `make surface-diff`, run here on a scratch git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
sys.path.insert(0, str(REPO / "tests" / "generator"))

from gen_helpers import FIXTURE  # noqa: E402


def workflow(name: str) -> dict[Any, Any]:
    doc: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def runs(doc: dict[Any, Any]) -> list[str]:
    return [step["run"] for job in doc["jobs"].values() for step in job["steps"] if "run" in step]


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*):", text, re.MULTILINE))


def test_workflows_match_the_github_schema() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    # release.yml's own rules: tests/release/test_release_workflow.py
    assert [Path(f).name for f in files] == ["ci.yml", "release.yml", "spec-sync.yml"]
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *files,
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_every_command_is_a_makefile_target() -> None:
    """Apart from shell glue (conditionals, echo, cat), each line runs `make TARGET...`."""
    targets = make_targets()
    glue = {"if", "then", "else", "fi", "echo", "cat", "exit"}
    checked = 0
    for name in ("ci.yml", "spec-sync.yml"):
        for script in runs(workflow(name)):
            for line in script.splitlines():
                words = line.replace(";", " ").split()
                if "make" not in words:
                    assert not words or words[0] in glue, f"{name}: `{line}` is not make"
                    continue
                wanted = []
                for word in words[words.index("make") + 1 :]:
                    if word in ("then", ">>", "||", "&&"):
                        break
                    if not word.startswith("-") and "=" not in word:
                        wanted.append(word)
                assert wanted and set(wanted) <= targets, (name, line, set(wanted) - targets)
                checked += 1
    assert checked >= 6


def test_ci_covers_pythons_checks_and_the_surface_diff() -> None:
    ci = workflow("ci.yml")
    assert {"pull_request", "push"} <= set(ci["on"])
    # every Python the package supports, from pyproject's requires-python on
    assert ci["jobs"]["test"]["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert 'requires-python = ">=3.11"' in (REPO / "pyproject.toml").read_text()
    commands = "\n".join(runs(ci))
    for target in ("make test", "make check-generated", "lint-workflows", "surface-diff"):
        assert target in commands
    assert '>> "$GITHUB_STEP_SUMMARY"' in next(r for r in runs(ci) if "surface-diff" in r)


def test_spec_sync_is_daily_and_opens_one_pull_request() -> None:
    sync = workflow("spec-sync.yml")
    assert set(sync["on"]) == {"schedule", "workflow_dispatch"}
    assert re.fullmatch(r"\d+ \d+ \* \* \*", sync["on"]["schedule"][0]["cron"])
    steps = sync["jobs"]["spec-update"]["steps"]
    update = next(s for s in steps if "make spec-update" in s.get("run", ""))
    report = re.search(r"SPEC_REPORT=([^\s;]+)", update["run"]).group(1)  # type: ignore[union-attr]
    pr = next(s for s in steps if s.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert pr["with"]["body-path"] == report
    assert pr["with"]["branch"] and "changed == 'true'" in pr["if"]
    assert "spec/surface.txt" in pr["with"]["add-paths"] and "generated/" in pr["with"]["add-paths"]
    # a newer official SDK release moves the supplement too (docs/spec.md), in the same PR
    assert "SUPPLEMENT_RELEASE=latest" in update["run"]
    for path in ("spec/supplement.yaml", "pyproject.toml"):
        assert path in pr["with"]["add-paths"]


@pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("make") is None, reason="needs git and make"
)
def test_make_surface_diff_against_a_base_ref(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(
        REPO / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy2(REPO / "Makefile", root / "Makefile")
    (root / "spec").mkdir()  # the generator reads the overlay next to the spec's surface
    shutil.copy2(REPO / "spec" / "overlay.yaml", root / "spec" / "overlay.yaml")
    spec = tmp_path / "spec.yaml"
    spec.write_text(FIXTURE, encoding="utf-8")
    surface_txt = root / "spec" / "surface.txt"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }

    def sh(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=120)

    def write_surface() -> None:
        command = ("-m", "generator", "surface", "--spec", str(spec), "--out", str(surface_txt))
        assert sh(sys.executable, *command).returncode == 0

    def surface_diff() -> subprocess.CompletedProcess[str]:
        return sh(
            "make",
            "--no-print-directory",
            "-o",
            "venv",
            "surface-diff",
            "BASE_REF=HEAD",
            f"PY={sys.executable}",
        )

    assert sh("git", "init", "-q").returncode == 0
    assert sh("git", "add", "Makefile").returncode == 0
    assert sh("git", "commit", "-qm", "base without a surface").returncode == 0
    first = surface_diff()
    assert first.returncode == 0 and "HEAD has no spec/surface.txt" in first.stdout

    write_surface()
    assert sh("git", "add", "spec/surface.txt").returncode == 0
    assert sh("git", "commit", "-qm", "surface").returncode == 0
    same = surface_diff()
    assert same.returncode == 0 and "No change to the API surface." in same.stdout

    spec.write_text(FIXTURE.replace("        size: {type: integer}\n", ""), encoding="utf-8")
    write_surface()
    changed = surface_diff()
    assert changed.returncode == 0, changed.stderr  # a difference is a report, not a failure
    assert "- old: `HEAD:spec/surface.txt`" in changed.stdout
    assert (
        "  - **breaking**: `client.things.create`: argument `size` removed (was `int`)"
        in changed.stdout
    )
