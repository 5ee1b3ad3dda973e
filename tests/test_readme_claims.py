"""The README says only what is true (issue 21, point 6).

Every claim of coverage in the README is generated from `mistral_sdk.OPERATIONS` (the
areas and the API table, by scripts/api_table.py: `make readme-table`, checked by
`make check-generated`) or checked against it here, and every claim of speed against
the benchmark output that `make bench` writes to docs/benchmarks.md.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mistral_sdk import OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BENCHMARKS = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
BENCH_START = "<!-- benchmarks:start (written by benchmarks/run.py) -->"
BENCH_END = "<!-- benchmarks:end -->"


def calls() -> list[str]:
    return [c for op in OPERATIONS.values() for c in (op.call, op.stream_call) if c]


def paths() -> list[str]:
    return [op.path for op in OPERATIONS.values()]


# --- coverage ------------------------------------------------------------------------


def api_table() -> Any:
    """scripts/api_table.py, which writes the README's coverage parts from OPERATIONS."""
    spec = importlib.util.spec_from_file_location("api_table", ROOT / "scripts" / "api_table.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_areas_the_readme_names_are_generated_from_the_spec() -> None:
    table = api_table()
    block = README.split(table.AREAS_START, 1)[1].split(table.AREAS_END, 1)[0]
    assert block.strip() == table.render_areas(OPERATIONS).strip()
    named = re.findall(r"`(\w+)`", block)
    assert named and set(named) <= {
        part for c in calls() for part in c.split(".")[:-1] if part != "beta"
    }


def test_fine_tuning_jobs_are_promised_only_when_the_spec_has_them() -> None:
    # the official SDK's `fine_tuning.jobs`; the tracked spec has only fine-tuned
    # model archive/update (`models.archive`, `models.update`)
    text = README.split("<!-- api-table:start -->")[0].lower()
    promised = re.search(r"fine-tuning(?! ?model)|fine_tuning\.jobs|fine-tuning jobs", text)
    has_jobs = any(p.startswith("/v1/fine_tuning/jobs") for p in paths())
    assert not promised or has_jobs, promised


def test_operation_counts_in_the_readme_are_the_spec_s() -> None:
    # the generated API table states it; prose that states one must agree
    counts = [int(n) for n in re.findall(r"\b(\d+) operations\b", README)]
    counts += [int(n) for n in re.findall(r"\b\w+/(\d+) operations", README)]
    assert counts, "the README states no operation count any more: update this test"
    # all of them, and those of each source (the public spec, the supplement) apart
    supplement = sum(1 for op in OPERATIONS.values() if op.source == "supplement")
    stated = {len(OPERATIONS), len(OPERATIONS) - supplement, supplement} - {0}
    assert len(OPERATIONS) in counts and set(counts) <= stated, counts


# --- speed -----------------------------------------------------------------------------


def bench_rows(text: str) -> dict[str, list[str]]:
    """The main benchmark table's rows by measure name: the cells after it (the
    tables that follow it, with other columns, are not this one)."""
    rows: dict[str, list[str]] = {}
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| measure"))
    for line in lines[start + 2 :]:
        if not line.startswith("| "):
            break  # the end of the main table
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


COLUMNS = ["sdk", "official", "floor", "vs official", "vs floor", "target", "met"]


def cell(row: list[str], column: str) -> str:
    return row[COLUMNS.index(column)]


def number(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text.replace(",", "")))


ROWS = bench_rows(BENCHMARKS)


def test_the_readme_benchmark_table_is_the_benchmark_output() -> None:
    block = README.split(BENCH_START, 1)[1].split(BENCH_END, 1)[0]
    assert bench_rows(block) == ROWS
    measured = re.search(r"^Measured .*$", BENCHMARKS, re.M)
    assert measured and measured.group(0) in block


def meets(row: list[str]) -> bool:
    target = cell(row, "target")
    if match := re.fullmatch(r"≤ ([0-9.]+)x (floor|official)", target):
        return number(cell(row, f"vs {match.group(2)}")) <= float(match.group(1))
    if match := re.fullmatch(r"< ([0-9.]+) MB", target):
        return number(cell(row, "sdk")) < float(match.group(1))
    raise AssertionError(f"unknown target {target!r}: teach this test to read it")


def test_every_met_target_is_met_by_the_numbers() -> None:
    targeted = {name: row for name, row in ROWS.items() if cell(row, "target")}
    assert len(targeted) >= 5
    for name, row in targeted.items():
        assert (cell(row, "met") == "yes") == meets(row), name
    if "All targets met." in BENCHMARKS:
        assert all(cell(row, "met") == "yes" for row in targeted.values())


# Speed claims the README makes in prose: (its words, the benchmark row, the check).
PROSE_CLAIMS: list[tuple[str, str, Callable[[list[str]], bool]]] = [
    (
        "a 500-entry conversation history decodes faster than\nuntyped `msgspec.json.decode`",
        "decode: conversation history, 500 entries",
        lambda row: number(cell(row, "vs floor")) < 1,
    ),
]


@pytest.mark.parametrize(("words", "measure", "holds"), PROSE_CLAIMS)
def test_speed_claims_in_prose_hold_in_the_benchmark_output(
    words: str, measure: str, holds: Callable[[list[str]], bool]
) -> None:
    assert words in README, "the README changed this claim: update PROSE_CLAIMS"
    assert holds(ROWS[measure])


def test_the_readme_quotes_no_unchecked_speed_figure() -> None:
    # outside the generated benchmark block, no "N ms" / "N us" / "Nx" figure goes unchecked
    prose = README.split(BENCH_START)[0] + README.split(BENCH_END)[1]
    prose = prose.split("<!-- api-table:start -->")[0]
    code_free = re.sub(r"```.*?```", "", prose, flags=re.S)
    figures = re.findall(r"\b\d[\d,.]*\s?(?:ms|us|µs|x faster|times faster)\b", code_free)
    assert figures == []
