"""`benchmarks/results.json` → the markdown tables of docs/benchmarks.md and README.md.

`run.py` measures and writes results.json, then renders the docs from it with these
functions; `tests/test_benchmark_docs.py` renders again and compares, so the tables in
the docs are always the rows of one committed run. Standard library only.

The results file:

    {"environment": {"date", "python", "system", "cpus", "versions", "load_average"},
     "tables": [{"id", "title", "note", "columns": [[key, label], ...],
                 "ratios": [[column, against], ...],  # ratio columns shown
                 "bar": {...} | null,                  # a decision (bench_aiohttp.py)
                 "rows": [{"key", "label", "unit", "script",
                           "values": {column: SI value (seconds, bytes) | null},
                           "notes": {column: "100 conn."}, "failures": {column: n},
                           "targets": [{"column", "against", "op", "bound"}],
                           "met": true | false | null}]}]}

A target holds when ``values[column] / values[against]`` (or, with ``against`` null,
the value in the row's unit) is ``op`` (``<=`` or ``<``) ``bound``, and the column had
no failure; a row's ``met`` is whether all its targets hold (null: no target).
"""

from __future__ import annotations

import math
import re
from typing import Any

DOCS_START = "<!-- benchmarks:start (written by benchmarks/run.py from benchmarks/results.json) -->"
DOCS_END = "<!-- benchmarks:end -->"
README_START = DOCS_START
README_END = DOCS_END

SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6, "MB": 1 / 2**20}


def scaled(row: dict[str, Any], column: str) -> float | None:
    value = row["values"].get(column)
    return None if value is None else value * SCALE[row["unit"]]


def ratio(row: dict[str, Any], column: str, against: str) -> float | None:
    a, b = row["values"].get(column), row["values"].get(against)
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return float(a / b)


def holds(row: dict[str, Any], target: dict[str, Any]) -> bool:
    """Whether one target of `row` holds (see the module doc)."""
    column = target["column"]
    if row.get("failures", {}).get(column):
        return False
    if target["against"] is None:
        value = scaled(row, column)
    else:
        value = ratio(row, column, target["against"])
    if value is None or math.isnan(value):
        return False
    return value <= target["bound"] if target["op"] == "<=" else value < target["bound"]


def met(row: dict[str, Any]) -> bool | None:
    targets = row.get("targets") or []
    return all(holds(row, t) for t in targets) if targets else None


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _cell(row: dict[str, Any], column: str) -> str:
    value = scaled(row, column)
    if value is None:
        return ""
    text = f"{_number(value)} {row['unit']}".replace("n/a " + row["unit"], "n/a")
    note = row.get("notes", {}).get(column)
    if note:
        text += f" · {note}"
    failed = row.get("failures", {}).get(column)
    if failed:
        text += f" · **{failed} failed**"
    return text


def _target_text(target: dict[str, Any], labels: dict[str, str]) -> str:
    op = "≤" if target["op"] == "<=" else "<"
    column = labels[target["column"]]
    if target["against"] is None:
        return f"{column} {op} {target['bound']:g} {{unit}}"
    against = labels[target["against"]]
    if target["op"] == "<" and target["bound"] == 1:
        return f"{column} < {against}"
    return f"{column} {op} {target['bound']:g}x {against}"


def _short_labels(table: dict[str, Any]) -> dict[str, str]:
    return {key: f"`{key}`" for key, _ in table["columns"]}


