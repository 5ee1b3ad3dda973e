"""Fault-injection fixtures: a scripted loopback server and the sync/async mode."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fault_server import FaultServer


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer(lifetime=30) as s:
        yield s


@pytest.fixture
def other_server() -> Iterator[FaultServer]:
    with FaultServer(lifetime=30) as s:
        yield s
