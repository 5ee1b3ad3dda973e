"""spec/lock.json pins the upstream spec by commit (a URL whose bytes cannot move),
accepting a new spec moves the pin, a missing spec explains itself, and `make demo`
needs neither the spec nor the network (generated/ is committed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import fetch_spec  # noqa: E402

LOCK = json.loads((REPO / "spec" / "lock.json").read_text(encoding="utf-8"))


def test_the_lock_pins_a_commit_not_a_branch() -> None:
    assert LOCK["url"] == fetch_spec.pinned_url(LOCK, LOCK["commit"])
    assert f"/{LOCK['commit']}/" in LOCK["url"] and "/main/" not in LOCK["url"]


def test_accepting_the_newest_upstream_spec_moves_the_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_commit = "f" * 40
    asked: list[str] = []
    new_spec = b"openapi: 3.1.0\ninfo: {title: t, version: '2.0.0'}\npaths: {}\n"

    def fake_read(source: str) -> bytes:
        asked.append(source)
        if source.startswith("https://api.github.com/"):
            return json.dumps([{"sha": new_commit}]).encode()
        assert source == fetch_spec.pinned_url(LOCK, new_commit)
        return new_spec

    lock_file = tmp_path / "lock.json"
    lock_file.write_text(json.dumps(LOCK), encoding="utf-8")
    monkeypatch.setattr(fetch_spec, "read_source", fake_read)
    monkeypatch.setattr(fetch_spec, "LOCK", lock_file)
    monkeypatch.setattr(fetch_spec, "TARGET", tmp_path / "openapi.yaml")
    monkeypatch.setattr(fetch_spec, "ROOT", tmp_path)
    monkeypatch.delenv("SPEC_SOURCE", raising=False)

    assert fetch_spec.main(["--update-lock"]) == 0
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    assert lock["commit"] == new_commit
    assert (
        lock["url"]
        == f"https://raw.githubusercontent.com/{LOCK['repository']}/{new_commit}/{LOCK['path']}"
    )
    assert lock["version"] == "2.0.0"
    assert "sha=main" in asked[0] and f"path={LOCK['path']}" in asked[0]


def test_a_spec_from_elsewhere_pins_the_commit_it_is_said_to_be(tmp_path: Path) -> None:
    lock: dict[str, Any] = dict(LOCK)
    lock_file = tmp_path / "lock.json"
    original = fetch_spec.LOCK
    fetch_spec.LOCK = lock_file
    try:
        fetch_spec.lock_spec(
            lock, b"openapi: 3.1.0\ninfo: {version: '3'}\n", "/tmp/x.yaml", "abc123"
        )
    finally:
        fetch_spec.LOCK = original
    assert lock["url"].endswith(f"/abc123/{LOCK['path']}") and lock["commit"] == "abc123"


def test_a_missing_spec_says_it_is_needed_only_to_regenerate(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "fetch_spec.py"),
            "--source",
            str(tmp_path / "none"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "needed only to regenerate" in done.stderr and "make demo" in done.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_needs_no_spec() -> None:
    plan = subprocess.run(
        ["make", "-n", "-o", "venv", "demo"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "examples/demo.py" in plan
    assert "fetch_spec" not in plan and "generator generate" not in plan
