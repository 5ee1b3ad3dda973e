"""The batch runner's decisions, without I/O on the network (sans-I/O).

- `InputWriter`: requests → validated JSONL lines in files on disk, split by
  `BatchLimits`, duplicate custom ids found with 8 bytes per request.
- `ResultParser`: one output or error line → a `BatchResult` (never raises).
- `Poller`: when to look at the jobs again (backoff), when to give up (timeout),
  and what the jobs' counters say (`job_progress`, `all_done`).

The drivers (`_async.py` and its generated twin `_blocking/batch_run.py`) only move bytes.
"""

from __future__ import annotations

import os
import re
import time
from array import array
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec

from .._check import WithExtra, strict_type
from .._codec import (
    UNKNOWN_VALUE_ADVICE,
    Unknown,
    _dec_hook_closed,
    _enc_hook,
    _get_decoder,
    convert_body,
    decode,
)
from .._errors import RequestValidationError
from .._progress import Progress
from ._request_errors import BatchInputError, BatchItemError
from ._types import BatchLimits, BatchResult, Endpoint

if TYPE_CHECKING:
    from .. import models

__all__ = ["InputGroup", "InputWriter", "Poller", "ResultParser", "all_done", "job_progress"]

R = TypeVar("R")

_FLUSH = 1 << 20  # bytes buffered before a write to disk

# A job is over in these; the others (and values the SDK does not know yet, unless
# the job says it completed) mean it still runs.
TERMINAL_STATUSES = frozenset({"SUCCESS", "FAILED", "TIMEOUT_EXCEEDED", "CANCELLED"})


class _InputLine(msgspec.Struct):
    custom_id: str
    body: Any


class _IdOnly(msgspec.Struct):
    custom_id: Any = None


class _Response(msgspec.Struct, Generic[R]):
    status_code: int | None = None
    body: R | None = None


class _OutputLine(msgspec.Struct, Generic[R]):
    custom_id: str | None = None
    response: _Response[R] | None = None
    error: Any = None


_line_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)
_id_decoder = msgspec.json.Decoder(_IdOnly)
_raw_line_decoder = msgspec.json.Decoder(_InputLine)


# the custom id at the start of a line that is not JSON (cut short, say)
_CUSTOM_ID = re.compile(rb'"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"')


def custom_id_of(line: bytes) -> str | None:
    """The `custom_id` of a JSONL line (input or output), or None; found in a line
    that is not valid JSON, too, when it is there as a plain string."""
    try:
        value = _id_decoder.decode(line).custom_id
    except msgspec.ValidationError:
        return None
    except msgspec.DecodeError:
        match = _CUSTOM_ID.search(line)
        if match is None:
            return None
        try:
            value = msgspec.json.decode(b'"' + match.group(1) + b'"')
        except msgspec.DecodeError:
            return None
    return value if isinstance(value, str) else None


# --- input -----------------------------------------------------------------------

# A value the spec does not know (the API may take it): what the writer of the input
# can do. A batch body has no extra_body; a line of a file holds JSON, not Python.
_PAIR_ADVICE = (
    "if the API accepts this value and the spec does not describe it yet, send it as is"
    " with mistral_sdk.Unknown(value) in its place"
)
_FILE_ADVICE = (
    "if the API accepts this value and the spec does not describe it yet, upload the"
    " file as it is and create the job from its id (input_files=[file id], or `mistral"
    " api batch.jobs.create --input-files`): such a file is sent unchecked"
)


@dataclass
class InputGroup:
    """The input files of one job."""

    paths: list[Path] = field(default_factory=list)
    requests: int = 0


