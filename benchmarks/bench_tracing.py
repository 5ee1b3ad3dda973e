#!/usr/bin/env python3
"""What observability costs: import + client construction, a call over loopback and a
streamed event, for this tree with tracing off, with OpenTelemetry tracing through the
API alone (no SDK: spans are no-ops) and with the SDK and an exporter that drops
everything; the differences are against tracing off, or against another tree of the SDK
given as `--baseline REF` (a git ref; it must run on httpx2, as this harness does).

Each variant runs in its own interpreter (two SDK trees cannot share one), the
variants take turns, and each figure is the fastest of its repeats (timing.py), in
CPU time of the client's process: on a shared machine, wall time mostly measures
the wait for a core (the loopback server's own time is not counted either).
Writes the table between the markers in docs/observability.md and prints it.

    python benchmarks/bench_tracing.py [--baseline REF] [--rounds N] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC = REPO / "docs" / "observability.md"
START = "<!-- tracing-bench:start (written by benchmarks/bench_tracing.py) -->"
END = "<!-- tracing-bench:end -->"
EVENTS = 1000
VARIANTS = ("off", "otel-api", "otel-sdk")  # "baseline" first with --baseline
LABELS = {
    "off": "tracing off",
    "otel-api": "tracing on, OpenTelemetry API only",
    "otel-sdk": "tracing on, SDK + no-op exporter",
}

IMPORT = """
import time
start = time.process_time()
{setup}
import mistral_sdk
client = mistral_sdk.Mistral(api_key="x")
{enable}
print(time.process_time() - start)
"""

ENABLE = {
    "baseline": "",
    "off": "",
    "otel-api": "from mistral_sdk.otel import instrument; instrument(client)",
    "otel-sdk": (
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter,"
        " SpanExportResult\n"
        "class Drop(SpanExporter):\n"
        "    def export(self, spans): return SpanExportResult.SUCCESS\n"
        "provider = TracerProvider()\n"
        "provider.add_span_processor(SimpleSpanProcessor(Drop()))\n"
        "from mistral_sdk.otel import instrument; instrument(client, tracer_provider=provider)"
    ),
}


def _path_setup(tree: Path | None) -> str:
    """Code that makes `import mistral_sdk` load `tree` instead of this checkout."""
    if tree is None:
        return ""
    ours = [str(REPO / "runtime"), str(REPO / "generated")]
    return (
        "import sys\n"
        f"sys.path = [p for p in sys.path if p not in {ours!r}]\n"
        f"sys.path[:0] = [{str(tree / 'runtime')!r}, {str(tree / 'generated')!r}]\n"
    )


def _python(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MISTRAL_", "OTEL_"))}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode:
        raise RuntimeError(f"benchmark worker failed:\n{done.stderr}")
    return done.stdout


def import_seconds(variant: str, tree: Path | None) -> float:
    code = IMPORT.format(setup=_path_setup(tree), enable=ENABLE[variant])
    return float(_python(code).strip().splitlines()[-1])


WORKER = """
{setup}
import sys
sys.path.insert(0, {here!r})
import json, time, httpx2, payloads
from timing import compare
from bench_overhead import MESSAGES
import mistral_sdk
client = mistral_sdk.Mistral(api_key="bench", base_url={base_url!r})
body = payloads.chat_stream({events})
def handle(request):
    chunks = (body[i : i + 8192] for i in range(0, len(body), 8192))
    return httpx2.Response(200, content=chunks, headers={{"content-type": "text/event-stream"}})
streamer = mistral_sdk.Mistral(
    api_key="bench", base_url="https://bench",
    http_client=httpx2.Client(transport=httpx2.MockTransport(handle)),
)
def answer(request):
    return httpx2.Response(
        200, content=payloads.small_chat_completion(), headers={{"content-type": "application/json"}}
    )
local = mistral_sdk.Mistral(
    api_key="bench", base_url="https://bench",
    http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
)
for client_ in (client, streamer, local):
    {enable_each}
def call():
    client.chat.complete(model=payloads.MODEL, messages=MESSAGES)
def call_local():
    local.chat.complete(model=payloads.MODEL, messages=MESSAGES)
