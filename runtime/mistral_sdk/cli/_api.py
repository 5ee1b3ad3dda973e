"""`mistral api CALL [PATH_ARGS] [--param VALUE ...]`: any operation of `OPERATIONS`.

CALL is an operation's Python call (`files.list`, `chat.stream`), or its operationId.
Path parameters are positional, in path order; every other argument is a flag named
like the keyword argument (`--page-size 10` or `--page_size=10`). A value is read as
JSON when the parameter is not a string (`--messages '[{"role": "user", ...}]'`),
`--body JSON|@file|-` gives many arguments at once (flags win), a flag without a value
is `true`, a file argument takes a path (`--file data.jsonl`). Pages are followed with
`--all`; streams print one JSON line per event; file contents go to stdout as bytes.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import EXIT_OK
from ._app import CommandError, make_client
from ._output import Output

__all__ = ["find_operation", "parse_call_arguments", "read_json_value", "register"]

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


def _is_text(annotation: Any) -> bool:
    """Whether a parameter takes text, so a flag value stays a string."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.split("|")[0].strip() == "str"


def parse_call_arguments(method: Any, tokens: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keyword arguments for `method`, options of `mistral api`) from the tokens after CALL."""
    params = inspect.signature(method).parameters
    positional = [p.name for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    kwargs: dict[str, Any] = {}
    options: dict[str, Any] = {"all": False, "body": None, "output": None, "help": False}
    flags: dict[str, Any] = {}
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
        elif key == "body":
            if value is None:
                raise CommandError("--body needs a value: JSON, @file or -")
            options["body"] = read_json_value(value, "--body")
            if not isinstance(options["body"], dict):
                raise CommandError("--body: expected a JSON object of arguments")
        elif key not in params:
            names = ", ".join(f"--{n.replace('_', '-')}" for n in params if n not in positional)
            raise CommandError(f"unknown argument --{name} for this operation (it takes: {names})")
        else:
            flags[key] = _flag_value(key, value, params[key].annotation)
    body = options["body"] or {}
    missing = [n for n in positional if n not in kwargs and n not in body and n not in flags]
    if missing and not options["help"]:
        raise CommandError(f"missing path argument(s): {', '.join(missing)}")
    return {**body, **kwargs, **flags}, options


def _flag_value(key: str, value: str | None, annotation: Any) -> Any:
    if value is None:
        return True
    if _is_text(annotation):
        return value
    if "FileInput" in str(annotation):  # a file to send: its path (`--file data.jsonl`)
        path = Path(value.removeprefix("@"))
        if not path.is_file():
            raise CommandError(f"--{key.replace('_', '-')}: no such file {str(path)!r}")
        return path
    if value.startswith("@") or value == "-":
        return read_json_value(value, f"--{key.replace('_', '-')}")
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # e.g. an enum value or a date: the method validates it


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
    out.table(["call", "method", "path", "", "summary"], rows, title=f"{len(rows)} operations")
    return EXIT_OK


def _help(call: str, op: Any, method: Any, out: Output) -> int:
    signature = inspect.signature(method)
    out.text(f"{call}: {op.method} {op.path}" + (" (stream)" if op.streaming else ""))
    out.text(f"  {call}{signature}")
    doc = inspect.getdoc(method)
    if doc:
        out.text("\n" + doc)
    return EXIT_OK


def _run(args: argparse.Namespace, out: Output) -> int:
    if args.list:
        return _list(out)
    if not args.call:
        raise CommandError("name an operation (e.g. `mistral api files.list`) or use --list")
    call, op = find_operation(args.call)
    with make_client(args) as client:
        method = _method(client, call)
        kwargs, options = parse_call_arguments(method, list(args.rest))
        if options["output"] is not None:
            out.mode = options["output"]
        if options["help"]:
            return _help(call, op, method, out)
        result = method(**kwargs)
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
