"""`client.batch.run/submit/job` against the mock's batch lifecycle, sync and async."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import Batch

from mistral_sdk import AsyncMistral, Mistral, Progress, models
from mistral_sdk.batch import BatchLimits, BatchResults, BatchWaitTimeout

CHAT = "/v1/chat/completions"
FAST = {"poll_interval": 0.02, "max_poll_interval": 0.1}


def chat(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}], "max_tokens": 16}


def tag() -> str:
    """A unique prefix: the mock is shared by the whole session."""
    return uuid.uuid4().hex[:8]


async def test_run_returns_typed_results_by_id_and_in_input_order(batch: Batch) -> None:
    t = tag()
    requests: list[tuple[str, Any]] = [(f"{t}-{i}", chat(f"question {i}")) for i in range(5)]
    typed = models.ChatCompletionRequest(
        model="mistral-small-latest",
        messages=[models.UserMessage(content="typed question")],
    )
    requests.insert(2, (f"{t}-typed", typed))
    events: list[Progress] = []
    results: BatchResults[models.ChatCompletionResponse] = await batch(
        batch.client.batch,
        "run",
        iter(requests),
        endpoint=CHAT,
        model="mistral-small-latest",
        progress=events.append,
        **FAST,
    )
    with results:
        assert results.total == 6 and results.succeeded == 6 and results.failed_count == 0
        got = list(results)
        assert len(got) == 6 and all(r.ok for r in got)
        assert all(isinstance(r.response, models.ChatCompletionResponse) for r in got)
        answer = results[f"{t}-3"].unwrap()
        assert answer.choices[0].message.content == "(mock) question 3"
        assert results[f"{t}-typed"].unwrap().choices[0].message.content == "(mock) typed question"
        assert [r.custom_id for r in results.in_input_order()] == [c for c, _ in requests]
        assert results.get("nope") is None and "nope" not in results
        with pytest.raises(KeyError):
            results["nope"]
    stages = [e.stage for e in events]
    assert stages[0] == "upload" and stages[-1] == "download" and "job" in stages
    upload = [e for e in events if e.stage == "upload"][-1]
    assert upload.completed == upload.total and upload.total
    final_job = [e for e in events if e.stage == "job"][-1]
    assert (final_job.completed, final_job.total, final_job.succeeded, final_job.failed) == (
        6,
        6,
        6,
        0,
    )
    assert final_job.status == "SUCCESS"


async def test_job_counters_advance_while_polling(batch: Batch) -> None:
    t = tag()
    counts: list[int] = []

    def seen(p: Progress) -> None:
        if p.stage == "job":
            counts.append(p.completed)

    await batch(
        batch.client.batch,
        "run",
        [(f"{t}-{i}", chat("x")) for i in range(10)],
        endpoint=CHAT,
        model="m",
        metadata={"mock_rate": "40"},
        progress=seen,
        **FAST,
    )
    assert counts == sorted(counts) and counts[-1] == 10
    assert any(0 < c < 10 for c in counts), counts


async def test_partial_failure_and_bad_lines_keep_every_other_result(batch: Batch) -> None:
    t = tag()
    markers = ["", "MOCK_FAIL", "MOCK_MALFORMED", "MOCK_SHAPE", "MOCK_BADBODY", ""]
    requests = [(f"{t}-{i}", chat(f"q{i} {m}")) for i, m in enumerate(markers)]
    results = await batch(batch.client.batch, "run", requests, endpoint=CHAT, model="m", **FAST)
    by_id = {r.custom_id: r for r in results}
    assert by_id[f"{t}-0"].ok and by_id[f"{t}-5"].ok
    kinds = {cid: r.error.kind for cid, r in by_id.items() if r.error is not None}
    assert kinds == {
        f"{t}-1": "request",
        f"{t}-2": "malformed",
        f"{t}-3": "shape",
        f"{t}-4": "decode",
    }
    failure = by_id[f"{t}-1"].error
    assert failure.status_code == 400 and "mock failure" in str(failure)
    malformed = by_id[f"{t}-2"].error
    assert malformed.line is not None and malformed.file_id and f"{t}-2" in str(malformed)
    assert malformed.raw and malformed.raw.startswith("{")
    with pytest.raises(type(failure)):
        by_id[f"{t}-1"].unwrap()
    assert results.failed_ids() == {f"{t}-{i}" for i in range(1, 5)}
    # nothing is lost: the raw output and error files stay on the API, by id
    kinds_of_files = sorted(f.kind for f in results.files)
    assert kinds_of_files == ["error", "output"]
    raw = await batch(batch.client.files, "download", results.files[0].file_id)
    body = await batch(raw, "read")
    assert body == results.files[0].path.read_bytes()


async def test_resume_from_a_job_id_in_a_new_client(batch: Batch, mock_url: str) -> None:
    t = tag()
    run = await batch(
        batch.client.batch, "submit", [(f"{t}-a", chat("one")), (f"{t}-b", chat("two"))],
        endpoint=CHAT, model="m",
    )  # fmt: skip
    job_id = run.job_ids[0]
    if isinstance(batch.client, Mistral):
        with Mistral(api_key="other-process", base_url=mock_url) as fresh:
            resumed = fresh.batch.job(job_id)
            results = resumed.results(input_order=True, **FAST)
    else:
        async with AsyncMistral(api_key="other-process", base_url=mock_url) as afresh:
            aresumed = await afresh.batch.job(job_id)
            results = await aresumed.results(input_order=True, **FAST)
    with results:
        assert resumed_ids(results) == [f"{t}-a", f"{t}-b"]
        assert isinstance(results[f"{t}-b"].response, models.ChatCompletionResponse)
        assert results.inputs  # the input files were downloaded for the input order


def resumed_ids(results: BatchResults[Any]) -> list[str | None]:
    return [r.custom_id for r in results.in_input_order()]


async def test_timeout_leaves_the_job_running(batch: Batch) -> None:
    t = tag()
    run = await batch(
        batch.client.batch, "submit", [(f"{t}-0", chat("slow"))],
        endpoint=CHAT, model="m", metadata={"mock_rate": "0"},
    )  # fmt: skip
    with pytest.raises(BatchWaitTimeout) as caught:
        await batch(run, "wait", timeout=0.15, **FAST)
    assert caught.value.cancelled is False and caught.value.job_ids == run.job_ids
    jobs = await batch(run, "refresh")
    assert jobs[0].status == "RUNNING"
    # then with cancel: the cancellation is requested, and the job ends CANCELLED
    with pytest.raises(BatchWaitTimeout) as caught:
        await batch(run, "wait", timeout=0.05, cancel_on_timeout=True, **FAST)
    assert caught.value.cancelled is True
    assert run.jobs[0].status == "CANCELLATION_REQUESTED"
    final = await batch(run, "wait", **FAST)
    assert final[0].status == "CANCELLED"


async def test_split_inputs_go_to_several_files_and_jobs_and_merge_back(batch: Batch) -> None:
    t = tag()
    requests = [(f"{t}-{i}", chat(f"n{i}")) for i in range(11)]
    run = await batch(
        batch.client.batch, "submit", requests, endpoint=CHAT, model="m",
        limits=BatchLimits(max_requests_per_file=3, max_requests_per_job=5),
    )  # fmt: skip
    assert len(run.job_ids) == 3  # 5 + 5 + 1 requests
    assert [len(j.input_files) for j in run.jobs] == [2, 2, 1]  # 3+2, 3+2, 1
    assert [j.total_requests for j in run.jobs] == [5, 5, 1]
    results = await batch(run, "results", **FAST)
    with results:
        assert [r.custom_id for r in results.in_input_order()] == [c for c, _ in requests]
        assert results.total == 11 and results.succeeded == 11


async def test_retry_failed_resubmits_only_the_failed_ids(batch: Batch) -> None:
    t = tag()
    requests = [(f"{t}-{i}", chat("fine" if i % 3 else "MOCK_FLAKY")) for i in range(7)]
    run = await batch(batch.client.batch, "submit", requests, endpoint=CHAT, model="m")
    first = await batch(run, "results", **FAST)
    flaky = {f"{t}-0", f"{t}-3", f"{t}-6"}
    assert first.failed_ids() == flaky
    again = await batch(run, "retry_failed", first)
    assert again.jobs[0].total_requests == 3
    second = await batch(again, "results", **FAST)
    assert {r.custom_id for r in second} == flaky and all(r.ok for r in second)
    assert second.jobs[0].model == "m"


async def test_stream_results_as_they_are_read(batch: Batch) -> None:
    t = tag()
    requests = [(f"{t}-{i}", chat(f"s{i}" + (" MOCK_FAIL" if i == 1 else ""))) for i in range(4)]
    run = await batch(batch.client.batch, "submit", requests, endpoint=CHAT, model="m")
    streamed = await batch.items(await batch(run, "stream_results", **FAST))
    assert sorted(r.custom_id for r in streamed) == [c for c, _ in requests]
    assert [r.custom_id for r in streamed if not r.ok] == [f"{t}-1"]


async def test_embeddings_are_typed_and_unknown_endpoints_stay_untyped(batch: Batch) -> None:
    t = tag()
    results = await batch(
        batch.client.batch, "run", {f"{t}-e": {"input": ["a", "b"]}},
        endpoint="/v1/embeddings", model="mistral-embed", **FAST,
    )  # fmt: skip
    embedding = results[f"{t}-e"].unwrap()
    assert isinstance(embedding, models.EmbeddingResponse) and len(embedding.data) == 2
    untyped = await batch(
        batch.client.batch, "run", {f"{t}-u": {"anything": [1, 2]}},
        endpoint="/v1/not/known/yet", model="m", **FAST,
    )  # fmt: skip
    assert untyped[f"{t}-u"].unwrap()["echo"] == {"anything": [1, 2]}


async def test_a_jsonl_file_or_uploaded_file_ids_as_input(batch: Batch, tmp_path: Path) -> None:
    t = tag()
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(
            f'{{"custom_id": "{t}-{i}", "body": {{"messages": [{{"role": "user", "content": "f{i}"}}]}}}}\n'
            for i in range(3)
        )
    )
    results = await batch(batch.client.batch, "run", source, endpoint=CHAT, model="m", **FAST)
    assert results[f"{t}-2"].unwrap().choices[0].message.content == "(mock) f2"
    uploaded = await batch(batch.client.files, "upload", file=source, purpose="batch")
    again = await batch(
        batch.client.batch, "run", endpoint=CHAT, model="m", input_files=[str(uploaded.id)], **FAST
    )
    assert sorted(r.custom_id for r in again) == [f"{t}-0", f"{t}-1", f"{t}-2"]


async def test_files_upload_and_download_report_progress(batch: Batch, tmp_path: Path) -> None:
    data = b"x" * 300_000
    source = tmp_path / "big.jsonl"
    source.write_bytes(data)
    sent: list[Progress] = []
    uploaded = await batch(
        batch.client.files, "upload", file=source, purpose="batch", progress=sent.append
    )
    assert sent and sent[-1].completed == sent[-1].total == len(data)
    assert [p.completed for p in sent] == sorted(p.completed for p in sent)
    received: list[Progress] = []
    content = await batch(batch.client.files, "download", uploaded.id, progress=received.append)
    assert await batch(content, "read") == data
    assert received[-1].stage == "download" and received[-1].completed == received[-1].total == len(
        data
    )
    # bytes and open files are wrapped the same way
    sent.clear()
    await batch(
        batch.client.files,
        "upload",
        file=("b.jsonl", b"abc"),
        purpose="batch",
        progress=sent.append,
    )
    assert (sent[-1].completed, sent[-1].total, sent[-1].name) == (3, 3, "b.jsonl")


async def test_an_optional_file_not_given_is_not_sent_with_progress(batch: Batch) -> None:
    """A transcription of a URL: `file` is optional and unset, `progress` given; nothing
    is uploaded, so nothing is reported (the unset file is not wrapped as one)."""
    sent: list[Progress] = []
    audio = batch.client.audio.transcriptions
    answer = await batch(
        audio,
        "complete",
        model="voxtral-mini-latest",
        file_url="https://example.com/a.mp3",
        progress=sent.append,
    )
    assert answer.text is not None and sent == []


async def test_an_async_iterable_of_requests(mock_url: str) -> None:
    t = tag()

    async def produce() -> Any:
        for i in range(3):
            yield f"{t}-{i}", chat(f"a{i}")

    async with AsyncMistral(api_key="k", base_url=mock_url) as client:
        results = await client.batch.run(produce(), endpoint=CHAT, model="m", **FAST)
    assert [r.custom_id for r in results.in_input_order()] == [f"{t}-{i}" for i in range(3)]


async def test_a_failure_after_some_jobs_exist_names_them(
    batch: Batch, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mistral_sdk import APIConnectionError
    from mistral_sdk.batch import BatchSubmitError

    jobs = batch.client.batch.jobs
    real_create = jobs.create
    calls: list[int] = []

    def create(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise APIConnectionError("the network went away")
        return real_create(**kwargs)

    monkeypatch.setattr(jobs, "create", create)
    t = tag()
    with pytest.raises(BatchSubmitError) as caught:
        await batch(
            batch.client.batch, "submit", [(f"{t}-{i}", chat("x")) for i in range(3)],
            endpoint=CHAT, model="m", limits=BatchLimits(max_requests_per_job=2),
        )  # fmt: skip
    assert len(caught.value.job_ids) == 1 and isinstance(caught.value.__cause__, APIConnectionError)
    resumed = await batch(batch.client.batch, "job", *caught.value.job_ids)
    assert (await batch(resumed, "refresh"))[0].total_requests == 2


async def test_results_twice_after_the_first_were_closed(batch: Batch) -> None:
    t = tag()
    run = await batch(
        batch.client.batch, "submit", [(f"{t}-0", chat("x"))], endpoint=CHAT, model="m"
    )
    first = await batch(run, "results", **FAST)
    directory = first.directory
    first.close()
    assert not directory.exists()  # the SDK made it: gone with the results
    second = await batch(run, "results", input_order=True, **FAST)
    with second:
        assert [r.custom_id for r in second.in_input_order()] == [f"{t}-0"]
