"""The parser, the client it configures, and the one place errors become exit codes."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import (
    EXIT_API,
    EXIT_CONNECTION,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TIMEOUT,
    EXIT_USAGE,
)
from ._output import Output, RichMissing, choose_mode

if TYPE_CHECKING:
    from .. import Mistral

__all__ = [
    "CommandError",
    "add_timeout",
    "build_parser",
    "command_group",
    "make_client",
    "read_json_value",
    "run",
]

_EPILOG = """\
configuration: MISTRAL_API_KEY (or a service-account token file), MISTRAL_BASE_URL,
or --api-key / --base-url.

exit codes: 0 done; 1 the workflow run or batch job failed; 2 bad usage or missing
configuration; 3 the API answered an error status; 4 no answer (connection error,
timeout); 5 --timeout expired; 130 interrupted.
"""


class CommandError(Exception):
    """A problem with what the user asked for: printed, exit code `EXIT_USAGE`."""


_MODES = {
    "json": "print one JSON document (for scripts)",
    "jsonl": "print JSON lines as things happen (for scripts)",
    "plain": "plain text lines, no live view (the default off a terminal)",
    "rich": "tables, trees and live views (the default on a terminal; needs rich)",
}


def read_json_value(text: str, what: str) -> Any:
    """JSON from `text`, `@file` or `-` (stdin); the error names `what`."""
    source = text
    try:
        if text == "-":
            source = sys.stdin.read()
        elif text.startswith("@"):
            with open(text[1:], encoding="utf-8") as f:
                source = f.read()
    except OSError as exc:
        raise CommandError(f"{what}: cannot read {text[1:]}: {exc.strerror}") from None
    try:
        return json.loads(source)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{what}: not valid JSON ({exc})") from None


def command_group(
    commands: Any, name: str, help: str, doc: str | None, common: argparse.ArgumentParser
) -> Any:
    """A command with verbs (`mistral workflows run`): the subparsers to add them to."""
    parser = commands.add_parser(
        name,
        parents=[common],
        help=help,
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser.add_subparsers(dest="verb", metavar="VERB", required=True)


def add_timeout(parser: argparse.ArgumentParser, what: str) -> None:
    """`--timeout SECONDS`: how long to wait for `what`."""
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help=f"stop waiting for {what} after this long (exit code 5; it goes on)",
    )


def add_wait_flags(
    parser: argparse.ArgumentParser,
    what: str,
    *,
    detach: str | None = None,
    cancel: bool = False,
    poll: bool = False,
) -> None:
    """The flags of a command that waits for `what` (a run, a job) to end: `--timeout`,
    and those the command has: `--detach` (its help is `detach`: what it does instead of
    waiting), `--cancel-on-timeout`, `--poll-interval SECONDS` (the first wait between
    looks, backing off to 30 s)."""
    if detach is not None:
        parser.add_argument("--detach", action="store_true", help=detach)
    add_timeout(parser, what)
    if cancel:
        parser.add_argument(
            "--cancel-on-timeout", action="store_true", help=f"cancel {what} when --timeout expires"
        )
    if poll:
        parser.add_argument(
            "--poll-interval",
            type=float,
            default=1.0,
            metavar="SECONDS",
            help=f"first wait between looks at {what} (then longer, up to 30 s)",
        )


def add_repeatable(parser: argparse.ArgumentParser, flag: str, metavar: str, help: str) -> None:
    """An option given any number of times (`--tool A --tool B`): a list, empty by default."""
    parser.add_argument(flag, action="append", default=[], metavar=metavar, help=help)


def _common() -> argparse.ArgumentParser:
    """Options every command accepts, before or after its name."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("output and client")
    modes = group.add_mutually_exclusive_group()
    s = argparse.SUPPRESS
    for mode, text in _MODES.items():
        modes.add_argument(
            f"--{mode}", dest="output", action="store_const", const=mode, default=s, help=text
        )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=s,
        help="log each HTTP call to stderr (-vv: each attempt too), like MISTRAL_LOG",
    )
    group.add_argument("--api-key", default=s, help="API key (default: $MISTRAL_API_KEY)")
    group.add_argument("--base-url", default=s, help="API URL (default: $MISTRAL_BASE_URL)")
    group.add_argument("--max-retries", type=int, default=s, help="retries per request (default 2)")
    group.add_argument(
        "--request-timeout",
        type=float,
        default=s,
        metavar="SECONDS",
        help="timeout of each HTTP request",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The whole `mistral` parser (imports no command's dependencies)."""
    from . import _api, _batch, _chat, _mock, _workflows

    common = _common()
    parser = argparse.ArgumentParser(
        prog="mistral",
        description="The Mistral AI API from a shell: workflows, batches, chat, any operation.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    version = commands.add_parser("version", help="SDK, spec and Python versions", parents=[common])
    version.set_defaults(func=_version)
    for module in (_workflows, _batch, _chat, _api, _mock):
        module.register(commands, common)
    return parser


def _version(args: argparse.Namespace, out: Output) -> int:
    from ..__main__ import report

    out.text(report())
    return EXIT_OK


def make_client(args: argparse.Namespace) -> Mistral:
    """`Mistral()` configured from the environment and the client options."""
    from .. import Mistral

    verbose = getattr(args, "verbose", 0)
    if verbose:
        _log_to_stderr(logging.DEBUG if verbose > 1 else logging.INFO)
    options: dict[str, Any] = {}
    for name in ("api_key", "base_url", "max_retries"):
        if getattr(args, name, None) is not None:
            options[name] = getattr(args, name)
    if getattr(args, "request_timeout", None) is not None:
        options["timeout"] = args.request_timeout
    if "api_key" not in options:
        _require_credential()
    if any(name.startswith("MISTRAL_WORKFLOW_") for name in os.environ):
        # workflow payload encoding: keys from the environment or files, never flags
        from ..workflows_encoding import WorkflowEncoding

        options["workflow_encoding"] = WorkflowEncoding.from_env()
    return Mistral(**options)


def _require_credential() -> None:
    """The client's own error names `api_key=`: a shell user has `--api-key`."""
    from .._auth import API_KEY_ENV, SA_TOKEN_PATH_ENV

    if not (os.environ.get(API_KEY_ENV) or os.environ.get(SA_TOKEN_PATH_ENV)):
        raise CommandError(
            f"no API key: pass --api-key KEY or set {API_KEY_ENV}"
            f" (or {SA_TOKEN_PATH_ENV} to a service-account token file)"
        )


def _log_to_stderr(level: int) -> None:
    """The SDK's logger (`mistral_sdk`, see MISTRAL_LOG) on the current stderr, until
    the command ends (`_stop_logging`)."""
    logger = logging.getLogger("mistral_sdk")
    handler = logging.StreamHandler(sys.stderr)
    handler.mistral_cli = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    handler.previous_level = logger.level  # type: ignore[attr-defined]
    logger.setLevel(level)


def _stop_logging() -> None:
    """Undo `_log_to_stderr` (main() may run again in the same process: tests, scripts)."""
    logger = logging.getLogger("mistral_sdk")
    for handler in list(logger.handlers):
        if getattr(handler, "mistral_cli", False):
            logger.removeHandler(handler)
            logger.setLevel(handler.previous_level)  # type: ignore[attr-defined]


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the command, turn errors into messages and exit codes."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        out = Output(choose_mode(getattr(args, "output", None), sys.stdout))
    except RichMissing as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    try:
        code: int = func(args, out)
        return code
    except KeyboardInterrupt:
        out.error("Interrupted", "interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (`mistral api --list | head`): stop quietly, and keep
        # Python from complaining when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        return report_error(exc, out)
    finally:
        _stop_logging()


def report_error(exc: BaseException, out: Output) -> int:
    """Print `exc` the way its kind deserves; return its exit code."""
    from .. import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        MistralError,
        WorkflowExecutionError,
        WorkflowWaitTimeout,
    )

    kind = type(exc).__name__
    if isinstance(exc, APIStatusError):
        out.error(
            kind,
            exc.message or str(exc),
            status=exc.status_code,
            type=exc.type,
            code=exc.code,
            request_id=exc.request_id,
        )
        return EXIT_API
    if isinstance(exc, (APITimeoutError, APIConnectionError)):
        out.error(kind, str(exc))
        return EXIT_CONNECTION
    if isinstance(exc, WorkflowWaitTimeout):
        out.error(kind, str(exc), execution_id=exc.execution_id)
        return EXIT_TIMEOUT
    if isinstance(exc, MistralError) and isinstance(exc, TimeoutError):  # e.g. a batch wait
        out.error(kind, str(exc), job_ids=getattr(exc, "job_ids", None))
        return EXIT_TIMEOUT
    if isinstance(exc, WorkflowExecutionError):
        out.error(kind, str(exc))
        return EXIT_FAILED
    if isinstance(exc, (CommandError, MistralError)):
        out.error(kind, str(exc))
        return EXIT_USAGE
    raise exc
