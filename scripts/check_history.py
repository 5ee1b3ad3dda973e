#!/usr/bin/env python3
"""Prove that the daily `make spec-update` is green when nothing broke (issue 12).

    python scripts/check_history.py [--since 2026] [--report FILE] [SPEC ...]

For the tracked spec and for each version in ../shared/spec/history/ dated from
`--since` on (or for the SPEC files given), in a fresh `git clone` of this checkout's
current commit (uncommitted changes are not part of it) with ../shared beside it:

1. `make spec-update SPEC_SOURCE=<file>` exits 0: it built its own virtualenv,
   regenerated, and the whole test suite passed against that spec;
2. its report (build/spec-diff.md) lists the changes, and the tree changed; for the
   tracked spec, the lock already names it: nothing changes, and the test suite passes;
3. the spec it wrote is readable by others (mode 0644);
4. a second `make spec-update` with the same file changes nothing.

The versions run one after the other (each takes minutes: a virtualenv and the test
suite). Prints, and writes to --report, one row per version: the exit status, the
number of changes in the report, and the tests skipped with their reasons. Exit
status 0 when every version passes, 1 otherwise. Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
HISTORY = SHARED / "spec" / "history"
TRACKED = SHARED / "spec" / "openapi.yaml"
SPEC_MODE = 0o644
# what the runs themselves create, not what spec-update writes (build/: the editable
# install's view for type checkers and its import hook, written by `make venv`)
SCRATCH = {
    ".git",
    ".venv",
    "build",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
}
# The tests spec-update runs: the default command, listing failures and skips (reasons).
TEST_COMMAND = "$(PY) -m pytest -q -rfEs -p no:cacheprovider"

# "operations: 21 added, 16 removed, 16 changed; models: ...; enum values: 0 added, ..."
_COUNT = re.compile(r"(\d+) (?:added|removed|changed)\b")
_SKIPPED = re.compile(r"^SKIPPED \[(\d+)\] ([^:]+):\d+: (.*)$")
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)")


@dataclass
class Outcome:
    """What one spec version did."""

    name: str
    rc: int | None = None
    changes: int | None = None
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (count, file, reason)
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def summary_changes(text: str) -> int | None:
    """The number of changes in spec-update's summary line (`spec-update: a → b: ...`)."""
    for line in text.splitlines():
        if line.startswith("spec-update:") and "regenerated in" in line:
            counts = line.split("regenerated in", 1)[1]
            return sum(int(n) for n in _COUNT.findall(counts))
    return None


def skipped_tests(output: str) -> list[tuple[int, str, str]]:
    """(count, test file, reason) of pytest's `-rs` summary."""
    found = []
    for line in output.splitlines():
        match = _SKIPPED.match(line.strip())
        if match:
            found.append((int(match[1]), match[2], match[3]))
    return found


def failed_tests(output: str) -> list[str]:
    return sorted({m[1] for line in output.splitlines() if (m := _FAILED.match(line.strip()))})


def select_versions(history: Path, since: str) -> list[Path]:
    """History files (named DATE_COMMIT_PATH.yaml) dated `since` or later, oldest first."""
    return sorted(p for p in history.glob("*.yaml") if p.name[: len(since)] >= since)


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file a spec update may write (the scratch of the runs left out)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SCRATCH]
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _run(cmd: list[str], cwd: Path, log: Path) -> subprocess.CompletedProcess[str]:
    # A clean environment: the caller's make variables and SPEC_SOURCE must not leak
    # into the clone's make (the point of the exercise is what a fresh checkout does).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MAKE", "MFLAGS", "SPEC_", "MISTRAL_", "VIRTUAL_ENV"))
    }
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"$ {shlex.join(cmd)}\n{done.stdout}{done.stderr}(exit {done.returncode})\n\n")
    return done


def fresh_clone(workdir: Path, commit: str) -> Path:
    """A clone of `commit` at workdir/mistral-sdk, with workdir/shared -> ../shared."""
    if SHARED.is_dir():
        (workdir / "shared").symlink_to(SHARED.resolve())
    clone = workdir / "mistral-sdk"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", commit], check=True)
    return clone


