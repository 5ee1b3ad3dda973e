"""`make spec-update` against a copy of the repository, with SPEC_SOURCE pointing at a
small spec in a temporary directory: a changed spec updates the lock, generated/,
spec/surface.txt, the README table and CHANGELOG.md (under Unreleased) and runs the
tests; the same spec again changes nothing; a spec the generator cannot read changes
nothing either."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "generator"))
sys.path.insert(0, str(REPO))

from gen_helpers import FIXTURE  # noqa: E402
from spec_update_helpers import copy_repo, snapshot, spec_update  # noqa: E402

from generator import surface  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(
        tmp_path, "README.md", "spec/lock.json", "spec/surface.txt", "spec/overlay.yaml"
    )


def test_changed_spec_updates_everything_then_nothing(repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "upstream.yaml"
    source.write_text(FIXTURE, encoding="utf-8")
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    old_surface = (repo / "spec" / "surface.txt").read_text(encoding="utf-8")

    run = spec_update(repo, source)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "regenerated in" in run.stdout

    lock = json.loads((repo / "spec" / "lock.json").read_text())
    assert (lock["sha256"], lock["version"], lock["operations"]) == (sha, "1.0", 5)
    assert lock["date"] == dt.date.today().isoformat()
    assert (repo / "spec" / "openapi.yaml").read_bytes() == source.read_bytes()
    assert stat.S_IMODE((repo / "spec" / "openapi.yaml").stat().st_mode) == 0o644
    new_surface = surface.to_text(surface.read_spec(source))
    assert (repo / "spec" / "surface.txt").read_text() == new_surface
    spec_module = (repo / "generated" / "mistral_sdk" / "_spec.py").read_text()
    assert f'SPEC_SHA256 = "{sha}"' in spec_module
    assert not (
        repo / "generated" / "mistral_sdk" / "resources" / "beta"
    ).exists()  # stale files gone
    assert "5 operations, 6 methods on `Mistral`" in (repo / "README.md").read_text()
    assert (repo / "tests-ran").exists()

    report = (repo / "build" / "spec-diff.md").read_text()
    assert report.startswith("# API surface diff\n")
    assert (
        f"- old: `spec/surface.txt (sha256 {json.loads((REPO / 'spec' / 'lock.json').read_text())['sha256'][:12]})`"
        in report
    )
    removed = len(surface.parse_text(old_surface).operations)
    assert f"operations: 5 added, {removed} removed, 0 changed" in report
    assert "- compatible — `POST /v1/chat` → `client.chat.chat`, `client.chat.stream`" in report

    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n")
    # under Unreleased, the next release's section (scripts/changelog.py)
    assert (
        f"\n## Unreleased\n\n### Upstream spec {lock['date']} (1.0, sha256 {sha[:12]})" in changelog
    )
    assert "- added: `client.things.create` (`POST /v1/things`)" in changelog

    # `make spec` writes the locked spec readable by others too
    (repo / "spec" / "openapi.yaml").unlink()
    fill = subprocess.run(
        ["make", "--no-print-directory", "spec", f"PYTHON={sys.executable}"],
        cwd=repo,
        env={**os.environ, "SPEC_SOURCE": str(source)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fill.returncode == 0, fill.stdout + fill.stderr
    assert stat.S_IMODE((repo / "spec" / "openapi.yaml").stat().st_mode) == 0o644

    # the same spec again: nothing to do, nothing touched, no tests run
    (repo / "tests-ran").unlink()
    before = snapshot(repo)
    again = spec_update(repo, source)
    assert again.returncode == 0, again.stderr
    assert f"is unchanged (sha256 {sha}); nothing to do" in again.stdout
    assert snapshot(repo) == before

    # a newer spec whose tests fail: updated all the same (exit 3), the report says so
    newer = tmp_path / "newer.yaml"
    newer.write_text(FIXTURE.replace("enum: [red, green]", "enum: [red, green, blue]"))
    failing = spec_update(repo, newer, tests="false")
    assert failing.returncode != 0
    assert "the tests fail against the new spec" in failing.stderr
    assert (
        json.loads((repo / "spec" / "lock.json").read_text())["sha256"]
        == hashlib.sha256(newer.read_bytes()).hexdigest()
    )
    report = (repo / "build" / "spec-diff.md").read_text()
    assert '  - compatible: value `"blue"` added' in report
    assert report.rstrip().endswith("> **The tests fail against this spec** (`false`).")
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.count("### Upstream spec") == 2 and changelog.count("## Unreleased") == 1
    assert changelog.index(
        "sha256 " + hashlib.sha256(newer.read_bytes()).hexdigest()[:12]
    ) < changelog.index(sha[:12])


def test_a_spec_the_generator_cannot_read_changes_nothing(repo: Path, tmp_path: Path) -> None:
    source = tmp_path / "upstream.yaml"
    source.write_text("openapi: 3.1.0\ninfo: {title: t, version: '2'}\n")  # no paths
    before = snapshot(repo)
    run = spec_update(repo, source)
    assert run.returncode != 0
    assert "cannot generate from" in run.stderr and "no `paths`" in run.stderr
    assert snapshot(repo) == before
    missing = spec_update(repo, tmp_path / "nope.yaml")
    assert missing.returncode != 0 and "cannot read" in missing.stderr
    assert snapshot(repo) == before
