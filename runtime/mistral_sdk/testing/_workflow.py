"""A scripted workflow run (`Mock.workflow`): the execution, its polls and its events
agree with one another, so `execute_and_wait` (by the stream or by polling), the
`mistral workflows` commands and your own loops all see the same run."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _flows
from ._builders import workflow_execution
from ._exchange import sse_frame
from ._script import Call, Reply

if TYPE_CHECKING:
    from ._mock import Mock

__all__ = ["WorkflowScript"]

FINAL = ("COMPLETED", "FAILED", "CANCELED", "TERMINATED", "TIMED_OUT")
_END_EVENTS = {
    "COMPLETED": "WORKFLOW_EXECUTION_COMPLETED",
    "FAILED": "WORKFLOW_EXECUTION_FAILED",
    "CANCELED": "WORKFLOW_EXECUTION_CANCELED",
    "TERMINATED": "WORKFLOW_EXECUTION_CANCELED",
    "TIMED_OUT": "WORKFLOW_EXECUTION_FAILED",
}


class WorkflowScript:
    """One scripted run: `execution_id` once started, `state` (its current status)."""

    def __init__(
        self,
        states: list[str],
        result: Any,
        workflow: str | None,
        failure: str | None,
        events: Sequence[Mapping[str, Any]],
    ) -> None:
        if not states:
            raise ValueError("states: give at least one state (e.g. ['RUNNING', 'COMPLETED'])")
        unknown = [s for s in states if s != "RUNNING" and s not in FINAL]
        if unknown:
            raise ValueError(f"states: {unknown[0]!r} is not RUNNING or one of {', '.join(FINAL)}")
        if any(s in FINAL for s in states[:-1]):
            raise ValueError("states: only the last state may end the run")
        self.states = states
        self.result = result
        self.workflow = workflow
        self.failure = failure
        self.custom_events = list(events)
        self.execution_id: str | None = None
        self.input: Any = None
        self.workflow_name = workflow or "workflow"
        self.run_id = str(uuid.uuid4())
        self._index = 0
        self._lock = threading.Lock()

    @classmethod
    def install(
        cls,
        mock: Mock,
        states: list[str],
        *,
        result: Any,
        workflow: str | None,
        failure: str | None,
        events: Sequence[Mapping[str, Any]],
    ) -> WorkflowScript:
        run = cls(states, result, workflow, failure, events)
        mock.on("workflows.execute", times=1, when=run._starts).reply_with(run._start)
        for call, answer in (
            ("workflows.executions.get", run._get),
            ("workflows.executions.stream", run._stream),
            ("workflows.executions.cancel", run._cancel),
        ):
            mock.on(call, when=run._mine).reply_with(answer)
        return run

    @property
    def state(self) -> str:
        return self.states[self._index]

    # -- matching

    def _starts(self, call: Call) -> bool:
        return self.workflow is None or call.path_params.get("workflow_identifier") == self.workflow

    def _mine(self, call: Call) -> bool:
        return (
            self.execution_id is not None
            and call.path_params.get("execution_id") == self.execution_id
        )

    # -- answers

    def _execution(self) -> Any:
        status = self.state
        result = self.result if status == "COMPLETED" else None
        if status == "FAILED":
            result = {"error": self.failure or "the workflow failed (mock)"}
        return workflow_execution(
            status, result=result, execution_id=self.execution_id, workflow_name=self.workflow_name
        )

    def _start(self, call: Call) -> Any:
        body = call.json if isinstance(call.json, dict) else {}
        with self._lock:
            self.execution_id = str(body.get("execution_id") or f"exec_{uuid.uuid4().hex[:16]}")
            self.workflow_name = call.path_params.get("workflow_identifier", self.workflow_name)
            self.input = body.get("input")
            return self._execution()

    def _get(self, call: Call) -> Any:
        with self._lock:
            answer = self._execution()
            self._index = min(self._index + 1, len(self.states) - 1)
            return answer

    def _cancel(self, call: Call) -> Any:
        with self._lock:
            if self.state not in FINAL:
                self.states = [*self.states[: self._index + 1], "CANCELED"]
        return None

    def _stream(self, call: Call) -> Any:
        """The run's events from its start to its last state (it ends there)."""
        assert self.execution_id is not None
        started = {"task_id": "task-1", "workflow_name": self.workflow_name,
                   "input": {"type": "json", "value": self.input}}  # fmt: skip
        events = [self._event("WORKFLOW_EXECUTION_STARTED", started)]
        for i, payload in enumerate(self.custom_events):
            task = {"custom_task_id": f"task-{i + 2}", "custom_task_type": "mock",
                    "payload": {"type": "json", "value": dict(payload)}}  # fmt: skip
            events.append(self._event("CUSTOM_TASK_IN_PROGRESS", task))
        with self._lock:
            self._index = len(self.states) - 1
            last = self.state
        if last in FINAL:
            attributes: dict[str, Any] = {"task_id": "task-1"}
            if last == "COMPLETED":
                attributes["result"] = {"type": "json", "value": self.result}
            elif last in ("FAILED", "TIMED_OUT"):
                attributes["failure"] = {"message": self.failure or "the workflow failed (mock)"}
            events.append(self._event(_END_EVENTS[last], attributes))
        frames = [
            sse_frame(
                _flows.stream_envelope(self.execution_id, self.workflow_name, seq, event),
                "workflow_event",
                str(seq),
            )
            for seq, event in enumerate(events, start=1)
        ]
        frames.append(sse_frame("[DONE]"))
        return Reply(content=b"".join(frames), headers={"Content-Type": "text/event-stream"})

    def _event(self, event_type: str, attributes: dict[str, Any]) -> dict[str, Any]:
        assert self.execution_id is not None
        return _flows.workflow_event(
            self.execution_id, self.run_id, self.workflow_name, event_type, attributes
        )
