#!/usr/bin/env python3
"""Print the markdown API coverage table built from `mistral_sdk.OPERATIONS`.

    python scripts/api_table.py                 # print the table
    python scripts/api_table.py --write README.md   # replace the table between the markers
    python scripts/api_table.py --check README.md   # exit 1 when the README's table is stale

The table sits between `<!-- api-table:start -->` and `<!-- api-table:end -->`; the
README's list of API areas (the client's resources) between `<!-- api-areas:start -->`
and `<!-- api-areas:end -->`: what the README says the SDK covers comes from the spec.
Both count the public spec's operations and the supplement's (what the official SDK
calls and the public spec lacks, docs/spec.md) apart, and mark the supplement's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

START = "<!-- api-table:start -->"
END = "<!-- api-table:end -->"
AREAS_START = "<!-- api-areas:start -->"
AREAS_END = "<!-- api-areas:end -->"


def supplement(operations: Mapping[str, Any]) -> tuple[int, str]:
    """How many operations come from the supplement, and its official release."""
    found = [op for op in operations.values() if op.source == "supplement"]
    return len(found), found[0].release if found else ""


def rows(operations: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(call, "METHOD /path", streaming) for every client method, sorted by call."""
    keyed: list[tuple[str, str, str, str]] = []
    for op in operations.values():
        route = f"{op.method} {op.path.split('#', 1)[0]}"
        note = " (deprecated)" if op.deprecated else ""
        note += " (supplement)" if op.source == "supplement" else ""
        calls = [(op.call, "yes" if op.streaming else "")]
        if op.stream_call:
            calls.append((op.stream_call, "yes"))
        for call, streaming in calls:
            keyed.append((call, f"`client.{call}`{note}", route, streaming))
    keyed.sort()
    return [(call, route, streaming) for _, call, route, streaming in keyed]


def render(operations: Mapping[str, Any]) -> str:
    table = rows(operations)
    added, release = supplement(operations)
    counts = f"{len(operations)} operations"
    if added:
        counts += (
            f" ({len(operations) - added} from the public spec, {added} from the supplement:"
            f" what {release} calls and the public spec lacks, marked (supplement))"
        )
    lines = [
        f"{counts}, {len(table)} methods on `Mistral` "
        "(the same on `AsyncMistral`), generated from `mistral_sdk.OPERATIONS` "
        "by `make readme-table`.",
        "",
        "| call | HTTP | streaming |",
        "|---|---|---|",
    ]
    lines += [f"| {call} | `{route}` | {streaming} |" for call, route, streaming in table]
    return "\n".join(lines) + "\n"


def areas(operations: Mapping[str, Any], source: str = "spec") -> list[str]:
    """The client's top resources that have operations of `source` (`beta.` left
    out), sorted."""
    found = set()
    for op in operations.values():
        if op.source != source:
            continue
        parts = op.call.split(".")[:-1]
        if parts[:1] == ["beta"]:
            parts = parts[1:]
        if parts:
            found.add(parts[0])
    return sorted(found)


def render_areas(operations: Mapping[str, Any]) -> str:
    added, release = supplement(operations)
    public = len(operations) - added
    names = ", ".join(f"`{name}`" for name in areas(operations))
    text = (
        f"Every endpoint of the public spec has a method ({public} operations), in these "
        f"areas of the client: {names}."
    )
    if added:
        names = ", ".join(f"`{name}`" for name in areas(operations, "supplement"))
        text += (
            f" So do the {added} operations {release} (the official SDK) calls and the public"
            f" spec lacks, read from it into [the supplement](docs/spec.md), in: {names}."
        )
    return text + "\n"


def splice(text: str, table: str, start: str = START, end: str = END) -> str:
    try:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
    except ValueError:
        raise SystemExit(f"api_table: markers {start} / {end} not found") from None
    return f"{head}{start}\n{table}{end}{tail}"


def splice_all(text: str, operations: Mapping[str, Any]) -> str:
    """`text` with the table and, when it has their markers, the areas rewritten."""
    text = splice(text, render(operations))
    if AREAS_START in text:
        text = splice(text, render_areas(operations), AREAS_START, AREAS_END)
    return text


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
        new = splice_all(text, OPERATIONS)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"api_table: updated {path}")
        else:
            print(f"api_table: {path} is up to date")
    elif args.check:
        path = Path(args.check)
        text = path.read_text(encoding="utf-8")
        if splice_all(text, OPERATIONS) != text:
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
