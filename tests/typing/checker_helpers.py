"""Run mypy --strict and pyright strict over `cases/`, for the tests to read.

A case file says what each checker must find, line by line:

- `# E` at the end of a line: both checkers report an error there (`# E: mypy`,
  `# E: pyright`: only that one);
- `reveal_type(x)  # R: T`: both reveal `T` (module paths stripped from their text);
- every other line: no diagnostic.

mypy runs with `--enable-error-code deprecated` (how a user opts in to PEP 702);
pyright reads `# pyright: strict` in each case file. Both see this checkout: mypy
through the repository's `mypy_path`, pyright through a joined tree of both halves
of the package in a scratch directory (`scripts/editable_tree.py`), so a module
added since the editable install is seen too.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
_MYPY_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<level>error|note): (?P<text>.*)$")
_REVEALED = re.compile(r'^Revealed type is "(?P<type>.*)"$')
_PYRIGHT_REVEALED = re.compile(r'^Type of ".*" is "(?P<type>.*)"$', re.S)
_QUALIFIED = re.compile(r"\b(?:[A-Za-z_][A-Za-z0-9_]*\.)+(?=[A-Za-z_])")


def normalize(type_text: str) -> str:
    """`mistral_sdk.batch._results.BatchResults[builtins.str]` → `BatchResults[str]`."""
    text = _QUALIFIED.sub("", type_text).replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Findings:
    errors: dict[int, list[str]] = field(default_factory=dict)
    revealed: dict[int, str] = field(default_factory=dict)


Report = dict[str, dict[str, Findings]]  # checker -> case file name -> findings


def _mypy(files: list[Path]) -> dict[str, Findings]:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated",
         "--no-error-summary", "--show-error-codes", "--hide-error-context",
         *map(str, files)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        pytest.fail(f"mypy did not run:\n{done.stdout}\n{done.stderr}")
    out: dict[str, Findings] = {f.name: Findings() for f in files}
    for raw in done.stdout.splitlines():
        match = _MYPY_LINE.match(raw)
        if match is None:
            continue
        found = out.setdefault(Path(match["file"]).name, Findings())
        line, text = int(match["line"]), match["text"]
        revealed = _REVEALED.match(text)
        if revealed:
            found.revealed[line] = normalize(revealed["type"])
        elif match["level"] == "error":
            found.errors.setdefault(line, []).append(text)
    return out


def _pyright(files: list[Path], scratch: Path) -> dict[str, Findings]:
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent))
    if pyright is None:
        pytest.skip("pyright is not installed (the dev extra has it)")
    sys.path.insert(0, str(REPO / "scripts"))
    import editable_tree

    tree = editable_tree.build().parent  # the joined tree of this checkout (build/editable)
    config = {"pythonVersion": "3.11", "extraPaths": [str(tree)], "typeCheckingMode": "strict"}
    (scratch / "pyrightconfig.json").write_text(json.dumps(config))
    copies = []
    for f in files:
        copies.append(scratch / f.name)
        shutil.copy(f, copies[-1])
    done = subprocess.run(
        [pyright, "--outputjson", "--pythonpath", sys.executable, *map(str, copies)],
        capture_output=True, text=True, cwd=scratch, check=False,
    )  # fmt: skip
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"pyright did not run:\n{done.stdout}\n{done.stderr}")
    out: dict[str, Findings] = {f.name: Findings() for f in files}
    for diagnostic in report["generalDiagnostics"]:
        found = out.setdefault(Path(diagnostic["file"]).name, Findings())
        line = diagnostic["range"]["start"]["line"] + 1
        revealed = _PYRIGHT_REVEALED.match(diagnostic["message"])
        if diagnostic["severity"] == "information" and revealed:
            found.revealed[line] = normalize(revealed["type"])
        elif diagnostic["severity"] == "error":
            found.errors.setdefault(line, []).append(diagnostic["message"])
    return out


def run_checkers(scratch: Path) -> Report:
    """What mypy and pyright report about each case file (`scratch`: pyright's tree)."""
    pytest.importorskip("mypy")
    files = sorted(CASES.glob("*.py"))
    return {"mypy": _mypy(files), "pyright": _pyright(files, scratch)}


@dataclass
class Expected:
    errors: dict[str, set[int]]  # checker -> lines
    revealed: dict[int, str]


def expected(case: str) -> Expected:
    """What the comments of `cases/<case>` ask for."""
    errors: dict[str, set[int]] = {"mypy": set(), "pyright": set()}
    revealed: dict[int, str] = {}
    text = (CASES / case).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        marker = re.search(r"#\s*E(?::\s*(?P<only>mypy|pyright))?\s*$", line)
        if marker:
            for checker in [marker["only"]] if marker["only"] else ["mypy", "pyright"]:
                errors[checker].add(number)
        reveal = re.search(r"#\s*R:\s*(?P<type>.+)$", line)
        if reveal:
            revealed[number] = normalize(reveal["type"])
    return Expected(errors, revealed)


def check_case(checked: Report, case: str) -> None:
    """Each checker reports exactly the errors and revealed types `case` asks for."""
    want = expected(case)
    problems = []
    for checker, by_file in checked.items():
        found = by_file.get(case, Findings())
        got = set(found.errors)
        for line in sorted(want.errors[checker] - got):
            problems.append(f"{checker}: no error on line {line}")
        for line in sorted(got - want.errors[checker]):
            problems.append(f"{checker}: unexpected error on line {line}: {found.errors[line]}")
        for line, type_text in sorted(want.revealed.items()):
            seen = found.revealed.get(line)
            if seen != type_text:
                problems.append(f"{checker}: line {line} reveals {seen!r}, not {type_text!r}")
    assert not problems, f"{case}:\n" + "\n".join(problems)
