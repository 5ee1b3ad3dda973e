"""What a built wheel says about itself: its core metadata, and the Pythons it supports.

The supported Pythons are every CPython feature release that the wheel's
`Requires-Python` admits, up to NEWEST_PYTHON, the newest one this project tests (the
test matrix of .github/workflows/ci.yml; docs/releasing.md, Support policy). The
release workflow smoke-tests the wheel on each, and the runtime dependency tree is
resolved for all of them.
"""

from __future__ import annotations

import email.parser
import email.policy
import zipfile
from email.message import Message
from pathlib import Path

from packaging.specifiers import SpecifierSet

NEWEST_PYTHON = (3, 13)


def metadata(wheel: Path) -> Message:
    """The wheel's METADATA (name, version, Requires-Python, Requires-Dist, …)."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(
            (
                n
                for n in archive.namelist()
                if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
            ),
            None,
        )
        if name is None:
            raise ValueError(f"{wheel}: no .dist-info/METADATA")
        text = archive.read(name).decode("utf-8")
    return email.parser.Parser(policy=email.policy.compat32).parsestr(text, headersonly=True)


def supported_pythons(requires_python: str, newest: tuple[int, int] = NEWEST_PYTHON) -> list[str]:
    """The `3.N` versions `requires_python` admits, up to `newest`, oldest first."""
    admits = SpecifierSet(requires_python)
    found = [
        f"3.{n}" for n in range(newest[1] + 1) if admits.contains(f"3.{n}.0", prereleases=True)
    ]
    if not found:
        raise ValueError(
            f"Requires-Python {requires_python!r} admits no Python up to 3.{newest[1]}"
        )
    return found
