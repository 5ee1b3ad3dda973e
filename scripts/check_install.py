#!/usr/bin/env python3
"""Install the package as users and contributors do, then check what was installed:
a wheel, and this checkout's editable install, each in a scratch virtualenv.

    python scripts/check_install.py [--only wheel|editable] [--extras LIST] [--pytest ARGS]
    make check-install [PYTHON=python]

In each install, from a working directory holding a stray `mistral_sdk/_sneaky.py`:

- `mistral_sdk` is exactly its own files (the wheel: one directory; the editable
  install: generated/ and runtime/ of this checkout) and the stray module does not
  import as part of it;
- every module of the package imports (`--extras` installs the optional packages
  that some modules need; without them, a module may only fail naming its extra),
  but those imported only for an object of another package that the caller passes
  (`CALLERS`: `_legacy`, for a legacy `httpx` client), which may only fail naming it;
- a client builds and names every method of `OPERATIONS`.

`--pytest ARGS` then runs those tests in the editable install (with the `dev` extra).
What CI runs on macOS and Windows. Standard library only; needs the package index.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import venv
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = "realtime,mcp,otel,gcp,cli,testing"
# module -> the package of the caller's object it is imported for (no extra brings it)
CALLERS = {"mistral_sdk._legacy": "httpx"}

# Run with `python -c` in the working directory that holds the stray `mistral_sdk/`
# (`-c` puts that directory first on sys.path, as an interactive session does).
PROBE = r"""
import importlib, json, pkgutil, sys
import mistral_sdk
report = {"path": list(mistral_sdk.__path__), "sneaky": None, "imported": 0, "failed": {}}
try:
    import mistral_sdk._sneaky
    report["sneaky"] = mistral_sdk._sneaky.__file__
except ImportError:
    pass
if "--all" in sys.argv:
    def failed(name):
        report["failed"][name] = "{}: {}".format(*sys.exc_info()[:2])
    for info in pkgutil.walk_packages(mistral_sdk.__path__, "mistral_sdk.", onerror=failed):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        try:
            importlib.import_module(info.name)
            report["imported"] += 1
        except Exception:
            failed(info.name)
    client = mistral_sdk.Mistral(api_key="x")
    for op in mistral_sdk.OPERATIONS.values():
        for call in filter(None, (op.call, op.stream_call)):
            target = client
            for part in call.split("."):
                target = getattr(target, part)
print(json.dumps(report))
"""


def stray(directory: Path) -> Path:
    """`directory/mistral_sdk/_sneaky.py`: what must never join the package."""
    package = directory / "mistral_sdk"
    package.mkdir(parents=True, exist_ok=True)
    (package / "_sneaky.py").write_text("RAN = True  # a stray module: must never import\n")
    return directory


def probe(
    python: str | list[str],
    cwd: Path,
    *,
    every_module: bool = False,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What PROBE reports, run by `python` (the interpreter, maybe with options) in `cwd`."""
    interpreter = [python] if isinstance(python, str) else python
    command = [*interpreter, "-c", PROBE] + (["--all"] if every_module else [])
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the probe failed in {python}:\n{done.stdout}{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def build_wheel(outdir: Path) -> Path:
    """The wheel of this checkout, built by pip (in an isolated environment with hatchling)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(outdir),
        str(ROOT),
    ]
    subprocess.run(command, check=True, capture_output=True)
    return next(outdir.glob("mistral_sdk-*.whl"))


def package_files(directories: list[str]) -> set[str]:
    """Every file under the package directories (paths inside the package)."""
    found = set()
    for directory in directories:
        for dirpath, dirnames, filenames in os.walk(directory):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in filenames:
                found.add(Path(dirpath, name).relative_to(directory).as_posix())
    return found


def checkout_files() -> set[str]:
    """The files of both halves of this checkout, as the wheel holds them."""
    return package_files([str(ROOT / h / "mistral_sdk") for h in ("generated", "runtime")])


def _python(env_dir: Path) -> str:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return str(env_dir / scripts / ("python.exe" if os.name == "nt" else "python"))


def _install(python: str, *args: str) -> None:
    subprocess.run([python, "-m", "pip", "install", "-q", *args], check=True)


def _problems(kind: str, report: dict[str, Any], expected: list[str]) -> list[str]:
    problems = []
    same = [os.path.normcase(os.path.realpath(p)) for p in (*report["path"], *expected)]
    if same[: len(report["path"])] != same[len(report["path"]) :]:
        problems.append(f"{kind}: mistral_sdk.__path__ is {report['path']}, not {expected}")
    if report["sneaky"]:
        problems.append(f"{kind}: a stray mistral_sdk/_sneaky.py imported ({report['sneaky']})")
    for name, error in report["failed"].items():
        if name in CALLERS and f"No module named '{CALLERS[name]}'" in error:
            continue
        problems.append(f"{kind}: {name} does not import: {error}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("wheel", "editable"))
    parser.add_argument("--extras", default=EXTRAS, help=f"extras to install (default {EXTRAS})")
    parser.add_argument("--pytest", default="", help="pytest arguments for the editable install")
    args = parser.parse_args(argv)
    extras = f"[{args.extras}]" if args.extras else ""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mistral-install-") as tmp:
        work = Path(tmp)
        cwd = stray(work / "cwd")
        if args.only in (None, "wheel"):
            wheel = build_wheel(work / "dist")
            venv.create(work / "wheel", with_pip=True)
            python = _python(work / "wheel")
            _install(python, f"{wheel}{extras}")
            report = probe(python, cwd, every_module=True)
            where = str(report["path"][0])
            problems += _problems("wheel", report, [where])
            if package_files([where]) != checkout_files():
                problems.append("wheel: its files are not exactly those of generated/ + runtime/")
            print(f"wheel: {report['imported']} modules import from {where}")
        if args.only in (None, "editable"):
            venv.create(work / "editable", with_pip=True)
            python = _python(work / "editable")
            wanted = [e for e in args.extras.split(",") if e] + (["dev"] if args.pytest else [])
            _install(python, "-e", f"{ROOT}[{','.join(wanted)}]" if wanted else str(ROOT))
            report = probe(python, cwd, every_module=True)
            halves = [str(ROOT / h / "mistral_sdk") for h in ("generated", "runtime")]
            problems += _problems("editable", report, halves)
            print(f"editable: {report['imported']} modules import from {', '.join(halves)}")
            if args.pytest:
                command = [python, "-m", "pytest", *shlex.split(args.pytest)]
                if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
                    problems.append(f"editable: pytest {args.pytest} failed")
    for problem in problems:
        print(f"check_install: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
