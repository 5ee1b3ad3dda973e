"""Versions that follow the API surface: the policy of README.md (Versioning), made
precise, and what it needs from git (the release tags, the surface at a tag).

A release is `X.Y.Z`, tagged `vX.Y.Z`. Its version is the next one after the previous
release in exactly one place (patch, minor or major), and the API surface diff since
that release (`python -m generator diff`, its breaking marks) sets the least bump:

- before 1.0: a breaking change → minor; anything else → patch;
- from 1.0 on: a breaking change → major; any other surface change (calls, models,
  fields, enum values added; inputs widened; deprecations) → minor; none → patch.

A bigger bump than the surface asks for is a change outside the generated surface (the
hand-written runtime, the supported Pythons), which `make release` records with the
reason given (WHY=…); 1.0.0 itself is always allowed (it declares the API stable).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = ROOT / "runtime" / "mistral_sdk" / "_version.py"
SURFACE = "spec/surface.txt"
LEVELS = ("patch", "minor", "major")  # in increasing order


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        found = re.fullmatch(r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", text.strip())
        if found is None:
            raise ValueError(
                f"version {text!r} is not MAJOR.MINOR.PATCH (three numbers without leading "
                "zeros, no pre-release or local part)"
            )
        return cls(*(int(n) for n in found.groups()))

    def bump(self, level: str) -> Version:
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def level_of(previous: Version, new: Version) -> str | None:
    """Which single bump takes `previous` to `new` (None: not a next version)."""
    return next((lv for lv in LEVELS if previous.bump(lv) == new), None)


def required(previous: Version, breaking: int, changed: bool) -> tuple[str, str]:
    """The least bump after `previous` for a surface diff with `breaking` breaking
    changes (`changed`: the surfaces differ at all), and why, in words."""
    if breaking:
        level = "minor" if previous.major == 0 else "major"
        rule = "before 1.0 a breaking change bumps the minor version"
        if previous.major:
            rule = "a breaking change bumps the major version"
        return level, f"the API surface has {breaking} breaking change(s) since {previous}: {rule}"
    if changed and previous.major:
        return "minor", f"the API surface gained compatible changes since {previous}"
    what = "compatible changes only" if changed else "no change"
    return "patch", f"the API surface has {what} since {previous}"


def judge(
    previous: Version | None,
    new: Version,
    breaking: int,
    changed: bool,
    why: str | None,
    *,
    recorded: bool = False,
) -> tuple[list[str], str]:
    """The policy's objections to releasing `new` after `previous` (none: allowed), and a
    sentence saying what kind of release it is and why (for the CHANGELOG). `recorded`:
    the release is already prepared, so a bigger bump had its reason written down."""
    if previous is None:
        return [], f"{new} is the first release."
    level = level_of(previous, new)
    if level is None:
        nexts = ", ".join(str(previous.bump(lv)) for lv in LEVELS)
        return [f"{new} does not follow {previous}: the next version is one of {nexts}"], ""
    need, reason = required(previous, breaking, changed)
    if LEVELS.index(level) < LEVELS.index(need):
        return [f"{new} is a {level} release, but {reason}: release {previous.bump(need)}"], ""
    said = f"{new} is a {level} release: {reason}."
    if level == need or new == Version(1, 0, 0):
        return [], said
    if recorded:
        return [], f"{new} is a {level} release ({reason}; {previous.bump(need)} would do for it)."
    if not why:
        return [
            f"{new} bumps the {level} version, more than the API surface asks for "
            f"({previous.bump(need)}: {reason}); name the change outside the generated "
            "surface that needs it with WHY=… (make release) or --why (scripts/release.py)"
        ], ""
    return (
        [],
        f"{new} is a {level} release ({reason}; {previous.bump(need)} would do for it): {why}",
    )


# --- git -------------------------------------------------------------------------


def git(*args: str, root: Path = ROOT) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def release_tags(root: Path = ROOT, ref: str = "HEAD") -> dict[Version, str]:
    """The release tags (`vX.Y.Z`) reachable from `ref`, by version; other tags ignored."""
    tags: dict[Version, str] = {}
    for name in git("tag", "--merged", ref, "--list", "v*", root=root).split():
        try:
            tags[Version.parse(name)] = name
        except ValueError:
            continue
    return dict(sorted(tags.items()))


def commit_of(ref: str, root: Path = ROOT) -> str:
    return git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", root=root).strip()


def show(ref: str, path: str, root: Path = ROOT) -> str:
    """A file's text at a git ref."""
    return git("show", f"{ref}:{path}", root=root)


def current_version(text: str | None = None) -> Version:
    """The version in runtime/mistral_sdk/_version.py (read, not imported)."""
    text = VERSION_FILE.read_text(encoding="utf-8") if text is None else text
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if found is None:
        raise ValueError(f'{VERSION_FILE}: no `__version__ = "X.Y.Z"` line')
    return Version.parse(found.group(1))


def version_file(version: Version, text: str) -> str:
    """The version file's text with `version` in place of the old one."""
    return re.sub(
        r'^__version__ = "[^"]+"$', f'__version__ = "{version}"', text, flags=re.MULTILINE
    )
