"""mistral-sdk's code generator: OpenAPI document → intermediate model → Python SDK."""

from __future__ import annotations

from pathlib import Path

from . import ir
from .load import Problems, SpecError, load
from .parse import parse


def read_api(spec: str | Path) -> tuple[ir.API, Problems]:
    """Load and parse an OpenAPI document; raise SpecError when it has errors."""
    problems = Problems()
    api = parse(load(spec, problems), problems)
    from . import deprecations  # here: `python -m generator.deprecations` runs it as main

    api.renamed = deprecations.resolve(api, problems)
    if problems.errors:
        raise SpecError(problems.errors)
    return api, problems
