"""`Mock`: the whole API in process, its clients, and the handle a test scripts it with."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx2

from .._client import DEFAULT_TIMEOUT
from .._mistral import AsyncMistral, Mistral
from .._types import TimeoutTypes
from ._app import MockApp
from ._script import Call, Predicate, Route, Script
from ._server import STREAM_DELAY, HTTPMock
from ._transport import AsyncMockTransport, MockTransport
from ._workflow import WorkflowScript

__all__ = ["BASE_URL", "Mock"]

# Where the mock's clients say they send requests; the transport answers them all.
BASE_URL = "https://mock.mistral.invalid"


class Mock:
    """The Mistral API in process: every operation answered, as you script it or from
    the types the SDK declares.

    - `client` / `async_client`: a `Mistral` / `AsyncMistral` wired to it (no socket,
      no thread); `http_client()` / `async_http_client()` for a client you build
      yourself (`Mistral(api_key=..., http_client=mock.http_client())`, or a cloud
      client: `MistralAzure(..., http_client=...)`);
    - `on("chat.complete").reply(...)`: script the answers of a call (`Route`);
    - `calls("chat.complete")`: what was sent (`Call`, its `body` typed);
    - `workflow(...)`: a workflow run that passes through given states;
    - `serve()`: the same mock over HTTP on a local port.

    `api_key`, `max_retries` and `timeout` are those of `client` and `async_client`.
    A context manager: `close()` closes its clients and servers.
    """

    def __init__(
        self,
        *,
        api_key: str = "test-key",
        max_retries: int = 2,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
    ) -> None:
        self._script = Script()
        self.app = MockApp(before=self._script)
        self._options: dict[str, Any] = {
            "api_key": api_key,
            "max_retries": max_retries,
            "timeout": timeout,
            "base_url": BASE_URL,
        }
        self._closers: list[Callable[[], object]] = []

    def __repr__(self) -> str:
        return f"<Mock {len(self._script.calls())} calls>"

    # -- clients

    def http_client(self, **options: Any) -> httpx2.Client:
        """An `httpx2.Client` answered by this mock (other httpx2 options as given)."""
        client = httpx2.Client(transport=MockTransport(self.app), **options)
        self._closers.append(client.close)
        return client

    def async_http_client(self, **options: Any) -> httpx2.AsyncClient:
        """An `httpx2.AsyncClient` answered by this mock."""
        return httpx2.AsyncClient(transport=AsyncMockTransport(self.app), **options)

    @functools.cached_property
    def client(self) -> Mistral:
        """A `Mistral` client answered by this mock."""
        client = Mistral(http_client=self.http_client(), **self._options)
        self._closers.append(client.close)
        return client

    @functools.cached_property
    def async_client(self) -> AsyncMistral:
        """An `AsyncMistral` client answered by this mock (in its event loop, without
        I/O: usable from any loop)."""
        return AsyncMistral(http_client=self.async_http_client(), **self._options)

    # -- scripting

    def on(
        self,
        call: str,
        *,
        nth: int | None = None,
        times: int | None = None,
        when: Predicate | None = None,
    ) -> Route:
        """Script the answers of `call` (a client method's dotted name, as in
        `client.<call>(...)`: `"chat.complete"`, `"beta.conversations.start"`,
        `"workflows.executions.get"`); `nth`: only its n-th call (from 1); `times`: at
        most that many calls; `when`: only the calls it accepts. Finish with
        `.reply(...)`, `.reply_with(fn)` or a fault (`.fail(429, retry_after=1)`,
        `.cut()`, `.timeout()`, `.disconnect()`, `.malformed()`). The newest route
        that matches answers; calls no route takes get the mock's own answers."""
        return self._script.route(call, nth, times, when)

    def calls(self, call: str | None = None) -> list[Call]:
        """The calls received, in order (of `call` only, when given)."""
        return self._script.calls(call)

    def reset(self) -> None:
        """Forget the routes and the calls (the mock's stored objects stay)."""
        self._script.reset()

    def reset_calls(self) -> None:
        """Forget the calls (and their counts, which `nth` reads); the routes stay."""
        self._script.reset(routes=False)

    def workflow(
        self,
        states: Sequence[str] = ("RUNNING", "COMPLETED"),
        *,
        result: Any = None,
        workflow: str | None = None,
        failure: str | None = None,
        events: Sequence[Mapping[str, Any]] = (),
    ) -> WorkflowScript:
        """Script the next workflow run (of `workflow` only, when given): it starts in
        `states[0]`, each `workflows.executions.get` sees the next state, its event
        stream goes through them all; it ends with `result` (COMPLETED) or `failure`
        (FAILED). `events`: custom task events its stream carries first (`payload`
        dicts of `CUSTOM_TASK_IN_PROGRESS`)."""
        return WorkflowScript.install(
            self, list(states), result=result, workflow=workflow, failure=failure, events=events
        )

    # -- over HTTP

    def serve(
        self,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        verbose: bool = False,
        stream_delay: float = STREAM_DELAY,
    ) -> str:
        """Serve this mock over HTTP in a background thread (a free port unless `port`
        is given) until `close()`; returns its base URL. `stream_delay`: seconds
        between the events of the mock's own streams (so that streaming shows)."""
        server = HTTPMock((host, port), self.app, verbose=verbose, stream_delay=stream_delay)
        server.start()
        self._closers.append(server.stop)
        return server.url

    # -- closing

    def close(self) -> None:
        """Close the clients and stop the servers this mock made."""
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Mock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
