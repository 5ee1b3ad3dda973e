"""The caller's environment variables that no test may inherit (issue 12)."""

from __future__ import annotations

from collections.abc import Mapping

# The caller's environment never configures a test (issue 12): a developer's
# `MISTRAL_API_KEY`, or `SPEC_SOURCE` and `MAKEFLAGS` inherited from
# `make spec-update SPEC_SOURCE=...` (which runs this suite), would otherwise change
# what a test sends, which spec a nested `make` reads, or which server it calls.
# A test about one of these sets it itself (monkeypatch.setenv), and tests marked
# `live` keep the client's variables: the real API is what they test.
CALLER_VARIABLES = (
    "SPEC_SOURCE",
    "SPEC_REPORT",
    "SPEC_UPDATE_TESTS",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
    "GNUMAKEFLAGS",
)
CLIENT_PREFIX = "MISTRAL_"
# test knobs, read on purpose (tests/fuzz/fuzz_helpers.py)
KNOBS = frozenset({"MISTRAL_FUZZ_PROFILE"})


def caller_variables(environ: Mapping[str, str], *, live: bool) -> list[str]:
    """The names in `environ` that a test must not inherit."""
    names = [name for name in CALLER_VARIABLES if name in environ]
    if not live:
        names += [n for n in environ if n.startswith(CLIENT_PREFIX) and n not in KNOBS]
    return names
