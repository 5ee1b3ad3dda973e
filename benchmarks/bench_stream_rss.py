"""Memory while reading a 100 MB event stream: chat, conversation and workflow events.

Each program runs in a fresh interpreter against `scale_server.py`, which sends about
50,000 events of 2 KB (then the stream's end) without holding the body. The figure is
how much the peak resident memory (VmHWM) rises above the resident memory just before
the stream (after import, client construction and a short stream of the same kind,
so that lazy imports are not counted): what reading the stream itself costs.

Programs: `sdk` (mistral-sdk) and `official` read through their streaming methods;
`httpx2` is plain httpx2 (default settings), `iter_lines` and msgspec decoding each
`data:` line into plain objects. The chat stream also runs `sdk-httpx` (mistral-sdk
given a legacy `httpx.Client()`) and `httpx` (plain legacy httpx, as `httpx2`): the
side-by-side table's row.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STREAM_MB = 100
KINDS = ("chat", "conversation", "workflow")
PROGRAMS = ("sdk", "official", "httpx2")
CHAT_PROGRAMS = ("sdk", "sdk-httpx", "httpx2", "httpx", "official")

PRELUDE = """
import json, sys
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
MESSAGES = [{"role": "user", "content": "hi"}]
"""

# `read(size)` reads one whole stream of KIND ("big" asks the server for 100 MB) and
# returns the number of events.
READERS = {
    "sdk": """
import mistral_sdk
client = mistral_sdk.Mistral(api_key="bench", base_url=URL, http_client=HTTP)
def read(model):
    if KIND == "chat":
        stream = client.chat.stream(model=model, messages=MESSAGES)
    elif KIND == "conversation":
        stream = client.beta.conversations.start_stream(inputs="hi", model=model)
    else:
        stream = client.workflows.executions.stream(model)
    with stream:
        return sum(1 for _ in stream)
""",
    "official": """
from mistralai.client import Mistral
client = Mistral(api_key="bench", server_url=URL)
def read(model):
    if KIND == "chat":
        stream = client.chat.stream(model=model, messages=MESSAGES)
    elif KIND == "conversation":
        stream = client.beta.conversations.start_stream(inputs="hi", model=model)
    else:
        stream = client.workflows.executions.stream(execution_id=model)
    with stream:
        return sum(1 for _ in stream)
""",
    "httpx2": """
import msgspec
http = HTTP.Client()
def read(model):
    if KIND == "chat":
        args = ("POST", URL + "/v1/chat/completions")
        body = {"model": model, "messages": MESSAGES, "stream": True}
    elif KIND == "conversation":
        args = ("POST", URL + "/v1/conversations")
        body = {"inputs": "hi", "model": model, "stream": True}
    else:
        args, body = ("GET", URL + "/v1/workflows/executions/" + model + "/stream"), None
    n = 0
    with http.stream(*args, json=body) as response:
        for line in response.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                msgspec.json.decode(line[6:])
                n += 1
    return n
""",
}

MAIN = """
read("small")  # lazy imports, caches
before = status("VmRSS")
events = read("big")
print(json.dumps({"events": events, "before": before, "peak": status("VmHWM")}))
"""


# the HTTP library (plain programs) or the caller's client (SDK programs) of each
HTTP = {
    "sdk": "HTTP = None",
    "sdk-httpx": "import httpx, warnings\nwarnings.simplefilter('ignore')\nHTTP = httpx.Client()",
    "httpx2": "import httpx2 as HTTP",
    "httpx": "import httpx as HTTP",
    "official": "",
}
READS = {"sdk-httpx": "sdk", "httpx": "httpx2"}  # the same reader, another HTTP


def run_one(program: str, kind: str, url: str) -> dict[str, int]:
    reader = READERS[READS.get(program, program)]
    code = f"{PRELUDE}\nURL = {url!r}\nKIND = {kind!r}\n{HTTP[program]}\n{reader}\n{MAIN}"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=900
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(url: str) -> dict[str, dict[str, float]]:
    """{f"rss_stream_{kind}": {program: bytes the peak rose by while streaming}}"""
    results: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        row: dict[str, float] = {}
        for program in CHAT_PROGRAMS if kind == "chat" else PROGRAMS:
            print(f"... {STREAM_MB} MB {kind} stream: {program}", file=sys.stderr, flush=True)
            run = run_one(program, kind, url)
            if run["events"] < STREAM_MB * 400:  # about 2 KB each
                raise RuntimeError(f"{program} read only {run['events']} {kind} events")
            row[program] = max(0, run["peak"] - run["before"])
        results[f"rss_stream_{kind}"] = row
    return results


if __name__ == "__main__":
    from bench_scale import server

    with server("--stream-bytes", str(STREAM_MB * 2**20)) as url:
        for bench, row in measure(url).items():
            print(bench, {k: f"{v / 2**20:.1f} MB" for k, v in row.items()})
