#!/usr/bin/env python3
"""Type-check examples/ as user code, with mistral_sdk installed as a built wheel and as
this checkout's editable install: mypy --strict and pyright --strict, error counts.

    python scripts/check_wheel_types.py [--skip-wheel]

The examples are copied to a scratch directory (with the local mock they import) and
checked there with no project configuration, against the interpreter of each install:
a scratch virtualenv holding only the wheel and its dependencies, then this virtualenv
(the editable install). Exit status 1 when either checker reports an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    environ = {**os.environ, **(env or {})}
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, env=environ
    )
    return done.stdout + done.stderr


def check(python: Path, work: Path) -> dict[str, int]:
    """The mypy and pyright error counts over the copied examples, for `python`'s install."""
    files = sorted(str(p.name) for p in (work / "examples").glob("*.py"))
    mypy = _run(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", str(python),
         "--no-incremental", "--follow-imports=silent", *files],
        work / "examples",
        {"MYPYPATH": str(work / "support")},
    )  # fmt: skip
    found = re.search(r"Found (\d+) errors?", mypy)
    if found is None and "Success" not in mypy:
        raise SystemExit(f"check_wheel_types: mypy did not run:\n{mypy}")
    pyright = _run([str(BIN / "pyright"), "--outputjson", "--pythonpath", str(python)], work)
    try:
        summary = json.loads(pyright)["summary"]
    except (ValueError, KeyError):
        raise SystemExit(f"check_wheel_types: pyright did not run:\n{pyright}") from None
    return {"mypy": int(found.group(1)) if found else 0, "pyright": int(summary["errorCount"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-wheel", action="store_true", help="only the editable install")
    args = parser.parse_args(argv)
    counts: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="mistral-types-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "examples", work / "examples")
        (work / "pyrightconfig.json").write_text(
            json.dumps(
                {
                    "include": ["examples"],
                    "extraPaths": ["examples"],
                    "typeCheckingMode": "strict",
                    "pythonVersion": "3.10",
                }
            )
        )
        if not args.skip_wheel:
            dist = work / "dist"
            build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)]
            subprocess.run(build, check=True, capture_output=True)
            env_dir = work / "venv"
            venv.create(env_dir, with_pip=True)
            python = env_dir / "bin" / "python"
            wheel = next(dist.glob("*.whl"))
            install = [str(python), "-m", "pip", "install", "-q", str(wheel)]
            subprocess.run(install, check=True, capture_output=True)
            counts["wheel"] = check(python, work)
        counts["editable"] = check(Path(sys.executable), work)
    for install, found in counts.items():
        print(f"{install:9} mypy --strict: {found['mypy']} errors   pyright --strict: "
              f"{found['pyright']} errors")  # fmt: skip
    return 1 if any(n for found in counts.values() for n in found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
