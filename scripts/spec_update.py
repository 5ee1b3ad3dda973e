#!/usr/bin/env python3
"""Accept a new upstream spec, or a new official SDK release: what `make spec-update`
(and the daily spec-sync job) runs.

    python scripts/spec_update.py [--source PATH_OR_URL] [--report FILE] [--test-command CMD]
                                  [--supplement-release pinned|latest|WHEEL]

The source is --source, else $SPEC_SOURCE, else the newest commit of the upstream file
(GitHub's API), which the lock then pins by URL (--commit names the commit of a
--source or $SPEC_SOURCE copy, so that the pin moves with it). With
`--supplement-release latest` the newest release of the official SDK on the package
index (pip) is considered too, and a wheel file given there is taken as that release
(docs/spec.md, "The supplement").

When neither the spec's sha256 nor the release changed, nothing did: it says so and
touches no file. Otherwise it computes everything first (so that a spec or release the
generator or the extraction cannot read changes nothing): the supplement, re-extracted
against the new spec from the pinned release (installed) or the new one (unpacked, never
installed), so that an operation the public spec gained leaves it; then generated/ and
spec/surface.txt from both. Then it writes spec/openapi.yaml, spec/lock.json (and, for a
new release, the dev extra's pin in pyproject.toml), spec/supplement.yaml, generated/,
spec/surface.txt, the README's API table, the diff report (old spec/surface.txt → new,
both sources: an operation the public spec now has says "now in the public spec") to
--report, a CHANGELOG.md entry from it under Unreleased, and runs the tests.

Without the pinned release installed, the committed supplement is used as it is (the
generator leaves out what the public spec now has, generator/merge.py) and the report
says so.

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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import changelog as changelog_file  # noqa: E402
import extract_supplement  # noqa: E402
import official_release  # noqa: E402
import yaml  # noqa: E402
from fetch_spec import lock_spec, read_source, upstream_source, write_atomically  # noqa: E402

from generator import diff, read_api, surface  # noqa: E402
from generator.__main__ import render_files  # noqa: E402
from generator.load import SpecError  # noqa: E402
from generator.render import write  # noqa: E402

LOCK = ROOT / "spec" / "lock.json"
SPEC = ROOT / "spec" / "openapi.yaml"
SURFACE = ROOT / "spec" / "surface.txt"
SUPPLEMENT = ROOT / "spec" / "supplement.yaml"
PYPROJECT = ROOT / "pyproject.toml"
CHANGELOG = ROOT / "CHANGELOG.md"


def changelog(entry: str) -> None:
    """Add a spec update's entry under `## Unreleased` (scripts/changelog.py)."""
    text = CHANGELOG.read_text(encoding="utf-8") if CHANGELOG.exists() else None
    CHANGELOG.write_text(changelog_file.add_spec_entry(text, entry), encoding="utf-8")


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
    parser.add_argument(
        "--supplement-release",
        default="pinned",
        help="the official SDK release the supplement is read from: `pinned` (spec/lock.json),"
        " `latest` (the package index's newest), or a wheel file",
    )
    args = parser.parse_args(argv)

    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    commit: str | None = args.commit
    source = args.source or "the upstream spec"
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

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            release = new_release(lock, args.supplement_release, work)
        except official_release.ReleaseError as exc:
            # the index or the wheel cannot be read now: the public spec goes on alone
            print(f"spec-update: no new official release considered: {exc}", file=sys.stderr)
            release = None
        if sha256 == lock["sha256"] and release is None:
            print(f"spec-update: {source} is unchanged (sha256 {sha256}); nothing to do")
            return 0
        return accept(args, lock, source, commit, data, release, work)


def new_release(lock: dict[str, Any], choice: str, work: Path) -> official_release.Wheel | None:
    """The official release to move the supplement to, when there is a newer one."""
    pin = lock.get("supplement")
    if choice == "pinned" or not isinstance(pin, dict) or not SUPPLEMENT.is_file():
        return None
    folder = work / "release"
    folder.mkdir()
    if choice == "latest":
        wheel = official_release.newest(pin["package"], folder)
    else:
        wheel = official_release.Wheel.read(Path(choice))
    if wheel.package != pin["package"]:
        raise official_release.ReleaseError(f"{wheel.path.name} is not {pin['package']}")
    return wheel if wheel.newer_than(pin) else None


