#!/usr/bin/env python3
"""All benchmarks in one run: mistral-sdk side by side with plain httpx2, plain httpx,
the SDK over a caller's legacy httpx client and the official `mistralai` SDK; the
codec, stream and batch rows; HTTP/2; an httpx2 transport over aiohttp.

Writes `benchmarks/results.json` (every figure of the run, machine-readable), then the
tables of `docs/benchmarks.md` and of README.md's Performance section rendered from it
(`render.py`; `tests/test_benchmark_docs.py` checks that they are), and
`docs/benchmarks.png`. Run with `make bench`, which builds `.venv-bench` with the
official SDK, legacy httpx and aiohttp in it (never dependencies of mistral-sdk).

    python benchmarks/run.py [--import-runs N] [--repeats N] [--no-write]
    python benchmarks/run.py --render-only   # the docs again from results.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import render  # noqa: E402

RESULTS = HERE / "results.json"
DOCS = REPO / "docs" / "benchmarks.md"
README = REPO / "README.md"
CHART = REPO / "docs" / "benchmarks.png"
DOWNLOAD_MB = 200
STREAM_MB = 100


def _t(column: str, against: str | None, op: str, bound: float) -> dict[str, Any]:
    return {"column": column, "against": against, "op": op, "bound": bound}


def _ahead(*columns: str) -> list[dict[str, Any]]:
    """Faster (or smaller) than the official SDK."""
    return [_t(c, "official", "<", 1) for c in columns]


def _row(key: str, label: str, unit: str, script: str, targets: list[Any]) -> dict[str, Any]:
    return {"key": key, "label": label, "unit": unit, "script": f"benchmarks/{script}",
            "targets": targets}  # fmt: skip


SIDE_COLUMNS = [
    ["sdk", "mistral-sdk on httpx2"],
    ["sdk-httpx", "mistral-sdk, a caller's legacy httpx client"],
    ["httpx2", "plain httpx2"],
    ["httpx", "plain httpx"],
    ["official", "official mistralai"],
]
IMPORT_TARGET = [_t("sdk", "httpx2", "<=", 1.15), *_ahead("sdk", "sdk-httpx")]
LOAD_TARGET = [_t("sdk", "httpx2", "<=", 1.3), *_ahead("sdk", "sdk-httpx")]
SIDE_ROWS = [
    _row("import_sync", "import + sync client (CPU)", "ms", "import_time.py", IMPORT_TARGET),
    _row("import_both", "import + sync and async clients (CPU)", "ms", "import_time.py",
         IMPORT_TARGET),
    _row("call_sync", "one call, sync (client CPU per call)", "us", "bench_overhead.py",
         LOAD_TARGET),
    _row("call_async", "one call, async (client CPU per call)", "us", "bench_overhead.py",
         LOAD_TARGET),
    _row("async_1000", "1,000 calls all in flight, async, from cold", "s", "bench_scale.py",
         LOAD_TARGET),
    _row("sync_16", "960 calls from 16 threads, warm", "s", "bench_scale.py", LOAD_TARGET),
    _row("sync_64", "1,280 calls from 64 threads, warm", "s", "bench_scale.py", LOAD_TARGET),
    _row("rss_stream_chat", f"RSS growth, a {STREAM_MB} MB chat stream", "MB",
         "bench_stream_rss.py", _ahead("sdk", "sdk-httpx")),
]  # fmt: skip
SIDE_NOTE = (
    "Columns: `sdk` is mistral-sdk with the httpx2 client it builds; `sdk-httpx` the SDK "
    "given a caller's `httpx.Client()` / `httpx.AsyncClient()` (legacy httpx, default "
    "settings); `httpx2` and `httpx` are plain httpx2 and plain httpx with default "
    "settings, msgspec decoding the JSON (with a semaphore of 100, their pool size, when "
    "1,000 calls are in flight); `official` is mistralai. Calls are `chat.complete` and, "
    "in the load rows, half `chat.stream` read to the end, against a local HTTP/1.1 "
    "keep-alive server in its own process (`benchmarks/loopback_server.py`, "
    "`benchmarks/scale_server.py`). Import rows: the CPU time of import and construction "
    "in a fresh interpreter (median of interleaved runs). One-call rows: the client's CPU "
    "time per call (fastest of interleaved repeats): on this shared machine a loopback "
    "round trip's wall time mostly measures when the server gets a core. Load rows: the "
    "client's CPU time for the whole batch in a fresh interpreter (all its threads), and "
    "its wall time beside it, each the least of the repeats (the wall time of one program "
    "moved by 2x between runs here); async from cold (`conn.`: connections opened), sync "
    "after one call per thread. RSS: how "
    "far the peak rises above the RSS before the stream (about 50,000 events of 2 KB). "
    "Targets: `sdk` within 1.15x of `httpx2` (import) or 1.3x (calls), both SDK columns "
    "ahead of `official`; lower is better everywhere."
)

CODEC_COLUMNS = [
    ["sdk", "mistral-sdk"],
    ["official", "official mistralai"],
    ["plain", "httpx2 + untyped msgspec"],
]
CODEC_ROWS = [
    _row("decode_history", "decode: conversation history, 500 entries", "us",
         "bench_decode.py", [_t("sdk", "official", "<=", 0.05)]),
    _row("decode_completion", "decode: chat completion, 200 choices", "us",
         "bench_decode.py", [_t("sdk", "official", "<=", 0.1)]),
    _row("decode_models", "decode: model list, 60 models", "us", "bench_decode.py", []),
    _row("decode_files", "decode: file list, 100 files", "us", "bench_decode.py", []),
    _row("stream_chat", "chat stream, per event", "us", "bench_stream.py",
         [_t("sdk", "official", "<=", 0.05)]),
    _row("stream_conversation", "conversation stream, per event", "us", "bench_stream.py",
         [_t("sdk", "official", "<=", 0.05)]),
    _row("rss_import", "RSS after import + client", "MB", "bench_memory.py", []),
    _row("peak_download", f"peak RSS, {DOWNLOAD_MB} MB download", "MB", "bench_memory.py",
         [_t("sdk", None, "<", 50)]),
    *(
        _row(f"rss_stream_{kind}", f"RSS growth, a {STREAM_MB} MB {kind} stream", "MB",
             "bench_stream_rss.py", [_t("sdk", None, "<", 5), *_ahead("sdk")])
        for kind in ("conversation", "workflow")
    ),
    _row("batch_build", "batch: JSONL of 100,000 typed chat requests", "ms", "bench_batch.py",
         [_t("sdk", "official", "<=", 0.1)]),
    _row("batch_build_dicts", "batch: JSONL of 100,000 dict requests, validated", "ms",
         "bench_batch.py", []),
    _row("batch_parse", "batch: 100,000 result lines to typed responses", "ms",
         "bench_batch.py", [_t("sdk", "official", "<=", 0.1)]),
    _row("batch_rss", "batch: peak RSS, 1,000,000 requests built + parsed", "MB",
         "bench_batch.py", [_t("sdk", None, "<", 150)]),
]  # fmt: skip
CODEC_NOTE = (
    "`plain` is what the same work costs without a typed client: untyped "
    "`msgspec.json.decode` / `encode`, and plain httpx2 (default settings) where there is "
    "I/O. Decode: the SDK's `mistral_sdk.decode` and the official SDK's `unmarshal_json` "
    "on the same body. Streams: 1,000 events through each client's streaming method over "
    "an in-memory transport handing the body over in 8 KB chunks. Memory is read from "
    "/proc/self/status in a fresh interpreter per program; the download goes to "
    "/dev/null. Batch: the runner's JSONL writer and result parser against the official "
    "`BatchInput.from_payload` / `BatchOutput.from_jsonl_bytes`; the 1,000,000-request "
    "run is ours and plain msgspec's only (the official helpers hold everything in "
    "memory). Times are the fastest of interleaved repeats."
)

HTTP2_COLUMNS = [
    ["sdk", "mistral-sdk, HTTP/1.1"],
    ["sdk-http2", "mistral-sdk, a caller's httpx2 HTTP/2 client"],
    ["httpx2-http2", "plain httpx2, HTTP/2"],
]
HTTP2_NOTE = (
    "1,000 calls in flight (half streams) against a local hypercorn server speaking "
    "cleartext HTTP/1.1 and HTTP/2 (`benchmarks/h2_server.py`, at most 100 concurrent "
    "streams per connection); `sdk-http2` is `AsyncMistral(http_client="
    "httpx2.AsyncClient(http1=False, http2=True))`, `httpx2-http2` the same client used "
    "directly behind a semaphore of 100. The client's CPU time (and wall time), fresh "
    "interpreter, from cold."
)

AIOHTTP_COLUMNS = [
    ["sdk", "mistral-sdk on httpx2"],
    ["sdk-aiohttp", "mistral-sdk, httpx2 over aiohttp"],
    ["httpx2", "plain httpx2"],
    ["httpx2-aiohttp", "plain httpx2 over aiohttp"],
]
AIOHTTP_NOTE = (
    "Would an aiohttp transport make async calls faster, as openai, anthropic and "
    "google-genai offer? `sdk-aiohttp` is `AsyncMistral(http_client=AiohttpClient())`, "
    "the `aiohttp` extra's client (`mistral_sdk.aiohttp`: an `httpx2.AsyncClient` over "
    "the `httpx-aiohttp` package's transport); `httpx2-aiohttp` plain httpx2 over that "
    "transport (a "
    "semaphore of 100 in front at 1,000 in flight, as for `httpx2`). Against "
    "`benchmarks/scale_server.py`, half streams, the client's CPU time (and wall time) in "
    "a fresh interpreter, least of the repeats, from cold. The SDK offers the transport "
    "as an extra only if it makes the SDK at least 1.3x as fast at 1,000 in flight."
)
AIOHTTP_BAR = {
    "row": "async_1000",
    "column": "sdk-aiohttp",
    "against": "sdk",
    "min_speedup": 1.3,
    "yes": "Above the bar in this run: the SDK offers it, the `aiohttp` extra "
    "(`mistral_sdk.aiohttp`, docs/reliability.md).",
    "no": "Below the bar in this run: the `aiohttp` extra does not pay for itself here.",
}
TESTING_COLUMNS = [
    ["mock", "mistral_sdk.testing"],
    ["floor", "a bare httpx2.MockTransport"],
    ["added", "added by the mock"],
]
TESTING_NOTE = (
    "A mocked call in a user's test: `testing.mock().client` answering in process, the "
    "call named, recorded and answered by a scripted route (`on(...).reply(...)`) or by the "
    "mock's own routes (`chat_default`); `floor` is the same client over a bare "
    "`httpx2.MockTransport` returning the same answer already encoded, so `added` "
    "(`mock` minus `floor`) is what the mock itself costs per call. The client's CPU "
    "time per call, fastest of interleaved repeats (`benchmarks/bench_testing.py`). The "
    "last row is the first call of a fresh process (each column in its own processes, "
    "the fastest of them): what a test run pays once, when the mock reads its routes "
    "and the called method's description."
)
_MOCK_TARGET = [_t("added", None, "<", 100)]
TESTING_ROWS = [
    _row("chat_scripted", "chat.complete, a scripted reply", "us", "bench_testing.py",
         _MOCK_TARGET),
    _row("chat_default", "chat.complete, the mock's own answer", "us", "bench_testing.py",
         _MOCK_TARGET),
    _row("chat_async", "chat.complete, async, a scripted reply", "us", "bench_testing.py",
         _MOCK_TARGET),
    _row("stream_scripted", "chat.stream of 5 chunks, a scripted reply", "us",
         "bench_testing.py", _MOCK_TARGET),
    _row("first_call", "chat.complete, the first call of a fresh process", "ms",
         "bench_testing.py", [_t("added", None, "<", 50)]),
]  # fmt: skip

AIOHTTP_ROWS = [
    _row("async_64", "1,280 calls, 64 in flight, async, from cold", "s", "bench_aiohttp.py", []),
    _row("async_1000", "1,000 calls all in flight, async, from cold", "s", "bench_aiohttp.py",
         []),
]  # fmt: skip


# --- measuring ---------------------------------------------------------------------


def _scale_rows(found: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, Any]]:
    """bench_scale's runs as row data: the client's CPU seconds, and in the note the
    wall seconds and the connections opened; failures."""
    rows: dict[str, dict[str, Any]] = {}
    for scenario, programs in found.items():
        rows[scenario] = {
            "values": {p: r["cpu"] for p, r in programs.items()},
            "notes": {
                p: f"wall {r['seconds']:.2f} s · {r['connections']:.0f} conn."
                for p, r in programs.items()
            },
            "failures": {p: int(r["failures"]) for p, r in programs.items() if r["failures"]},
        }
    return rows


def _plain(values: dict[str, float], renames: dict[str, str]) -> dict[str, Any]:
    return {"values": {renames.get(k, k): v for k, v in values.items()}}


def measure(import_runs: int, repeats: int) -> dict[str, dict[str, dict[str, Any]]]:
    """{table id: {row key: {"values", "notes", "failures"}}}"""
    import bench_aiohttp
    import bench_batch
    import bench_decode
    import bench_memory
    import bench_overhead
    import bench_scale
    import bench_stream
    import bench_stream_rss
    import import_time

    codec_names = {"mistral-sdk": "sdk", "floor": "plain", "httpx2": "plain"}
    side: dict[str, Any] = {}
    codec: dict[str, Any] = {}

    def step(name: str, fn: Callable[[], None]) -> None:
        print(f"... {name}", file=sys.stderr, flush=True)
        fn()

    def imports() -> None:
        for key, values in import_time.measure(import_runs).items():
            side[key] = {"values": values}

    def codec_rows(found: dict[str, dict[str, float]]) -> None:
        for key, values in found.items():
            codec[key] = _plain(values, codec_names)

    step("import + clients", imports)
    step("decode", lambda: codec_rows(bench_decode.measure()))
    step("streams", lambda: codec_rows(bench_stream.measure()))
    step("batch", lambda: codec_rows(bench_batch.measure()))
    with bench_overhead.loopback_server(DOWNLOAD_MB) as url:
        step("one call", lambda: side.update(
            {k: {"values": v} for k, v in bench_overhead.measure(url).items()}
        ))  # fmt: skip
        step("memory", lambda: codec_rows(bench_memory.measure(url, DOWNLOAD_MB)))
    with bench_scale.server() as url:
        rss = bench_stream_rss.measure(url)
        side["rss_stream_chat"] = {"values": rss.pop("rss_stream_chat")}
        codec_rows(rss)
        scenarios = ("async_1000", "sync_16", "sync_64")
        side.update(_scale_rows(bench_scale.measure(url, repeats=repeats, scenarios=scenarios)))
        aiohttp = _scale_rows(bench_aiohttp.measure(url, repeats=repeats))
    tables = {"side_by_side": side, "codec": codec, "aiohttp": aiohttp}
    step("testing", lambda: tables.update(testing=measure_testing()))
    try:
        import bench_http2
        import h2  # noqa: F401
        import hypercorn  # noqa: F401
    except ImportError as exc:
        print(f"... HTTP/2 skipped: {exc}", file=sys.stderr)
    else:
        tables["http2"] = _scale_rows(bench_http2.measure(repeats=repeats))
    return tables


def measure_testing() -> dict[str, dict[str, Any]]:
    """bench_testing's rows, with the mock's own share (`added`) as a column."""
    import bench_testing

    rows = {}
    for key, values in bench_testing.measure().items():
        added = values["mock"] - values["floor"]
        rows[key] = {"values": {**values, "added": added}}
    return rows


def results_of(found: dict[str, dict[str, dict[str, Any]]], load: list[Any]) -> dict[str, Any]:
    """The results file's content: the tables' rows with this run's figures, `met` set."""
    specs = [
        ("side_by_side", "Side by side", SIDE_NOTE, SIDE_COLUMNS, SIDE_ROWS,
         [["sdk", "httpx2"], ["sdk", "official"], ["sdk-httpx", "httpx"]], None),
        ("codec", "Decoding, streams, memory and batch", CODEC_NOTE, CODEC_COLUMNS, CODEC_ROWS,
         [["sdk", "official"], ["sdk", "plain"]], None),
        ("http2", "HTTP/2", HTTP2_NOTE, HTTP2_COLUMNS,
         [_row("async_1000", "1,000 calls all in flight, async, from cold", "s",
               "bench_http2.py", [])], [["sdk-http2", "sdk"]], None),
        ("aiohttp", "An httpx2 transport over aiohttp", AIOHTTP_NOTE, AIOHTTP_COLUMNS,
         AIOHTTP_ROWS, [["sdk-aiohttp", "sdk"], ["httpx2-aiohttp", "httpx2"]], AIOHTTP_BAR),
        ("testing", "Mocked calls (mistral_sdk.testing)", TESTING_NOTE, TESTING_COLUMNS,
         TESTING_ROWS, [["mock", "floor"]], None),
    ]  # fmt: skip
    tables = []
    for table_id, title, note, columns, rows, ratios, bar in specs:
        if table_id not in found:
            continue
        measured = []
        for spec in rows:
            data = found[table_id][spec["key"]]
            row = {**spec, "values": data["values"], "notes": data.get("notes", {}),
                   "failures": data.get("failures", {})}  # fmt: skip
            row["met"] = render.met(row)
            measured.append(row)
        tables.append(
            {"id": table_id, "title": title, "note": note, "columns": columns,
             "ratios": ratios, "bar": bar, "rows": measured}
        )  # fmt: skip
    names = ("mistralai", "httpx2", "httpx", "aiohttp", "msgspec", "pydantic")
    return {
        "environment": {
            "date": dt.date.today().isoformat(),
            "command": "make bench",
            "python": platform.python_version(),
            "system": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "versions": {name: version(name) for name in names},
            "load_average": {"start": load[0], "end": load[1]},
        },
        "tables": tables,
    }


