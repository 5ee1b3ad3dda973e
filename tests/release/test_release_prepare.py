"""`make release VERSION=…` and `scripts/release.py check` in a scratch git repository
holding what they read: a release tag, then a breaking change to the API surface."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SURFACE_LINE = "DELETE /v1/agents/{agent_id} -> beta.agents.delete(agent_id: str) -> None\n"

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="needs make and git"
)


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def make_release(root: Path, *variables: str) -> subprocess.CompletedProcess[str]:
    # `-o venv`: this checkout's environment, not a new one in the copy
    command = ["make", "--no-print-directory", "-o", "venv", "release", f"PY={sys.executable}"]
    return subprocess.run(
        [*command, *variables], cwd=root, capture_output=True, text=True, timeout=120
    )


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(root / "scripts" / "release.py"), "check", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose v0.1.0 has the tracked surface; then one operation removed."""
    root = tmp_path / "repo"
    for name in ("scripts", "generator"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (
        "Makefile",
        "spec/surface.txt",
        "spec/runtime-deps.txt",
        "runtime/mistral_sdk/_version.py",
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, root / name)
    (root / "runtime/mistral_sdk/_version.py").write_text('__version__ = "0.1.0"\n')
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0 — 2026-01-01\n\nFirst.\n")
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(name, "release test")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(name, "release@test.invalid")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "0.1.0")
    git(root, "tag", "v0.1.0")
    surface = (root / "spec/surface.txt").read_text()
    assert SURFACE_LINE in surface
    (root / "spec/surface.txt").write_text(surface.replace(SURFACE_LINE, ""))
    deps = (root / "spec/runtime-deps.txt").read_text()
    (root / "spec/runtime-deps.txt").write_text(deps + "zstandard\n")
    changelog = "# Changelog\n\n## Unreleased\n\nAgents can no longer be deleted.\n\n## 0.1.0 — 2026-01-01\n\nFirst.\n"
    (root / "CHANGELOG.md").write_text(changelog)
    git(root, "commit", "-q", "-am", "remove an operation")
    return root


def test_a_version_the_surface_forbids_is_refused(repo: Path) -> None:
    before = (repo / "CHANGELOG.md").read_text()
    patch = make_release(repo, "VERSION=0.1.1")
    assert patch.returncode != 0
    assert (
        "release: refused: 0.1.1 is a patch release, but the API surface has 1 breaking "
        "change(s) since 0.1.0: before 1.0 a breaking change bumps the minor version: "
        "release 0.2.0"
    ) in patch.stderr
    skip = make_release(repo, "VERSION=0.3.0")
    assert "the next version is one of 0.1.1, 0.2.0, 1.0.0" in skip.stderr
    assert make_release(repo).returncode != 0  # no VERSION
    assert (repo / "CHANGELOG.md").read_text() == before
    assert git(repo, "status", "--porcelain") == ""


def test_the_minor_release_is_written_and_checked(repo: Path) -> None:
    done = make_release(repo, "VERSION=0.2.0")
    assert done.returncode == 0, done.stderr
    assert '__version__ = "0.2.0"' in (repo / "runtime/mistral_sdk/_version.py").read_text()
    text = (repo / "CHANGELOG.md").read_text()
    today = dt.date.today().isoformat()
    assert text.startswith(
        f"# Changelog\n\n## 0.2.0 — {today}\n\nAgents can no longer be deleted.\n\n*0.2.0 is a minor release"
    )
    assert "### API surface since 0.1.0" in text
    assert (
        "#### `client.beta.agents`\n\n- **breaking** removed: `client.beta.agents.delete`" in text
    )
    assert "### Runtime dependencies\n\n- added: zstandard" in text
    assert text.endswith("## 0.1.0 — 2026-01-01\n\nFirst.\n")
    # the release edits files: a second one waits for them to be committed
    again = make_release(repo, "VERSION=0.2.0")
    assert "commit or stash your changes first" in again.stdout

    git(repo, "commit", "-q", "-am", "release 0.2.0")
    assert check(repo).returncode == 0
    git(repo, "tag", "v0.2.0")
    tagged = check(repo, "--tag", "v0.2.0", "--on-branch", "main")
    assert tagged.returncode == 0, tagged.stderr
    assert "0.2.0 is a minor release" in tagged.stdout
    wrong = check(repo, "--tag", "v0.2.1")
    assert "the tag v0.2.1 is not v0.2.0, the version in the package" in wrong.stderr
    # after the release: what the next one needs
    (repo / "spec/surface.txt").write_text(
        (repo / "spec/surface.txt").read_text() + "model Zeta(id: str)\n"
    )
    git(repo, "commit", "-q", "-am", "a model")
    after = check(repo)
    assert after.returncode == 0, after.stderr
    assert "0.2.0 is released (v0.2.0); the next release is at least 0.2.1" in after.stdout


def test_a_bigger_bump_needs_its_reason(repo: Path) -> None:
    # no breaking change: 0.1.1 would do; 0.2.0 needs WHY (with a quote in it)
    (repo / "spec/surface.txt").write_text((repo / "spec/surface.txt").read_text() + SURFACE_LINE)
    git(repo, "commit", "-q", "-am", "put it back")
    refused = make_release(repo, "VERSION=0.2.0")
    assert "more than the API surface asks for (0.1.1" in refused.stderr
    done = make_release(repo, "VERSION=0.2.0", "WHY=Python 3.10's support ends")
    assert done.returncode == 0, done.stderr
    assert (
        "0.1.1 would do for it): Python 3.10's support ends*" in (repo / "CHANGELOG.md").read_text()
    )


def test_a_hand_bumped_version_without_its_section_fails_the_check(repo: Path) -> None:
    (repo / "runtime/mistral_sdk/_version.py").write_text('__version__ = "0.2.0"\n')
    git(repo, "commit", "-q", "-am", "bump by hand")
    done = check(repo)
    assert done.returncode == 1
    assert (
        "0.2.0 is not released and CHANGELOG.md has no section for it: run make release"
        in done.stderr
    )
    (repo / "runtime/mistral_sdk/_version.py").write_text('__version__ = "0.1.1"\n')
    git(repo, "commit", "-q", "-am", "too small")
    assert "but the API surface has 1 breaking change(s)" in check(repo).stderr
