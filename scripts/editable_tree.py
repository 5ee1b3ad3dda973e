#!/usr/bin/env python3
"""The type checkers' view of an editable install: build/editable/mistral_sdk/, one
directory holding every file of both halves (runtime/ and generated/) as hard links,
or copies where the file system has none. No symbolic links: they need privileges on
Windows and are not followed everywhere.

Why: Python imports the package through the install's finder (scripts/editable_finder.py),
which joins the two halves without this directory. Type checkers do not run code: given
two directories named `mistral_sdk`, mypy and pyright read the first and never see the
other half (the hand-written helpers would be typed Unknown). An editable install puts
this directory on the path for them. A hard link is the source file itself, so an edit
shows through; a file replaced (git checkout, an editor that saves by renaming) or added
since shows after the next refresh, which the editable build (hatch_build.py), `make
types` and `make test` run: cheap, as only what changed is linked again.

    python scripts/editable_tree.py [--root DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HALVES = ("generated", "runtime")
TREE = Path("build") / "editable"
SKIP_DIRS = {"__pycache__"}
# in both halves on purpose: each half is a typed package on its own
SHARED = {Path("py.typed")}


class Clash(Exception):
    """A module in both halves: which one the package holds would depend on the order."""


def sources(root: Path) -> dict[Path, Path]:
    """Every file of both halves: path inside the package → source file."""
    found: dict[Path, Path] = {}
    for half in HALVES:
        base = root / half / "mistral_sdk"
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                source = Path(dirpath) / name
                inside = source.relative_to(base)
                if inside in found and inside not in SHARED:
                    raise Clash(f"{half}/mistral_sdk/{inside.as_posix()} is in both halves")
                found.setdefault(inside, source)
    return found


def _current(target: Path, source: Path) -> bool:
    """Whether `target` already shows `source` (the same file, or an identical copy)."""
    try:
        if os.path.samefile(target, source):
            return True
        t, s = target.stat(), source.stat()
    except OSError:
        return False
    return t.st_size == s.st_size and t.st_mtime_ns == s.st_mtime_ns


def _place(source: Path, target: Path) -> None:
    staging = target.with_name(target.name + ".new")
    staging.unlink(missing_ok=True)
    try:
        os.link(source, staging)
    except OSError:  # no hard links here (another device, FAT, ...): a copy
        shutil.copy2(source, staging)
    os.replace(staging, target)


def build(root: Path = ROOT) -> Path:
    """Bring `root/build/editable/mistral_sdk` up to date with both halves; return it."""
    package = root / TREE / "mistral_sdk"
    wanted = sources(root)
    if package.is_symlink():
        package.unlink()
    elif any(p.is_symlink() for p in package.glob("*")):  # the symlink tree of old
        shutil.rmtree(package)
    package.mkdir(parents=True, exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(package, topdown=False):
        here = Path(dirpath)
        for name in filenames:
            if (here / name).relative_to(package) not in wanted:
                (here / name).unlink()
        for name in dirnames:
            if not any((here / name).iterdir()):
                (here / name).rmdir()
    for inside, source in wanted.items():
        target = package / inside
        if not _current(target, source):
            target.parent.mkdir(parents=True, exist_ok=True)
            _place(source, target)
    return package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (default: this)")
    args = parser.parse_args(argv)
    try:
        package = build(args.root)
    except Clash as exc:
        parser.exit(1, f"editable_tree: {exc}\n")
    count = sum(len(files) for _, _, files in os.walk(package))
    print(f"editable_tree: {package} holds the {count} files of both halves")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
