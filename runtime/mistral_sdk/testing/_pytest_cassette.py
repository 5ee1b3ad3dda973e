"""The `mistral_cassette` pytest fixture: one cassette per test, replayed unless asked.

    def test_answer(mistral_cassette):
        reply = mistral_cassette.client.chat.complete(model=..., messages=[...])

The cassette is `<the test file's directory>/cassettes/<test file>/<test>.jsonl`
(ini option `mistral_cassette_dir`, or a `mistral_cassette_dir` fixture, to put them
elsewhere). The mode is "replay" unless `--mistral-record[=record|once]` or
`MISTRAL_RECORD` says otherwise, so that CI never needs a key or the network.
Options per test: `@pytest.mark.mistral_cassette("name.jsonl", match_on=[...], ...)`;
for every test: a `mistral_cassette_config` fixture returning `cassette()` keywords.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from ._cassette import MODES, Cassette, CassetteMode

__all__ = [
    "mistral_cassette",
    "mistral_cassette_config",
    "mistral_cassette_dir",
    "pytest_addoption",
    "pytest_configure",
]

ENV = "MISTRAL_RECORD"
OPTION = "--mistral-record"
_MODE_KEY = pytest.StashKey[CassetteMode | None]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mistral", "Mistral cassettes (mistral_sdk.testing)")
    group.addoption(
        OPTION,
        nargs="?",
        const="record",
        default=None,
        metavar="MODE",
        help="how the mistral_cassette fixture runs: record (the default of the bare "
        "flag: call the real API, rewrite the cassettes), once (record the missing "
        f"ones) or replay; default ${ENV}, else replay",
    )
    parser.addini(
        "mistral_cassette_dir",
        "directory of the mistral_cassette files, relative to the rootdir "
        "(default: cassettes/ beside each test file)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mistral_cassette(path=None, **options): the cassette of this test (a path "
        "relative to the cassette directory) and mistral_sdk.testing.cassette() options",
    )
    config.stash[_MODE_KEY] = _mode(config)


def _mode(config: pytest.Config) -> CassetteMode | None:
    """The mode asked for on the command line, else in the environment, else None."""
    value = config.getoption(OPTION)
    source = OPTION
    if value is None:
        value, source = os.environ.get(ENV, "").strip().lower(), f"${ENV}"
        if not value:
            return None
    if value not in MODES:
        raise pytest.UsageError(
            f"{source}: expected one of {', '.join(MODES)}, got {value!r}"
            + (
                f" (write {OPTION}=MODE, or put the flag after the test paths)"
                if source == OPTION
                else ""
            )
        )
    return cast(CassetteMode, value)


@pytest.fixture
def mistral_cassette_dir(request: pytest.FixtureRequest) -> Path:
    """Where this test's cassette lives: override it to keep cassettes elsewhere."""
    configured = cast(str, request.config.getini("mistral_cassette_dir"))
    module = Path(request.node.path)
    if configured:
        return Path(request.config.rootpath, configured, module.stem)
    return module.parent / "cassettes" / module.stem


@pytest.fixture
def mistral_cassette_config() -> dict[str, Any]:
    """Keywords of `mistral_sdk.testing.cassette()` for every test (say, `redact_headers`):
    override it in a conftest.py."""
    return {}


@pytest.fixture
def mistral_cassette(
    request: pytest.FixtureRequest,
    mistral_cassette_dir: Path,
    mistral_cassette_config: dict[str, Any],
) -> Iterator[Cassette]:
    """A `Cassette` named after the test: `.client`, `.async_client`, `.transport`.

    Its mode: `--mistral-record` or `$MISTRAL_RECORD` when given, else a mode in the
    marker or `mistral_cassette_config`, else "replay"."""
    options = dict(mistral_cassette_config)
    name = f"{_file_name(request.node)}.jsonl"
    marker = request.node.get_closest_marker("mistral_cassette")
    if marker is not None:
        options.update(marker.kwargs)
        if marker.args:
            name = str(marker.args[0])
    # The command line (or environment) wins: `--mistral-record` re-records every test.
    asked = request.config.stash[_MODE_KEY]
    if asked is not None:
        options["mode"] = asked
    tape = Cassette(mistral_cassette_dir / name, **options)
    try:
        yield tape
    finally:
        tape.close()


def _file_name(node: pytest.Item) -> str:
    """`TestClass.test_name[param]` as a safe file name."""
    parts = [node.name]
    parent = node.parent
    while parent is not None and isinstance(parent, pytest.Class):
        parts.insert(0, parent.name)
        parent = parent.parent
    return re.sub(r"[^\w.\-\[\]]+", "_", ".".join(parts)).replace("[", "-").replace("]", "")