def check_version(spec: Path, commit: str, tracked: bool, logs: Path) -> Outcome:
    outcome = Outcome(spec.name)
    started = time.monotonic()
    log = logs / f"{spec.stem}.log"
    log.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="check-history-") as tmp:
        clone = fresh_clone(Path(tmp), commit)
        update = [
            "make",
            "--no-print-directory",
            "spec-update",
            f"SPEC_SOURCE={spec}",
            f"SPEC_UPDATE_TESTS={TEST_COMMAND}",
        ]
        before = snapshot(clone)
        first = _run(update, clone, log)
        output = first.stdout + first.stderr
        outcome.rc = first.returncode
        outcome.skipped = skipped_tests(output)
        outcome.failed = failed_tests(output)
        if first.returncode != 0:
            # make exits 2 whatever failed; the script's own status says what (3: tests)
            status = re.findall(r"\] Error (\d+)", first.stderr)
            why = f" (scripts/spec_update.py exited {status[-1]})" if status else ""
            outcome.problems.append(f"make spec-update exited {first.returncode}{why}")
        after = snapshot(clone)
        if tracked:
            # the lock names this spec: spec-update has nothing to do, so the tests
            # against it are run as `make test` would (listing skips and failures)
            outcome.changes = 0
            if "is unchanged" not in first.stdout or after != before:
                outcome.problems.append("the tracked spec changed the tree")
            spec = _run(["make", "--no-print-directory", "spec"], clone, log)
            if spec.returncode != 0:
                outcome.problems.append(f"make spec exited {spec.returncode}")
            pytest = shlex.split(TEST_COMMAND.replace("$(PY)", ".venv/bin/python"))
            tests = _run(pytest, clone, log)
            test_output = tests.stdout + tests.stderr
            outcome.skipped = skipped_tests(test_output)
            outcome.failed = failed_tests(test_output)
            if tests.returncode != 0:
                outcome.problems.append(f"the tests exited {tests.returncode}")
        else:
            outcome.changes = summary_changes(first.stdout)
            report = clone / "build" / "spec-diff.md"
            if not report.is_file() or not outcome.changes:
                outcome.problems.append("the report lists no changes")
            if after == before:
                outcome.problems.append("the tree did not change")
        written = clone / "spec" / "openapi.yaml"
        if written.is_file():
            mode = stat.S_IMODE(written.stat().st_mode)
            if mode != SPEC_MODE:
                outcome.problems.append(f"spec/openapi.yaml has mode {mode:o}, not 644")
        elif not tracked:
            outcome.problems.append("spec/openapi.yaml was not written")
        settled = snapshot(clone)
        second = _run(update, clone, log)
        if second.returncode != 0 or "is unchanged" not in second.stdout:
            outcome.problems.append(f"the second run was not a no-op (exit {second.returncode})")
        if snapshot(clone) != settled:
            outcome.problems.append("the second run changed files")
    outcome.seconds = time.monotonic() - started
    return outcome


def markdown(outcomes: list[Outcome], commit: str) -> str:
    lines = [
        "# make spec-update against each spec version",
        "",
        f"Fresh clones of commit `{commit[:12]}`; full logs beside this file.",
        "",
        "| spec | rc | changes in report | skipped | failed | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        verdict = "ok" if o.ok else "FAIL: " + "; ".join(o.problems)
        skipped = sum(n for n, _, _ in o.skipped)
        lines.append(
            f"| {o.name} | {o.rc} | {o.changes} | {skipped} | {len(o.failed)} | {verdict} |"
        )
    for o in outcomes:
        lines += ["", f"## {o.name} ({o.seconds:.0f} s)", ""]
        lines += [f"- skipped {n}: `{where}`: {reason}" for n, where, reason in o.skipped]
        lines += [f"- FAILED `{name}`" for name in o.failed]
        if not o.skipped and not o.failed:
            lines.append("- no test skipped or failed")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("specs", nargs="*", type=Path, help="spec files (default: see --since)")
    parser.add_argument("--since", default="2026", help="first history date (prefix of the name)")
    parser.add_argument("--report", type=Path, default=ROOT / "build" / "check-history.md")
    parser.add_argument("--no-tracked", action="store_true", help="skip the tracked spec")
    args = parser.parse_args(argv)
    if shutil.which("git") is None or shutil.which("make") is None:
        print("check-history: needs git and make", file=sys.stderr)
        return 1

    if args.specs:
        specs = [(p.resolve(), False) for p in args.specs]
    else:
        specs = [] if args.no_tracked or not TRACKED.is_file() else [(TRACKED, True)]
        specs += [(p, False) for p in select_versions(HISTORY, args.since)]
    if not specs:
        print(f"check-history: no spec versions (looked in {HISTORY})", file=sys.stderr)
        return 1
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout:
        print(f"check-history: uncommitted changes are not checked (commit {commit[:12]})")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    logs = args.report.parent / "check-history-logs"
    logs.mkdir(exist_ok=True)

    outcomes = []
    for spec, tracked in specs:
        print(f"check-history: {spec.name} ...", flush=True)
        outcome = check_version(spec, commit, tracked, logs)
        outcomes.append(outcome)
        verdict = "ok" if outcome.ok else "FAIL: " + "; ".join(outcome.problems)
        print(
            f"check-history: {spec.name}: rc {outcome.rc}, {outcome.changes} changes, "
            f"{sum(n for n, _, _ in outcome.skipped)} skipped, {len(outcome.failed)} failed "
            f"({outcome.seconds:.0f} s): {verdict}",
            flush=True,
        )
    text = markdown(outcomes, commit)
    args.report.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
