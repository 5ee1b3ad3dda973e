"""`mistral workflows run | watch | logs`: start runs, watch them live, read their logs.

The live view of a run (its activities and tasks, status, elapsed time, connector
authorization links) is drawn on stderr, as a rich tree on a terminal or as plain
lines otherwise; the result goes to stdout as JSON, so
`mistral workflows run NAME --watch > result.json` shows the run and keeps the result.
With `--jsonl` every event is a JSON line on stdout and the final execution the last.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import EXIT_FAILED, EXIT_OK
from ._app import (
    CommandError,
    add_repeatable,
    add_timeout,
    add_wait_flags,
    command_group,
    make_client,
    read_json_value,
)
from ._output import Output
from ._watch import RunView

if TYPE_CHECKING:
    from .. import ConnectorSlot, Mistral, models

__all__ = ["parse_connector", "register"]

POLL_SECONDS = 1.0  # between looks at a run whose event stream is unavailable


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    verbs = command_group(
        commands, "workflows", "run, watch and read workflow executions", __doc__, common
    )

    run = verbs.add_parser("run", parents=[common], help="start a workflow run (and watch it)")
    run.add_argument("workflow", metavar="NAME", help="the workflow's name or id")
    run.add_argument("--input", metavar="JSON|@FILE|-", help="the run's input (a JSON value)")
    add_repeatable(
        run,
        "--connector",
        "NAME[:CREDENTIALS]",
        "bind a connector slot (repeatable): gmail or gmail:work",
    )
    run.add_argument("--watch", action="store_true", help="show the run's events live")
    add_wait_flags(
        run, "the run", detach="start the run, print its execution and return at once", cancel=True
    )
    run.add_argument("--execution-id", help="your own id for the run")
    run.add_argument("--deployment", help="the deployment to run it on")
    run.set_defaults(func=_run)

    watch = verbs.add_parser("watch", parents=[common], help="attach to a run and watch it live")
    watch.add_argument("execution_id", metavar="EXECUTION_ID")
    add_timeout(watch, "the run")
    watch.set_defaults(func=_watch)

    logs = verbs.add_parser("logs", parents=[common], help="a run's logs (--follow: live)")
    logs.add_argument("execution_id", metavar="EXECUTION_ID")
    logs.add_argument("--follow", "-f", action="store_true", help="stream new logs as they come")
    logs.add_argument("--activity-id", help="only this activity's logs")
    logs.add_argument("--limit", type=int, help="stop after this many records")
    logs.set_defaults(func=_logs)


def parse_connector(text: str) -> ConnectorSlot:
    """`gmail` or `gmail:work` → a `ConnectorSlot`."""
    from .. import ConnectorSlot

    name, _, credentials = text.partition(":")
    if not name:
        raise CommandError(f"--connector {text!r}: expected NAME or NAME:CREDENTIALS")
    return ConnectorSlot(name, credentials_name=credentials or None)


class _Show:
    """Feeds a RunView from events and draws it: a rich Live, plain lines or JSON lines."""

    def __init__(self, out: Output, view: RunView) -> None:
        self.out = out
        self.view = view
        self.live: Any = None

    @contextlib.contextmanager
    def running(self) -> Iterator[_Show]:
        try:
            if self.out.mode != "rich":
                yield self
                return
            from rich.live import Live

            # the view is for a person: stderr; stdout keeps the result
            console = self.out.console(stderr=True)
            with Live(self.view, console=console, refresh_per_second=8) as live:
                self.live = live
                try:
                    yield self
                finally:
                    live.refresh()
        except KeyboardInterrupt:
            if self.view.execution_id:  # Ctrl-C stops watching, not the run
                self.out.note(f"the run goes on: mistral workflows watch {self.view.execution_id}")
            raise

    def on_event(self, event: Any) -> None:
        lines = self.view.feed(event)
        if self.out.mode == "jsonl":
            self.out.jsonl(event)
        elif self.out.mode == "plain":
            for line in lines:
                self.out.note(line)
        elif self.live is not None:
            for line in lines:  # auth prompts stay on screen above the live tree
                if "authorize at" in line:
                    self.live.console.print(line, highlight=False, soft_wrap=True)
            self.live.refresh()

    def done(self, execution: models.WorkflowExecutionResponse) -> None:
        """The final execution, into the view."""
        self.view.finish(
            str(execution.status), execution.result, getattr(execution, "total_duration_ms", None)
        )
        if self.live is not None:
            self.live.refresh()

    def report(self, execution: models.WorkflowExecutionResponse) -> int:
        """Print the result (after the live view); the exit code the run's status deserves."""
        from .._workflows import FAILED_STATUSES

        if self.out.mode in ("plain", "rich"):
            self.out.note(self.view.summary())
            self.out.json(execution.result)
        else:
            self.out.json(execution)
        return EXIT_FAILED if str(execution.status) in FAILED_STATUSES else EXIT_OK


