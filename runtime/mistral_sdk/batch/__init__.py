"""The batch runner: millions of typed requests through the Batch API.

    results = client.batch.run(
        ((f"q{i}", {"messages": [{"role": "user", "content": q}]}) for i, q in enumerate(questions)),
        endpoint="/v1/chat/completions",
        model="mistral-small-latest",
    )
    for result in results:                 # BatchResult: .custom_id, .response, .error
        print(result.custom_id, result.response.choices[0].message.content if result.ok else result.error)

`client.batch.submit(...)` returns a `BatchRun` at once (wait, results, cancel,
`retry_failed`); `client.batch.job(job_id)` resumes one in another process.
`AsyncMistral().batch` has the same methods as coroutines. See docs/batch.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._batch import AsyncBatchHelpers
from .._blocking.batch import BatchHelpers
from ._async import AsyncBatchRun
from ._bars import progress_bar
from ._request_errors import BatchInputError, BatchItemError
from ._results import BatchResults, ResultFile
from ._run import AsyncRequests, Requests
from ._types import (
    BatchLimits,
    BatchResult,
    BatchSubmitError,
    BatchWaitTimeout,
    Endpoint,
    RunOptions,
    SubmitOptions,
    WaitOptions,
    endpoint,
)

if TYPE_CHECKING:
    from .._blocking.batch_run import BatchRun
else:

    def __getattr__(name: str) -> Any:
        # The blocking run is generated into mistral_sdk._blocking (the async one's twin),
        # and imports this package's modules: it loads on first use, so that either
        # package can be imported first.
        if name == "BatchRun":
            from .._blocking.batch_run import BatchRun

            return BatchRun
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncBatchHelpers",
    "AsyncBatchRun",
    "AsyncRequests",
    "BatchHelpers",
    "BatchInputError",
    "BatchItemError",
    "BatchLimits",
    "BatchResult",
    "BatchResults",
    "BatchRun",
    "BatchSubmitError",
    "BatchWaitTimeout",
    "Endpoint",
    "Requests",
    "ResultFile",
    "RunOptions",
    "SubmitOptions",
    "WaitOptions",
    "endpoint",
    "progress_bar",
]
