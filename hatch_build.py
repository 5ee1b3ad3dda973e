"""Hatch build hook: an editable install gets the joined tree of both halves first on
its path (scripts/editable_tree.py says why); a wheel merges the halves itself."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class EditableTreeHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable":
            return
        path = Path(self.root) / "scripts" / "editable_tree.py"
        spec = importlib.util.spec_from_file_location("editable_tree", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.link(Path(self.root))
