"""Deprecated names and signatures: a `DeprecationWarning` at run time, pointing at the
caller's line, and the PEP 702 `deprecated` marker that type checkers read (a no-op at
run time, so the core needs no `typing_extensions`; its message must be a literal)."""

from __future__ import annotations

import sys
import warnings
from typing import TYPE_CHECKING

__all__ = ["deprecated", "warn_deprecated"]

if TYPE_CHECKING:
    from typing_extensions import deprecated
else:

    def deprecated(message, /):
        """Run time: changes nothing (the deprecated thing calls `warn_deprecated`)."""
        return lambda thing: thing


def warn_deprecated(message: str) -> None:
    """Warn at the first frame outside mistral_sdk (the caller's line)."""
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(
        "mistral_sdk"
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)
