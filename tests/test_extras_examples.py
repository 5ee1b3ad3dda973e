"""The extras and what the examples need (issue 28, "Extras, examples"): an `[all]`
extra, one table of extras in the README, and every example saying first what it needs
and stopping with one line, naming the install command, when a package is missing."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
DEVELOPMENT = {"dev", "generator"}
CAPABILITIES = set(EXTRAS) - DEVELOPMENT - {"all"}
# what `pip install mistral-sdk` brings: an example may import it without saying so
CORE = {
    re.split(r"[<>=\[; ]", d)[0].replace("-", "_") for d in PYPROJECT["project"]["dependencies"]
}
PROGRAMS = sorted(EXAMPLES.glob("*.py"))


def test_all_is_every_capability_extra() -> None:
    (requirement,) = EXTRAS["all"]
    match = re.fullmatch(r"mistral-sdk\[([a-z0-9,-]+)\]", requirement)
    assert match, requirement
    assert set(match.group(1).split(",")) == CAPABILITIES


def test_the_readme_has_one_table_of_every_extra() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("| extra | adds | for |") == 1
    table = readme.split("| extra | adds | for |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.M)
    assert sorted(rows) == sorted(CAPABILITIES | {"all"})


# --- the examples ----------------------------------------------------------------------


def needs_blocks(tree: ast.Module) -> list[tuple[str, list[str], list[str]]]:
    """(install command, modules named, modules imported inside) of each `with needs(...)`."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.With):
            continue
        call = node.items[0].context_expr
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "needs"):
            continue
        first = call.args[0]
        install = first.value if isinstance(first, ast.Constant) else "make venv"
        named = [a.value for a in call.args[1:] if isinstance(a, ast.Constant)]
        inside = [m for stmt in node.body for m in imported(stmt)]
        found.append((str(install), named, inside))
    return found


def imported(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module]
    return []


def third_party(module: str) -> bool:
    top = module.split(".")[0]
    return not (
        top in sys.stdlib_module_names
        or top in CORE
        or top in ("mistral_sdk", "__future__")
        or top.startswith("_")  # the examples' own helpers
    )


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_every_example_says_first_what_it_needs(program: Path) -> None:
    text = program.read_text(encoding="utf-8")
    head = text.splitlines()[:8]
    needs = [line for line in head if line.startswith("Needs: ")]
    assert needs, f"{program.name}: no `Needs:` line in its first lines"
    for extras in re.findall(r"mistral-sdk\[([\w,-]+)\]", "\n".join(head)):
        for extra in extras.split(","):
            assert extra in EXTRAS, extra
    tree = ast.parse(text)
    bare = [m for node in tree.body for m in imported(node) if third_party(m)]
    if program.name != "_mcp_weather_server.py":  # started by mcp_tools.py, which checks
        assert bare == [], f"{program.name}: imports {bare} outside `with needs(...)`"
    for install, named, inside in needs_blocks(tree):
        if any(third_party(m) for m in (*named, *inside)):
            assert install.startswith("pip install "), install


def missing_cases() -> list[object]:
    """(example, a module made missing, the install command its one line must end with)."""
    cases = []
    for program in PROGRAMS:
        # test_*.py are pytest files, not programs: pytest reports their missing imports
        if program.name.startswith(("_", "test_")) or program.name == "typed_usage.py":
            continue
        tree = ast.parse(program.read_text(encoding="utf-8"))
        wanted = {"mistral_sdk": "`make venv`, then run it with .venv/bin/python"}
        for install, named, inside in needs_blocks(tree):
            for module in (*named, *inside):
                parts = module.split(".")
                for depth in range(1, min(len(parts), 2) + 1):  # `opentelemetry.sdk` too
                    if third_party(module):
                        wanted.setdefault(".".join(parts[:depth]), install)
        for module, install in wanted.items():
            cases.append(pytest.param(program, module, install, id=f"{program.stem}-{module}"))
    return cases


@pytest.mark.parametrize(("program", "module", "install"), missing_cases())
def test_a_missing_package_stops_an_example_with_one_line(
    program: Path, module: str, install: str
) -> None:
    # the module made unimportable, as if it were not installed
    code = (
        "import runpy, sys\n"
        f"sys.modules[{module!r}] = None\n"
        f"sys.argv = [{str(program)!r}]\n"
        f"sys.path.insert(0, {str(EXAMPLES)!r})\n"
        f"runpy.run_path({str(program)!r}, run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    # it names the module (or the submodule whose import met it) and the command
    assert re.match(
        rf"{program.name} needs {re.escape(module)}(\.\w+)*, which is not installed: ", lines[0]
    ), lines[0]
    assert lines[0].endswith(install)


def test_tracing_without_the_opentelemetry_sdk_names_the_install() -> None:
    """The case a user met: `pip install 'mistral-sdk[otel]'` is the API only."""
    cases = {p.id: p.values for p in missing_cases()}  # type: ignore[attr-defined]
    assert cases["tracing-opentelemetry.sdk"][2] == (
        "pip install 'mistral-sdk[otel]' opentelemetry-sdk"
    )
