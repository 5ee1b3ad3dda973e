#!/usr/bin/env python3
"""The runtime dependency tree of mistral-sdk: every distribution that installing it
(no extras) can bring, on any supported Python and platform, resolved by
`uv pip compile --universal` from a built wheel's metadata.

spec/runtime-deps.txt lists their names. `make release-check` (so `.ci/run` and the
release workflow, which also runs on pull requests) fails when the resolved tree has a
name the file lacks or lacks one it has: a new runtime dependency, direct or brought in
by a dependency, is named in the pull request that brings it. After a deliberate change
(a dependency added or replaced in pyproject.toml), `make runtime-deps` rewrites the
file; commit it with the change.

    python scripts/runtime_deps.py [--wheel WHEEL] --check | --write | --tree

Without --wheel, a wheel is built from this checkout first. Needs `uv` and the package
index (the only network access).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wheel_info
from dist_build import uv

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "spec" / "runtime-deps.txt"
LOCK_HEAD = """\
# The runtime dependency tree of mistral-sdk (no extras): every distribution that
# installing it can bring, on any supported Python and platform. `make release-check`
# fails when the tree changes, so that a new runtime dependency is named in the pull
# request that brings it; after a deliberate change, `make runtime-deps` rewrites this
# file (scripts/runtime_deps.py, docs/releasing.md). Names only: versions move.
"""

_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:==(?P<version>\S+)| @ \S+)"
    r"(?:\s*;\s*(?P<marker>[^#]*?))?\s*(?:#\s*via\s+(?P<via>.*))?$"
)


@dataclass(frozen=True)
class Dep:
    name: str
    version: str
    marker: str  # where it is needed ("" everywhere), as uv writes it
    via: tuple[str, ...]  # the distributions that require it


def parse(text: str) -> list[Dep]:
    deps = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _LINE.match(line.strip())
        if found is None:
            raise ValueError(f"runtime_deps: cannot read uv's line {line!r}")
        via = tuple(
            v.strip() for v in (found["via"] or "").split(",") if v.strip() and " " not in v.strip()
        )
        marker = (found["marker"] or "").strip()
        deps.append(Dep(found["name"].lower(), found["version"] or "", marker, via))
    return deps


def resolve(wheel: Path) -> tuple[Dep, list[Dep]]:
    """The wheel itself (the root) and its dependency tree, for every supported Python."""
    meta = wheel_info.metadata(wheel)
    name, version = str(meta["Name"]).lower(), str(meta["Version"])
    oldest = wheel_info.supported_pythons(str(meta["Requires-Python"] or ""))[0]
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.in"
        requirements.write_text(f"{name} @ {wheel.resolve().as_uri()}\n", encoding="utf-8")
        command = [
            uv(), "pip", "compile", "--universal", "--python-version", oldest,
            "--no-header", "--annotation-style", "line", "--quiet", str(requirements),
        ]  # fmt: skip
        # never download a Python (uv resolves for `oldest` without running it)
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"runtime_deps: uv pip compile failed:\n{done.stderr}")
    deps = parse(done.stdout)
    root = Dep(name, version, "", ())
    return root, sorted((d for d in deps if d.name != name), key=lambda d: d.name)


def lock_text(deps: list[Dep]) -> str:
    return LOCK_HEAD + "".join(f"{d.name}\n" for d in sorted(deps, key=lambda d: d.name))


def locked(text: str) -> set[str]:
    return {line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"}


def compare(names: set[str], deps: list[Dep], lock: str = "spec/runtime-deps.txt") -> list[str]:
    """What differs between the locked names and the resolved tree, one line each."""
    problems = []
    for d in deps:
        if d.name not in names:
            where = f"; {d.marker}" if d.marker else ""
            problems.append(
                f"new runtime dependency {d.name} {d.version} (required by "
                f"{', '.join(d.via) or '?'}{where}) is not in {lock}"
            )
    for name in sorted(names - {d.name for d in deps}):
        problems.append(f"{name} is in {lock} but no longer in the runtime dependency tree")
    if problems:
        problems.append(
            f"if the change is deliberate, run `make runtime-deps` and commit {lock} with it"
        )
    return problems


def tree(root: Dep, deps: list[Dep]) -> str:
    """The tree as text, with versions and where a branch is needed (`; marker`); a
    distribution required twice is expanded at its first place only."""
    children: dict[str, list[Dep]] = {}
    for d in deps:
        for parent in d.via:
            children.setdefault(parent, []).append(d)
    lines = [f"{root.name} {root.version}"]
    shown: set[str] = set()

    def walk(name: str, prefix: str) -> None:
        kids = sorted(children.get(name, []), key=lambda d: d.name)
        for i, d in enumerate(kids):
            last = i == len(kids) - 1
            label = f"{d.name} {d.version}" + (f" ; {d.marker}" if d.marker else "")
            again = d.name in shown and bool(children.get(d.name))
            lines.append(
                prefix + ("└── " if last else "├── ") + label + (" (see above)" if again else "")
            )
            if d.name not in shown:
                shown.add(d.name)
                walk(d.name, prefix + ("    " if last else "│   "))

    walk(root.name, "")
    return "\n".join(lines) + "\n"


def build_wheel(out: Path) -> Path:
    command = [
        uv(),
        "build",
        "--wheel",
        "--quiet",
        "--out-dir",
        str(out),
        "--python",
        sys.executable,
        str(ROOT),
    ]
    subprocess.run(command, check=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    return next(out.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="a built wheel (default: build one)")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help=f"compare with {LOCK.name}")
    mode.add_argument("--write", action="store_true", help=f"rewrite {LOCK.name}")
    mode.add_argument("--tree", action="store_true", help="print the tree with versions")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root, deps = resolve(args.wheel or build_wheel(Path(tmp)))
    if args.tree:
        sys.stdout.write(tree(root, deps))
        return 0
    if args.write:
        LOCK.write_text(lock_text(deps), encoding="utf-8")
        print(f"runtime_deps: wrote {LOCK.relative_to(ROOT)} ({len(deps)} distributions)")
        return 0
    problems = compare(locked(LOCK.read_text(encoding="utf-8")), deps)
    for line in problems:
        print(f"runtime_deps: {line}", file=sys.stderr)
    if not problems:
        print(
            f"runtime_deps: the tree matches {LOCK.relative_to(ROOT)} ({len(deps)} distributions)"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
