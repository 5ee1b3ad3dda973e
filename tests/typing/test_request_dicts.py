"""Dict requests are typed: mypy --strict and pyright strict over request_dicts.py report
every mistake marked `# error` there, on its line, and nothing else (docs/typing.md).

The checkers read the package as a user's editable install does: mypy through the
project's `mypy_path`, pyright through the joined tree scripts/editable_tree.py links
(as `make types` does). Each takes a few seconds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKED = Path(__file__).with_name("request_dicts.py")
sys.path.insert(0, str(REPO / "scripts"))

import editable_tree  # noqa: E402


def marked() -> set[int]:
    lines = CHECKED.read_text(encoding="utf-8").splitlines()
    return {i for i, line in enumerate(lines, 1) if line.rstrip().endswith("# error")}


def test_the_file_holds_each_mistake_of_the_issue_sync_and_async() -> None:
    text = CHECKED.read_text(encoding="utf-8")
    for mistake in ('"contnet": "hi"', '"role": "usr"', '"paramters": {}'):
        assert text.count(mistake) >= 2, mistake  # the sync and the async client
    assert "conversations.start(" in text and "await client.beta.conversations.start(" in text
    assert len(marked()) >= 15


def test_mypy_reports_every_mistake_on_its_line_and_nothing_else() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(CHECKED)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    errors = {
        int(m[1])
        for m in re.finditer(r"^[^:\n]*request_dicts\.py:(\d+): error:", done.stdout, re.M)
    }
    assert errors, done.stdout + done.stderr
    assert sorted(errors) == sorted(marked()), done.stdout


def test_pyright_strict_reports_every_mistake_on_its_line_and_nothing_else() -> None:
    pyright = Path(sys.executable).with_name("pyright")
    if not pyright.exists():
        pytest.skip("pyright is not installed (the dev extra installs it)")
    editable_tree.link()  # modules the generator added since the install
    done = subprocess.run(
        [str(pyright), "--outputjson", "--pythonpath", sys.executable, str(CHECKED)],
        capture_output=True,
        text=True,
        cwd=REPO,  # pyproject.toml: strict mode
        check=False,
    )
    report = json.loads(done.stdout)
    errors = {
        d["range"]["start"]["line"] + 1
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    }
    assert errors, done.stdout[-2000:]
    assert sorted(errors) == sorted(marked()), json.dumps(report["generalDiagnostics"])[-4000:]