def _run(args: argparse.Namespace, out: Output) -> int:
    from .. import WorkflowExecutionError

    input_value = None if args.input is None else read_json_value(args.input, "--input")
    connectors = [parse_connector(c) for c in args.connector]
    with make_client(args) as client:
        if args.detach:
            from .._connectors import with_connectors

            execution = client.workflows.execute(
                args.workflow,
                input=input_value,
                extensions=with_connectors({}, connectors) if connectors else None,
                **({"execution_id": args.execution_id} if args.execution_id else {}),
                **({"deployment_name": args.deployment} if args.deployment else {}),
            )
            out.json(execution)
            return EXIT_OK
        view = RunView(execution_id=args.execution_id or "", workflow=args.workflow)
        show = _Show(out, view)
        if out.mode == "plain" and args.watch:
            out.note(f"starting {args.workflow}")
        with show.running():
            try:
                execution = client.workflows.execute_and_wait(
                    args.workflow,
                    input=input_value,
                    connectors=connectors or None,
                    wait_timeout=args.timeout,
                    cancel_on_timeout=args.cancel_on_timeout,
                    execution_id=args.execution_id,
                    deployment_name=args.deployment,
                    on_event=_with_id(view, show.on_event) if args.watch else None,
                )
            except WorkflowExecutionError as exc:
                execution = exc.execution
            view.execution_id = execution.execution_id
            show.done(execution)
        return show.report(execution)


def _with_id(view: RunView, on_event: Any) -> Any:
    """`on_event` that also learns the execution id from the events."""

    def handle(event: Any) -> None:
        if not view.execution_id:
            payload = getattr(getattr(event, "data", None), "data", None)
            view.execution_id = str(getattr(payload, "workflow_exec_id", "") or "")
        on_event(event)

    return handle


def _watch(args: argparse.Namespace, out: Output) -> int:
    from .. import WorkflowWaitTimeout

    with make_client(args) as client:
        executions = client.workflows.executions
        execution = executions.get(args.execution_id)
        view = RunView(args.execution_id, workflow=execution.workflow_name or "")
        view.status = str(execution.status)
        show = _Show(out, view)
        deadline = None if args.timeout is None else time.monotonic() + args.timeout
        with show.running():
            final = _follow(client, execution, show, deadline)
            if final is None:
                raise WorkflowWaitTimeout(args.execution_id, args.timeout, execution)
            show.done(final)
        return show.report(final)


def _follow(
    client: Mistral,
    execution: models.WorkflowExecutionResponse,
    show: _Show,
    deadline: float | None,
) -> models.WorkflowExecutionResponse | None:
    """Follow the run's event stream until it ends; None when `deadline` passes first.

    The stream resumes by itself after a dropped connection (from the last event id);
    when it cannot (out of retries, or no stream at all), the run is looked up and
    the stream opened again from the last event seen, or polled.
    """
    import msgspec

    from .. import APIConnectionError, APIStatusError
    from .._streaming import ends_run
    from .._types import field_value

    executions = client.workflows.executions
    execution_id = execution.execution_id
    last_event_id: str | None = None
    use_stream = True
    while not _over(execution):
        if deadline is not None and time.monotonic() >= deadline:
            return None
        if use_stream:
            try:
                with executions.stream(
                    execution_id, last_event_id=last_event_id or msgspec.UNSET
                ) as stream:
                    for event in stream:
                        last_event_id = field_value(event, "id") or last_event_id
                        show.on_event(event)
                        if ends_run(event, execution_id):
                            break
                        if deadline is not None and time.monotonic() >= deadline:
                            return None
                    show.view.reconnects += getattr(stream, "reconnects", 0)
            except APIStatusError as exc:
                if exc.status_code not in (404, 405, 501):
                    raise
                use_stream = False  # no event stream here: poll instead
            except APIConnectionError:
                show.view.reconnects += 1
                time.sleep(POLL_SECONDS)
        else:
            time.sleep(POLL_SECONDS)
        execution = executions.get(execution_id)
    return execution


def _over(execution: models.WorkflowExecutionResponse) -> bool:
    """Whether the run has ended, well or not."""
    from .._workflows import FAILED_STATUSES, SUCCEEDED_STATUSES

    return str(execution.status) in FAILED_STATUSES | SUCCEEDED_STATUSES


def _logs(args: argparse.Namespace, out: Output) -> int:
    import msgspec

    with make_client(args) as client:
        executions = client.workflows.executions
        activity = args.activity_id or msgspec.UNSET
        records: Any = (
            executions.stream_logs(args.execution_id, activity_id=activity)
            if args.follow
            else executions.get_logs(args.execution_id, activity_id=activity)
        )
        count = 0
        with contextlib.ExitStack() as stack:
            if args.follow:
                stack.enter_context(records)
            for record in records:
                if args.limit is not None and count >= args.limit:
                    break
                count += 1
                if out.scripted:
                    out.jsonl(record)
                else:
                    out.text(_log_line(record))
    return EXIT_OK


def _log_line(record: Any) -> str:
    """One log record (or log stream event) as `time severity message`."""
    from ._watch import plain_value

    data = plain_value(record)
    if isinstance(data, dict) and isinstance(data.get("data"), dict) and "event" in data:
        data = data["data"]  # a stream event: the record is its data
    if not isinstance(data, dict):
        return str(data)
    stamp = str(data.get("timestamp") or "")
    severity = str(data.get("severity_text") or data.get("level") or "")
    body = data.get("body") if "body" in data else data.get("message", data)
    return " ".join(part for part in (stamp, severity, str(body)) if part)
