"""scripts/check_history.py: how it reads spec-update's output and picks versions.

The check itself (a fresh clone per spec version) is slow and runs in
`make check-history`, not here."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import check_history  # noqa: E402

SUMMARY = (
    "api_table: updated README.md\n"
    "spec-update: 61436a496404 → 933c4ebdcd72: regenerated in 3.6s; operations: 21 added, "
    "16 removed, 16 changed; models: 37 added, 66 removed, 58 changed; enum values: 0 added, "
    "18 removed. **214 breaking change(s).**\n"
)
PYTEST = """\
....s..F
=========================== short test summary info ============================
SKIPPED [7] tests/agentic/test_agentic_examples.py:45: needs MISTRAL_API_KEY
SKIPPED [1] tests/test_unions.py:233: the spec has no schema TextChunk
FAILED tests/test_helpers_present.py::test_every_helper_finds_its_operations - AssertionError
ERROR tests/test_x.py::test_y - RuntimeError
1 failed, 1366 passed, 8 skipped in 169.53s (0:02:49)
"""


def test_the_changes_of_the_summary_line_are_counted() -> None:
    assert check_history.summary_changes(SUMMARY) == 21 + 16 + 16 + 37 + 66 + 58 + 0 + 18
    assert check_history.summary_changes("spec-update: x is unchanged; nothing to do\n") is None


def test_skips_and_failures_are_read_from_pytest() -> None:
    assert check_history.skipped_tests(PYTEST) == [
        (7, "tests/agentic/test_agentic_examples.py", "needs MISTRAL_API_KEY"),
        (1, "tests/test_unions.py", "the spec has no schema TextChunk"),
    ]
    assert check_history.failed_tests(PYTEST) == [
        "tests/test_helpers_present.py::test_every_helper_finds_its_operations",
        "tests/test_x.py::test_y",
    ]


def test_versions_from_a_date_on_oldest_first(tmp_path: Path) -> None:
    for name in ("2025-06-02_a_openapi.yaml", "2026-07-24_c_openapi.yaml", "2026-03-31_b.yaml"):
        (tmp_path / name).write_text("openapi: 3.1.0\n")
    (tmp_path / "notes.txt").write_text("not a spec")
    picked = check_history.select_versions(tmp_path, "2026")
    assert [p.name for p in picked] == ["2026-03-31_b.yaml", "2026-07-24_c_openapi.yaml"]
    assert len(check_history.select_versions(tmp_path, "2025-06")) == 3


def test_the_outcome_table_names_each_problem() -> None:
    ok = check_history.Outcome("a.yaml", rc=0, changes=12, skipped=[(1, "t.py", "why")])
    bad = check_history.Outcome("b.yaml", rc=3, changes=4, failed=["t.py::x"])
    bad.problems.append("make spec-update exited 3")
    text = check_history.markdown([ok, bad], "0123456789abcdef")
    assert "| a.yaml | 0 | 12 | 1 | 0 | ok |" in text
    assert "| b.yaml | 3 | 4 | 0 | 1 | FAIL: make spec-update exited 3 |" in text
    assert "- skipped 1: `t.py`: why" in text and "- FAILED `t.py::x`" in text
