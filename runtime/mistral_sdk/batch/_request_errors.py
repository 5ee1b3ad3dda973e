"""What is wrong with the requests of a batch: one that cannot be sent, one without a
typed response.

Both are dataclasses: the fields are the attributes and the keyword arguments, and
`__post_init__` gives the exception its message (eq and repr stay those of exceptions).
This module imports nothing of the models: in the import cycle through
`mistral_sdk.models`, mypy drops the `InitVar` of a dataclass from its `__init__`.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, InitVar, dataclass
from typing import Any, Literal

from .._errors import MistralError

__all__ = ["BatchInputError", "BatchItemError"]

ErrorKind = Literal["request", "decode", "malformed", "shape", "missing"]


@dataclass(eq=False, repr=False)
class BatchInputError(MistralError, ValueError):
    """A request that cannot be sent: invalid for the endpoint, a duplicate custom id,
    a malformed input line. Raised before anything is uploaded.

    `custom_id`, `line` (1-based, over the whole input) and `field` (the body field at
    fault, when known) say where.
    """

    message: InitVar[str]
    _: KW_ONLY
    custom_id: str | None = None
    line: int | None = None
    field: str | None = None

    def __post_init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(eq=False, repr=False)
class BatchItemError(MistralError):
    """Why one request of a batch has no typed response. A value, never raised by the
    runner itself (`BatchResult.unwrap()` raises it).

    `kind`: "request" (the API reports the request failed: `status_code`, `body`),
    "decode" (a response that does not match the endpoint's response type),
    "malformed" (an output line that is not JSON), "shape" (JSON that is not a
    result line), "missing" (no line for this custom id in any output or error file).
    `file_id` and `line` (1-based) locate the result's line; `input_line` the request's
    line in the input (1-based over the whole input, as `BatchInputError.line`; None
    when the input files are not at hand); `raw` is the result's line as read.
    """

    kind: ErrorKind
    message: InitVar[str]
    _: KW_ONLY
    custom_id: str | None
    file_id: str | None = None
    line: int | None = None
    status_code: int | None = None
    body: Any = None
    raw: str | None = None
    input_line: int | None = None

    def __post_init__(self, message: str) -> None:
        line, file_id = self.line, self.file_id
        request = f" (input line {self.input_line})" if self.input_line else ""
        where = f" (file {file_id}, line {line})" if file_id is not None and line else ""
        super().__init__(f"request {self.custom_id!r}{request}: {message}{where}")
