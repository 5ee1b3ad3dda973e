"""Test your own code that calls Mistral, offline: the whole API in process.

    from mistral_sdk import testing

    def test_summary():
        with testing.mock() as m:
            m.on("chat.complete").reply(testing.chat_completion("Short."))
            assert summarize(m.client, "long text") == "Short."
            assert m.calls("chat.complete")[-1].body.messages[-1].content == "long text"

With pytest (the plugin comes with ``pip install 'mistral-sdk[testing]'``), the
`mistral_mock` fixture is such a mock, closed after each test. docs/testing.md walks
through it.

- `mock()` / `Mock`: the mock and its clients (`client`, `async_client`,
  `http_client()`), `on(call)` to script a call's answers (`Route`: `reply`,
  `reply_with`, `fail`, `cut`, `timeout`, `disconnect`, `malformed`), `calls(call)`
  for what was sent (`Call`), `workflow(...)` for a run through given states,
  `serve()` for the same mock over HTTP.
- Answers: the generated models themselves, or the builders here
  (`chat_completion`, `tool_call`, `chat_stream`, `conversation_turn`,
  `conversation_stream`, `workflow_execution`, `batch_job`, `batch_results`,
  `embedding`), `Reply` for a status and headers of your own, `EventStream` for
  events of your own.
- Every call you do not script is answered as the local mock answers it (docs/mock.md):
  chat echoes the prompt, conversations call your tools, workflows run, batch jobs
  complete, and every other operation gets a value of the type the SDK declares.

- Record and replay: `cassette(path, mode=...)` (`Cassette`) records real exchanges to a
  JSON Lines file once (secrets redacted) and replays them offline; the
  `mistral_cassette` fixture names the file after the test and takes the mode from
  `--mistral-record` / `$MISTRAL_RECORD` (replay by default). `UnmatchedRequestError`
  names a request no cassette holds.

`mistral mock` (and `make mock` in the repository) serves it over HTTP.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._builders import batch_job as batch_job
    from ._builders import batch_results as batch_results
    from ._builders import chat_completion as chat_completion
    from ._builders import chat_stream as chat_stream
    from ._builders import conversation_stream as conversation_stream
    from ._builders import conversation_turn as conversation_turn
    from ._builders import embedding as embedding
    from ._builders import tool_call as tool_call
    from ._builders import workflow_execution as workflow_execution
    from ._cassette import Cassette as Cassette
    from ._cassette import CassetteError as CassetteError
    from ._cassette import CassetteMode as CassetteMode
    from ._cassette import UnmatchedRequestError as UnmatchedRequestError
    from ._cassette import cassette as cassette
    from ._cassette_transport import AsyncCassetteTransport as AsyncCassetteTransport
    from ._cassette_transport import CassetteTransport as CassetteTransport
    from ._mock import Mock as Mock
    from ._script import Call as Call
    from ._script import EventStream as EventStream
    from ._script import Reply as Reply
    from ._script import Route as Route
    from ._workflow import WorkflowScript as WorkflowScript

__all__ = [
    "AsyncCassetteTransport",
    "Call",
    "Cassette",
    "CassetteError",
    "CassetteMode",
    "CassetteTransport",
    "EventStream",
    "Mock",
    "Reply",
    "Route",
    "UnmatchedRequestError",
    "WorkflowScript",
    "batch_job",
    "batch_results",
    "cassette",
    "chat_completion",
    "chat_stream",
    "conversation_stream",
    "conversation_turn",
    "embedding",
    "mock",
    "tool_call",
    "workflow_execution",
]

# Imported on first use: the pytest plugin loads this package in every test session of
# an environment that has the SDK, and most never use it.
_EXPORTS = {
    "batch_job": "_builders",
    "batch_results": "_builders",
    "chat_completion": "_builders",
    "chat_stream": "_builders",
    "conversation_stream": "_builders",
    "conversation_turn": "_builders",
    "embedding": "_builders",
    "tool_call": "_builders",
    "workflow_execution": "_builders",
    "Cassette": "_cassette",
    "CassetteError": "_cassette",
    "CassetteMode": "_cassette",
    "UnmatchedRequestError": "_cassette",
    "cassette": "_cassette",
    "AsyncCassetteTransport": "_cassette_transport",
    "CassetteTransport": "_cassette_transport",
    "Mock": "_mock",
    "Call": "_script",
    "EventStream": "_script",
    "Reply": "_script",
    "Route": "_script",
    "WorkflowScript": "_workflow",
}


def mock(*, api_key: str = "test-key", max_retries: int = 2) -> Mock:
    """A new in-process mock of the API (a context manager; see `Mock`)."""
    from ._mock import Mock

    return Mock(api_key=api_key, max_retries=max_retries)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