def supplement_for(
    data: bytes, lock: dict[str, Any], release: official_release.Wheel | None, work: Path
) -> tuple[str | None, str]:
    """The supplement's text against the spec `data` (None: no supplement), and a note
    for the report when it could not be re-extracted."""
    if not SUPPLEMENT.is_file():
        return None, ""
    try:
        if release is not None:
            dist = release.unpack(work / "unpacked")
            reader = extract_supplement.Release(release.pin, dist)
        else:
            reader = extract_supplement.Release(lock["supplement"])
        return extract_supplement.extract_against(reader, data), ""
    except extract_supplement.ExtractionError as exc:
        if release is not None:
            raise  # the new release is what changed: nothing is accepted
        note = f"spec/supplement.yaml was not re-extracted ({exc}); the committed one is used"
        return SUPPLEMENT.read_text(encoding="utf-8"), note


def accept(
    args: argparse.Namespace,
    lock: dict[str, Any],
    source: str,
    commit: str | None,
    data: bytes,
    release: official_release.Wheel | None,
    work: Path,
) -> int:
    """Compute everything from `data` (and `release`), then write it, report, test."""
    sha256 = hashlib.sha256(data).hexdigest()
    started = time.perf_counter()
    new_spec = work / "openapi.yaml"
    new_spec.write_bytes(data)
    try:
        supplement, note = supplement_for(data, lock, release, work)
        if supplement is not None:
            (work / "supplement.yaml").write_text(supplement, encoding="utf-8")
        api, _ = read_api(new_spec, supplement=None if supplement is not None else False)
        new_surface = surface.from_api(api)
        files = render_files(api, sha256)
        pyproject = ""
        if release is not None:
            pyproject = official_release.repin_pyproject(
                PYPROJECT.read_text(encoding="utf-8"), release
            )
    except (
        SpecError,
        ValueError,
        yaml.YAMLError,
        extract_supplement.ExtractionError,
        official_release.ReleaseError,
    ) as exc:
        what = source if release is None else f"{source} and {release.path.name}"
        print(f"spec-update: cannot generate from {what}: {exc}", file=sys.stderr)
        return 1
    if SURFACE.exists():
        old_surface = surface.parse_text(SURFACE.read_text(encoding="utf-8"))
    else:
        old_surface = surface.Surface("(no spec/surface.txt)", {}, {})
    changes = diff.diff(old_surface, new_surface)

    old_sha = str(lock["sha256"])
    if sha256 != old_sha:
        write_atomically(SPEC, data)
        lock_spec(lock, data, source, commit)
    if release is not None:
        lock["supplement"] = release.pin
        LOCK.write_text(json.dumps(lock, indent=2) + "\n", encoding="utf-8")
        PYPROJECT.write_text(pyproject, encoding="utf-8")
    if supplement is not None:
        SUPPLEMENT.write_text(supplement, encoding="utf-8")
    write(files, ROOT / "generated")
    SURFACE.write_text(surface.to_text(new_surface), encoding="utf-8")
    # the README's table is built from the new OPERATIONS, in a fresh interpreter with
    # this tree's generated half first on the path (the editable install's finder joins
    # it with the runtime: scripts/editable_finder.py)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "generated"))
    table = [sys.executable, str(ROOT / "scripts" / "api_table.py"), "--write", "README.md"]
    subprocess.run(table, cwd=ROOT, env=env, check=True)
    elapsed = time.perf_counter() - started

    new_name = source if release is None else f"{source} + {release.path.name}"
    report = diff.markdown(changes, f"spec/surface.txt (sha256 {old_sha[:12]})", new_name)
    if note:
        report += f"\n> {note}.\n"
        print(f"spec-update: {note}", file=sys.stderr)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report, encoding="utf-8")
    title = f"Upstream spec {lock['date']} ({lock['version']}, sha256 {sha256[:12]})"
    if release is not None:
        title = f"{title}, supplement {release.package} {release.version}"
    changelog(diff.changelog_entry(changes, title, level=3))
    moved = f"{old_sha[:12]} → {sha256[:12]}" if sha256 != old_sha else sha256[:12]
    if release is not None:
        moved += f", supplement → {release.package} {release.version}"
    print(
        f"spec-update: {moved}: regenerated in {elapsed:.1f}s; "
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
