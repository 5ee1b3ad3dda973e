"""`python -m mistral_sdk`: the `mistral` command line (`python -m mistral_sdk version`
prints the versions to quote in a bug report)."""

from __future__ import annotations

import platform


def report() -> str:
    """The SDK, spec, Python and dependency versions, one per line."""
    import httpx2
    import msgspec

    from ._spec import (
        OPERATION_COUNT,
        SPEC_SHA256,
        SPEC_VERSION,
        SUPPLEMENT,
        SUPPLEMENT_OPERATION_COUNT,
        SUPPLEMENT_SHA256,
        TITLE,
    )
    from ._version import __version__

    lines = [
        f"mistral-sdk {__version__}",
        f"spec: {TITLE} {SPEC_VERSION} ({OPERATION_COUNT} operations), sha256 {SPEC_SHA256}",
        f"python {platform.python_version()} on {platform.platform()}",
        f"httpx2 {httpx2.__version__}, msgspec {msgspec.__version__}",
    ]
    if SUPPLEMENT:  # the operations the public spec lacks, from the official SDK (docs/spec.md)
        lines.append(
            f"supplement: {SUPPLEMENT} ({SUPPLEMENT_OPERATION_COUNT} operations),"
            f" sha256 {SUPPLEMENT_SHA256}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    from .cli import main

    sys.exit(main())
