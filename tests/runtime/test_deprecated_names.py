"""Deprecated names and argument orders: they still work, with a DeprecationWarning
pointing at the caller's line, and type checkers flag them (PEP 702), under mypy and
pyright alike (tests/runtime/typing_deprecated.py marks the lines)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SNIPPET = HERE / "typing_deprecated.py"
MARKED = {
    n for n, line in enumerate(SNIPPET.read_text().splitlines(), 1) if line.endswith("# deprecated")
}


def test_mcp_server_is_mcp_tool_source_with_a_warning() -> None:
    pytest.importorskip("mcp")
    import mistral_sdk.mcp
    from mistral_sdk.mcp import MCPToolSource

    with pytest.warns(DeprecationWarning, match="it is now MCPToolSource") as seen:
        old = mistral_sdk.mcp.MCPServer
    assert old is MCPToolSource and seen[0].filename == __file__
    with pytest.warns(DeprecationWarning) as seen:
        from mistral_sdk.mcp import MCPServer
    assert MCPServer is MCPToolSource and {w.filename for w in seen} == {__file__}
    assert "MCPServer" not in mistral_sdk.mcp.__all__
    with pytest.raises(AttributeError, match="has no attribute 'MCPServr'"):
        mistral_sdk.mcp.MCPServr  # noqa: B018


def _editable_tree() -> None:
    """Type checkers read the joined tree of both halves (scripts/editable_tree.py)."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "editable_tree.py")], check=True,
                   capture_output=True, cwd=ROOT)  # fmt: skip


def test_mypy_flags_the_deprecated_uses() -> None:
    pytest.importorskip("mypy")
    pytest.importorskip("mcp")
    pytest.importorskip("opentelemetry")
    _editable_tree()
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--enable-error-code", "deprecated",
         "--no-incremental", str(SNIPPET)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    flagged = {int(n) for n in re.findall(r"typing_deprecated\.py:(\d+): error: .*\[deprecated\]",
                                          result.stdout)}  # fmt: skip
    assert flagged == MARKED, result.stdout
    # nothing else in the snippet (the package's own re-exports of the old names are
    # reported too when mypy reads it as source through `mypy_path`; a user's mypy
    # reads an installed package and stays silent about them)
    assert result.stdout.count("typing_deprecated.py:") == len(MARKED), result.stdout


def test_pyright_flags_the_deprecated_uses(tmp_path: Path) -> None:
    pyright = Path(sys.executable).with_name("pyright")
    if not pyright.exists():
        pytest.skip("pyright is not installed (the dev extra)")
    pytest.importorskip("mcp")
    pytest.importorskip("opentelemetry")
    _editable_tree()
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "reportDeprecated": "error",
                                  "pythonVersion": "3.11"}))  # fmt: skip
    result = subprocess.run(
        [str(pyright), "-p", str(config), "--pythonpath", sys.executable, "--outputjson",
         str(SNIPPET)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    diagnostics = json.loads(result.stdout)["generalDiagnostics"]
    assert {d["range"]["start"]["line"] + 1 for d in diagnostics} == MARKED, diagnostics
    assert all(d["rule"] == "reportDeprecated" for d in diagnostics), diagnostics
