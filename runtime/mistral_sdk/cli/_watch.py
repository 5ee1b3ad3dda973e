"""The live view of a workflow run: what `mistral workflows run --watch` and
`mistral workflows watch` show.

`RunView` is pure state: `feed(event)` takes one event of
`client.workflows.executions.stream` and returns the lines a plain-text log shows
for it; the same state renders as a rich tree (`__rich__`) for a terminal. No I/O
here: the commands own the loops, tests feed events directly.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RunView", "TaskRow", "plain_value"]

# event type → the status it gives the run or a task
_RUN_STATUS = {
    "WORKFLOW_EXECUTION_STARTED": "RUNNING",
    "WORKFLOW_EXECUTION_COMPLETED": "COMPLETED",
    "WORKFLOW_EXECUTION_FAILED": "FAILED",
    "WORKFLOW_EXECUTION_CANCELED": "CANCELED",
    "WORKFLOW_EXECUTION_CONTINUED_AS_NEW": "CONTINUED_AS_NEW",
    "WORKFLOW_TASK_FAILED": "RUNNING",
    "WORKFLOW_TASK_TIMED_OUT": "RUNNING",
}
_TASK_STATUS = {
    "STARTED": "running",
    "IN_PROGRESS": "running",
    "RETRYING": "retrying",
    "COMPLETED": "completed",
    "FAILED": "failed",
    "CANCELED": "cancelled",
    "TIMED_OUT": "timed out",
}
_STYLES = {
    "RUNNING": "yellow",
    "COMPLETED": "green",
    "FAILED": "red",
    "CANCELED": "red",
    "TERMINATED": "red",
    "TIMED_OUT": "red",
    "running": "yellow",
    "retrying": "yellow",
    "completed": "green",
    "failed": "red",
    "cancelled": "red",
    "timed out": "red",
    "waiting_for_auth": "bold magenta",
    "connected": "green",
}


def plain_value(value: Any) -> Any:
    """Any SDK value (Struct, Unknown, list, …) as plain JSON data."""
    from .. import encode

    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return json.loads(encode(value))


@dataclass
class TaskRow:
    """One activity or custom task of the run, as the view shows it."""

    task_id: str
    kind: str  # "activity" or the custom task type
    name: str
    status: str
    detail: str = ""
    attempt: int = 1


@dataclass
class RunView:
    """Everything shown about one run; fed events, rendered plain or with rich."""

    execution_id: str
    workflow: str = ""
    status: str = "PENDING"
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    tasks: dict[str, TaskRow] = field(default_factory=dict)
    # connector name → its latest auth state (status, url)
    auth: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    events: int = 0
    reconnects: int = 0
    result: Any = None
    failure: str = ""

    def elapsed(self) -> float:
        return (self.ended if self.ended is not None else time.monotonic()) - self.started

    def finish(self, status: str, result: Any = None, duration_ms: Any = None) -> None:
        """The run's final state (from `executions.get`; its duration when the run
        ended before the view saw it)."""
        self.status = status
        if result is not None:
            self.result = result
        if self.ended is None:
            self.ended = time.monotonic()
        if self.events == 0 and isinstance(duration_ms, (int, float)):
            self.started = self.ended - duration_ms / 1000

    def feed(self, event: Any) -> list[str]:
        """Take one stream event; return the log lines it makes (possibly none)."""
        from .._connectors import connector_auth

        self.events += 1
        payload = plain_value(getattr(getattr(event, "data", None), "data", None))
        if not isinstance(payload, dict):
            return []
        event_type = str(payload.get("event_type") or "")
        attributes = payload.get("attributes") or {}
        if not self.workflow:
            self.workflow = str(payload.get("workflow_name") or "")
        lines: list[str] = []
        auth = connector_auth(event)
        if auth is not None:
            self.auth[auth.connector_name] = (auth.status, auth.auth_url)
            if auth.waiting and auth.auth_url:
                lines.append(f"connector {auth.connector_name}: authorize at {auth.auth_url}")
            else:
                lines.append(f"connector {auth.connector_name}: {auth.status}")
        if event_type in _RUN_STATUS:
            before = self.status
            self.status = _RUN_STATUS[event_type]
            if event_type == "WORKFLOW_EXECUTION_COMPLETED":
                self.result = _payload_value(attributes.get("result"))
            failure = attributes.get("failure")
            if isinstance(failure, dict):
                self.failure = str(failure.get("message") or failure)
            if self.status != before:
                text = f"run {self.status.lower()}"
                lines.append(f"{text}: {self.failure}" if self.failure else text)
        elif event_type.startswith(("ACTIVITY_TASK_", "CUSTOM_TASK_")):
            row = self._task(event_type, attributes)
            if auth is not None:  # the auth task's state is the connector's
                row.name = f"{auth.connector_name} authorization"
                row.status = auth.status
            else:
                detail = f" ({row.detail})" if row.detail else ""
                lines.append(f"{row.kind} {row.name}: {row.status}{detail}")
        return [f"[{self.elapsed():6.2f}s] {line}" for line in lines]

    def _task(self, event_type: str, attributes: dict[str, Any]) -> TaskRow:
        activity = event_type.startswith("ACTIVITY_TASK_")
        suffix = event_type.removeprefix("ACTIVITY_TASK_").removeprefix("CUSTOM_TASK_")
        task_id = str(attributes.get("task_id") or attributes.get("custom_task_id") or "?")
        kind = "activity" if activity else str(attributes.get("custom_task_type") or "task")
        name = str(attributes.get("activity_name") or task_id)
        row = self.tasks.get(task_id)
        if row is None:
            row = self.tasks[task_id] = TaskRow(task_id, kind, name, "running")
        row.status = _TASK_STATUS.get(suffix, suffix.lower())
        if isinstance(attributes.get("attempt"), int):
            row.attempt = attributes["attempt"]
        failure = attributes.get("failure")
        if isinstance(failure, dict):
            row.detail = str(failure.get("message") or "")
        elif row.status == "retrying":
            row.detail = f"attempt {row.attempt}"
        else:
            row.detail = ""
        return row

    def summary(self) -> str:
        """One line: the run, its status and how long it took."""
        return (
            f"{self.workflow or 'workflow'} {self.execution_id}: {self.status} "
            f"after {self.elapsed():.2f}s ({self.events} events"
            + (f", {self.reconnects} reconnects" if self.reconnects else "")
            + ")"
        )

    def __rich__(self) -> Any:
        # rich is imported only when a terminal view is drawn
        from rich.console import Group
        from rich.text import Text
        from rich.tree import Tree

        style = _STYLES.get(self.status, "")
        head = Text.assemble(
            ("workflow ", "dim"),
            (self.workflow or "?", "bold"),
            ("  execution ", "dim"),
            self.execution_id,
            "  ",
            (self.status, f"bold {style}"),
            (f"  {self.elapsed():.1f}s", "cyan"),
        )
        if self.reconnects:
            head.append(f"  (stream resumed {self.reconnects}x)", "dim")
        tree = Tree(head)
        for row in self.tasks.values():
            label = Text.assemble(
                (f"{row.kind} ", "dim"),
                (row.name, "bold"),
                "  ",
                (row.status, _STYLES.get(row.status, "")),
            )
            if row.detail:
                label.append(f"  {row.detail}", "dim")
            tree.add(label)
        parts: list[Any] = [tree]
        for name, (status, url) in self.auth.items():
            if url and status == "waiting_for_auth":  # the run waits on the user
                line = Text.assemble(
                    ("connector ", "dim"), (name, "bold magenta"), " waits for you: open "
                )
                line.append(url, f"link {url} underline")
                parts.append(line)
        if self.failure:
            parts.append(Text(f"failure: {self.failure}", "red"))
        return Group(*parts)


def _payload_value(value: Any) -> Any:
    """The value of a JSON payload (`{"type": "json", "value": …}`), else the value."""
    if isinstance(value, dict) and value.get("type") == "json" and "value" in value:
        return value["value"]
    return value