def render_table(table: dict[str, Any]) -> str:
    columns = table["columns"]
    labels = _short_labels(table)
    ratios = table.get("ratios") or []
    targeted = any(row.get("targets") for row in table["rows"])
    head = ["measure", *(f"{label} (`{key}`)" for key, label in columns)]
    head += [f"{labels[a]} / {labels[b]}" for a, b in ratios]
    if targeted:
        head += ["target", "met"]
    lines = [
        "| " + " | ".join(head) + " |",
        "|---" + "|---:" * (len(columns) + len(ratios)) + ("|---|:-:|" if targeted else "|"),
    ]
    for row in table["rows"]:
        cells = [f"{row['label']} ([{row['script']}](../{row['script']}))"]
        cells += [_cell(row, key) for key, _ in columns]
        for a, b in ratios:
            r = ratio(row, a, b)
            cells.append("" if r is None else f"{r:.2f}x")
        if targeted:
            targets = row.get("targets") or []
            text = ", ".join(_target_text(t, labels) for t in targets)
            cells.append(text.replace("{unit}", row["unit"]))
            ok = row.get("met")
            cells.append("" if ok is None else ("yes" if ok else "**no**"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bar_text(table: dict[str, Any]) -> str:
    """A decision table's verdict: how much faster `column` is than `against`."""
    bar = table["bar"]
    row = next(r for r in table["rows"] if r["key"] == bar["row"])
    r = ratio(row, bar["against"], bar["column"])
    failed = row.get("failures", {}).get(bar["column"])
    speedup = "n/a" if r is None else f"{r:.2f}x"
    passes = r is not None and not failed and r >= bar["min_speedup"]
    verdict = bar["yes"] if passes else bar["no"]
    return (
        f"`{bar['column']}` against `{bar['against']}`, {row['label']}: {speedup} as fast "
        f"(the bar: {bar['min_speedup']:g}x). {verdict}"
    )


def environment_text(results: dict[str, Any]) -> str:
    env = results["environment"]
    load = env["load_average"]
    versions = ", ".join(f"{name} {v}" for name, v in env["versions"].items())
    text = (
        f"Measured {env['date']} by `{env['command']}`, Python {env['python']} on "
        f"{env['system']} ({env['cpus']} CPUs, shared with other jobs: load average "
        f"{load['start'][0]:.1f} at the start, {load['end'][0]:.1f} at the end); {versions}."
    )
    for key, run in sorted(env.items()):
        if key.endswith("_run"):  # a table measured again alone (run.py --only)
            text += (
                f" The {key.removesuffix('_run')} table: measured {run['date']} by "
                f"`{run['command']}` (load average {run['load_average']['start'][0]:.1f} "
                f"at the start, {run['load_average']['end'][0]:.1f} at the end)."
            )
    return text


def summary(results: dict[str, Any]) -> str:
    rows = [(t, r) for t in results["tables"] for r in t["rows"] if r.get("targets")]
    missed = [f"{r['label']} ({t['title'].lower()})" for t, r in rows if not r["met"]]
    if not missed:
        return f"Targets: all met ({len(rows)} rows with a target)."
    return (
        f"Targets: {len(rows) - len(missed)} of {len(rows)} rows with a target met; "
        "missed: " + "; ".join(missed) + "."
    )


def docs_block(results: dict[str, Any]) -> str:
    parts = [environment_text(results), summary(results)]
    for table in results["tables"]:
        parts.append(f"### {table['title']}\n\n{table['note']}\n\n{render_table(table)}")
        if table.get("bar"):
            parts.append(bar_text(table))
    return "\n\n".join(parts)


def readme_block(results: dict[str, Any]) -> str:
    table = results["tables"][0]
    return "\n\n".join(
        [
            f"{table['note']}\n\n{render_table(table)}",
            summary(results) + " All tables: [docs/benchmarks.md](docs/benchmarks.md).",
            environment_text(results),
        ]
    ).replace("](../", "](")


def block(text: str, start: str, end: str) -> str | None:
    """What stands between the markers in `text` (None without them)."""
    match = _pattern(start, end).search(text)
    return None if match is None else match.group(1).removesuffix("\n")


def replace_block(text: str, start: str, end: str, content: str) -> str:
    if block(text, start, end) is None:
        raise ValueError(f"no {start!r} … {end!r} block")
    return _pattern(start, end).sub(lambda _: f"{start}\n{content}\n{end}", text)


def _pattern(start: str, end: str) -> re.Pattern[str]:
    return re.compile(re.escape(start) + r"\n(.*?)" + re.escape(end), re.S)
