"""The batch driver: `AsyncMistral().batch.run/submit/job` and `AsyncBatchRun`.

Every decision is in `_plan.py` / `_run.py`; this module only does the I/O. Its
blocking twin, `mistral_sdk._blocking.batch_run`, is generated from it by
generator/unasync.py.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack, cast

from .._progress import ProgressCallback
from ._plan import LineSplitter, Poller, ResultParser, all_done, is_done, job_progress, jsonl_lines
from ._results import BatchResults
from ._run import (
    AsyncRequests,
    JobSpec,
    RunState,
    afeed,
    discard,
    finish_writer,
    report,
    retry_selection,
    start_writer,
    submit_failed,
)
from ._types import BatchLimits, BatchResult, BatchWaitTimeout, WaitOptions

if TYPE_CHECKING:
    from .. import models
    from .._mistral import AsyncMistral
    from ..resources.batch import AsyncBatch

__all__ = ["AsyncBatchRun", "submit_jobs"]

R = TypeVar("R")


async def submit_jobs(
    batch: AsyncBatch,
    spec: JobSpec,
    requests: AsyncRequests | None,
    input_files: Iterable[str] | None,
    *,
    limits: BatchLimits | None,
    directory: str | os.PathLike[str] | None,
    progress: ProgressCallback | None,
    select: Any = None,
) -> AsyncBatchRun[Any]:
    client: AsyncMistral = batch._client  # type: ignore[assignment]  # the generated client
    if input_files is not None:
        if requests is not None:
            raise ValueError("pass requests or input_files, not both")
        job = await batch.jobs.create(**spec.create_args([str(f) for f in input_files]))
        return AsyncBatchRun(batch, [job])
    if requests is None:
        raise ValueError(
            "no requests: pass requests=... (pairs, a mapping or a JSONL path) or input_files=[...]"
        )
    writer, where, owned = start_writer(spec, limits, directory)
    try:
        if select is None:
            await afeed(writer, requests)
        else:  # resubmission: the chosen lines of earlier input files
            async for raw in cast(AsyncIterator[bytes], requests):
                if select(raw):
                    writer.add_line(raw)
    except BaseException:
        discard(writer, where, owned)
        raise
    groups = finish_writer(writer, where, owned)
    jobs: list[models.BatchJob] = []
    try:
        for group in groups:
            ids = []
            for path in group.paths:
                uploaded = await client.files.upload(file=path, purpose="batch", progress=progress)
                ids.append(str(uploaded.id))
            jobs.append(await batch.jobs.create(**spec.create_args(ids)))
    except Exception as exc:
        failure = submit_failed(jobs, where, owned, exc)
        if failure is None:
            raise
        raise failure from exc
    paths = [p for g in groups for p in g.paths]
    return AsyncBatchRun(batch, jobs, inputs=paths, directory=where, owns_directory=owned)


class AsyncBatchRun(RunState[R], Generic[R]):
    """A submitted batch: one job, or several when the input was split across jobs.

    Wait for it, read its results (typed by endpoint), cancel it, or resubmit only
    the failed requests. Resume it elsewhere with `client.batch.job(*run.job_ids)`.
    """

    def __init__(self, batch: AsyncBatch, jobs: list[models.BatchJob], **kwargs: Any) -> None:
        super().__init__(jobs, **kwargs)
        self._batch = batch

    @property
    def _client(self) -> AsyncMistral:
        return self._batch._client  # type: ignore[return-value]

    async def refresh(self) -> list[models.BatchJob]:
        """The jobs as they are now."""
        self.jobs = [await self._batch.jobs.get(cast(Any, job_id)) for job_id in self.job_ids]
        return self.jobs

    async def cancel(self) -> list[models.BatchJob]:
        """Ask the API to cancel every job that is not over; the jobs as they are then."""
        self.jobs = [
            j if is_done(j) else await self._batch.jobs.cancel(cast(Any, j.id)) for j in self.jobs
        ]
        return self.jobs

    async def wait(
        self,
        *,
        timeout: float | None = None,
        cancel_on_timeout: bool = False,
        progress: ProgressCallback | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 30.0,
    ) -> list[models.BatchJob]:
        """Poll (with backoff) until every job is over; the final jobs.

        `timeout` (seconds) raises `BatchWaitTimeout`; the jobs keep running unless
        `cancel_on_timeout=True`. `progress` gets a "job" `Progress` after each poll.
        """
        poller = Poller(timeout, poll_interval, maximum=max_poll_interval)
        while True:
            jobs = await self.refresh()
            report(progress, job_progress(jobs))
            if all_done(jobs):
                return jobs
            delay = poller.next_delay(jobs)
            if delay is None:
                if cancel_on_timeout:
                    await self.cancel()
                raise BatchWaitTimeout(self.job_ids, timeout or 0.0, self.jobs, cancel_on_timeout)
            await self._client._sleep(delay)

    async def results(
        self,
        *,
        directory: str | os.PathLike[str] | None = None,
        input_order: bool = True,
        **wait_options: Unpack[WaitOptions],
    ) -> BatchResults[R]:
        """Wait, then download the output and error files (streamed to `directory`,
        a temporary one by default) and return them as `BatchResults`.

        The input files give `results.in_input_order()` and the input line of each
        error. A batch submitted by this object has them on disk; for any other (a
        resumed batch, `input_files=`) they are downloaded too, as many bytes again as
        the input: `input_order=False` skips that (then `in_input_order()` needs
        `custom_ids=`, and errors name only their line in the error file).
        `wait_options` are `wait`'s; `progress` also gets the downloads.
        """
        await self.wait(**wait_options)
        progress = wait_options.get("progress")
        where, owned = self._result_directory(directory)
        files = self._result_files(where)
        for f in files:
            content = await self._client.files.download(cast(Any, f.file_id), progress=progress)
            await content.write_to_file(f.path)
        inputs = self._local_inputs()
        if not inputs and input_order:
            inputs = []
            for number, fid in enumerate(self._input_files(), 1):
                path = where / f"input-{number:05d}-{fid}.jsonl"
                content = await self._client.files.download(cast(Any, fid), progress=progress)
                await content.write_to_file(path)
                inputs.append(path)
        return self._results(files, where, owned, inputs)

    async def stream_results(
        self, **wait_options: Unpack[WaitOptions]
    ) -> AsyncIterator[BatchResult[R]]:
        """Wait (with `wait`'s `wait_options`), then yield each result as its line
        arrives (nothing kept on disk), in the order of the output and error files. An
        error names its input line when the input files are here (a batch submitted by
        this object)."""
        await self.wait(**wait_options)
        progress = wait_options.get("progress")
        index = self._input_index()
        parser: ResultParser[R] = ResultParser(self.endpoint, index.line if index else None)
        try:
            for f in self._result_files(Path()):
                lines = self._download_lines(f.file_id, progress)
                async for result in parser.aparse_lines(lines, f.file_id):
                    yield result
        finally:
            if index is not None:
                index.close()

    async def _download_lines(
        self, fid: str, progress: ProgressCallback | None
    ) -> AsyncIterator[bytes]:
        splitter = LineSplitter()
        async with await self._client.files.download(cast(Any, fid), progress=progress) as content:
            async for chunk in content.iter_bytes():
                for raw in splitter.feed(chunk):
                    yield raw
        for raw in splitter.close():
            yield raw

    async def _input_lines(self) -> AsyncIterator[bytes]:
        if self._local_inputs():
            for path in self.inputs:
                for raw in jsonl_lines(path):
                    yield raw
            return
        for fid in self._input_files():
            async for raw in self._download_lines(fid, None):
                if raw.strip():
                    yield raw

    async def retry_failed(
        self,
        results: BatchResults[R] | Iterable[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
        limits: BatchLimits | None = None,
        directory: str | os.PathLike[str] | None = None,
        metadata: Mapping[str, str] | None = None,
        timeout_hours: int | None = None,
    ) -> AsyncBatchRun[R]:
        """Submit again only the requests that have no response: those failed or
        missing in `results` (downloaded first when not given), or the custom ids
        listed. Same endpoint, model and metadata; a new batch run."""
        if results is None:
            results = await self.results(progress=progress)
        spec = JobSpec.of(self.jobs[0])
        if metadata is not None or timeout_hours is not None:
            spec = JobSpec(
                spec.endpoint, spec.model, spec.agent_id, metadata or spec.metadata, timeout_hours
            )
        run = await submit_jobs(
            self._batch,
            spec,
            cast(Any, self._input_lines()),
            None,
            limits=limits,
            directory=directory,
            progress=progress,
            select=retry_selection(results),
        )
        return cast("AsyncBatchRun[R]", run)

    def __repr__(self) -> str:
        return f"<AsyncBatchRun {self.endpoint.path} jobs={self.job_ids} status={self.status}>"
