"""mistral-sdk's code generator: OpenAPI document → intermediate model → Python SDK."""

from __future__ import annotations

from pathlib import Path

from . import ir
from .load import Problems, SpecError
from .merge import SupplementChoice, load_merged
from .overlay import Overlay
from .parse import parse


def read_api(
    spec: str | Path, overlay: Overlay | None = None, supplement: SupplementChoice = None
) -> tuple[ir.API, Problems]:
    """Load and parse an OpenAPI document with `overlay` (by default the project's,
    spec/overlay.yaml) and `supplement` merged in (by default the `supplement.yaml`
    beside the spec when there is one; `False` for none: generator/merge.py); raise
    SpecError when they have errors."""
    problems = Problems()
    doc, merged = load_merged(spec, supplement, problems)
    api = parse(doc, problems, overlay, merged)
    if problems.errors:
        raise SpecError(problems.errors)
    return api, problems
