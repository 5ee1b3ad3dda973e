"""The README says only what is true (issue 21, point 6).

Every claim of coverage in the README is generated from `mistral_sdk.OPERATIONS` (the
areas and the API table, by scripts/api_table.py: `make readme-table`, checked by
`make check-generated`) or checked against it here, and every claim of speed against
the benchmark output that `make bench` writes to docs/benchmarks.md.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mistral_sdk import OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
RESULTS = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
BENCH_START = (
    "<!-- benchmarks:start (written by benchmarks/run.py from benchmarks/results.json) -->"
)
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
# The tables themselves, and their "met" column, are checked against the run's
# benchmarks/results.json by tests/test_benchmark_docs.py.


def result_row(table: str, key: str) -> dict[str, Any]:
    for t in RESULTS["tables"]:
        if t["id"] == table:
            return next(r for r in t["rows"] if r["key"] == key)  # type: ignore[no-any-return]
    raise KeyError(table)


# Speed claims the README makes in prose: (its words, the benchmark row, the check).
PROSE_CLAIMS: list[tuple[str, tuple[str, str], Callable[[dict[str, float]], bool]]] = [
    (
        "a 500-entry conversation history decodes faster than\nuntyped `msgspec.json.decode`",
        ("codec", "decode_history"),
        lambda values: values["sdk"] < values["plain"],
    ),
]


@pytest.mark.parametrize(("words", "row", "holds"), PROSE_CLAIMS)
def test_speed_claims_in_prose_hold_in_the_benchmark_output(
    words: str, row: tuple[str, str], holds: Callable[[dict[str, float]], bool]
) -> None:
    assert words in README, "the README changed this claim: update PROSE_CLAIMS"
    assert holds(result_row(*row)["values"])


def test_the_readme_quotes_no_unchecked_speed_figure() -> None:
    # outside the generated benchmark block, no "N ms" / "N us" / "Nx" figure goes unchecked
    prose = README.split(BENCH_START)[0] + README.split(BENCH_END)[1]
    prose = prose.split("<!-- api-table:start -->")[0]
    code_free = re.sub(r"```.*?```", "", prose, flags=re.S)
    figures = re.findall(r"\b\d[\d,.]*\s?(?:ms|us|µs|MB|x faster|times faster)\b", code_free)
    assert figures == []
