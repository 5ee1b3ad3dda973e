"""`make demo` needs the package alone (issue 28, "Extras, examples, mock"): its
environment is .venv-demo with `pip install -e .` and no extras (the dev and generator
tool chain is .venv's, for the tests), and the demo, with the local mock it starts, runs
in an environment holding only the package and its runtime dependencies."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# every distribution installing the package can bring (`make runtime-deps` keeps it)
RUNTIME_DEPS = [
    line.strip()
    for line in (REPO / "spec" / "runtime-deps.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def demo_plan() -> list[list[str]]:
    """The commands a first `make demo` runs (-B: as if nothing existed yet)."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    # as a user would type it, not as a sub-make of `make test` (which prints its directory)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "demo"],
        cwd=REPO, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [shlex.split(line) for line in plan.splitlines() if line.strip()]


def test_make_demo_installs_the_package_alone(demo_plan: list[list[str]]) -> None:
    installs = [c for c in demo_plan if c[1:4] == ["-m", "pip", "install"]]
    assert len(installs) == 1, demo_plan
    (install,) = installs
    assert install[0] == ".venv-demo/bin/python"
    assert [a for a in install[4:] if not a.startswith("--")] == ["-e", "."], install
    # no extras, no requirements file, nothing but the package from this checkout
    assert not any("[" in a or a in ("-r", "--requirement") for a in install), install


def test_make_demo_never_builds_the_development_environment(
    demo_plan: list[list[str]],
) -> None:
    words = [w for command in demo_plan for w in command]
    assert not [w for w in words if w.startswith(".venv/")], demo_plan
    assert demo_plan[-1] == [".venv-demo/bin/python", "examples/demo.py"]


def _package_only_env(root: Path) -> Path:
    """A virtualenv holding the files of mistral-sdk and of its runtime dependencies as
    installed here, and nothing else: what `pip install -e .` makes, without the index."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = Path(sysconfig.get_path("purelib", "venv", {"base": str(root), "platbase": str(root)}))
    for name in ("mistral-sdk", *RUNTIME_DEPS):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            # only for a platform this is not (httpx2-jsfetch: Pyodide)
            assert name not in ("mistral-sdk", "httpx2", "msgspec"), name
            continue
        for file in dist.files or ():
            if file.parts[0] == "..":  # a console script: not needed to import
                continue
            source, target = Path(str(dist.locate_file(file))), site / file
            if not source.is_file() or target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:  # another file system
                shutil.copy2(source, target)
    return root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def test_the_demo_and_its_mock_run_with_only_the_runtime_dependencies(tmp_path: Path) -> None:
    python = _package_only_env(tmp_path / "env")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MISTRAL_"))}
    probe = "import importlib.util as u; print([m for m in {!r} if u.find_spec(m)])"
    tools = ("pytest", "yaml", "jinja2", "respx", "websockets", "rich", "h2", "mistral_sdk")
    found = subprocess.run(
        [str(python), "-s", "-c", probe.format(tools)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert found.strip() == "['mistral_sdk']"  # the environment is the package alone
    done = subprocess.run(
        [str(python), "-s", str(REPO / "examples" / "demo.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "using the local mock server" in done.stdout
    for step in ("== models:", "== workflow:", "== conversation:", "== chat: complete"):
        assert step in done.stdout, done.stdout
    assert re.search(r"execution \S+ COMPLETED", done.stdout), done.stdout
