"""`mistral batch run | results`: a JSONL file through the mock's Batch API."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Mistral

from mistral_sdk.cli import EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE

FAST = ("--poll-interval", "0.05")  # look at the job often: the mock runs it in ms


def _requests(path: Path, n: int, failing: tuple[int, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = "MOCK_FAIL" if i in failing else f"question {i}"
            body = {"messages": [{"role": "user", "content": text}]}
            f.write(json.dumps({"custom_id": f"q{i}", "body": body}) + "\n")
    return path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_batch_run_with_progress_to_files(mistral: Mistral, tmp_path: Path) -> None:
    requests = _requests(tmp_path / "in.jsonl", 30, failing=(4, 17))
    out = tmp_path / "results.jsonl"
    r = mistral(
        "batch",
        "run",
        str(requests),
        "--endpoint",
        "/v1/chat/completions",
        *FAST,
        "--model",
        "mistral-small-latest",
        "-o",
        str(out),
    )
    assert r.code == EXIT_FAILED  # two requests failed
    results = _lines(out)
    assert [x["custom_id"] for x in results] == [f"q{i}" for i in range(30) if i not in (4, 17)]
    assert all(
        x["status_code"] == 200 and x["response"]["object"] == "chat.completion" for x in results
    )
    errors = _lines(tmp_path / "results.errors.jsonl")
    assert sorted(str(x["custom_id"]) for x in errors) == ["q17", "q4"]
    assert all(x["error"]["kind"] == "request" for x in errors)  # type: ignore[index]
    err = r.err.splitlines()
    size = requests.stat().st_size
    assert f"upload: {size}/{size}" in err  # the progress of each stage
    assert "requests [SUCCESS] ok 28 failed 2: 30/30" in err
    assert any(line.startswith("download: ") for line in err)
    assert err[-1].endswith(
        f"SUCCESS: 28 succeeded, 2 failed -> {out}, errors in {tmp_path / 'results.errors.jsonl'}"
    )


def test_batch_results_resumes_a_job_and_json_parses(mistral: Mistral, tmp_path: Path) -> None:
    requests = _requests(tmp_path / "in.jsonl", 5)
    started = mistral(
        "batch",
        "run",
        str(requests),
        "--endpoint",
        "/v1/chat/completions",
        *FAST,
        "--model",
        "m",
        "--detach",
        "--json",
    )
    assert started.code == EXIT_OK
    job_ids = started.json()["job_ids"]
    out = tmp_path / "again.jsonl"
    r = mistral("batch", "results", *job_ids, *FAST, "-o", str(out), "--json")
    assert r.code == EXIT_OK
    summary = r.json()
    assert summary == {
        "job_ids": job_ids,
        "status": "SUCCESS",
        "succeeded": 5,
        "failed": 0,
        "output": str(out),
        "errors": str(tmp_path / "again.errors.jsonl"),
    }
    assert len(_lines(out)) == 5
    to_stdout = mistral("batch", "results", *job_ids, *FAST)
    assert [x["custom_id"] for x in to_stdout.lines()] == [f"q{i}" for i in range(5)]


def test_batch_timeout_exits_5_naming_the_job(mistral: Mistral, tmp_path: Path) -> None:
    requests = _requests(tmp_path / "in.jsonl", 2)
    r = mistral(
        "batch",
        "run",
        str(requests),
        "--endpoint",
        "/v1/chat/completions",
        *FAST,
        "--model",
        "m",
        "--metadata",
        "mock_rate=0",
        "--timeout",
        "0.2",
        "--json",
    )
    assert r.code == EXIT_TIMEOUT
    error = json.loads(r.err.splitlines()[-1])["error"]
    assert error["class"] == "BatchWaitTimeout" and error["job_ids"]


def test_batch_cancel_on_timeout_cancels_the_job(mistral: Mistral, tmp_path: Path) -> None:
    requests = _requests(tmp_path / "in.jsonl", 2)
    stuck = ("--metadata", "mock_rate=0", "--timeout", "0.2", "--json")  # never ends by itself
    args = ("--endpoint", "/v1/chat/completions", *FAST, "--model", "m", *stuck)
    r = mistral("batch", "run", str(requests), *args, "--cancel-on-timeout")
    assert r.code == EXIT_TIMEOUT
    error = json.loads(r.err.splitlines()[-1])["error"]
    assert "cancellation was requested" in error["message"]
    out = str(tmp_path / "out.jsonl")
    after = mistral("batch", "results", *error["job_ids"], *FAST, "-o", out, "--json")
    assert after.code == EXIT_FAILED and after.json()["status"] == "CANCELLED"


def test_batch_results_can_cancel_on_timeout(mistral: Mistral, tmp_path: Path) -> None:
    requests = _requests(tmp_path / "in.jsonl", 2)
    args = ("--endpoint", "/v1/chat/completions", "--model", "m", "--metadata", "mock_rate=0")
    job_ids = mistral("batch", "run", str(requests), *args, "--detach", "--json").json()["job_ids"]
    wait = ("--timeout", "0.2", "--json", *FAST)
    left = mistral("batch", "results", *job_ids, *wait)
    assert left.code == EXIT_TIMEOUT and "the jobs keep running" in left.err
    r = mistral("batch", "results", *job_ids, *wait, "--cancel-on-timeout")
    assert r.code == EXIT_TIMEOUT and "cancellation was requested" in r.err
    after = mistral(
        "batch", "results", *job_ids, *FAST, "-o", str(tmp_path / "out.jsonl"), "--json"
    )
    assert after.code == EXIT_FAILED and after.json()["status"] == "CANCELLED"


def test_batch_usage_errors(mistral: Mistral, tmp_path: Path) -> None:
    r = mistral("batch", "run", str(tmp_path / "nope.jsonl"), "--endpoint", "/v1/chat/completions")
    assert r.code == EXIT_USAGE and "no such file" in r.err
    r = mistral(
        "batch",
        "run",
        str(_requests(tmp_path / "in.jsonl", 1)),
        "--endpoint",
        "/v1/chat/completions",
        "--metadata",
        "novalue",
    )
    assert r.code == EXIT_USAGE and "KEY=VALUE" in r.err
