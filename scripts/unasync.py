#!/usr/bin/env python3
"""Write the blocking twin of async code, so that each I/O loop has one source.

The async version is the one edited; its blocking twin is derived from it by the
textual rules below (as httpcore does with its own unasync script) and committed.
A twin is either

- a whole module: `batch/_async.py` gives `batch/_sync.py` (imports sorted and
  pruned, a header naming the source), or
- a section of a module that holds both modes: everything after `SYNC_MARK` is
  generated from the lines between `ASYNC_MARK` and `SYNC_MARK`; the module's
  imports and shared code stay above, written by hand.

Both are formatted with the project's ruff. Each twin may add rules of its own,
applied before the common ones; a rule that no longer changes anything is an
error, so the tables stay small and true.

    python scripts/unasync.py            rewrite every stale twin
    python scripts/unasync.py --check    exit 1, with a diff, when a twin is stale
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "runtime/mistral_sdk"

ASYNC_MARK = "# --- async: the blocking section below is generated from this one (make unasync) ---"
SYNC_MARK = "# --- blocking: generated from the async section above by scripts/unasync.py ---"
HEADER = "# Generated from {source} by scripts/unasync.py: edit that file, then `make unasync`.\n"

Rule = tuple[str, str]  # (regular expression, replacement), in multi-line mode

# Every twin, after its own rules.
COMMON: tuple[Rule, ...] = (
    # an async method also takes async iterables: `Iterable[X] | AsyncIterable[X]`
    (r"\bIterable\[([^\]]+)\] \| AsyncIterable\[\1\]", r"Iterable[\1]"),
    # a callback that may be a coroutine function: `X | Awaitable[X]` is X
    (r"\b(\w+) \| Awaitable\[\1\]", r"\1"),
    # what an awaitable gives: `Awaitable[X]` is X (one level of brackets inside)
    (r"\bAwaitable\[([^\[\]]*(?:\[[^\[\]]*\])?)\]", r"\1"),
    (r"\bAsyncGenerator\[([^\]]+), None\]", r"Generator[\1, None, None]"),
    (r"\bAsyncAPIClient\b", "SyncAPIClient"),
    # the private helpers of a module with both modes: `_follow_async` → `_follow_sync`
    (r"\b(_\w+)_async\b", r"\1_sync"),
    # AsyncMistral, AsyncBatchRun, _AsyncConnection, AsyncIterator, AsyncExitStack, ...
    (r"(?<![A-Za-z0-9])Async(?=[A-Z])", ""),
    (r"\basync (def|with|for)\b", r"\1"),
    # what an async generator cannot say: `for x in y: yield x` is `yield from y`
    (r"^( *)for (\w+) in (.+):\n\1    yield \2\n(?!(?:[ \t]*\n)*\1    \S)", r"\1yield from \3\n"),
    (r"\bawait ", ""),
    (r"\b__a(enter|exit|iter|next)__\b", r"__\1__"),
    (r"\ba(close|next)\b", r"\1"),
    (r"\basynccontextmanager\b", "contextmanager"),
    (r"\benter_async_context\b", "enter_context"),
    (r"\basyncio\.sleep\b", "time.sleep"),
)


@dataclass(frozen=True)
class Twin:
    source: str  # the async module, relative to PACKAGE
    target: str | None = None  # its blocking twin; None: the SYNC_MARK section of `source`
    rules: tuple[Rule, ...] = ()  # this twin's own, applied first


TWINS: tuple[Twin, ...] = (
    Twin(
        "batch/_async.py",
        "batch/_sync.py",
        rules=((r"\ba(feed|parse_lines)\b", r"\1"),),
    ),
    Twin(
        "realtime/_async.py",
        "realtime/_sync.py",
        rules=(
            (r"\b_aio\b", "_threads"),
            (r"\bwebsockets\.asyncio\.client\b", "websockets.sync.client"),
            # the one-call helpers: a blocking call connects at once and returns the
            # events' iterator (an async generator can only connect when iterated)
            (r"async for event in (.*):\n\s*yield event$", r"return \1"),
        ),
    ),
    Twin("_resume.py", rules=((r"\basync_resume_stream\b", "resume_stream"),)),
    # the ways into the batch and realtime capabilities: their methods import them
    Twin(
        "_batch.py",
        rules=(
            (r"\bimport _async\b", "import _sync"),
            (r"\b_async\.", "_sync."),
        ),
    ),
    Twin(
        "_audio.py",
        rules=(
            # the blocking connect_* return the session, already a context manager
            (r"^ *@_opening\n", ""),
            (r"\bimport _async\b", "import _sync"),
            (r"\b_async\.", "_sync."),
            (r"async for event in (.*):\n\s*yield event$", r"return \1"),
        ),
    ),
    Twin("_workflows.py"),
    Twin(
        "_conversations.py",
        rules=(
            (r"\ballow_async=True\b", "allow_async=False"),
            (r"\bopen_async\b", "open_sync"),
            # a coroutine's result, awaited: the blocking twin has it already
            (r"^ *(\w+) = await _maybe_await\(\1\)\n", ""),
        ),
    ),
)


class StaleRule(Exception):
    pass


def unasync(text: str, rules: Sequence[Rule], used: set[Rule] | None = None) -> str:
    """`text` with every rule applied in order; the rules that changed it go to `used`."""
    for pattern, replacement in rules:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if count and used is not None:
            used.add((pattern, replacement))
    return text


def _ruff(args: list[str], text: str, path: str, root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", path, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=root,  # the project's ruff settings (pyproject.toml)
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"unasync: ruff {args[0]} failed on {path}:\n{done.stderr}")
    return done.stdout


def _split(text: str, path: str) -> tuple[str, str]:
    """(the module up to the async section's end, the async section)."""
    lines = text.splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if line.rstrip("\n") in (ASYNC_MARK, SYNC_MARK)]
    if [lines[i].rstrip("\n") for i in found] != [ASYNC_MARK, SYNC_MARK]:
        raise ValueError(f"{path}: needs one ASYNC_MARK line, then one SYNC_MARK line")
    start, end = found[0] + 1, found[1]
    return "".join(lines[: end + 1]), "".join(lines[start:end])


