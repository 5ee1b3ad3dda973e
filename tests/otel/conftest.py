"""Tracing tests: an OpenTelemetry SDK provider with the in-memory exporter per test,
clients on a MockTransport (one per operation kind) or on the project's mock server
(the run loop and workflows)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from otel_helpers import Traces

from mistral_sdk.testing import Mock


@pytest.fixture
def traces() -> Traces:
    return Traces()


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    with Mock() as mock:
        yield mock.serve()


@pytest.fixture(autouse=True)
def _fast_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    from mistral_sdk import _workflows

    monkeypatch.setattr(_workflows, "POLL_INITIAL", 0.05)
