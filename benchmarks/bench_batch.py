"""The batch runner's two CPU-bound halves, against the official SDK's typed batch
helpers on the same data, and its memory at a million requests.

- build: the JSONL for 100,000 typed chat requests. mistral-sdk: `InputWriter` (the
  runner's own path: checks, duplicate ids, splitting, written to disk) fed
  `models.ChatCompletionRequest`s; official: `BatchInput.from_payload` fed its
  pydantic `ChatCompletionRequest`s; floor: `msgspec.json.encode` of plain dicts.
  The `build_dicts` row feeds mistral-sdk plain dicts (each one validated against
  the request type), against the same official figure.
- parse: 100,000 output lines into typed `ChatCompletionResponse`s. mistral-sdk:
  `ResultParser` (what `BatchResults` and `stream_results` use); official:
  `BatchOutput.from_jsonl_bytes`; floor: untyped `msgspec.json.decode` per line.
- memory: peak RSS of a fresh interpreter that builds the JSONL for 1,000,000 chat
  requests (dicts, validated) and reads 1,000,000 result lines back through
  `BatchResults` from disk. The floor does the same with untyped msgspec; the
  official helpers hold the whole input and output in memory, and are not run at
  that size.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec
from timing import compare

N = 100_000
BIG = 1_000_000
MODEL = "mistral-small-latest"


def _question(i: int) -> str:
    return f"Question {i}: what is the capital of country number {i % 197}?"


def _answer_line(i: int) -> bytes:
    body = {
        "id": f"cmpl-{i}",
        "object": "chat.completion",
        "model": MODEL,
        "created": 1700000000 + i,
        "usage": {"prompt_tokens": 18, "completion_tokens": 9, "total_tokens": 27},
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": f"The answer to {i} is Paris."},
            }
        ],
    }
    line = {
        "id": f"batch-line-{i}",
        "custom_id": f"req-{i:07d}",
        "response": {"status_code": 200, "body": body},
        "error": None,
    }
    return msgspec.json.encode(line)


def _dict_request(i: int) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": _question(i)}], "max_tokens": 64}


def measure() -> dict[str, dict[str, float]]:
    from mistralai.client import models as official
    from mistralai.extra.batch import BatchInput, BatchOutput

    from mistral_sdk import models
    from mistral_sdk.batch import BatchLimits, endpoint
    from mistral_sdk.batch._plan import InputWriter, ResultParser

    chat = endpoint("/v1/chat/completions")
    ids = [f"req-{i:07d}" for i in range(N)]
    ours_typed = [
        models.ChatCompletionRequest(
            model=MODEL, messages=[models.UserMessage(content=_question(i))], max_tokens=64
        )
        for i in range(N)
    ]
    ours_dicts = [_dict_request(i) for i in range(N)]
    theirs = {
        ids[i]: official.ChatCompletionRequest(
            model=MODEL, messages=[official.UserMessage(content=_question(i))], max_tokens=64
        )
        for i in range(N)
    }
    scratch = Path(tempfile.mkdtemp(prefix="bench-batch-"))

    def write(requests: list[Any]) -> None:
        writer = InputWriter(chat, scratch, BatchLimits(), model=MODEL)
        for custom_id, request in zip(ids, requests, strict=True):
            writer.add(custom_id, request)
        writer.finish()

    def floor_build() -> bytes:
        encode = msgspec.json.encode
        return b"\n".join(
            encode({"custom_id": c, "body": b}) for c, b in zip(ids, ours_dicts, strict=True)
        )

    results: dict[str, dict[str, float]] = {}
    build = compare(
        {
            "mistral-sdk": lambda: write(ours_typed),
            "official": lambda: BatchInput.from_payload(theirs),
            "floor": floor_build,
        },
        repeats=3,
    )
    results["batch_build"] = build
    dicts = compare({"mistral-sdk": lambda: write(ours_dicts)}, repeats=3)
    results["batch_build_dicts"] = {**build, "mistral-sdk": dicts["mistral-sdk"]}

    raw = b"\n".join(_answer_line(i) for i in range(N))
    parser: ResultParser[Any] = ResultParser(chat)
    results["batch_parse"] = compare(
        {
            "mistral-sdk": lambda: list(parser.parse_lines(iter(raw.splitlines()), "file")),
            "official": lambda: BatchOutput.from_jsonl_bytes(raw, official.ChatCompletionResponse),
            "floor": lambda: [msgspec.json.decode(line) for line in raw.splitlines()],
        },
        repeats=3,
    )
    results["batch_rss"] = {
        "mistral-sdk": _peak(OURS_1M),
        "official": float("nan"),  # holds everything in memory: not run at this size
        "floor": _peak(FLOOR_1M),
    }
    return results


_COMMON = f"""
import sys, tempfile
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from pathlib import Path
from bench_batch import _answer_line, _dict_request, BIG, MODEL
work = Path(tempfile.mkdtemp(prefix="bench-batch-1m-"))

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024

def answers(path):
    with open(path, "wb") as f:
        for i in range(BIG):
            f.write(_answer_line(i) + b"\\n")
"""

OURS_1M = """
from mistral_sdk.batch import BatchLimits, BatchResults, ResultFile, endpoint
from mistral_sdk.batch._plan import InputWriter

chat = endpoint("/v1/chat/completions")
writer = InputWriter(chat, work, BatchLimits(), model=MODEL)
for i in range(BIG):
    writer.add(f"req-{i:07d}", _dict_request(i))
groups = writer.finish()
answers(work / "output.jsonl")
results = BatchResults(
    chat, [], [ResultFile("file", work / "output.jsonl", "output")], work,
    [p for g in groups for p in g.paths], owns_directory=True,
)
assert sum(1 for r in results if r.ok) == BIG
results.close()
"""

FLOOR_1M = """
import msgspec
with open(work / "input.jsonl", "wb") as f:
    for i in range(BIG):
        f.write(msgspec.json.encode({"custom_id": f"req-{i:07d}", "body": _dict_request(i)}) + b"\\n")
answers(work / "output.jsonl")
with open(work / "output.jsonl", "rb") as f:
    assert sum(1 for line in f if msgspec.json.decode(line)["response"]["status_code"] == 200) == BIG
import shutil; shutil.rmtree(work)
"""


def _peak(program: str) -> float:
    code = f"{_COMMON}\n{program}\nprint(status('VmHWM'))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=900
    )
    return float(done.stdout.split()[-1])


if __name__ == "__main__":
    for key, row in measure().items():
        print(key, {k: round(v, 4) for k, v in row.items()})