def render(twin: Twin, root: Path, used: set[Rule]) -> tuple[Path, str]:
    """The twin's path and what it should hold."""
    source = root / PACKAGE / twin.source
    text = source.read_text(encoding="utf-8")
    rules = (*twin.rules, *COMMON)
    mine: set[Rule] = set()
    if twin.target is None:
        head, section = _split(text, twin.source)
        out = head + "\n\n" + unasync(section, rules, mine)
        path, fixes = source, "SIM117"  # the module's imports serve both sections: by hand
    else:
        path = root / PACKAGE / twin.target
        out = HEADER.format(source=Path(twin.source).name) + unasync(text, rules, mine)
        fixes = "SIM117,I,F401"
    stale = [rule for rule in twin.rules if rule not in mine]
    if stale:
        raise StaleRule(f"{twin.source}: rules that change nothing: {stale}")
    used |= mine
    rel = path.relative_to(root).as_posix()
    # `with a:` around `async with b:` becomes one `with a, b:`; unused imports go
    out = _ruff(["check", "--fix", "--exit-zero", "--quiet", "--select", fixes], out, rel, root)
    return path, _ruff(["format", "--quiet"], out, rel, root)


def run(root: Path = ROOT, *, check: bool = False, twins: Sequence[Twin] = TWINS) -> int:
    """Rewrite (or, with `check`, compare) every twin; the exit status."""
    used: set[Rule] = set()
    stale: list[str] = []
    try:
        for twin in twins:
            path, expected = render(twin, root, used)
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current == expected:
                continue
            rel = path.relative_to(root).as_posix()
            stale.append(rel)
            if check:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        current.splitlines(keepends=True),
                        expected.splitlines(keepends=True),
                        f"{rel} (committed)",
                        f"{rel} (from {twin.source})",
                    )
                )
            else:
                path.write_text(expected, encoding="utf-8")
                print(f"unasync: wrote {rel}")
    except (StaleRule, ValueError) as exc:
        print(f"unasync: {exc}", file=sys.stderr)
        return 2
    unused = [rule for rule in COMMON if rule not in used] if twins is TWINS else []
    if unused:
        print(f"unasync: common rules that change nothing: {unused}", file=sys.stderr)
        return 2
    if check and stale:
        print(
            f"unasync: stale: {', '.join(stale)}; edit the async source, run `make unasync`"
            " and commit the result",
            file=sys.stderr,
        )
        return 1
    if check:
        print(f"unasync: {len(twins)} blocking twins are current")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (default: this)")
    args = parser.parse_args(argv)
    return run(args.root, check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
