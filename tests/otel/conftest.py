"""Tracing tests: an OpenTelemetry SDK provider with the in-memory exporter per test,
clients on a MockTransport (one per operation kind) or on the project's mock server
(the run loop and workflows)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from otel_helpers import Traces

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from mock_server import start_mock  # noqa: E402


@pytest.fixture
def traces() -> Traces:
    return Traces()


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    base_url, stop = start_mock()
    yield base_url
    stop()


@pytest.fixture(autouse=True)
def _fast_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    from mistral_sdk import _workflows

    monkeypatch.setattr(_workflows, "POLL_INITIAL", 0.05)