class InputWriter:
    """Requests in, JSONL files out (`directory/input-00001.jsonl`, ...).

    `add` validates each request against the endpoint's request type (a generated
    model goes as is; a dict is converted, to name the field at fault) and raises
    `BatchInputError` with the custom id and the line. `finish` checks that no
    custom id repeats, closes the files and returns them grouped by job.
    """

    def __init__(
        self, endpoint: Endpoint, directory: Path, limits: BatchLimits, *, model: str | None = None
    ) -> None:
        self.endpoint = endpoint
        self.directory = directory
        self.limits = limits
        # fields the job sets (its model) need not be in each line, yet the request
        # type requires them: they are filled in for validation only
        self._fill = (
            {"model": model} if model is not None and "model" in endpoint.job_fields else {}
        )
        self.groups: list[InputGroup] = []
        self.lines = 0
        self._file: Any = None
        self._file_bytes = 0
        self._file_lines = 0
        self._buffer = bytearray()
        # 64-bit hashes of the custom ids, in 256 buckets: 8 bytes per request
        self._hashes = [array("q") for _ in range(256)]

    # -- adding

    def add(self, custom_id: object, request: object) -> None:
        """Validate and append one request."""
        line = self.lines + 1
        if not isinstance(custom_id, str) or not custom_id:
            raise BatchInputError(
                f"line {line}: custom_id must be a non-empty string, got {custom_id!r}",
                custom_id=None,
                line=line,
            )
        body = self._body(custom_id, request, line)
        buffer = self._buffer
        start = len(buffer)
        _line_encoder.encode_into(_InputLine(custom_id, body), buffer, start)
        buffer.append(10)  # "\n"
        self._commit(custom_id, len(buffer) - start, start)

    def add_line(self, raw: bytes) -> None:
        """Validate and append one line of an existing JSONL file (`{"custom_id", "body"}`)."""
        line = self.lines + 1
        raw = raw.strip()
        if not raw:
            return
        try:
            parsed = _raw_line_decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise BatchInputError(
                f"line {line}: not a batch request line ({exc})",
                custom_id=custom_id_of(raw),
                line=line,
            ) from None
        if not parsed.custom_id:
            raise BatchInputError(f"line {line}: custom_id is empty", line=line)
        self._body(parsed.custom_id, parsed.body, line, _FILE_ADVICE)
        start = len(self._buffer)
        self._buffer += raw
        self._buffer.append(10)
        self._commit(parsed.custom_id, len(raw) + 1, start)

    def _body(
        self, custom_id: str, request: object, line: int, advice: str = _PAIR_ADVICE
    ) -> object:
        rtype = self.endpoint.request
        if rtype is not None and isinstance(request, rtype):
            return request
        if isinstance(request, Unknown):
            return request  # a body the SDK does not know, sent as is (its `.raw`)
        if isinstance(request, msgspec.Struct):
            if rtype is None:
                return request
            raise BatchInputError(
                f"request {custom_id!r} (line {line}): expected {rtype.__name__} or a dict"
                f" for {self.endpoint.path}, got {type(request).__name__}",
                custom_id=custom_id,
                line=line,
            )
        if not isinstance(request, Mapping):
            raise BatchInputError(
                f"request {custom_id!r} (line {line}): expected a dict or a request model,"
                f" got {type(request).__name__}",
                custom_id=custom_id,
                line=line,
            )
        if rtype is not None:
            probe = {**self._fill, **request} if self._fill else request
            if isinstance(request, WithExtra) and probe is not request:
                probe = WithExtra(probe, request.extra)
            try:  # the fast path, in C: unknown keys and missing fields are errors too
                msgspec.convert(probe, strict_type(rtype), dec_hook=_dec_hook_closed, str_keys=True)
            except msgspec.ValidationError:  # convert_body says what is wrong, if anything
                self._check(rtype, probe, custom_id, line, advice)
        return request

    @staticmethod
    def _check(rtype: Any, probe: Any, custom_id: str, line: int, advice: str) -> None:
        """The slow path of a body that failed the fast one: accepted (an unknown union
        variant), or the error naming the custom id, the line and the field."""
        try:
            convert_body(rtype, probe)
        except RequestValidationError as exc:
            detail = str(exc).removeprefix("invalid request: ")
            detail = detail.replace(UNKNOWN_VALUE_ADVICE, advice)
            raise BatchInputError(
                f"request {custom_id!r} (line {line}): {detail}",
                custom_id=custom_id,
                line=line,
                field=exc.field,
            ) from None

    def _commit(self, custom_id: str, size: int, start: int) -> None:
        limits = self.limits
        if size > limits.max_file_bytes:
            del self._buffer[start:]
            raise BatchInputError(
                f"request {custom_id!r} (line {self.lines + 1}): {size} bytes, more than a"
                f" batch file may hold ({limits.max_file_bytes})",
                custom_id=custom_id,
                line=self.lines + 1,
            )
        group = self.groups[-1] if self.groups else None
        new_job = group is None or (
            limits.max_requests_per_job is not None
            and group.requests >= limits.max_requests_per_job
        )
        new_file = (
            new_job
            or self._file_bytes + size > limits.max_file_bytes
            or (
                limits.max_requests_per_file is not None
                and self._file_lines >= limits.max_requests_per_file
            )
        )
        if new_file:
            line = bytes(self._buffer[start:])
            del self._buffer[start:]
            self._close_file()
            if new_job:
                self.groups.append(InputGroup())
            self._open_file()
            self._buffer += line
        self.groups[-1].requests += 1
        self._file_bytes += size
        self._file_lines += 1
        self.lines += 1
        h = hash(custom_id)
        self._hashes[h & 255].append(h)
        if len(self._buffer) >= _FLUSH:
            self._flush()

    # -- files

    def _open_file(self) -> None:
        index = sum(len(g.paths) for g in self.groups) + 1
        path = self.directory / f"input-{index:05d}.jsonl"
        self._file = open(path, "wb")  # noqa: SIM115 - closed by _close_file / finish
        self.groups[-1].paths.append(path)
        self._file_bytes = 0
        self._file_lines = 0

    def _flush(self) -> None:
        if self._file is not None and self._buffer:
            self._file.write(self._buffer)
            self._buffer.clear()

    def _close_file(self) -> None:
        if self._file is not None:
            self._flush()
            self._file.close()
            self._file = None

    def close(self) -> None:
        """Close the current file (after an error, too)."""
        self._close_file()

    def finish(self) -> list[InputGroup]:
        """Close the files and check the custom ids are unique; the files by job."""
        self._close_file()
        if not self.lines:
            raise BatchInputError("no requests: the batch input is empty")
        self._check_unique()
        return self.groups

    def _check_unique(self) -> None:
        suspects: set[int] = set()
        for bucket in self._hashes:
            ordered = sorted(bucket)
            suspects.update(a for a, b in pairwise(ordered) if a == b)
        self._hashes = []
        if not suspects:
            return
        # equal hashes: find the lines (rare, so a second read of the files is fine)
        first_line: dict[str, int] = {}
        for number, raw in enumerate(_lines(p for g in self.groups for p in g.paths), 1):
            custom_id = custom_id_of(raw)
            if custom_id is None or hash(custom_id) not in suspects:
                continue
            if custom_id in first_line:
                raise BatchInputError(
                    f"duplicate custom_id {custom_id!r}: lines {first_line[custom_id]} and {number}",
                    custom_id=custom_id,
                    line=number,
                )
            first_line[custom_id] = number


