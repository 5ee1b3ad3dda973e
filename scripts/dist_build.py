#!/usr/bin/env python3
"""Build the release artifacts twice and check them: what `make release-check` and the
release workflow publish.

    python scripts/dist_build.py [--out DIR] [--rev REV]
    python scripts/dist_build.py --pin hatchling==X.Y.Z   rewrite scripts/build-constraints.txt

The commit (REV, default HEAD; with uncommitted changes to tracked files, a snapshot of
them) is exported twice, into two different folders, and each is built the way users'
installers build it: the sdist, then the wheel from the sdist (`uv build`, with the
backend pinned by hash in scripts/build-constraints.txt). SOURCE_DATE_EPOCH is the
commit's time; the second build also runs under another umask, time zone and locale.
Then:

- reproducible: the two wheels, and the two sdists, are byte-identical;
- the wheel holds exactly the package (the tracked files of runtime/mistral_sdk/ and
  generated/mistral_sdk/, one py.typed), its metadata and the licence files: no tests,
  scripts or caches;
- the sdist holds only files of the commit (and PKG-INFO), none of the project's
  tests, benchmarks, examples, docs, spec or CI files, and builds that wheel;
- `twine check --strict` passes for both.

Exit status 1 when a check fails; the first build's artifacts are left in DIR (dist/).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "scripts" / "build-constraints.txt"
PACKAGE = "mistral_sdk"
HALVES = ("runtime/mistral_sdk/", "generated/mistral_sdk/")
LICENCE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*")
DIST_INFO = ("METADATA", "WHEEL", "RECORD", "entry_points.txt")
NOT_IN_SDIST = ("tests", "benchmarks", "contract", "examples", "docs", "spec", ".github", ".ci")
TWINE = "twine==7.0.0"


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout


def snapshot(rev: str) -> tuple[str, bool]:
    """`rev`, or for HEAD with uncommitted changes to tracked files, a commit object of
    them (`git stash create`: the work tree and index are left alone); and whether so."""
    if rev == "HEAD" and git("status", "--porcelain", "--untracked-files=no").strip():
        return git("stash", "create").strip(), True
    return rev, False


def export(rev: str, into: Path) -> None:
    """The files of `rev` into `into` (git archive: modes normalized, nothing untracked)."""
    into.mkdir(parents=True)
    archive = into.parent / f"{into.name}.tar"
    subprocess.run(["git", "archive", "-o", str(archive), rev], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # Python without extraction filters; the archive is our own commit's
            tar.extractall(into)
    archive.unlink()


def uv() -> str:
    local = Path(sys.executable).parent / "uv"
    found = str(local) if local.exists() else shutil.which("uv")
    if found is None:
        raise SystemExit("dist_build: needs uv (in the dev extras: make venv)")
    return found


def build(source: Path, out: Path, epoch: str, variant: bool) -> None:
    """The sdist, then the wheel from the sdist, into `out`."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "UV_PYTHON_DOWNLOADS": "never"}
    if variant:
        env.update(TZ="Pacific/Kiritimati", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    command = [
        uv(), "build", "--quiet", "--python", sys.executable, "--out-dir", str(out),
        "--build-constraints", str(CONSTRAINTS), "--require-hashes", str(source),
    ]  # fmt: skip

    def umask() -> None:
        os.umask(0o002 if variant else 0o022)

    done = subprocess.run(
        command, env=env, capture_output=True, text=True, preexec_fn=umask, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"dist_build: the build failed:\n{done.stderr}")


def artifacts(out: Path) -> tuple[Path, Path]:
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise SystemExit(f"dist_build: expected one wheel and one sdist in {out}")
    return wheels[0], sdists[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- what the artifacts must hold ------------------------------------------------------


def tracked(rev: str) -> set[str]:
    return set(git("ls-tree", "-r", "--name-only", rev).splitlines())


def package_files(files: set[str]) -> set[str]:
    """The package's files as the wheel names them: both halves under `mistral_sdk/`."""
    return {f"{PACKAGE}/{f[len(h) :]}" for f in files for h in HALVES if f.startswith(h)}


def licences(files: set[str]) -> set[str]:
    return {f for f in files if "/" not in f and LICENCE.fullmatch(f)}


def wheel_problems(names: list[str], files: set[str], version: str) -> list[str]:
    """What is wrong with a wheel holding `names`, for a commit holding `files`."""
    info = f"{PACKAGE}-{version}.dist-info"
    expected = package_files(files) | {f"{info}/{n}" for n in DIST_INFO}
    expected |= {f"{info}/licenses/{name}" for name in licences(files)}
    problems = [f"twice in the wheel: {n}" for n, k in sorted(Counter(names).items()) if k > 1]
    problems += [f"not expected in the wheel: {n}" for n in sorted(set(names) - expected)]
    problems += [f"missing from the wheel: {n}" for n in sorted(expected - set(names))]
    return problems


def sdist_problems(members: list[tarfile.TarInfo], files: set[str], version: str) -> list[str]:
    """What is wrong with an sdist holding `members`, for a commit holding `files`."""
    prefix = f"{PACKAGE}-{version}/"
    problems, names = [], set()
    for m in members:
        rel = m.name[len(prefix) :] if m.name.startswith(prefix) else None
        if rel is None or m.name.startswith("/") or ".." in m.name.split("/"):
            problems.append(f"outside {prefix} in the sdist: {m.name}")
            continue
        if not (m.isfile() or m.isdir()):
            problems.append(f"not a regular file in the sdist: {m.name}")
        if not m.isfile():
            continue
        names.add(rel)
        if rel.split("/")[0] in NOT_IN_SDIST:
            problems.append(f"project file, not package source, in the sdist: {rel}")
        elif rel != "PKG-INFO" and rel not in files:
            problems.append(f"not a file of the commit, in the sdist: {rel}")
    needed = {"PKG-INFO", "pyproject.toml", "README.md"} | licences(files)
    problems += [f"missing from the sdist: {n}" for n in sorted(needed - names)]
    return problems


def check(wheel: Path, sdist: Path, files: set[str]) -> list[str]:
    version = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        problems = wheel_problems(archive.namelist(), files, version)
    with tarfile.open(sdist) as tar:
        problems += sdist_problems(tar.getmembers(), files, version)
    twine = [uv(), "tool", "run", "--quiet", "--from", TWINE, "twine", "check", "--strict"]
    done = subprocess.run([*twine, str(wheel), str(sdist)], capture_output=True, text=True)
    if done.returncode != 0:
        problems.append(f"twine check --strict failed:\n{done.stdout}{done.stderr}")
    return problems


def build_twice(rev: str, out: Path) -> tuple[Path, Path, list[str]]:
    """Build `rev` in two folders; keep the first build in `out`; return the wheel, the
    sdist and what is wrong (with the reproducibility and both manifests)."""
    commit, dirty = snapshot(rev)
    if dirty:
        print("dist_build: building HEAD with the uncommitted changes to tracked files")
    epoch = git("log", "-1", "--format=%ct", rev).strip()
    with tempfile.TemporaryDirectory(prefix="mistral-dist-") as tmp:

        def one(folder: Path, variant: bool) -> tuple[Path, Path]:
            export(commit, folder / "mistral-sdk")
            build(folder / "mistral-sdk", folder / "dist", epoch, variant)
            return artifacts(folder / "dist")

        with ThreadPoolExecutor(max_workers=2) as pool:  # independent: side by side
            folders = (Path(tmp) / "first", Path(tmp) / "second" / "elsewhere")
            found = list(pool.map(one, folders, (False, True)))
        problems = []
        for a, b in zip(found[0], found[1], strict=True):
            same = a.read_bytes() == b.read_bytes()
            print(f"dist_build: {a.name}  {sha256(a)}  {sha256(b)}  "
                  f"{'identical' if same else 'DIFFERENT'}")  # fmt: skip
            if not same:
                problems.append(f"{a.name}: the two builds differ (not reproducible)")
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        wheel, sdist = (Path(shutil.copy2(p, out / p.name)) for p in found[0])
    problems += check(wheel, sdist, tracked(commit))
    return wheel, sdist, problems


def pin(requirement: str) -> None:
    """Rewrite scripts/build-constraints.txt for `requirement` (the backend), with hashes."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    oldest = re.search(r'requires-python\s*=\s*">=\s*(3\.\d+)', text)
    command = [
        uv(), "pip", "compile", "-", "--universal", "--generate-hashes", "--no-header",
        "--quiet", "--annotation-style", "line",
        "--python-version", oldest.group(1) if oldest else "3.10",
    ]  # fmt: skip
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    done = subprocess.run(
        command, input=requirement + "\n", capture_output=True, text=True, env=env, check=True
    )
    head = "".join(
        line + "\n" for line in CONSTRAINTS.read_text().splitlines() if line.startswith("#")
    )
    CONSTRAINTS.write_text(head + done.stdout, encoding="utf-8")
    print(f"dist_build: wrote {CONSTRAINTS.relative_to(ROOT)} for {requirement}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--rev", default="HEAD", help="the commit to build (default HEAD)")
    parser.add_argument("--pin", metavar="REQUIREMENT", help="pin the build backend and stop")
    args = parser.parse_args(argv)
    if args.pin:
        pin(args.pin)
        return 0
    wheel, sdist, problems = build_twice(args.rev, args.out)
    for line in problems:
        print(f"dist_build: {line}", file=sys.stderr)
    if not problems:
        print(f"dist_build: {wheel.name} and {sdist.name}: reproducible, manifests as "
              "expected, twine check passed")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
