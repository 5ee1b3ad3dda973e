"""The batch runner typed by endpoint (issue 26, point 3): the generated overloads
(tests/typing/cases/batch_results.py checks what mypy and pyright see) reach the
runner's own methods, `job(..., endpoint=)` checks what it is told, and `async for`
reads results."""

from __future__ import annotations

import inspect
import uuid
from typing import Any, get_type_hints

import pytest
from batch_helpers import Batch

from mistral_sdk import AsyncMistral, Mistral, models
from mistral_sdk.batch import AsyncBatchHelpers, BatchHelpers, RunOptions, SubmitOptions

CHAT = "/v1/chat/completions"
FAST = {"poll_interval": 0.02, "max_poll_interval": 0.1}


def _options(method: Any) -> set[str]:
    """The keywords `method` takes besides `requests` and `endpoint` (`**options:
    Unpack[SubmitOptions]`: submit's)."""
    skip = {"self", "requests", "endpoint"}
    names: set[str] = set()
    for name, parameter in inspect.signature(method).parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            assert parameter.annotation == "Unpack[SubmitOptions]"
            names |= set(get_type_hints(SubmitOptions))
        elif name not in skip:
            names.add(name)
    return names


@pytest.mark.parametrize("helpers", [BatchHelpers, AsyncBatchHelpers])
def test_the_typed_options_are_the_runners_own_arguments(helpers: Any) -> None:
    """`**options: Unpack[RunOptions]` in the overloads says exactly what the runner takes."""
    assert set(get_type_hints(SubmitOptions)) == _options(helpers.submit)
    assert set(get_type_hints(RunOptions)) == _options(helpers.run)


@pytest.mark.parametrize("client_class", [Mistral, AsyncMistral])
def test_the_typed_methods_keep_the_runners_help(client_class: Any) -> None:
    batch = client_class(api_key="k").batch
    helpers = BatchHelpers if client_class is Mistral else AsyncBatchHelpers
    for name in ("run", "submit", "job"):
        method = getattr(batch, name)
        assert inspect.getdoc(method) == inspect.getdoc(getattr(helpers, name))
        shown = inspect.signature(method).parameters  # what help() lists
        assert list(shown) == list(inspect.signature(getattr(helpers, name)).parameters)[1:]
    assert "max_poll_interval" in inspect.signature(batch.run).parameters


async def test_job_checks_the_endpoint_it_is_told(batch: Batch, mock_url: str) -> None:
    t = uuid.uuid4().hex[:8]
    requests = [(f"{t}-a", {"messages": [{"role": "user", "content": "one"}]})]
    run = await batch(batch.client.batch, "submit", requests, endpoint=CHAT, model="m")
    job_id = run.job_ids[0]
    resumed = await batch(batch.client.batch, "job", job_id, endpoint=CHAT)
    results = await batch(resumed, "results", **FAST)
    with results:
        got = [r async for r in results]
        assert [r.custom_id for r in got] == [f"{t}-a"]
        assert isinstance(got[0].unwrap(), models.ChatCompletionResponse)
    with pytest.raises(ValueError, match=f"runs {CHAT}, not /v1/embeddings"):
        await batch(batch.client.batch, "job", job_id, endpoint="/v1/embeddings")


async def test_async_for_reads_every_result_in_file_order(tmp_path: Any) -> None:
    from mistral_sdk.batch import BatchResults, ResultFile, endpoint

    path = tmp_path / "out.jsonl"
    body = '{"id":"x","object":"chat.completion","model":"m","created":1,"choices":[]}'
    path.write_text(
        "".join(
            f'{{"custom_id":"r{i}","response":{{"status_code":200,"body":{body}}}}}\n'
            for i in range(2500)  # more than one block of the worker thread
        )
    )
    files = [ResultFile("file-1", path, "output")]
    results: BatchResults[models.ChatCompletionResponse] = BatchResults(
        endpoint(CHAT), [], files, tmp_path, [], owns_directory=False
    )
    in_order = [r.custom_id async for r in results]
    assert in_order == [r.custom_id for r in results] == [f"r{i}" for i in range(2500)]
