#!/usr/bin/env python3
"""Accept a new upstream spec: what `make spec-update` (and the daily spec-sync job) runs.

    python scripts/spec_update.py [--source PATH_OR_URL] [--report FILE] [--test-command CMD]

The source is --source, else $SPEC_SOURCE, else the newest commit of the upstream file
(GitHub's API), which the lock then pins by URL (--commit names the commit of a
--source or $SPEC_SOURCE copy, so that the pin moves with it). When its sha256 is the
lock's, nothing changed: it says so and touches no file. Otherwise it regenerates
everything from it first (so a spec the generator cannot read changes nothing), then
writes spec/openapi.yaml, spec/lock.json, generated/, spec/surface.txt, the README's
API table and spec/supplement.yaml (scripts/extract_supplement.py), writes the diff report (old spec/surface.txt → new) to --report, adds a
CHANGELOG.md entry from it, and runs the tests.

Exit status: 0 updated and tested, or nothing to do; 1 the source cannot be read or
generated from (nothing changed); 3 updated, but the tests failed (the changes stay, for
review).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402
from fetch_spec import lock_spec, read_source, upstream_source, write_atomically  # noqa: E402

from generator import diff, read_api, surface  # noqa: E402
from generator.__main__ import render_files  # noqa: E402
from generator.load import SpecError  # noqa: E402
from generator.render import write  # noqa: E402

LOCK = ROOT / "spec" / "lock.json"
SPEC = ROOT / "spec" / "openapi.yaml"
SURFACE = ROOT / "spec" / "surface.txt"
CHANGELOG = ROOT / "CHANGELOG.md"
CHANGELOG_HEAD = (
    "# Changelog\n\n"
    "What changed in each release. `make spec-update` adds an entry whenever the\n"
    "upstream spec changes; see README.md, Versioning.\n"
)


def changelog(entry: str) -> None:
    """Put `entry` above the newest entry (below the title and introduction)."""
    text = CHANGELOG.read_text(encoding="utf-8") if CHANGELOG.exists() else CHANGELOG_HEAD
    at = text.find("\n## ")
    head, tail = (text, "") if at < 0 else (text[: at + 1], text[at + 1 :])
    CHANGELOG.write_text(f"{head.rstrip()}\n\n{entry.rstrip()}\n\n{tail}".rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", help="path or URL of the spec (default: $SPEC_SOURCE, lock URL)"
    )
    parser.add_argument(
        "--commit", help="the upstream commit the source is (the lock's URL pins it)"
    )
    parser.add_argument("--report", type=Path, default=ROOT / "build" / "spec-diff.md")
    parser.add_argument(
        "--test-command",
        default=f"{shlex.quote(sys.executable)} -m pytest -q",
        help="run after regenerating (default: the test suite)",
    )
    args = parser.parse_args(argv)

    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    commit: str | None = args.commit
    try:
        if args.source:
            source = args.source
        else:  # the newest upstream commit: the lock will pin it
            source, found = upstream_source(lock)
            commit = commit or found
        data = read_source(source)
    except (OSError, ValueError) as exc:
        print(f"spec-update: cannot read {source}: {exc}", file=sys.stderr)
        return 1
    sha256 = hashlib.sha256(data).hexdigest()
    if sha256 == lock["sha256"]:
        print(f"spec-update: {source} is unchanged (sha256 {sha256}); nothing to do")
        return 0

    # Everything is computed before the first file is written.
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        new_spec = Path(tmp) / "openapi.yaml"
        new_spec.write_bytes(data)
        try:
            api, _ = read_api(new_spec)
            new_surface = surface.from_api(api)
            files = render_files(api, sha256)
        except (SpecError, ValueError, yaml.YAMLError) as exc:
            print(f"spec-update: cannot generate from {source}: {exc}", file=sys.stderr)
            return 1
    if SURFACE.exists():
        old_surface = surface.parse_text(SURFACE.read_text(encoding="utf-8"))
    else:
        old_surface = surface.Surface("(no spec/surface.txt)", {}, {})
    changes = diff.diff(old_surface, new_surface)

    write_atomically(SPEC, data)
    write(files, ROOT / "generated")
    SURFACE.write_text(surface.to_text(new_surface), encoding="utf-8")
    old_sha = str(lock["sha256"])
    lock_spec(lock, data, source, commit)
    # the README's table is built from the new OPERATIONS, in a fresh interpreter with
    # this tree's generated half first on the path (the editable install's finder joins
    # it with the runtime: scripts/editable_finder.py)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "generated"))
    table = [sys.executable, str(ROOT / "scripts" / "api_table.py"), "--write", "README.md"]
    subprocess.run(table, cwd=ROOT, env=env, check=True)
    # the supplement is what the public spec lacks: an operation the new spec has leaves it
    supplement = [sys.executable, str(ROOT / "scripts" / "extract_supplement.py")]
    if subprocess.run(supplement, cwd=ROOT).returncode != 0:
        print("spec-update: spec/supplement.yaml not refreshed (see above)", file=sys.stderr)
    elapsed = time.perf_counter() - started

    report = diff.markdown(changes, f"spec/surface.txt (sha256 {old_sha[:12]})", source)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report, encoding="utf-8")
    title = f"{lock['version']}, sha256 {sha256[:12]}"
    changelog(diff.changelog_entry(changes, f"Upstream spec {lock['date']} ({title})"))
    print(
        f"spec-update: {old_sha[:12]} → {sha256[:12]}: regenerated in {elapsed:.1f}s; "
        f"{diff.summary(changes)}\nspec-update: report written to {args.report}"
    )

    tests = subprocess.run(shlex.split(args.test_command), cwd=ROOT)
    if tests.returncode != 0:
        note = f"\n> **The tests fail against this spec** (`{args.test_command}`).\n"
        args.report.write_text(report + note, encoding="utf-8")
        print("spec-update: the tests fail against the new spec (changes kept)", file=sys.stderr)
        return 3
    print("spec-update: done; review `git diff`, then commit the lock, surface and generated/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
