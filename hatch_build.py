"""Hatch build hook of the editable install (`pip install -e .`): the wheel needs none.

The editable wheel gets the import hook that joins the checkout's two halves
(scripts/editable_finder.py, installed as `_mistral_sdk_editable.py`, with a .pth line
that installs it at interpreter start), and the type checkers' view of both halves is
brought up to date (scripts/editable_tree.py; `dev-mode-dirs` puts it on the path)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

FINDER = "_mistral_sdk_editable"


class EditableHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            return
        root = Path(self.root).resolve()
        spec = importlib.util.spec_from_file_location(
            "editable_tree", root / "scripts" / "editable_tree.py"
        )
        assert spec is not None and spec.loader is not None
        tree = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tree)
        view = tree.build(root)
        halves = [str(root / "generated" / "mistral_sdk"), str(root / "runtime" / "mistral_sdk")]
        pth = root / "build" / f"{FINDER}.pth"
        arguments = ", ".join(repr(p) for p in (*halves, str(view)))
        pth.write_text(f"import {FINDER}; {FINDER}.install({arguments})\n", encoding="utf-8")
        build_data["force_include_editable"] = {
            str(root / "scripts" / "editable_finder.py"): f"{FINDER}.py",
            str(pth): f"{FINDER}.pth",
        }
