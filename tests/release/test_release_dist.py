"""What the release artifacts must hold (scripts/dist_build.py), the runtime dependency
lock (scripts/runtime_deps.py), the supported Pythons (scripts/wheel_info.py) and the
smoke test's own failure (scripts/smoke_test.py). The real builds, resolution and smoke
tests run in `make release-check`."""

from __future__ import annotations

import base64
import hashlib
import re
import tarfile
import zipfile
from pathlib import Path

import dist_build
import pytest
import runtime_deps
import smoke_test
import wheel_info
import yaml

REPO = Path(__file__).resolve().parents[2]

FILES = {
    "runtime/mistral_sdk/__init__.py",
    "runtime/mistral_sdk/py.typed",
    "runtime/mistral_sdk/mcp/connectors_gateway.json",
    "generated/mistral_sdk/py.typed",
    "generated/mistral_sdk/models/__init__.py",
    "tests/runtime/test_client.py",
    "scripts/editable_tree.py",
    "LICENSE",
    "README.md",
    "pyproject.toml",
}
INFO = "mistral_sdk-1.2.3.dist-info/"
WHEEL = [
    "mistral_sdk/__init__.py",
    "mistral_sdk/py.typed",
    "mistral_sdk/mcp/connectors_gateway.json",
    "mistral_sdk/models/__init__.py",
    *(INFO + n for n in ("METADATA", "WHEEL", "entry_points.txt", "licenses/LICENSE", "RECORD")),
]


def test_the_wheel_holds_the_package_its_metadata_and_licence_only() -> None:
    assert dist_build.wheel_problems(WHEEL, FILES, "1.2.3") == []
    junk = [*WHEEL, "mistral_sdk/__pycache__/x.cpython-312.pyc", "tests/runtime/test_client.py"]
    assert dist_build.wheel_problems(junk, FILES, "1.2.3") == [
        "not expected in the wheel: mistral_sdk/__pycache__/x.cpython-312.pyc",
        "not expected in the wheel: tests/runtime/test_client.py",
    ]
    short = [n for n in WHEEL if not n.endswith("LICENSE") and "models" not in n]
    assert dist_build.wheel_problems([*short, WHEEL[0]], FILES, "1.2.3") == [
        "twice in the wheel: mistral_sdk/__init__.py",
        f"missing from the wheel: {INFO}licenses/LICENSE",
        "missing from the wheel: mistral_sdk/models/__init__.py",
    ]


def members(*names: str, kind: bytes = tarfile.REGTYPE) -> list[tarfile.TarInfo]:
    out = []
    for name in names:
        info = tarfile.TarInfo(name)
        info.type = kind
        out.append(info)
    return out


def test_the_sdist_holds_files_of_the_commit_and_no_project_files() -> None:
    base = "mistral_sdk-1.2.3/"
    good = [base + n for n in ("PKG-INFO", "pyproject.toml", "README.md", "LICENSE")]
    good += [base + "runtime/mistral_sdk/__init__.py", base + "scripts/editable_tree.py"]
    assert dist_build.sdist_problems(members(*good), FILES, "1.2.3") == []
    bad = members(
        *good[1:],
        base + "tests/runtime/test_client.py",
        base + "runtime/mistral_sdk/__pycache__/a.pyc",
        "elsewhere/evil.py",
        base + "../up.py",
    )
    bad += members(base + "link", kind=tarfile.SYMTYPE)
    assert dist_build.sdist_problems(bad, FILES, "1.2.3") == [
        "project file, not package source, in the sdist: tests/runtime/test_client.py",
        "not a file of the commit, in the sdist: runtime/mistral_sdk/__pycache__/a.pyc",
        "outside mistral_sdk-1.2.3/ in the sdist: elsewhere/evil.py",
        "outside mistral_sdk-1.2.3/ in the sdist: mistral_sdk-1.2.3/../up.py",
        "not a regular file in the sdist: mistral_sdk-1.2.3/link",
        "missing from the sdist: PKG-INFO",
    ]


# --- the runtime dependency lock ------------------------------------------------------

UV_OUTPUT = """\
anyio==4.16.0             # via httpx
certifi==2026.10.19.post1  # via httpcore, httpx
exceptiongroup==1.3.2 ; python_full_version < '3.11'  # via anyio
h11==0.16.0               # via httpcore
httpcore==1.0.9           # via httpx
httpx==0.29.0             # via mistral-sdk
idna==3.21                # via anyio, httpx
mistral-sdk @ file:///tmp/x/mistral_sdk-0.1.0-py3-none-any.whl  # via -r /tmp/r.in
msgspec==0.23.0           # via mistral-sdk
sniffio==1.3.1            # via mistral-sdk
typing-extensions==4.16.0 ; python_full_version < '3.15'  # via anyio, exceptiongroup
"""


def resolved(text: str = UV_OUTPUT) -> tuple[runtime_deps.Dep, list[runtime_deps.Dep]]:
    deps = [d for d in runtime_deps.parse(text) if d.name != "mistral-sdk"]
    return runtime_deps.Dep("mistral-sdk", "0.1.0", "", ()), deps


