"""One package, safely assembled: the wheel is one directory holding exactly the files
of generated/ and runtime/; the editable install joins exactly those two directories;
a stray `mistral_sdk/` directory (in the working directory, or anywhere on sys.path)
joins neither; the type checkers' view of an editable install holds both halves
without symbolic links. scripts/check_install.py runs the same checks in scratch
virtualenvs (CI, on macOS and Windows)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from importlib.machinery import PathFinder
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import check_install  # noqa: E402
import editable_finder  # noqa: E402
import editable_tree  # noqa: E402

HALVES = [str(REPO / "generated" / "mistral_sdk"), str(REPO / "runtime" / "mistral_sdk")]


def _half(root: Path, half: str, *names: str) -> Path:
    package = root / half / "mistral_sdk"
    for name in names:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(f"# {half} {name}\n")
    (package / "__pycache__").mkdir(parents=True, exist_ok=True)
    (package / "__pycache__" / "x.pyc").write_bytes(b"")
    return package


# --- the type checkers' view (build/editable) ------------------------------------


def test_view_holds_every_file_of_both_halves_without_symlinks(tmp_path: Path) -> None:
    _half(tmp_path, "generated", "__init__.py", "py.typed", "_mistral.py", "models/__init__.py")
    runtime = _half(tmp_path, "runtime", "py.typed", "_client.py", "mcp/gateway.json")
    view = editable_tree.build(tmp_path)
    files = sorted(p.relative_to(view).as_posix() for p in view.rglob("*") if p.is_file())
    assert files == [
        "__init__.py", "_client.py", "_mistral.py", "mcp/gateway.json", "models/__init__.py",
        "py.typed",
    ]  # fmt: skip
    assert not [p for p in view.rglob("*") if p.is_symlink()]
    assert (view / "py.typed").read_text() == "# generated py.typed\n"  # generated/ first
    assert (view / "_client.py").read_text() == "# runtime _client.py\n"
    # a hard link shows an edit at once; a file replaced, added or removed shows
    # after the next build, which changes only what changed
    (runtime / "_client.py").write_text("# edited in place\n")
    assert (view / "_client.py").read_text() == "# edited in place\n"
    (runtime / "_client.py").unlink()
    (runtime / "_client.py").write_text("# replaced\n")
    (runtime / "_new.py").write_text("# new\n")
    (runtime / "mcp" / "gateway.json").unlink()
    untouched = (view / "_mistral.py").stat().st_ino
    editable_tree.build(tmp_path)
    assert (view / "_client.py").read_text() == "# replaced\n"
    assert (view / "_new.py").exists() and not (view / "mcp").exists()
    assert (view / "_mistral.py").stat().st_ino == untouched


def test_view_replaces_the_symlink_tree_of_old(tmp_path: Path) -> None:
    _half(tmp_path, "generated", "__init__.py")
    runtime = _half(tmp_path, "runtime", "_client.py")
    old = tmp_path / "build" / "editable" / "mistral_sdk"
    old.mkdir(parents=True)
    try:
        (old / "_client.py").symlink_to(runtime / "_client.py")
    except OSError:  # Windows without the privilege: there was no such tree either
        pytest.skip("this system does not make symbolic links")
    view = editable_tree.build(tmp_path)
    assert not (view / "_client.py").is_symlink()
    assert (view / "_client.py").read_text() == "# runtime _client.py\n"


def test_a_module_in_both_halves_is_an_error(tmp_path: Path) -> None:
    _half(tmp_path, "generated", "__init__.py", "_client.py")
    _half(tmp_path, "runtime", "_client.py")
    with pytest.raises(editable_tree.Clash, match=r"_client\.py is in both halves"):
        editable_tree.build(tmp_path)


def test_this_checkouts_halves_share_no_module() -> None:
    assert editable_tree.sources(REPO)  # raises Clash otherwise


# --- the editable install's finder --------------------------------------------------


@pytest.fixture
def halves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    generated = _half(tmp_path, "generated", "__init__.py")
    runtime = _half(tmp_path, "runtime", "_client.py")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "cwd")])
    PathFinder.invalidate_caches()
    return str(generated), str(runtime)


def _locations(finder: editable_finder.EditableFinder) -> list[str]:
    spec = finder.find_spec("mistral_sdk")
    assert spec is not None and spec.submodule_search_locations is not None
    return list(spec.submodule_search_locations)


def test_finder_joins_exactly_the_two_halves(tmp_path: Path, halves: tuple[str, str]) -> None:
    finder = editable_finder.EditableFinder(*halves)
    assert _locations(finder) == list(halves)
    assert finder.find_spec("mistral_sdk_other") is None
    assert finder.find_spec("mistral_sdk.models") is None  # found through __path__
    check_install.stray(tmp_path / "cwd")  # a namespace portion first on sys.path
    PathFinder.invalidate_caches()
    assert _locations(finder) == list(halves)


def test_finder_takes_a_generated_tree_first_on_sys_path(
    tmp_path: Path, halves: tuple[str, str]
) -> None:
    """`python -m generator generate --out DIR`, DIR first on sys.path: that SDK."""
    tree = _half(tmp_path / "cwd", "", "__init__.py", "_operations.py").parent
    sys.path.insert(0, str(tree))
    PathFinder.invalidate_caches()
    finder = editable_finder.EditableFinder(*halves)
    assert _locations(finder) == [str(tree / "mistral_sdk"), halves[1]]


def test_finder_leaves_a_whole_package_first_on_sys_path_alone(
    tmp_path: Path, halves: tuple[str, str]
) -> None:
    whole = _half(tmp_path / "site", "", "__init__.py", "_client.py")
    sys.path.insert(0, str(whole.parent))
    PathFinder.invalidate_caches()
    assert _locations(editable_finder.EditableFinder(*halves)) == [str(whole)]


# --- the installs, in fresh interpreters ----------------------------------------------


def test_editable_install_ignores_a_stray_package_directory(tmp_path: Path) -> None:
    if not any(type(f).__name__ == "EditableFinder" for f in sys.meta_path):
        pytest.skip("mistral_sdk is not installed from this checkout as editable")
    cwd = check_install.stray(tmp_path / "cwd")
    on_path = check_install.stray(tmp_path / "elsewhere")
    env = {**os.environ, "PYTHONPATH": str(on_path)}
    report = check_install.probe(sys.executable, cwd, env=env)
    assert report["sneaky"] is None
    assert [os.path.normcase(p) for p in report["path"]] == [os.path.normcase(p) for p in HALVES]


def test_wheel_is_both_halves_and_ignores_a_stray_package_directory(tmp_path: Path) -> None:
    """The wheel built from this checkout, installed alone on the path (`-S`: no site
    .pth files, so not the editable install; the dependencies come from this
    virtualenv's site-packages as a plain directory)."""
    wheel = check_install.build_wheel(tmp_path / "dist")
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target"]
    subprocess.run([*install, str(target), str(wheel)], check=True, capture_output=True)
    cwd = check_install.stray(tmp_path / "cwd")
    paths = [str(target), sysconfig.get_paths()["purelib"]]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    report = check_install.probe([sys.executable, "-S"], cwd, every_module=True, env=env)
    assert report["sneaky"] is None
    assert [os.path.normcase(p) for p in report["path"]] == [
        os.path.normcase(str(target / "mistral_sdk"))
    ]
    assert report["failed"] == {}
    assert check_install.package_files([str(target / "mistral_sdk")]) == (
        check_install.checkout_files()
    )
