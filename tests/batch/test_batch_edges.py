"""The batch runner at its edges (issue 28): the input order on every path, errors that
name their input line, one spelling of "cancelled"."""

from __future__ import annotations

import json
import re
import uuid
import warnings
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import Batch

from mistral_sdk import AsyncMistral, Mistral, MistralError, WorkflowWaitTimeout
from mistral_sdk.batch import BatchResults, BatchWaitTimeout, ResultFile, endpoint

CHAT = "/v1/chat/completions"
FAST = {"poll_interval": 0.02, "max_poll_interval": 0.1}
RUNTIME = Path(__file__).resolve().parents[2] / "runtime" / "mistral_sdk"


def chat(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}], "max_tokens": 16}


def requests(t: str, fail: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{t}-{i}", chat(f"q{i}" + (" MOCK_FAIL" if i == fail else ""))) for i in range(5)]


async def resumed(batch: Batch, mock_url: str, job_ids: list[str], **options: Any) -> Any:
    """`results(...)` of the jobs, from a client that did not submit them."""
    if isinstance(batch.client, Mistral):
        with Mistral(api_key="other-process", base_url=mock_url) as fresh:
            return fresh.batch.job(*job_ids).results(**FAST, **options)
    async with AsyncMistral(api_key="other-process", base_url=mock_url) as afresh:
        run = await afresh.batch.job(*job_ids)
        return await run.results(**FAST, **options)


async def test_the_input_order_after_a_resume_needs_no_option(batch: Batch, mock_url: str) -> None:
    t = uuid.uuid4().hex[:8]
    given = requests(t, fail=1)
    run = await batch(batch.client.batch, "submit", given, endpoint=CHAT, model="m")
    with await resumed(batch, mock_url, run.job_ids) as results:
        # file order puts the failure (error file) last; the input order does not
        assert [r.custom_id for r in results][-1] == f"{t}-1"
        assert [r.custom_id for r in results.in_input_order()] == [c for c, _ in given]
        assert results.inputs  # downloaded with the results: the cost docs/batch.md names


async def test_the_input_order_of_a_batch_made_from_an_uploaded_file(
    batch: Batch, tmp_path: Path
) -> None:
    t = uuid.uuid4().hex[:8]
    path = tmp_path / "requests.jsonl"
    path.write_text(
        "".join(json.dumps({"custom_id": c, "body": b}) + "\n" for c, b in requests(t, fail=0))
    )
    uploaded = await batch(batch.client.files, "upload", file=path, purpose="batch")
    results = await batch(
        batch.client.batch, "run", input_files=[uploaded.id], endpoint=CHAT, model="m", **FAST
    )
    with results:
        assert [r.custom_id for r in results.in_input_order()] == [f"{t}-{i}" for i in range(5)]


async def test_skipping_the_input_download_is_a_choice_with_a_clear_error(
    batch: Batch, mock_url: str
) -> None:
    t = uuid.uuid4().hex[:8]
    run = await batch(batch.client.batch, "submit", requests(t), endpoint=CHAT, model="m")
    with await resumed(batch, mock_url, run.job_ids, input_order=False) as results:
        assert results.inputs == []
        with pytest.raises(MistralError, match=r"input_order=False.*custom_ids="):
            next(results.in_input_order())
        wanted = [f"{t}-4", f"{t}-0"]
        assert [r.custom_id for r in results.in_input_order(wanted)] == wanted


async def test_an_error_names_its_file_line_and_its_input_line(batch: Batch, mock_url: str) -> None:
    t = uuid.uuid4().hex[:8]
    run = await batch(batch.client.batch, "submit", requests(t, fail=3), endpoint=CHAT, model="m")
    fresh = await batch(run, "results", **FAST)
    again = await resumed(batch, mock_url, run.job_ids)
    streamed = [r async for r in _stream(batch, run)]
    for where in (list(fresh), list(again), streamed):
        error = next(r.error for r in where if r.error is not None)
        assert error.input_line == 4 and error.line == 1 and error.file_id
        assert str(error).startswith(f"request '{t}-3' (input line 4): status 400")
        assert str(error).endswith(f"(file {error.file_id}, line 1)")
    fresh.close()
    again.close()


async def _stream(batch: Batch, run: Any) -> Any:
    items = run.stream_results(**FAST)
    if hasattr(items, "__aiter__"):
        async for result in items:
            yield result
    else:
        for result in items:
            yield result


def test_a_request_without_a_result_names_its_input_line(tmp_path: Path) -> None:
    inputs = tmp_path / "input-00001.jsonl"
    inputs.write_text(
        "".join(json.dumps({"custom_id": c, "body": {}}) + "\n" for c in ("a", "b", "c"))
    )
    output = tmp_path / "output.jsonl"
    output.write_text(
        "".join(
            json.dumps({"custom_id": c, "response": {"status_code": 200, "body": {"x": 1}}}) + "\n"
            for c in ("c", "a")
        )
    )
    files = [ResultFile("file-out", output, "output")]
    results: BatchResults[Any] = BatchResults(
        endpoint("/v1/unknown"), [], files, tmp_path, [inputs], owns_directory=False
    )
    with results:
        ordered = list(results.in_input_order())
    assert [r.custom_id for r in ordered] == ["a", "b", "c"]
    missing = ordered[1].error
    assert missing is not None and missing.kind == "missing" and missing.input_line == 2
    assert str(missing).startswith("request 'b' (input line 2): no result line")


# --- one spelling ----------------------------------------------------------------------


def test_cancelled_is_the_spelling_and_canceled_a_deprecated_alias() -> None:
    for error in (
        BatchWaitTimeout(["job-1"], 1.0, [], True),
        WorkflowWaitTimeout("exec-1", 1.0, None, cancelled=True),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert error.cancelled is True
        with pytest.warns(DeprecationWarning, match=r"use `cancelled`"):
            assert error.canceled is True
    with pytest.warns(DeprecationWarning):
        assert WorkflowWaitTimeout("exec-1", 1.0, canceled=True).cancelled is True
    with pytest.warns(DeprecationWarning):
        assert BatchWaitTimeout(["job-1"], 1.0, [], canceled=True).cancelled is True


def test_the_sdk_spells_cancelled_one_way() -> None:
    """Only the deprecated alias says `canceled`; the API's own status values
    (`CANCELED` for workflows, `CANCELLED` for batch jobs) are the API's."""
    offenders = []
    for path in RUNTIME.rglob("*.py"):
        if path.name == "_errors.py":
            continue  # the alias itself
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            alias = ("deprecated", "canceled: bool | None = None", "canceled=canceled")
            if re.search(r"\bcanceled\b", line) and not any(a in line for a in alias):
                offenders.append(f"{path.relative_to(RUNTIME)}:{number}: {line.strip()}")
    assert offenders == []
