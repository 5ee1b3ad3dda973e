"""The benchmark tables in docs/benchmarks.md and README.md are the rows of the committed
run (`benchmarks/results.json`, written by `make bench`), and a row says a target is met
only when that run's figures meet it. The checks of a target are made here again, apart
from `benchmarks/render.py`, so that a renderer that claimed too much would fail them."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
RESULTS = json.loads((REPO / "benchmarks" / "results.json").read_text(encoding="utf-8"))


def _render() -> Any:
    spec = importlib.util.spec_from_file_location("bench_render", REPO / "benchmarks/render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_render"] = module
    spec.loader.exec_module(module)
    return module


render = _render()
ROWS = [(t, r) for t in RESULTS["tables"] for r in t["rows"]]


def _target_holds(row: dict[str, Any], target: dict[str, Any]) -> bool:
    values, column = row["values"], target["column"]
    if row["failures"].get(column):
        return False
    if target["against"] is None:
        scale = {"s": 1.0, "ms": 1e3, "us": 1e6, "MB": 1 / 2**20}[row["unit"]]
        value = values[column] * scale
    else:
        value = values[column] / values[target["against"]]
    assert not math.isnan(value)
    return bool(value <= target["bound"] if target["op"] == "<=" else value < target["bound"])


@pytest.mark.parametrize(
    ("path", "start", "end", "content"),
    [
        ("docs/benchmarks.md", render.DOCS_START, render.DOCS_END, render.docs_block),
        ("README.md", render.README_START, render.README_END, render.readme_block),
    ],
)
def test_the_docs_tables_are_the_runs_rows(path: str, start: str, end: str, content: Any) -> None:
    text = (REPO / path).read_text(encoding="utf-8")
    written = render.block(text, start, end)
    assert written is not None, f"{path} has no benchmark block"
    assert written == content(RESULTS), (
        f"{path}'s benchmark tables are not benchmarks/results.json's: "
        "run `python benchmarks/run.py --render-only` (or `make bench`)"
    )


@pytest.mark.parametrize(("table", "row"), ROWS, ids=[f"{t['id']}-{r['key']}" for t, r in ROWS])
def test_met_is_claimed_only_where_the_run_met_the_target(
    table: dict[str, Any], row: dict[str, Any]
) -> None:
    targets = row["targets"]
    if not targets:
        assert row["met"] is None
        return
    assert row["met"] == all(_target_holds(row, t) for t in targets)
    columns = {key for key, _ in table["columns"]}
    for target in targets:
        assert {target["column"], target["against"]} - {None} <= columns


def test_every_row_names_a_committed_script() -> None:
    for _, row in ROWS:
        assert re.fullmatch(r"benchmarks/\w+\.py", row["script"]), row["script"]
        assert (REPO / row["script"]).is_file(), row["script"]


def test_the_summary_says_all_met_only_when_all_are() -> None:
    targeted = [row for _, row in ROWS if row["targets"]]
    text = render.summary(RESULTS)
    missed = [row for row in targeted if not all(_target_holds(row, t) for t in row["targets"])]
    assert ("all met" in text) == (not missed)
    for row in missed:
        assert row["label"] in text


def test_a_renderer_claiming_a_missed_target_would_be_caught() -> None:
    # a row whose SDK figure is 2x the baseline, against a 1.3x target
    row = {
        "values": {"sdk": 2.0, "httpx2": 1.0},
        "failures": {},
        "unit": "s",
        "targets": [{"column": "sdk", "against": "httpx2", "op": "<=", "bound": 1.3}],
    }
    assert not _target_holds(row, row["targets"][0])
    assert render.met(row) is False
    row["failures"] = {"sdk": 3}
    row["values"]["sdk"] = 1.0
    assert render.met(row) is False  # fast, but failed calls
