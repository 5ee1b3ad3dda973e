"""Hand-written additions to `client.batch`: the batch runner (`run`, `submit`, `job`).

Only the way in: touching `client.batch` imports nothing of `mistral_sdk.batch` (its
JSONL writer, result parser and sqlite3 load when a method is called). The blocking
`BatchHelpers` is generated from `AsyncBatchHelpers` into `mistral_sdk._blocking.batch`
(generator/unasync.py). See docs/batch.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Unpack, cast

if TYPE_CHECKING:
    from ._progress import ProgressCallback
    from .batch import AsyncBatchRun, BatchLimits, BatchResults
    from .batch._run import AsyncRequests
    from .batch._types import SubmitOptions
    from .resources.batch import AsyncBatch

__all__ = ["AsyncBatchHelpers"]

# --- async: its blocking twin is generated into mistral_sdk._blocking (make unasync) ---


class AsyncBatchHelpers:
    """Hand-written additions to `AsyncMistral().batch`: the batch runner."""

    __slots__ = ()

    # `client.batch` (generated: templates/batch_typed.py.j2) overloads `submit`, `run`
    # and `job` for type checkers: per endpoint (typed results) and per form of
    # `requests` (typed request dicts, docs/typing.md).
    async def submit(
        self,
        requests: AsyncRequests | None = None,
        *,
        endpoint: str,
        model: str | None = None,
        agent_id: str | None = None,
        input_files: Iterable[str] | None = None,
        metadata: Mapping[str, str] | None = None,
        timeout_hours: int | None = None,
        limits: BatchLimits | None = None,
        directory: str | os.PathLike[str] | None = None,
        progress: ProgressCallback | None = None,
    ) -> AsyncBatchRun[Any]:
        """Validate the requests, write them as JSONL on disk, upload them (split by
        `limits`) and create the job(s); returns at once with the `AsyncBatchRun`.

        Args:
            requests: `(custom_id, request)` pairs (an iterable: never held in memory;
                the async client also takes an async iterable), a mapping custom_id →
                request, or the path of a JSONL file. A request is the endpoint's
                request model, a dict of its body, or `mistral_sdk.Unknown(body)` (sent
                as is, for an endpoint the SDK does not know).
            endpoint: the API endpoint each request goes to (`"/v1/chat/completions"`).
            model: the model for every request (or `agent_id`).
            agent_id: the agent for every request, instead of `model`.
            input_files: ids of JSONL files already uploaded, instead of `requests`.
            metadata: the job(s)' metadata (str → str).
            timeout_hours: how long the API may take before it stops the job(s).
            limits: where to split the input into files and jobs (`BatchLimits`).
            directory: where the JSONL files (and later the results) go; default a
                temporary directory, removed when no longer used.
            progress: called with upload `Progress` reports.
        """
        from .batch import _async
        from .batch._run import JobSpec

        spec = JobSpec(endpoint, model, agent_id, metadata, timeout_hours)
        return await _async.submit_jobs(
            cast("AsyncBatch", self),
            spec,
            requests,
            input_files,
            limits=limits,
            directory=directory,
            progress=progress,
        )

    async def run(
        self,
        requests: AsyncRequests | None = None,
        *,
        endpoint: str,
        timeout: float | None = None,
        cancel_on_timeout: bool = False,
        poll_interval: float = 1.0,
        max_poll_interval: float = 30.0,
        **options: Unpack[SubmitOptions],
    ) -> BatchResults[Any]:
        """Submit the requests, wait for the job(s) and return the typed results.

        Args:
            requests: as for `submit`: `(custom_id, request)` pairs, a mapping, or a JSONL path.
            endpoint: the API endpoint each request goes to; decides the result types.
            timeout: seconds to wait, then `BatchWaitTimeout` (the jobs keep running).
            cancel_on_timeout: cancel the jobs when `timeout` expires.
            poll_interval: the first wait between polls, in seconds (it backs off).
            max_poll_interval: the longest wait between polls, in seconds.
            options: `submit`'s (`model` or `agent_id`, `input_files`, `metadata`,
                `timeout_hours`, `limits`); `directory` holds the results too, and
                `progress` also gets the job counters and the download.
        """
        run = await AsyncBatchHelpers.submit(self, requests, endpoint=endpoint, **options)
        return await run.results(
            timeout=timeout,
            cancel_on_timeout=cancel_on_timeout,
            progress=options.get("progress"),
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
        )

    async def job(self, *job_ids: str, endpoint: str | None = None) -> AsyncBatchRun[Any]:
        """Resume a batch from its job id(s), in this or any other process.

        Args:
            job_ids: the ids of the job(s) of one batch (several when it was split).
            endpoint: the endpoint the jobs run: checked, and it types the results
                (`AsyncBatchRun[models.ChatCompletionResponse]` for "/v1/chat/completions").
        """
        from .batch import _async
        from .batch._types import check_endpoint

        if not job_ids:
            raise ValueError("job(): give at least one job id")
        batch = cast("AsyncBatch", self)
        jobs = [await batch.jobs.get(cast(Any, j)) for j in job_ids]
        check_endpoint(jobs, endpoint)
        return _async.AsyncBatchRun(batch, jobs)
