"""What the sync and async batch drivers share: arguments, directories, the run's state."""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import AsyncIterable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union

import msgspec

from .._errors import MistralError
from .._progress import Progress, ProgressCallback
from ._inputs import InputIndex
from ._plan import InputGroup, InputWriter, custom_id_of, jsonl_lines
from ._request_errors import BatchInputError
from ._results import BatchResults, ResultFile
from ._types import BatchLimits, BatchResult, BatchSubmitError, endpoint

if TYPE_CHECKING:
    from .. import models


R = TypeVar("R")

# What `run`/`submit` take as requests: (custom_id, request) pairs, a mapping
# custom_id → request, or the path of a JSONL file of `{"custom_id", "body"}` lines.
# A request is typed `BatchRequest` (mistral_sdk._batch_endpoints) in their overloads.
Requests = Union[Iterable[tuple[str, Any]], Mapping[str, Any], str, "os.PathLike[str]"]
# The async client also takes an async iterable of pairs.
AsyncRequests = Union[Requests, AsyncIterable[tuple[str, Any]]]  # noqa: UP007 - Requests is a string-annotated alias


def report(progress: ProgressCallback | None, value: Progress) -> None:
    if progress is not None:
        progress(value)


def make_directory(directory: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The working directory, and whether the SDK made it (then it removes it)."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="mistral-batch-")), True
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return path, False


def is_path(requests: object) -> bool:
    return isinstance(requests, (str, os.PathLike))


def feed(writer: InputWriter, requests: Requests) -> None:
    """Every request of a (sync) source into `writer`."""
    if is_path(requests):
        for raw in jsonl_lines(requests):  # type: ignore[arg-type]  # str or PathLike
            writer.add_line(raw)
        return
    pairs = requests.items() if isinstance(requests, Mapping) else requests
    for pair in pairs:  # type: ignore[union-attr]  # a path was handled above
        custom_id, request = pair_of(pair, writer.lines + 1)
        writer.add(custom_id, request)


async def afeed(writer: InputWriter, requests: AsyncRequests) -> None:
    """`feed`, for the async client: also reads an async iterable of pairs."""
    if not isinstance(requests, AsyncIterable):
        feed(writer, requests)
        return
    async for pair in requests:
        writer.add(*pair_of(pair, writer.lines + 1))


def pair_of(pair: Any, line: int) -> tuple[Any, Any]:
    """`pair` as (custom_id, request); else the error naming the input line."""
    if isinstance(pair, tuple) and len(pair) == 2:
        return pair
    raise BatchInputError(
        f"line {line}: expected a (custom_id, request) pair, got {type(pair).__name__}", line=line
    )


@dataclass(frozen=True)
class JobSpec:
    """The job-level arguments of `submit`, reused by `retry_failed`."""

    endpoint: str
    model: str | None = None
    agent_id: str | None = None
    metadata: Mapping[str, str] | None = None
    timeout_hours: int | None = None

    def create_args(self, file_ids: list[str]) -> dict[str, Any]:
        args: dict[str, Any] = {"endpoint": self.endpoint, "input_files": file_ids}
        for name in ("model", "agent_id", "metadata", "timeout_hours"):
            value = getattr(self, name)
            if value is not None:
                args[name] = dict(value) if name == "metadata" else value
        return args

    @classmethod
    def of(cls, job: models.BatchJob) -> JobSpec:
        def given(value: Any) -> Any:
            return None if value is msgspec.UNSET else value

        metadata = given(job.metadata)
        return cls(
            endpoint=job.endpoint,
            model=given(job.model),
            agent_id=given(job.agent_id),
            metadata={str(k): str(v) for k, v in metadata.items()} if metadata else None,
        )


def start_writer(
    spec: JobSpec, limits: BatchLimits | None, directory: str | os.PathLike[str] | None
) -> tuple[InputWriter, Path, bool]:
    where, owned = make_directory(directory)
    info = endpoint(spec.endpoint)
    return InputWriter(info, where, limits or BatchLimits(), model=spec.model), where, owned


def finish_writer(writer: InputWriter, where: Path, owned: bool) -> list[InputGroup]:
    try:
        return writer.finish()
    except BaseException:
        discard(writer, where, owned)
        raise


def discard(writer: InputWriter, where: Path, owned: bool) -> None:
    writer.close()
    if owned:
        shutil.rmtree(where, ignore_errors=True)


def submit_failed(
    jobs: list[models.BatchJob], where: Path, owned: bool, exc: BaseException
) -> BatchSubmitError | None:
    """After an upload or a job creation failed: the local files go; the error to raise
    instead of `exc` when some jobs exist already (None: re-raise `exc`)."""
    if owned:
        shutil.rmtree(where, ignore_errors=True)
    return BatchSubmitError([j.id for j in jobs], exc) if jobs else None


def file_id(value: Any) -> str | None:
    return None if value in (None, msgspec.UNSET) else str(value)


class RunState(Generic[R]):
    """A batch in flight: its jobs (one per input group), endpoint and local files.

    The local directory holds the input files (for the input order and for
    resubmitting failures) and, later, the downloaded results; when the SDK made
    it, it goes away with the last object using it.
    """

    def __init__(
        self,
        jobs: list[models.BatchJob],
        *,
        inputs: list[Path] | None = None,
        directory: Path | None = None,
        owns_directory: bool = False,
    ) -> None:
        if not jobs:
            raise MistralError("a batch run needs at least one job")
        endpoints = {j.endpoint for j in jobs}
        if len(endpoints) > 1:
            raise MistralError(f"the jobs run different endpoints: {sorted(endpoints)}")
        self.jobs = jobs
        self.endpoint = endpoint(jobs[0].endpoint)
        self.inputs = inputs or []
        self.directory = directory
        self._owns = owns_directory
        self._cleanup = (
            weakref.finalize(self, shutil.rmtree, directory, True)
            if directory is not None and owns_directory
            else None
        )

    @property
    def job_ids(self) -> list[str]:
        """The ids to resume this batch with: `client.batch.job(*run.job_ids)`."""
        return [j.id for j in self.jobs]

    @property
    def status(self) -> str:
        """The jobs' statuses ("SUCCESS", or "RUNNING/SUCCESS" while they differ)."""
        return "/".join(sorted({str(j.status) for j in self.jobs}))

    def _result_directory(self, directory: str | os.PathLike[str] | None) -> tuple[Path, bool]:
        """Where results go: the given directory, else the run's own (handed over to
        the results, which then remove it), else a new temporary one."""
        if directory is not None:
            return make_directory(directory)
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)  # earlier results may have gone
            owned = self._owns
            if self._cleanup is not None:
                self._cleanup.detach()  # the results own it from now on
                self._cleanup = None
                self._owns = False
            return self.directory, owned
        return make_directory(None)

    def _result_files(self, where: Path) -> list[ResultFile]:
        files = []
        for job in self.jobs:
            for kind, fid in (
                ("output", file_id(job.output_file)),
                ("error", file_id(job.error_file)),
            ):
                if fid is not None:
                    files.append(ResultFile(fid, where / f"{kind}-{fid}.jsonl", kind))
        return files

    def _local_inputs(self) -> list[Path]:
        """The input files on disk, when they all still are (else [])."""
        return self.inputs if all(p.exists() for p in self.inputs) else []

    def _input_index(self) -> InputIndex | None:
        """Where each custom id is in the local input files (None when not here)."""
        inputs = self._local_inputs()
        if not inputs or self.directory is None:
            return None
        return InputIndex(inputs, self.directory / "inputs.sqlite3")

    def _input_files(self) -> list[str]:
        return [str(f) for j in self.jobs for f in j.input_files]

    def _results(
        self, files: list[ResultFile], where: Path, owned: bool, inputs: list[Path]
    ) -> BatchResults[R]:
        return BatchResults(self.endpoint, self.jobs, files, where, inputs, owns_directory=owned)


def retry_selection(
    results: BatchResults[Any] | Iterable[str],
) -> Any:
    """A predicate on input lines: should this request be sent again?"""
    if isinstance(results, BatchResults):

        def failed(raw: bytes) -> bool:
            custom_id = custom_id_of(raw)
            if custom_id is None:
                return False
            result: BatchResult[Any] | None = results.get(custom_id)
            return result is None or result.error is not None

        return failed
    wanted = set(results)

    def listed(raw: bytes) -> bool:
        return custom_id_of(raw) in wanted

    return listed