def _lines(paths: Any) -> Iterator[bytes]:
    for path in paths:
        with open(path, "rb") as f:
            for raw in f:
                if raw.strip():
                    yield raw


def jsonl_lines(path: str | os.PathLike[str]) -> Iterator[bytes]:
    """The non-blank lines of a JSONL file, read one at a time."""
    yield from _lines([path])


# --- output ------------------------------------------------------------------------


class ResultParser(Generic[R]):
    """Output and error lines → `BatchResult`s. A line that does not decode becomes a
    result with a `BatchItemError`; parsing never raises and never stops."""

    def __init__(
        self, endpoint: Endpoint, input_line: Callable[[str], int | None] | None = None
    ) -> None:
        self.response_type: Any = endpoint.response if endpoint.response is not None else Any
        line_type: Any = _OutputLine
        self._decoder = _get_decoder(line_type[self.response_type])
        self._input_line = input_line  # where a custom id is in the input, when known

    def parse(self, raw: bytes, file_id: str | None, line: int) -> BatchResult[R] | None:
        """The result on `raw` (line number `line` of file `file_id`); None when blank."""
        try:
            parsed = self._decoder.decode(raw)
        except (msgspec.ValidationError, msgspec.DecodeError):
            if not raw.strip():
                return None
            return self._slow(raw, file_id, line)
        response = parsed.response
        if (
            parsed.error is None
            and response is not None
            and response.body is not None
            and (response.status_code is None or response.status_code < 400)
        ):
            return BatchResult(parsed.custom_id, response.body, None, response.status_code)
        return self._slow(raw, file_id, line)

    def _slow(self, raw: bytes, file_id: str | None, line: int) -> BatchResult[R]:
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        try:
            value = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            custom_id = custom_id_of(raw)
            return self._error(
                "malformed", f"not JSON ({exc})", custom_id, file_id, line, None, None, text
            )
        if not isinstance(value, dict):
            return self._error(
                "shape", "not a result object", None, file_id, line, None, None, text
            )
        custom_id = value.get("custom_id")
        custom_id = custom_id if isinstance(custom_id, str) else None
        response = value.get("response")
        error = value.get("error")
        status = response.get("status_code") if isinstance(response, dict) else None
        status = status if isinstance(status, int) else None
        body = response.get("body") if isinstance(response, dict) else None
        if error is not None or (status is not None and status >= 400):
            message = _error_message(error if error is not None else body)
            shown = f"status {status}: {message}" if status is not None else message
            return self._error(
                "request",
                shown,
                custom_id,
                file_id,
                line,
                status,
                body if error is None else error,
                text,
            )
        if not isinstance(response, dict) or "body" not in response:
            return self._error(
                "shape",
                "no response and no error on the line",
                custom_id,
                file_id,
                line,
                status,
                None,
                text,
            )
        if self.response_type is Any:
            return BatchResult(custom_id, body, None, status)
        try:
            typed = decode(msgspec.json.encode(body), self.response_type)  # lenient path
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            name = getattr(self.response_type, "__name__", str(self.response_type))
            return self._error(
                "decode",
                f"response is not a {name}: {exc}",
                custom_id,
                file_id,
                line,
                status,
                body,
                text,
            )
        return BatchResult(custom_id, typed, None, status)

    def _error(
        self,
        kind: Any,
        message: str,
        custom_id: str | None,
        file_id: str | None,
        line: int,
        status: int | None,
        body: Any,
        raw: str,
    ) -> BatchResult[R]:
        error = BatchItemError(
            kind,
            message,
            custom_id=custom_id,
            file_id=file_id,
            line=line,
            status_code=status,
            body=body,
            raw=raw,
            input_line=(
                self._input_line(custom_id) if self._input_line and custom_id is not None else None
            ),
        )
        return BatchResult(custom_id, None, error, status)

    def parse_lines(self, lines: Iterator[bytes], file_id: str | None) -> Iterator[BatchResult[R]]:
        """Every result of a file, given its lines in order (blank ones included)."""
        for number, raw in enumerate(lines, 1):
            result = self.parse(raw, file_id, number)
            if result is not None:
                yield result

    async def aparse_lines(
        self, lines: AsyncIterator[bytes], file_id: str | None
    ) -> AsyncIterator[BatchResult[R]]:
        """`parse_lines`, for lines that arrive asynchronously."""
        number = 0
        async for raw in lines:
            number += 1
            result = self.parse(raw, file_id, number)
            if result is not None:
                yield result


