"""mistral-sdk's code generator: OpenAPI document → intermediate model → Python SDK."""

from __future__ import annotations

from pathlib import Path

from . import ir
from .load import Problems, SpecError, load
from .overlay import Overlay
from .parse import parse


def read_api(spec: str | Path, overlay: Overlay | None = None) -> tuple[ir.API, Problems]:
    """Load and parse an OpenAPI document with `overlay` (by default the project's,
    spec/overlay.yaml); raise SpecError when it has errors."""
    problems = Problems()
    api = parse(load(spec, problems), problems, overlay)
    if problems.errors:
        raise SpecError(problems.errors)
    return api, problems
