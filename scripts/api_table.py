#!/usr/bin/env python3
"""Print the markdown API coverage table built from `mistral_sdk.OPERATIONS`.

    python scripts/api_table.py                 # print the table
    python scripts/api_table.py --write README.md   # replace the table between the markers
    python scripts/api_table.py --check README.md   # exit 1 when the README's table is stale

The table sits between `<!-- api-table:start -->` and `<!-- api-table:end -->`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

START = "<!-- api-table:start -->"
END = "<!-- api-table:end -->"


def rows(operations: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(call, "METHOD /path", streaming) for every client method, sorted by call."""
    keyed: list[tuple[str, str, str, str]] = []
    for op in operations.values():
        route = f"{op.method} {op.path.split('#', 1)[0]}"
        note = " (deprecated)" if op.deprecated else ""
        calls = [(op.call, "yes" if op.streaming else "")]
        if op.stream_call:
            calls.append((op.stream_call, "yes"))
        for call, streaming in calls:
            keyed.append((call, f"`client.{call}`{note}", route, streaming))
    keyed.sort()
    return [(call, route, streaming) for _, call, route, streaming in keyed]


def render(operations: Mapping[str, Any]) -> str:
    table = rows(operations)
    lines = [
        f"{len(operations)} operations, {len(table)} methods on `Mistral` "
        "(the same on `AsyncMistral`), generated from `mistral_sdk.OPERATIONS` "
        "by `make readme-table`.",
        "",
        "| call | HTTP | streaming |",
        "|---|---|---|",
    ]
    lines += [f"| {call} | `{route}` | {streaming} |" for call, route, streaming in table]
    return "\n".join(lines) + "\n"


def splice(text: str, table: str) -> str:
    try:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise SystemExit(f"api_table: markers {START} / {END} not found") from None
    return f"{head}{START}\n{table}{END}{tail}"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE", help="rewrite the table in FILE")
    group.add_argument("--check", metavar="FILE", help="fail when the table in FILE is stale")
    args = parser.parse_args(list(argv) if argv is not None else None)

    from mistral_sdk import OPERATIONS

    table = render(OPERATIONS)
    if args.write:
        path = Path(args.write)
        text = path.read_text(encoding="utf-8")
        new = splice(text, table)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"api_table: updated {path}")
        else:
            print(f"api_table: {path} is up to date")
    elif args.check:
        path = Path(args.check)
        text = path.read_text(encoding="utf-8")
        if splice(text, table) != text:
            print(
                f"api_table: the API table in {path} is stale; run 'make readme-table'",
                file=sys.stderr,
            )
            return 1
        print(f"api_table: the API table in {path} is up to date")
    else:
        sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