# --- writing -----------------------------------------------------------------------


def chart(results: dict[str, Any], path: Path) -> None:
    """The side-by-side table as bars, each column relative to the official SDK."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = results["tables"][0]
    rows = table["rows"]
    shown = [c for c in table["columns"] if c[0] != "official"]
    colors = ("#e4572e", "#f3a712", "#29335c", "#669bbc")
    fig, ax = plt.subplots(figsize=(9, 6))
    height = 0.8 / len(shown)
    for i, ((key, label), color) in enumerate(zip(shown, colors, strict=True)):
        ratios = [render.ratio(r, key, "official") or 0 for r in rows]
        positions = [p + (i - (len(shown) - 1) / 2) * height for p in range(len(rows))]
        ax.barh(positions, ratios, height=height, color=color, label=label)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_yticks(list(range(len(rows))), [r["label"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("time or memory relative to the official mistralai SDK (= 1, log scale)")
    ax.set_title("Side by side (benchmarks/results.json): lower is better")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_docs(results: dict[str, Any]) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    docs = render.replace_block(
        docs, render.DOCS_START, render.DOCS_END, render.docs_block(results)
    )
    DOCS.write_text(docs, encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    readme = render.replace_block(
        readme, render.README_START, render.README_END, render.readme_block(results)
    )
    README.write_text(readme, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import-runs", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=5, help="fresh runs of each load row")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    parser.add_argument("--render-only", action="store_true", help="docs from results.json")
    parser.add_argument(
        "--only",
        choices=["testing"],
        help="measure this table alone; the others stay as results.json has them",
    )
    args = parser.parse_args()
    if args.only:
        start = list(os.getloadavg())
        fresh = results_of({args.only: measure_testing()}, [start, list(os.getloadavg())])
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
        kept = [t for t in results["tables"] if t["id"] != args.only]
        results["tables"] = kept + fresh["tables"]
        run = {**fresh["environment"], "command": f"make bench-{args.only}"}
        results["environment"][f"{args.only}_run"] = run
        print(render.docs_block(results))
        if not args.no_write:
            RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
            write_docs(results)
            print(f"wrote the {args.only} table of benchmarks/results.json, docs/benchmarks.md")
        return
    if args.render_only:
        write_docs(json.loads(RESULTS.read_text(encoding="utf-8")))
        print("wrote docs/benchmarks.md and README.md from benchmarks/results.json")
        return
    start = list(os.getloadavg())
    found = measure(args.import_runs, args.repeats)
    results = results_of(found, [start, list(os.getloadavg())])
    print(render.docs_block(results))
    if args.no_write:
        return
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    write_docs(results)
    chart(results, CHART)
    print("wrote benchmarks/results.json, docs/benchmarks.md, docs/benchmarks.png, README.md")


if __name__ == "__main__":
    main()
