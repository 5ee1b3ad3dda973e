"""The joined tree an editable install puts first on the path: one `mistral_sdk`
directory whose entries link to both halves, so type checkers see one package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import editable_tree  # noqa: E402


def _half(root: Path, half: str, *names: str) -> None:
    package = root / half / "mistral_sdk"
    package.mkdir(parents=True)
    for name in names:
        (package / name).write_text(f"# {half}\n")
    (package / "__pycache__").mkdir()


def test_links_every_module_of_both_halves_generated_first(tmp_path: Path) -> None:
    _half(tmp_path, "generated", "__init__.py", "py.typed", "_mistral.py")
    _half(tmp_path, "runtime", "py.typed", "_client.py")
    (tmp_path / "generated" / "mistral_sdk" / "models").mkdir()
    package = editable_tree.link(tmp_path)
    names = sorted(p.name for p in package.iterdir())
    assert names == ["__init__.py", "_client.py", "_mistral.py", "models", "py.typed"]
    assert all((package / n).is_symlink() for n in names)
    assert (package / "py.typed").read_text() == "# generated\n"  # generated/ wins
    assert (package / "_client.py").read_text() == "# runtime\n"
    assert (package / "models").is_dir()
    # a module added later appears when the tree is rebuilt (make types does it)
    (tmp_path / "runtime" / "mistral_sdk" / "_new.py").write_text("")
    assert (editable_tree.link(tmp_path) / "_new.py").is_symlink()


def test_this_checkouts_editable_install_reads_the_joined_tree() -> None:
    """With the editable install, `mistral_sdk` is one directory holding both halves."""
    code = "import mistral_sdk, os; p = mistral_sdk.__path__[0]; print(p, *os.listdir(p))"
    first, *listed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    if not first.endswith("build/editable/mistral_sdk"):
        pytest.skip(f"mistral_sdk is not this checkout's editable install ({first})")
    assert {"_client.py", "_mistral.py", "models", "py.typed"} <= set(listed)