def stream():
    with streamer.chat.stream(model=payloads.MODEL, messages=MESSAGES) as events:
        assert sum(1 for _ in events) == {events}
programs = {{"call": call, "local": call_local, "stream": stream}}
times = compare(programs, repeats=7, min_seconds=0.2, clock=time.process_time)
print(json.dumps({{"call": times["call"], "local": times["local"], "event": times["stream"] / {events}}}))
"""


def runtime_seconds(variant: str, tree: Path | None, base_url: str) -> dict[str, float]:
    enable = ENABLE[variant].replace("instrument(client", "instrument(client_")
    enable_each = "\n    ".join(enable.splitlines()) or "pass"
    code = WORKER.format(
        setup=_path_setup(tree),
        here=str(HERE),
        base_url=base_url,
        events=EVENTS,
        enable_each=enable_each,
    )
    result: dict[str, float] = json.loads(_python(code).strip().splitlines()[-1])
    return result


def baseline_tree(ref: str, into: Path) -> Path:
    """A detached worktree of `ref` (removed by the caller)."""
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(into), ref],
        check=True,
    )
    return into


def measure(ref: str | None, rounds: int) -> dict[str, dict[str, float]]:
    from bench_overhead import loopback_server

    variants = ("baseline", *VARIANTS) if ref else VARIANTS
    results: dict[str, dict[str, list[float]]] = {
        v: {"import": [], "call": [], "local": [], "event": []} for v in variants
    }
    with tempfile.TemporaryDirectory() as tmp:
        trees: dict[str, Path | None] = {v: None for v in variants}
        tree = trees["baseline"] = baseline_tree(ref, Path(tmp) / "baseline") if ref else None
        try:
            with loopback_server(download_mb=1) as base_url:
                for round_ in range(rounds):
                    shift = round_ % len(variants)
                    for variant in variants[shift:] + variants[:shift]:
                        for _ in range(3):
                            results[variant]["import"].append(
                                import_seconds(variant, trees[variant])
                            )
                        timed = runtime_seconds(variant, trees[variant], base_url)
                        for key in ("call", "local", "event"):
                            results[variant][key].append(timed[key])
        finally:
            if tree is not None:
                subprocess.run(
                    ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                    check=False,
                )
    return {v: {k: min(values) for k, values in row.items()} for v, row in results.items()}


def table(results: dict[str, dict[str, float]], ref: str | None) -> str:
    base = results["baseline" if ref else "off"]
    lines = [
        "| variant | import + client | call over loopback (sync) | call, in-memory transport "
        "| per streamed event |",
        "|---|---:|---:|---:|---:|",
    ]

    def cell(value: float, reference: float, scale: float, unit: str) -> str:
        delta = (value - reference) * scale
        return f"{value * scale:.1f} {unit} ({delta:+.1f})"

    for variant, row in results.items():
        label = f"`{ref}` (baseline)" if variant == "baseline" else LABELS[variant]
        lines.append(
            f"| {label} | {cell(row['import'], base['import'], 1e3, 'ms')} "
            f"| {cell(row['call'], base['call'], 1e6, 'us')} "
            f"| {cell(row['local'], base['local'], 1e6, 'us')} "
            f"| {cell(row['event'], base['event'], 1e6, 'us')} |"
        )
    return "\n".join(lines)


def write_doc(text: str, ref: str | None, rounds: int) -> None:
    if not DOC.exists():
        return
    doc = DOC.read_text()
    if START not in doc or END not in doc:
        return
    block = (
        f"{START}\n{text}\n\nCPU time of the client's process, fastest of {rounds} rounds; in "
        f"parentheses, the difference with {f'the baseline (`{ref}`)' if ref else 'tracing off'}"
        f". `make bench`, {os.cpu_count()} CPU(s), "
        f"Python {sys.version.split()[0]}, {platform.platform(terse=True)}.\n{END}"
    )
    DOC.write_text(
        re.sub(re.escape(START) + ".*?" + re.escape(END), lambda m: block, doc, flags=re.S)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline", default=None, help="git ref of another tree to compare with (on httpx2)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    ref = args.baseline
    results = measure(ref, args.rounds)
    text = table(results, ref)
    print(text)
    if not args.no_write:
        write_doc(text, ref, args.rounds)


if __name__ == "__main__":
    main()
