"""`mistral batch run | results`: a JSONL file through the Batch API, with progress.

`run` validates and uploads the file, creates the job(s), waits and downloads the
results, with one progress bar per stage (upload, requests completed / failed,
download); the job ids are printed first, so an interrupted wait resumes with
`mistral batch results JOB_ID`. Each input line is `{"custom_id": ..., "body": {...}}`
(the Batch API's format). Successful results go to `-o FILE` (default stdout) as
`{"custom_id", "status_code", "response"}` lines, failed ones to `--errors FILE`
(default: next to the output, `NAME.errors.jsonl`) as `{"custom_id", "status_code",
"error"}` lines, in the order the API wrote them or, with `--input-order`, in the
input's. The exit code is 1 when a job did not succeed or a request failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from . import EXIT_FAILED, EXIT_OK
from ._app import CommandError, add_repeatable, add_wait_flags, command_group, make_client
from ._output import Output
from ._watch import plain_value

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    verbs = command_group(
        commands, "batch", "push a JSONL file through the Batch API", __doc__, common
    )
    run = verbs.add_parser("run", parents=[common], help="upload, run, download, with progress")
    run.add_argument("file", metavar="FILE.jsonl", help="the requests, one JSON object a line")
    run.add_argument("--endpoint", required=True, help="e.g. /v1/chat/completions")
    who = run.add_mutually_exclusive_group()
    who.add_argument("--model", help="the model of every request")
    who.add_argument("--agent-id", help="the agent of every request")
    add_repeatable(run, "--metadata", "KEY=VALUE", "job metadata")
    results = verbs.add_parser("results", parents=[common], help="wait for a job, get its results")
    results.add_argument("job_ids", nargs="+", metavar="JOB_ID")
    for verb in (run, results):
        verb.add_argument(
            "-o",
            "--output",
            dest="results_file",
            metavar="FILE",
            help="where the results go (default stdout)",
        )
        verb.add_argument("--errors", metavar="FILE", help="where the failed requests go")
        verb.add_argument(
            "--input-order",
            action="store_true",
            help="write the results in the order of the input (default: as the API wrote them)",
        )
        detach = "submit, print the job ids, return" if verb is run else None
        add_wait_flags(verb, "the job", detach=detach, cancel=True, poll=True)
    run.set_defaults(func=_run)
    results.set_defaults(func=_results)


_LABELS = {"upload": "upload", "job": "requests", "download": "download"}


class _RichBars:
    """One rich progress bar per stage (upload, requests, download), on stderr like the
    rest of the command's view (the batch runner's own rich bar draws on stdout)."""

    def __init__(self, console: Any) -> None:
        from rich.progress import Progress

        self.progress = Progress(console=console)
        self.tasks: dict[str, Any] = {}

    def __call__(self, report: Any) -> None:
        label = _LABELS.get(report.stage, report.stage)
        if report.stage == "job" and report.status:
            label = f"requests {report.status}: {report.succeeded} ok, {report.failed} failed"
        task = self.tasks.get(report.stage)
        if task is None:
            task = self.tasks[report.stage] = self.progress.add_task(label, total=report.total)
        self.progress.update(
            task, completed=report.completed, total=report.total, description=label
        )


@contextlib.contextmanager
def _bar(out: Output) -> Iterator[Any]:
    """The progress callback: rich bars on a terminal, else a line per tenth and stage."""
    if out.mode == "rich":
        bars = _RichBars(out.console(stderr=True))
        with bars.progress:
            yield bars
        return
    from ..batch import progress_bar

    with progress_bar("text", stream=out.stderr) as bar:
        yield bar


def _run(args: argparse.Namespace, out: Output) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{args.file}: no such file")
    metadata = dict(_pair(item) for item in args.metadata) or None
    with make_client(args) as client:
        with _bar(out) as bar:
            run = client.batch.submit(
                path,
                endpoint=args.endpoint,
                model=args.model,
                agent_id=args.agent_id,
                metadata=metadata,
                progress=bar,
            )
            ids = " ".join(run.job_ids)
            if not args.detach:
                out.note(f"batch job(s) {ids}: resume with `mistral batch results {ids}`")
                summary = _collect(run, args, out, bar)
        if args.detach:
            out.json({"job_ids": run.job_ids, "status": run.status})
            return EXIT_OK
    return _report(summary, out)


def _results(args: argparse.Namespace, out: Output) -> int:
    with make_client(args) as client, _bar(out) as bar:
        summary = _collect(client.batch.job(*args.job_ids), args, out, bar)
    return _report(summary, out)


def _pair(item: str) -> tuple[str, str]:
    key, eq, value = item.partition("=")
    if not eq or not key:
        raise CommandError(f"--metadata {item!r}: expected KEY=VALUE")
    return key, value


def _collect(run: Any, args: argparse.Namespace, out: Output, bar: Any) -> dict[str, Any]:
    """Wait for the run, download its results and write them out; a summary."""
    results = run.results(
        timeout=args.timeout,
        cancel_on_timeout=args.cancel_on_timeout,
        progress=bar,
        poll_interval=args.poll_interval,
    )
    succeeded = failed = 0
    with contextlib.ExitStack() as files, results:
        good = _open(files, args.results_file, out)
        errors_path = args.errors or _errors_path(args.results_file)
        bad = _open(files, errors_path, out)
        for result in results.in_input_order() if args.input_order else results:
            if result.ok:
                succeeded += 1
                line: dict[str, Any] = {
                    "custom_id": result.custom_id,
                    "status_code": result.status_code,
                    "response": plain_value(result.response),
                }
                good.write(json.dumps(line, ensure_ascii=False) + "\n")
            else:
                failed += 1
                error = result.error
                line = {
                    "custom_id": result.custom_id,
                    "status_code": result.status_code,
                    "error": {
                        "kind": error.kind,
                        "message": str(error),
                        "body": plain_value(error.body),
                    },
                }
                bad.write(json.dumps(line, ensure_ascii=False) + "\n")
    return {
        "job_ids": run.job_ids,
        "status": run.status,
        "succeeded": succeeded,
        "failed": failed,
        "output": args.results_file,
        "errors": errors_path,
    }


def _report(summary: dict[str, Any], out: Output) -> int:
    """Print the summary of a finished batch (after the progress bars); its exit code."""
    if out.scripted and summary["output"] is not None:
        out.json(summary)
    else:
        where = f" -> {summary['output']}" if summary["output"] else ""
        errors = (
            f", errors in {summary['errors']}" if summary["failed"] and summary["errors"] else ""
        )
        out.note(
            f"batch {' '.join(summary['job_ids'])} {summary['status']}: "
            f"{summary['succeeded']} succeeded, {summary['failed']} failed{where}{errors}"
        )
    ok = summary["status"] == "SUCCESS" and summary["failed"] == 0
    return EXIT_OK if ok else EXIT_FAILED


def _errors_path(results_file: str | None) -> str | None:
    if results_file is None:
        return None
    path = Path(results_file)
    return str(path.with_name(path.name.removesuffix(".jsonl") + ".errors.jsonl"))


def _open(files: contextlib.ExitStack, path: str | None, out: Output) -> IO[str]:
    if path is None:
        return out.stdout
    try:
        return files.enter_context(open(path, "w", encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"{path}: cannot write ({exc.strerror})") from None
