"""Write a benchmark's figures into the doc that shows them, between markers
`<!-- NAME:start (written by benchmarks/SCRIPT) -->` and `<!-- NAME:end -->`, with a
line saying when, where and under what load they were measured: a figure in the docs
is always the output of the script named beside it."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def stamp(command: str) -> str:
    load = os.getloadavg()[0]
    return (
        f"(`{command}`, {dt.date.today().isoformat()}, Python {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs shared with other "
        f"jobs, load average {load:.1f} at the end.)"
    )


def write(doc: str, name: str, script: str, command: str, text: str) -> None:
    """Replace the block `name` of `doc` (a path from the repository's root) with
    `text` and the stamp; the markers must be there already."""
    path = REPO / doc
    start = f"<!-- {name}:start (written by benchmarks/{script}) -->"
    end = f"<!-- {name}:end -->"
    content = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r"\n.*?" + re.escape(end), re.S)
    if not pattern.search(content):
        raise SystemExit(f"{doc} has no {start!r} … {end!r} block")
    block = f"{start}\n{text}\n\n{stamp(command)}\n{end}"
    path.write_text(pattern.sub(lambda _: block, content), encoding="utf-8")
    print(f"wrote {doc}")
