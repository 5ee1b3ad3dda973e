#!/usr/bin/env python3
"""Run typed chat requests through the Batch API: one call from requests to typed results,
with progress; then resume the job from its id and resubmit only the failed requests.
A misspelled key in a request is refused before anything is uploaded.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

.venv/bin/python examples/batch_jsonl.py
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from _connect import connect, using_mock

from mistral_sdk import Progress, models
from mistral_sdk.batch import BatchInputError, BatchResults

MODEL = "mistral-small-latest"
QUESTIONS = ["What is 2 + 2?", "Name a French cheese.", "Translate 'cat' to Italian."]
# against the mock, one request fails the first time (docs/mock.md, "Batch jobs": MOCK_FLAKY)
FLAKY = " MOCK_FLAKY" if using_mock() else ""


def requests() -> Iterator[tuple[str, models.ChatCompletionRequest]]:
    """(custom_id, request) pairs, produced lazily: never all in memory at once."""
    for index, question in enumerate(QUESTIONS):
        text = question + (FLAKY if index == 1 else "")
        yield (
            f"q{index}",
            models.ChatCompletionRequest(
                model=MODEL, messages=[models.UserMessage(content=text)], max_tokens=64
            ),
        )


def show(progress: Progress) -> None:
    if progress.stage == "job":
        print(
            f"   job {progress.status}: {progress.completed}/{progress.total}"
            f" ({progress.succeeded} ok, {progress.failed} failed)"
        )


def answers(results: BatchResults[models.ChatCompletionResponse]) -> None:
    for result in results.in_input_order():
        if result.ok:
            reply = result.unwrap().choices[0].message
            print(f"   {result.custom_id}: {reply.content if reply else ''}")
        else:
            print(f"   {result.custom_id}: failed ({result.error})")


def main() -> int:
    with connect() as client:
        print("== a typo in a request dict is caught before the upload")
        # read from elsewhere (JSON, a config): in a literal, type checkers see the typo too
        typo: Any = {"messages": [{"role": "user", "content": "hi"}], "temprature": 0.2}
        try:
            client.batch.submit([("typo", typo)], endpoint="/v1/chat/completions", model=MODEL)
        except BatchInputError as exc:
            print(f"   refused: {exc}")

        print(f"== batch: {len(QUESTIONS)} typed chat requests")
        run = client.batch.submit(requests(), endpoint="/v1/chat/completions", model=MODEL)
        print(f"   submitted: jobs {run.job_ids}")

        # Any process can pick the job up again from its id; the endpoint types the results
        # (BatchResults[models.ChatCompletionResponse], for type checkers too).
        resumed = client.batch.job(*run.job_ids, endpoint="/v1/chat/completions")
        results = resumed.results(progress=show, poll_interval=0.2, input_order=True)
        answers(results)

        failed = results.failed_ids()
        if failed:
            print(f"== resubmitting only the failed requests: {sorted(failed)}")
            retried = resumed.retry_failed(results).results(progress=show, poll_interval=0.2)
            answers(retried)
            return 0 if all(r.ok for r in retried) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
