"""Cassette tests: recorded against the local mock served over HTTP by a separate
process (as the real API would be), replayed with that process stopped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cassette_server import MockProcess


@pytest.fixture
def mock_process() -> Iterator[MockProcess]:
    server = MockProcess()
    try:
        yield server
    finally:
        server.stop()
