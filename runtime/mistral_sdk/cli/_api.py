"""`mistral api CALL [PATH_ARGS] [--param VALUE ...]`: any operation of `OPERATIONS`.

CALL is an operation's Python call (`files.list`, `chat.stream`), or its operationId.
Path parameters are positional, in path order; every other argument is a flag named
like the keyword argument (`--page-size 10` or `--page_size=10`). A value is read as
JSON when the parameter is not a string (`--messages '[{"role": "user", ...}]'`),
`--body JSON|@file|-` gives many arguments at once (flags win; for an operation that
takes `body=`, it is that body), a flag without a value
is `true`, a file argument takes a path (`--file data.jsonl`). Pages are followed with
`--all`; streams print one JSON line per event; file contents go to stdout as bytes.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from . import EXIT_OK
from ._app import CommandError, make_client, read_json_value
from ._output import Output

if TYPE_CHECKING:  # the flags module (and msgspec) load when an operation is called
    from ._flags import Flag

__all__ = ["find_operation", "parse_call_arguments", "read_json_value", "register"]

# a value the spec does not know, which the API may take: the shell's way to send it
_SHELL_ADVICE = (
    "if the API accepts this value and the spec does not describe it yet, give it in"
    " --extra-body '{...}' as well: sent as is, over the checked flags"
)
# flags of `mistral api` itself, found among the operation's flags
_OUTPUT_FLAGS = {"json": "json", "jsonl": "jsonl", "plain": "plain", "rich": "rich"}


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    api = commands.add_parser(
        "api",
        parents=[common],
        help="call any operation by its Python call name",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    api.add_argument("--list", action="store_true", help="list the operations and exit")
    api.add_argument("call", nargs="?", metavar="CALL", help="e.g. files.list, chat.stream")
    api.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="ARGS",
        help="path arguments, then --param VALUE flags, --body, --all",
    )
    api.set_defaults(func=_run)


def find_operation(call: str) -> tuple[str, Any]:
    """(the call to make, its Operation) for a call name, stream call or operationId."""
    from .. import OPERATIONS

    if call in OPERATIONS:
        return OPERATIONS[call].call, OPERATIONS[call]
    for op in OPERATIONS.values():
        if call in (op.call, op.stream_call):
            return call, op
    close = sorted(
        c
        for op in OPERATIONS.values()
        for c in (op.call, op.stream_call)
        if c and c.split(".")[0] == call.split(".")[0]
    )
    hint = f"; under {call.split('.')[0]}: {', '.join(close)}" if close else ""
    raise CommandError(f"unknown operation {call!r} (see `mistral api --list`){hint}")


def parse_call_arguments(
    flags: list[Flag], tokens: list[str], call: str = "CALL"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keyword arguments, options of `mistral api`) from the tokens after CALL; a
    missing path argument or required flag is a usage error naming it."""
    by_name = {f.name: f for f in flags}
    positional = [f.name for f in flags if f.positional]
    # `--body` is the request body itself where the operation takes one (`body=`),
    # else a JSON object of arguments
    body_is_argument = "body" in by_name
    kwargs: dict[str, Any] = {}
    options: dict[str, Any] = {"all": False, "body": None, "output": None, "help": False}
    flagged: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token.startswith("--"):
            if token == "-h":
                options["help"] = True
                continue
            if len(kwargs) >= len(positional):
                raise CommandError(
                    f"unexpected argument {token!r}: the operation takes "
                    f"{len(positional)} path argument(s) ({', '.join(positional) or 'none'})"
                )
            kwargs[positional[len(kwargs)]] = token
            continue
        name, eq, text = token[2:].partition("=")
        value: str | None = text
        key = name.replace("-", "_")
        if not eq:
            if i < len(tokens) and not tokens[i].startswith("--"):
                value = tokens[i]
                i += 1
            else:
                value = None
        if key in ("all", "help") and value is None:
            options[key] = True
        elif key in _OUTPUT_FLAGS and value is None:
            options["output"] = _OUTPUT_FLAGS[key]
        elif key == "body" and not body_is_argument:
            if value is None:
                raise CommandError("--body needs a value: JSON, @file or -")
            options["body"] = read_json_value(value, "--body")
            if not isinstance(options["body"], dict):
                raise CommandError("--body: expected a JSON object of arguments")
        elif key not in by_name or by_name[key].positional:
            names = ", ".join(f.flag for f in flags if not f.positional)
            raise CommandError(f"unknown argument --{name} for this operation (it takes: {names})")
        else:
            flagged[key] = by_name[key].read(value)
    given = {**(options["body"] or {}), **kwargs, **flagged}
    if not options["help"]:
        _check_required(flags, given, call)
    return given, options


