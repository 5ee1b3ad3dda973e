#!/usr/bin/env python3
"""Join the two halves of `mistral_sdk` (runtime/ and generated/) into one directory of
symlinks, build/editable/mistral_sdk/, which an editable install puts first on the path.

Why: at run time the package's `__init__` finds both halves (it extends `__path__`),
but type checkers do not run code. Given two directories named `mistral_sdk`, pyright
takes the first and never sees the other half, so an editable install typed the
hand-written helpers (`execute_and_wait`, `run`, `parse`, ...) as Unknown. One
directory holding a link to every module of both halves is one package to every tool,
while the generator still writes only to generated/ and nothing is copied.

Run by the editable build (hatch_build.py) and by `make types`; idempotent. A module
added later imports at once (the halves stay on the path, after this tree); rerun
this (or `make types`) for type checkers to see it.

    python scripts/editable_tree.py [--root DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HALVES = ("generated", "runtime")  # generated/ first: its py.typed and __init__ win
TREE = Path("build") / "editable"
SKIP = {"__pycache__"}


def link(root: Path = ROOT) -> Path:
    """(Re)build `root/build/editable/mistral_sdk` as links into both halves; return it."""
    package = root / TREE / "mistral_sdk"
    if package.exists():
        shutil.rmtree(package)
    package.mkdir(parents=True)
    for half in HALVES:
        for entry in sorted((root / half / "mistral_sdk").iterdir()):
            target = package / entry.name
            if entry.name in SKIP or target.is_symlink():
                continue
            # relative links: the tree keeps working when the checkout moves
            target.symlink_to(os.path.relpath(entry, package), entry.is_dir())
    return package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (default: this)")
    args = parser.parse_args(argv)
    package = link(args.root)
    print(f"editable_tree: {package} links {len(list(package.iterdir()))} entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
