#!/usr/bin/env python3
"""Versions and release notes that follow the API surface (scripts/versioning.py says
the policy; docs/releasing.md how a release is cut).

    python scripts/release.py prepare VERSION [--why TEXT]    `make release VERSION=…`
    python scripts/release.py check [--tag vX.Y.Z] [--on-branch REF]
    python scripts/release.py pythons WHEEL                   supported Pythons, as JSON

`prepare` refuses a VERSION the policy forbids given the API surface diff between the
last release tag and HEAD; otherwise it writes VERSION into runtime/mistral_sdk/_version.py
and turns CHANGELOG.md's Unreleased section (the hand-written summary and the spec
updates' entries) into VERSION's section, adding what kind of release it is, the API
surface since the last release area by area, and the runtime dependency changes. It
commits nothing. `check` (run by `make release-check`) judges the version in the tree
the same way: with --tag (the release workflow), the tag must be `v` + that version, be
this commit, and CHANGELOG.md must have its section; --on-branch REF requires this
commit to be on REF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import changelog  # noqa: E402
import runtime_deps  # noqa: E402
import versioning  # noqa: E402
import wheel_info  # noqa: E402
from versioning import Version  # noqa: E402

from generator import diff, surface  # noqa: E402

CHANGELOG = ROOT / "CHANGELOG.md"
DEPS = "spec/runtime-deps.txt"


def surface_diff(ref: str) -> diff.Diff:
    """The API surface at `ref` (a release tag) against this tree's spec/surface.txt."""
    old = surface.parse_text(versioning.show(ref, versioning.SURFACE))
    new = surface.parse_text((ROOT / versioning.SURFACE).read_text(encoding="utf-8"))
    return diff.diff(old, new)


def deps_changes(ref: str) -> str:
    """The runtime dependencies added and removed since `ref`, as a CHANGELOG subsection."""
    try:
        before = runtime_deps.locked(versioning.show(ref, DEPS))
    except RuntimeError:  # the release predates the file
        return ""
    after = runtime_deps.locked((ROOT / DEPS).read_text(encoding="utf-8"))
    lines = [f"- added: {', '.join(sorted(after - before))}"] if after - before else []
    lines += [f"- removed: {', '.join(sorted(before - after))}"] if before - after else []
    return "\n".join(["### Runtime dependencies", "", *lines]) if lines else ""


def first_release_surface() -> str:
    s = surface.parse_text((ROOT / versioning.SURFACE).read_text(encoding="utf-8"))
    return (
        "### API surface\n\n"
        f"{len(s.operations)} operations and {len(s.definitions)} models ({s.label}), "
        "one line each in `spec/surface.txt`."
    )


def prepare(version_text: str, why: str | None, today: str) -> int:
    new = Version.parse(version_text)
    if versioning.git("status", "--porcelain", "--untracked-files=no").strip():
        print("release: commit or stash your changes first (the release edits files)")
        return 1
    tags = versioning.release_tags()
    previous = max(tags, default=None)
    d = surface_diff(tags[previous]) if previous else None
    objections, said = versioning.judge(
        previous, new, d.breaking if d else 0, not d.equal if d else False, why
    )
    for line in objections:
        print(f"release: refused: {line}", file=sys.stderr)
    if objections:
        return 1
    if previous is None:
        body = first_release_surface()
    else:
        body = diff.by_area(d, f"API surface since {previous}") if d else ""
    extra = deps_changes(tags[previous]) if previous else ""
    text = CHANGELOG.read_text(encoding="utf-8") if CHANGELOG.exists() else changelog.HEAD
    try:
        text = changelog.release(text, str(new), today, f"*{said}*\n\n{body}", extra)
    except ValueError as exc:
        print(f"release: refused: {exc}", file=sys.stderr)
        return 1
    CHANGELOG.write_text(text, encoding="utf-8")
    old = versioning.VERSION_FILE.read_text(encoding="utf-8")
    versioning.VERSION_FILE.write_text(versioning.version_file(new, old), encoding="utf-8")
    print(
        f"release: {said}\nrelease: wrote CHANGELOG.md and {versioning.VERSION_FILE.relative_to(ROOT)}."
        f" Next:\n  make release-check\n  git commit -am 'release {new}'\n"
        f"  (merge to main, then on that commit) git tag -a v{new} -m 'mistral-sdk {new}' "
        f"&& git push origin v{new}"
    )
    return 0


def check(tag: str | None, on_branch: str | None) -> tuple[list[str], str]:
    """What is wrong with releasing this tree's version now, and what it is (one line)."""
    version = versioning.current_version()
    tags = versioning.release_tags()
    head = versioning.commit_of("HEAD")
    problems: list[str] = []
    _, sections = changelog.parse(
        CHANGELOG.read_text(encoding="utf-8") if CHANGELOG.exists() else ""
    )
    if tag is not None:
        if tag != f"v{version}":
            problems.append(f"the tag {tag} is not v{version}, the version in the package")
        elif versioning.commit_of(tag) != head:
            problems.append(f"the tag {tag} is not this commit ({head[:12]})")
        if changelog.find(sections, str(version)) is None:
            problems.append(f"CHANGELOG.md has no section for {version}: run make release")
    if on_branch is not None:
        try:
            versioning.git("merge-base", "--is-ancestor", head, on_branch)
        except RuntimeError:
            problems.append(f"this commit is not on {on_branch}: release from there")
    later = [str(v) for v in tags if v > version]
    if later:
        problems.append(f"{version} is older than the release(s) {', '.join(later)}")
    own = tags.get(version)
    if own is not None and tag is None and versioning.commit_of(own) != head:
        d = surface_diff(own)
        need, reason = versioning.required(version, d.breaking, not d.equal)
        return problems, (
            f"{version} is released ({own}); the next release is at least "
            f"{version.bump(need)}: {reason}"
        )
    previous = max((v for v in tags if v < version), default=None)
    d = surface_diff(tags[previous]) if previous is not None else None
    objections, said = versioning.judge(
        previous, version, d.breaking if d else 0, not d.equal if d else False, None,
        recorded=True,
    )  # fmt: skip
    problems += objections
    if previous is not None and changelog.find(sections, str(version)) is None:
        problems.append(f"{version} is not released and CHANGELOG.md has no section for it: "
                        "run make release")  # fmt: skip
    return problems, said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare", help="set the version and write its CHANGELOG section")
    prep.add_argument("version")
    prep.add_argument("--why", help="the change outside the API surface a bigger bump is for")
    prep.add_argument("--date", default=dt.date.today().isoformat(), help=argparse.SUPPRESS)
    chk = sub.add_parser("check", help="judge the version in the tree")
    chk.add_argument("--tag", help="the release tag being published (vX.Y.Z)")
    chk.add_argument("--on-branch", help="require this commit to be on this ref")
    py = sub.add_parser("pythons", help="the Pythons a wheel supports, as a JSON list")
    py.add_argument("wheel", type=Path)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        return prepare(args.version, args.why, args.date)
    if args.command == "pythons":
        requires = str(wheel_info.metadata(args.wheel)["Requires-Python"] or "")
        print(json.dumps(wheel_info.supported_pythons(requires)))
        return 0
    problems, said = check(args.tag or None, args.on_branch or None)
    for line in problems:
        print(f"release: {line}", file=sys.stderr)
    print(f"release: {said}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
