"""The renamed pass: former model names kept as deprecated aliases (the overlay's
`renamed`), for the models of this spec.

An entry applies when its new name is a definition of the spec (or `str`, for an id
that became a plain string) and its old name is not one again (a spec that brings the
old name back wins). The others are spec drift: a warning each, with the pointer where
the spec would have the name. The renderer writes what applies into
`mistral_sdk/models/_deprecated.py`.
"""

from __future__ import annotations

from .. import ir
from ..load import Problems, escape
from ..overlay import Overlay

STR = "str"  # the new "name" of an id that is a plain string now


def aliases(
    definitions: dict[str, ir.Definition], overlay: Overlay, problems: Problems
) -> list[ir.Renamed]:
    """The renamed names that apply to these definitions, by old name."""
    if overlay.renamed is None:
        return []
    removed_in = overlay.renamed.removed_in
    out: list[ir.Renamed] = []
    for old, new in sorted(overlay.renamed.models.items()):
        target = definitions.get(new)
        if old in definitions:
            problems.warn(
                f"#/components/schemas/{escape(old)}",
                f"overlay renamed `{old}` is a model of this spec again: no alias",
            )
        elif target is None and new != STR:
            problems.warn(
                f"#/components/schemas/{escape(new)}",
                f"overlay renamed `{old}` to `{new}`, a definition not here: no alias",
            )
        else:
            out.append(ir.Renamed(old, new, removed_in, isinstance(target, ir.Model)))
    return out
