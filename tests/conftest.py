"""Fixtures every test directory shares."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run the test once with the sync client and once with the async one."""
    return str(request.param)