def _error_message(error: Any) -> str:
    if isinstance(error, dict):
        for key in ("message", "detail", "error"):
            if key in error:
                inner = error[key]
                return inner if isinstance(inner, str) else _error_message(inner)
    if isinstance(error, str):
        return error
    return repr(error)


def missing(custom_id: str, input_line: int | None = None) -> BatchResult[Any]:
    """The result of a request that no output or error file mentions."""
    error = BatchItemError(
        "missing",
        "no result line in the batch's output or error files",
        custom_id=custom_id,
        input_line=input_line,
    )
    return BatchResult(custom_id, None, error, None)


# --- waiting -----------------------------------------------------------------------


def is_done(job: models.BatchJob) -> bool:
    """True when the job is over (or says it completed, whatever its status)."""
    return job.status in TERMINAL_STATUSES or job.completed_at not in (None, msgspec.UNSET)


def all_done(jobs: list[models.BatchJob]) -> bool:
    return all(is_done(j) for j in jobs)


def job_progress(jobs: list[models.BatchJob]) -> Progress:
    """The jobs' counters summed, as one "job" progress report."""
    statuses = sorted({str(j.status) for j in jobs})
    return Progress(
        "job",
        sum(j.completed_requests for j in jobs),
        sum(j.total_requests for j in jobs) or None,
        ", ".join(j.id for j in jobs),
        succeeded=sum(j.succeeded_requests for j in jobs),
        failed=sum(j.failed_requests for j in jobs),
        status="/".join(statuses),
    )


@dataclass
class Poller:
    """When to poll again: `initial` seconds, then `factor` times longer each time the
    counters stood still, at most `maximum` apart (while requests complete, the pace
    stays); None once `timeout` seconds have passed."""

    timeout: float | None = None
    initial: float = 1.0
    factor: float = 1.5
    maximum: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _delay: float = 0.0
    _deadline: float | None = None
    _seen: int = -1

    def __post_init__(self) -> None:
        if self.timeout is not None:
            if self.timeout < 0:
                raise ValueError(f"timeout must be >= 0 seconds, got {self.timeout!r}")
            self._deadline = self.clock() + self.timeout
        if self.initial <= 0 or self.maximum < self.initial or self.factor < 1:
            raise ValueError("poll intervals: need 0 < initial <= maximum and factor >= 1")

    def next_delay(self, jobs: list[models.BatchJob]) -> float | None:
        """Seconds to sleep before the next poll, or None when the time is up."""
        completed = sum(j.completed_requests for j in jobs)
        if self._delay == 0.0:
            self._delay = self.initial
        elif completed == self._seen:
            self._delay = min(self._delay * self.factor, self.maximum)
        self._seen = completed
        if self._deadline is None:
            return self._delay
        remaining = self._deadline - self.clock()
        if remaining <= 0:
            return None
        return min(self._delay, remaining)


class LineSplitter:
    """Bytes of a streamed download in, whole lines out (a line may span chunks)."""

    __slots__ = ("_rest",)

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        lines = (self._rest + chunk).split(b"\n") if self._rest else chunk.split(b"\n")
        self._rest = lines.pop()
        return lines

    def close(self) -> list[bytes]:
        rest, self._rest = self._rest, b""
        return [rest] if rest else []
