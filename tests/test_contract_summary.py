"""`make contract`'s closing line counts each operation once: verified, accepted only
through the allow-list, or failing (never "all pass" for an allow-listed one)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contract_run() -> object:
    spec = importlib.util.spec_from_file_location("contract_run", ROOT / "contract" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["contract_run"] = module
    spec.loader.exec_module(module)
    return module


def test_allow_listed_operations_are_not_counted_as_verified() -> None:
    summary = _contract_run()._summary  # type: ignore[attr-defined]
    ops = {f"op{i}" for i in range(288)}
    assert summary(ops, set(), {"op1", "op2"}) == (
        "286 verified + 2 accepted by the allow-list, of 288 operations"
    )
    # an operation both allow-listed (one case) and failing (another) counts as failing
    assert summary(ops, {"op2", "op3"}, {"op1", "op2"}) == (
        "285 verified + 1 accepted by the allow-list, 2 failing, of 288 operations"
    )
