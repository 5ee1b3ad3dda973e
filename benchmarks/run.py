#!/usr/bin/env python3
"""All benchmarks in one run: mistral-sdk, the official `mistralai` SDK and the floor
(raw httpx2 + untyped msgspec), with the ratios the project targets.

Writes `docs/benchmarks.md` (the table, the targets, the environment),
`docs/benchmarks.png` (the chart) and the table in README.md's Performance section,
and prints the table. Run with `make bench`, which builds `.venv-bench` with the
official SDK in it (never a dependency of mistral-sdk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import bench_batch  # noqa: E402
import bench_decode  # noqa: E402
import bench_memory  # noqa: E402
import bench_overhead  # noqa: E402
import bench_scale  # noqa: E402
import bench_stream  # noqa: E402
import bench_stream_rss  # noqa: E402
import import_time  # noqa: E402

DOWNLOAD_MB = 200
PROGRAMS = ("mistral-sdk", "official", "floor")
README_START = "<!-- benchmarks:start (written by benchmarks/run.py) -->"
README_END = "<!-- benchmarks:end -->"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # "ms", "us", "MB"
    against: str | None = None  # "official" or "floor": the ratio the target bounds
    max_ratio: float | None = None
    max_value: float | None = None  # an absolute bound, in `unit`

    def scale(self, value: float) -> float:
        return value * {"ms": 1e3, "us": 1e6, "MB": 1 / 2**20}[self.unit]

    def target(self) -> str:
        if self.max_ratio is not None:
            return f"≤ {self.max_ratio:g}x {self.against}"
        if self.max_value is not None:
            return f"< {self.max_value:g} {self.unit}"
        return ""

    def met(self, row: dict[str, float]) -> bool | None:
        if self.max_ratio is not None and self.against:
            return row["mistral-sdk"] / row[self.against] <= self.max_ratio
        if self.max_value is not None:
            return self.scale(row["mistral-sdk"]) < self.max_value
        return None


ROWS = [
    Row("import_client", "import + client construction", "ms", "floor", 1.15),
    Row("decode_history", "decode: conversation history, 500 entries", "us", "official", 0.05),
    Row("decode_completion", "decode: chat completion, 200 choices", "us", "official", 0.10),
    Row("decode_models", "decode: model list, 60 models", "us"),
    Row("decode_files", "decode: file list, 100 files", "us"),
    Row("stream_chat", "chat stream, per event", "us", "official", 0.05),
    Row("stream_conversation", "conversation stream, per event", "us", "official", 0.05),
    Row("call_sync", "call over loopback (keep-alive), sync", "us", "floor", 1.1),
    Row("call_async_64", "call over loopback, async, 64 in flight", "us", "floor", 1.1),
    Row("rss_import", "memory: RSS after import + client", "MB"),
    Row("peak_download", f"memory: peak RSS, {DOWNLOAD_MB} MB download", "MB", max_value=50),
    Row("batch_build", "batch: JSONL of 100,000 typed chat requests", "ms", "official", 0.1),
    Row("batch_build_dicts", "batch: JSONL of 100,000 dict requests, validated", "ms"),
    Row("batch_parse", "batch: 100,000 result lines to typed responses", "ms", "official", 0.1),
    Row("batch_rss", "batch: peak RSS, 1,000,000 requests built + parsed", "MB", max_value=150),
    *(
        Row(f"rss_stream_{kind}", f"memory: RSS growth, 100 MB {kind} stream", "MB", max_value=5)
        for kind in bench_stream_rss.KINDS
    ),
]


def measure(import_runs: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    steps = [
        ("import + client", lambda: import_time.measure(import_runs)),
        ("decode", bench_decode.measure),
        ("streams", bench_stream.measure),
        ("batch", bench_batch.measure),
    ]
    for name, step in steps:
        print(f"... {name}", file=sys.stderr, flush=True)
        results.update(step())
    with bench_overhead.loopback_server(DOWNLOAD_MB) as url:
        print("... calls over loopback", file=sys.stderr, flush=True)
        results.update(bench_overhead.measure(url))
        print("... memory", file=sys.stderr, flush=True)
        results.update(bench_memory.measure(url, DOWNLOAD_MB))
    with bench_scale.server() as url:  # many calls at once; 100 MB streams (docs/reliability.md)
        results.update(bench_stream_rss.measure(url))
        SCALE.update(bench_scale.measure(url, repeats=2))
    try:
        import bench_http2
        import h2  # noqa: F401
        import hypercorn  # noqa: F401
    except ImportError as exc:
        print(f"... HTTP/2 skipped: {exc}", file=sys.stderr)
    else:
        SCALE.update(bench_http2.measure(repeats=2))
    return results


SCALE: dict[str, dict[str, dict[str, float]]] = {}  # bench_scale's results, by scenario


def scale_text() -> str:
    """The tables of many calls at once (bench_scale.py, bench_http2.py), for the docs."""
    text = (
        "**Many calls at once** (calls per second · connections opened, from cold; "
        "`benchmarks/bench_scale.py`):\n\n" + bench_scale.table(SCALE)
    )
    if "http2_1000" in SCALE:
        import bench_http2

        text += (
            "\n\n**HTTP/2** against a local hypercorn server (`benchmarks/bench_http2.py`):"
            "\n\n" + bench_http2.table(SCALE)
        )
    return text


def _number(value: float) -> str:
    if value != value:  # NaN: not measured (see the benchmark's docstring)
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| measure | mistral-sdk | official `mistralai` | floor (httpx2 + msgspec) "
        "| vs official | vs floor | target | met |",
        "|---|---:|---:|---:|---:|---:|---|:-:|",
    ]
    for row in ROWS:
        values = results[row.key]
        cells = [f"{_number(row.scale(values[p]))} {row.unit}" for p in PROGRAMS]
        cells = [c.replace(f"n/a {row.unit}", "n/a") for c in cells]
        ours = values["mistral-sdk"]
        ratios = [
            f"{ours / values[p]:.3f}x" if values[p] and values[p] == values[p] else "n/a"
            for p in ("official", "floor")
        ]
        met = row.met(values)
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {row.label} | " + " | ".join([*cells, *ratios, row.target(), mark]) + " |")
    return "\n".join(lines)


def environment() -> str:
    cpus = os.cpu_count()
    versions = ", ".join(
        f"{name} {version(name)}" for name in ("mistralai", "pydantic", "httpx2", "msgspec")
    )
    return (
        f"{dt.date.today().isoformat()}, Python {platform.python_version()} on "
        f"{platform.system()} {platform.machine()} ({cpus} CPUs); {versions}"
    )


def chart(results: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [row.label for row in ROWS]
    fig, ax = plt.subplots(figsize=(9, 6))
    positions = range(len(ROWS))
    height = 0.38
    for offset, (program, color) in enumerate((("mistral-sdk", "#e4572e"), ("floor", "#888888"))):
        ratios = [results[row.key][program] / results[row.key]["official"] for row in ROWS]
        ax.barh(
            [p + (offset - 0.5) * height for p in positions],
            ratios,
            height=height,
            color=color,
            label=program if program != "floor" else "floor (httpx2 + msgspec)",
        )
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlim(right=30)  # room for the legend right of the official SDK's line
    ax.set_yticks(list(positions), labels)
    ax.invert_yaxis()
    ax.set_xlabel("time or memory relative to the official mistralai SDK (= 1, log scale)")
    ax.set_title("mistral-sdk vs the official SDK and the floor: lower is better")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_docs(results: dict[str, dict[str, float]], text: str, env: str) -> None:
    docs = REPO / "docs"
    chart(results, docs / "benchmarks.png")
    missed = [row.label for row in ROWS if row.met(results[row.key]) is False]
    missed += [
        bench_scale.LABELS[name]
        for name, rows in SCALE.items()
        if bench_scale.met(name, rows) is False
    ]
    summary = "All targets met." if not missed else "Targets missed: " + "; ".join(missed) + "."
    (docs / "benchmarks.md").write_text(
        "# Benchmarks\n\n"
        "Written by `make bench` (`benchmarks/run.py`); every ratio comes from the same run.\n"
        "Times are the fastest of interleaved repeats (import: the median of fresh\n"
        "interpreters); memory is read from /proc/self/status in a fresh interpreter per program.\n\n"
        f"{text}\n\n{summary}\n\nMeasured {env}.\n\n"
        "![benchmark chart](benchmarks.png)\n\n"
        "- **mistral-sdk**: this package. **official**: `mistralai` from PyPI, installed only\n"
        "  in `.venv-bench`. **floor**: raw httpx2 with untyped `msgspec.json.decode`, the least\n"
        "  any client built on httpx2 can do.\n"
        "- decode: the SDK's own decoding function on the body (`mistral_sdk.decode`; the\n"
        "  official SDK's `unmarshal_json`, which its methods call on every response).\n"
        "- streams: 1,000 events through each client's streaming method, over an in-memory\n"
        "  transport that hands the body over in 8 KB chunks.\n"
        "- calls: `chat.complete` against `benchmarks/loopback_server.py` (its own process,\n"
        "  keep-alive); the floor posts the same JSON with httpx2 and decodes with msgspec.\n"
        f"- download: a {DOWNLOAD_MB} MB file through `files.download`, written to /dev/null.\n"
        "- batch: the runner's JSONL writer and result parser against the official SDK's\n"
        "  `BatchInput.from_payload` / `BatchOutput.from_jsonl_bytes` on the same requests and\n"
        "  lines; the 1,000,000-request memory run is ours and the floor's only (the official\n"
        "  helpers hold everything in memory). Details in `benchmarks/bench_batch.py`.\n",
        "- streams of 100 MB: about 50,000 events of 2 KB from `benchmarks/scale_server.py`;\n"
        "  how far the peak RSS rises above the RSS just before the stream\n"
        "  (`benchmarks/bench_stream_rss.py`).\n"
        "- many calls at once: half `chat.complete`, half `chat.stream` read to the end, against\n"
        "  `benchmarks/scale_server.py` (HTTP/1.1, counts connections); each run in a fresh\n"
        "  interpreter from cold, best of 2; the floor is plain httpx2 with a semaphore of 100\n"
        '  (its pool) in front; "own client" is mistral-sdk given `httpx2.AsyncClient()` /\n'
        "  `httpx2.Client()` (`benchmarks/bench_scale.py`, docs/reliability.md).\n",
        encoding="utf-8",
    )


def write_readme(text: str, env: str) -> None:
    readme = REPO / "README.md"
    content = readme.read_text(encoding="utf-8")
    block = f"{README_START}\n{text}\n\nMeasured {env}.\n{README_END}"
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(content):
        raise SystemExit(f"README.md has no {README_START!r} … {README_END!r} block")
    readme.write_text(pattern.sub(lambda _: block, content), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import-runs", type=int, default=15)
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()
    results = measure(args.import_runs)
    text = table(results) + "\n\n" + scale_text()
    env = environment()
    print(text)
    print(f"\nMeasured {env}.")
    if not args.no_write:
        write_docs(results, text, env)
        write_readme(text, env)
        print("wrote docs/benchmarks.md, docs/benchmarks.png and README.md's Performance table")


if __name__ == "__main__":
    main()
