"""The release workflow's promises, read from .github/workflows/release.yml: actions
pinned by commit, least privilege per job, publishing only from a tag through trusted
publishing (no token), and the same check as `make release-check`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")
ON_TAG = "startsWith(github.ref, 'refs/tags/v')"


def workflow(name: str) -> dict[Any, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


@pytest.mark.parametrize("name", ["release.yml", "spec-sync.yml"])
def test_every_action_is_pinned_by_commit_with_its_tag(name: str) -> None:
    lines = [line for line in (WORKFLOWS / name).read_text().splitlines() if "uses:" in line]
    assert lines
    assert [line for line in lines if not PINNED.match(line)] == []


def test_least_privilege_and_publishing_from_a_tag_only() -> None:
    flow = workflow("release.yml")
    text = (WORKFLOWS / "release.yml").read_text()
    assert flow["permissions"] == {}
    assert "secrets." not in text and "password" not in text  # trusted publishing: no token
    jobs = flow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["smoke"]["permissions"] == {"contents": "read"}
    writers = {name for name, job in jobs.items() if "write" in job["permissions"].values()}
    assert writers == {"attest", "publish", "github-release"}
    for name in writers:
        assert jobs[name]["if"] == ON_TAG, name
    publish = jobs["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert set(publish["needs"]) == {"build", "smoke", "attest"}
    step = next(s for s in publish["steps"] if "gh-action-pypi-publish" in s.get("uses", ""))
    assert step["with"]["attestations"] is True
    assert jobs["github-release"]["permissions"] == {"contents": "write"}


def test_built_once_checked_like_make_release_check_and_smoke_tested_everywhere() -> None:
    jobs = workflow("release.yml")["jobs"]
    run = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert 'make release-check TAG="$TAG" ON_BRANCH=origin/main' in run
    uploads = [s for s in jobs["build"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert [s["with"]["path"] for s in uploads] == ["dist/", "build/release/"]
    for name in ("smoke", "attest", "publish", "github-release"):
        steps = jobs[name]["steps"]
        assert not any("make" in s.get("run", "") for s in steps), f"{name} builds again"
    matrix = jobs["smoke"]["strategy"]["matrix"]
    assert matrix["python"] == "${{ fromJSON(needs.build.outputs.pythons) }}"
    assert "scripts/smoke_test.py dist/*.whl" in jobs["smoke"]["steps"][-1]["run"]
    release = jobs["github-release"]["steps"][-1]["run"]
    assert "--notes-file assets/notes.md" in release
    assert "assets/SHA256SUMS assets/*.cdx.json" in release