def _check_required(flags: list[Flag], given: dict[str, Any], call: str) -> None:
    missing = [f for f in flags if f.required and f.name not in given]
    if not missing:
        return
    paths = [f.name for f in missing if f.positional]
    named = [f"{f.flag} ({f.kind})" for f in missing if not f.positional]
    problems = []
    if paths:
        problems.append(f"missing path argument(s): {', '.join(paths)}")
    if named:
        problems.append(f"missing required argument(s): {', '.join(named)}")
    raise CommandError(f"{'; '.join(problems)} (see `mistral api {call} --help`)")


def _method(client: Any, call: str) -> Any:
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target


def _list(out: Output) -> int:
    from .. import OPERATIONS

    rows = []
    for op in sorted(OPERATIONS.values(), key=lambda o: o.call):
        calls = op.call + (f" / {op.stream_call}" if op.stream_call else "")
        rows.append([calls, op.method, op.path, "stream" if op.streaming else "", op.summary])
    if out.scripted:
        for op in sorted(OPERATIONS.values(), key=lambda o: o.call):
            out.jsonl(
                {
                    "call": op.call,
                    "stream_call": op.stream_call,
                    "method": op.method,
                    "path": op.path,
                    "streaming": op.streaming,
                    "operation_id": op.operation_id,
                    "summary": op.summary,
                }
            )
        return EXIT_OK
    out.table(
        ["call", "method", "path", "stream", "summary"], rows, title=f"{len(rows)} operations"
    )
    return EXIT_OK


def _help(call: str, op: Any, method: Any, out: Output) -> int:
    from ._flags import help_data, help_text

    if out.scripted:
        out.json(help_data(call, op, method))
    else:
        out.text(help_text(call, op, method))
    return EXIT_OK


def _run(args: argparse.Namespace, out: Output) -> int:
    if args.list:
        return _list(out)
    if not args.call:
        raise CommandError("name an operation (e.g. `mistral api files.list`) or use --list")
    from .._codec import UNKNOWN_VALUE_ADVICE
    from .._errors import RequestValidationError
    from ._flags import flags_of, unbound

    call, op = find_operation(args.call)
    # the arguments are checked against the method's signature before any client
    # exists: usage errors and --help need no API key
    described = unbound(call)
    kwargs, options = parse_call_arguments(flags_of(described), list(args.rest), call)
    if options["output"] is not None:
        out.mode = options["output"]
    if options["help"]:
        return _help(call, op, described, out)
    with make_client(args) as client:
        try:
            result = _method(client, call)(**kwargs)
        except RequestValidationError as exc:  # the advice for Python code, for a shell
            message = str(exc).replace(UNKNOWN_VALUE_ADVICE, _SHELL_ADVICE)
            raise RequestValidationError(message, field=exc.field) from None
        return _show(result, options["all"], out)


def _show(result: Any, follow_pages: bool, out: Output) -> int:
    from .._pagination import SyncPage
    from .._response import BinaryContent
    from .._streaming import Stream

    if isinstance(result, Stream):
        with result:
            for event in result:
                out.jsonl(event)
    elif isinstance(result, SyncPage):
        if not follow_pages:
            out.json(result.response)
        elif out.mode == "json":
            out.json(list(_items(result)))
        else:
            for item in _items(result):
                out.jsonl(item)
    elif isinstance(result, BinaryContent):
        # file contents go to stdout as they are (redirect them to a file)
        sink = getattr(out.stdout, "buffer", None)
        for chunk in result.iter_bytes():
            if sink is not None:
                sink.write(chunk)
            else:
                out.stdout.write(chunk.decode("utf-8", "replace"))
        out.stdout.flush()
    elif result is not None:
        out.json(result)
    return EXIT_OK


def _items(page: Any) -> Iterator[Any]:
    yield from page
