"""The values the batch runner hands out: endpoints, results, per-request errors, limits."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

import msgspec

from .._errors import CancelledFlag, MistralError
from .._progress import ProgressCallback
from ._request_errors import BatchItemError

if TYPE_CHECKING:
    from .. import models

__all__ = [
    "BatchLimits",
    "BatchResult",
    "BatchSubmitError",
    "BatchWaitTimeout",
    "Endpoint",
    "RunOptions",
    "SubmitOptions",
    "WaitOptions",
    "check_endpoint",
    "endpoint",
]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A batch endpoint and the models of its request body and response.

    Built from the spec (`mistral_sdk._batch_endpoints`, generated from the
    `ApiEndpoint` enum and the operations at those paths). `request`/`response` are
    None for an endpoint the SDK does not know: its requests go as given (dicts) and
    its results stay plain JSON values.
    """

    path: str
    operation_id: str | None
    request: type[msgspec.Struct] | None
    response: type[Any] | None
    # body fields the job supplies (`model=` of the job): not required in each request
    job_fields: frozenset[str] = frozenset()


def endpoint(path: str) -> Endpoint:
    """The `Endpoint` for `path` (`"/v1/chat/completions"`, ...); untyped when unknown."""
    from .. import models
    from .._batch_endpoints import BATCH_ENDPOINTS, JOB_FIELDS

    row = BATCH_ENDPOINTS.get(path)
    if row is None:
        return Endpoint(path, None, None, None)
    operation_id, request_name, response_name = row
    request = getattr(models, request_name) if request_name else None
    response = getattr(models, response_name) if response_name else None
    job_fields = frozenset(
        f.encode_name
        for f in (msgspec.structs.fields(request) if request is not None else ())
        if f.encode_name in JOB_FIELDS
    )
    return Endpoint(path, operation_id or None, request, response, job_fields)


def check_endpoint(jobs: list[models.BatchJob], expected: str | None) -> None:
    """`client.batch.job(..., endpoint=...)`: the results are typed by `expected`, so
    every job must run it (None: whatever they run)."""
    for job in jobs:
        if expected is not None and job.endpoint != expected:
            raise ValueError(
                f"batch job {job.id} runs {job.endpoint}, not {expected}: its results"
                f" would not be {expected}'s"
            )


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """Where the input is split. The API takes files of at most 512 MB (`files.upload`);
    a job takes several input files. Lower the limits to split sooner, or set
    `max_requests_per_job` to spread a very large input over several jobs."""

    max_file_bytes: int = 500 * 1000 * 1000
    max_requests_per_file: int | None = None
    max_requests_per_job: int | None = None

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_requests_per_file", "max_requests_per_job"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"BatchLimits.{name} must be a positive integer, got {value!r}")


@dataclass(slots=True)
class BatchResult(Generic[R]):
    """The outcome of one request: `response` (the endpoint's response type) or `error`."""

    custom_id: str | None
    response: R | None = None
    error: BatchItemError | None = None
    status_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> R:
        """The response; raises the `BatchItemError` when the request failed."""
        if self.error is not None:
            raise self.error
        return self.response  # type: ignore[return-value]  # set whenever error is None


class BatchWaitTimeout(CancelledFlag, MistralError, TimeoutError):
    """Waiting for a batch ran out of time. The jobs go on unless the wait was asked to
    cancel them (`cancelled`; the spelling `canceled` is deprecated); `job_ids` resume
    them later (`client.batch.job(...)`)."""

    def __init__(
        self,
        job_ids: list[str],
        timeout: float,
        jobs: list[models.BatchJob],
        cancelled: bool = False,
        *,
        canceled: bool | None = None,
    ) -> None:
        self.job_ids = job_ids
        self.jobs = jobs
        done = sum(j.completed_requests for j in jobs)
        total = sum(j.total_requests for j in jobs)
        what = f"batch {', '.join(job_ids)} not finished"
        count = f" ({done}/{total} requests done)"
        left = "the jobs keep running"
        super().__init__(
            self._ran_out(what, timeout, count, left, cancelled=cancelled, canceled=canceled)
        )


class BatchSubmitError(MistralError):
    """Submitting a batch split over several jobs failed after some jobs were created.

    Those jobs run: `job_ids` resume them (`client.batch.job(*exc.job_ids)`) or cancel
    them; `__cause__` is the error that stopped the submission.
    """

    def __init__(self, job_ids: list[str], cause: BaseException) -> None:
        self.job_ids = job_ids
        super().__init__(
            f"submitting the batch failed after creating job(s) {', '.join(job_ids)}"
            f" (they keep running): {cause}"
        )


class SubmitOptions(TypedDict, total=False):
    """The keyword arguments of `client.batch.submit` besides `requests` and `endpoint`:
    its overloads (one per endpoint and form of `requests`) take them as
    `**options: Unpack[SubmitOptions]`."""

    model: str | None
    agent_id: str | None
    input_files: Iterable[str] | None
    metadata: Mapping[str, str] | None
    timeout_hours: int | None
    limits: BatchLimits | None
    directory: str | os.PathLike[str] | None
    progress: ProgressCallback | None


class WaitOptions(TypedDict, total=False):
    """The keyword arguments of `BatchRun.wait`, which `results` and `stream_results`
    take too (they wait first) as `**wait_options: Unpack[WaitOptions]`."""

    timeout: float | None
    cancel_on_timeout: bool
    progress: ProgressCallback | None
    poll_interval: float
    max_poll_interval: float


class RunOptions(SubmitOptions, WaitOptions, total=False):
    """The keyword arguments of `client.batch.run` besides `endpoint`: `submit`'s and
    the wait's."""