def test_uv_lines_read_with_markers_and_parents() -> None:
    _, deps = resolved()
    ext = next(d for d in deps if d.name == "exceptiongroup")
    assert ext == runtime_deps.Dep(
        "exceptiongroup", "1.3.2", "python_full_version < '3.11'", ("anyio",)
    )
    assert next(d for d in deps if d.name == "certifi").via == ("httpcore", "httpx")
    with pytest.raises(ValueError, match="cannot read uv's line"):
        runtime_deps.parse("-e ./somewhere\n")


def test_the_committed_lock_is_a_names_only_tree() -> None:
    names = runtime_deps.locked(runtime_deps.LOCK.read_text())
    assert names and all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", n) for n in names)
    assert "mistral-sdk" not in names


def test_a_new_runtime_dependency_fails_until_the_lock_names_it() -> None:
    _, deps = resolved()
    lock = runtime_deps.locked(runtime_deps.lock_text(deps))
    assert runtime_deps.compare(lock, deps) == []
    # the httpx -> httpx2 move: httpx2 and httpcore2 appear, httpx and httpcore go
    moved = UV_OUTPUT.replace("httpx==0.29.0", "httpx2==2.16.2").replace(
        "httpcore==1.0.9           # via httpx", "httpcore2==2.16.2          # via httpx2"
    )
    moved = moved.replace("# via httpx\n", "# via httpx2\n").replace(
        "httpcore, httpx", "httpcore2, httpx2"
    )
    _, new = resolved(moved)
    problems = runtime_deps.compare(lock, new)
    assert problems == [
        "new runtime dependency httpcore2 2.16.2 (required by httpx2) is not in spec/runtime-deps.txt",
        "new runtime dependency httpx2 2.16.2 (required by mistral-sdk) is not in spec/runtime-deps.txt",
        "httpcore is in spec/runtime-deps.txt but no longer in the runtime dependency tree",
        "httpx is in spec/runtime-deps.txt but no longer in the runtime dependency tree",
        "if the change is deliberate, run `make runtime-deps` and commit spec/runtime-deps.txt with it",
    ]
    # recorded (`make runtime-deps`): accepted
    assert runtime_deps.compare(runtime_deps.locked(runtime_deps.lock_text(new)), new) == []


def test_the_tree_for_the_release_notes() -> None:
    root, deps = resolved()
    assert runtime_deps.tree(root, deps) == (
        "mistral-sdk 0.1.0\n"
        "├── httpx 0.29.0\n"
        "│   ├── anyio 4.16.0\n"
        "│   │   ├── exceptiongroup 1.3.2 ; python_full_version < '3.11'\n"
        "│   │   │   └── typing-extensions 4.16.0 ; python_full_version < '3.15'\n"
        "│   │   ├── idna 3.21\n"
        "│   │   └── typing-extensions 4.16.0 ; python_full_version < '3.15'\n"
        "│   ├── certifi 2026.10.19.post1\n"
        "│   ├── httpcore 1.0.9\n"
        "│   │   ├── certifi 2026.10.19.post1\n"
        "│   │   └── h11 0.16.0\n"
        "│   └── idna 3.21\n"
        "├── msgspec 0.23.0\n"
        "└── sniffio 1.3.1\n"
    )


# --- supported Pythons ----------------------------------------------------------------


def test_supported_pythons_from_requires_python() -> None:
    assert wheel_info.supported_pythons(">=3.10", (3, 13)) == ["3.10", "3.11", "3.12", "3.13"]
    assert wheel_info.supported_pythons(">=3.11,<3.13", (3, 13)) == ["3.11", "3.12"]
    with pytest.raises(ValueError, match="admits no Python"):
        wheel_info.supported_pythons(">=3.14", (3, 13))


def test_ci_tests_every_supported_python() -> None:
    """The support policy (docs/releasing.md): CI's test matrix is the supported set."""
    pyproject = (REPO / "pyproject.toml").read_text()
    requires = re.search(r'^requires-python = "([^"]+)"', pyproject, re.MULTILINE)
    assert requires is not None
    ci = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    tested = {
        str(v)
        for job in ci["jobs"].values()
        for v in job.get("strategy", {}).get("matrix", {}).get("python", [])
    }
    assert sorted(
        tested, key=lambda v: tuple(map(int, v.split(".")))
    ) == wheel_info.supported_pythons(requires[1])


# --- the smoke test fails when the installed package is not the wheel's ----------------


def fake_wheel(where: Path, version: str, init: str) -> Path:
    files = {
        "mistral_sdk/__init__.py": init.encode(),
        f"mistral_sdk-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: mistral-sdk\nVersion: {version}\n".encode(),
        f"mistral_sdk-{version}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for name, data in files.items()
    )
    files[f"mistral_sdk-{version}.dist-info/RECORD"] = (
        record + f"mistral_sdk-{version}.dist-info/RECORD,,\n"
    ).encode()
    path = where / f"mistral_sdk-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_the_smoke_test_fails_on_a_wrong_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wheel = fake_wheel(tmp_path, "9.9.9", '__version__ = "9.9.8"\n')
    assert smoke_test.main([str(wheel), "--keep", str(tmp_path / "envs")]) == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "mistral_sdk.__version__ is 9.9.8, the wheel is 9.9.9" in err
