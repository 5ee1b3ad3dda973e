"""Fixtures every test directory shares."""

from __future__ import annotations

import os

import pytest
from caller_env import caller_variables


@pytest.fixture(autouse=True)
def _no_caller_environment(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear the caller's variables (tests/caller_env.py) around every test."""
    live = request.node.get_closest_marker("live") is not None
    for name in caller_variables(os.environ, live=live):
        monkeypatch.delenv(name)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run the test once with the sync client and once with the async one."""
    return str(request.param)
