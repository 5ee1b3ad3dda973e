"""Agentic helper tests: against the project's scripted mock of the API (a real
loopback server, so dropped connections are real ones)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import Mock


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    with Mock() as mock:
        yield mock.serve()


@pytest.fixture
def client(mock_url: str) -> Iterator[Mistral]:
    with Mistral(api_key="test-key", base_url=mock_url, timeout=10) as c:
        yield c


@pytest.fixture
async def aclient(mock_url: str) -> AsyncIterator[AsyncMistral]:
    async with AsyncMistral(api_key="test-key", base_url=mock_url, timeout=10) as c:
        yield c


@pytest.fixture(autouse=True)
def _fast_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll and reconnect sooner than in production, so the suite stays quick."""
    from mistral_sdk import _resume, _workflows

    monkeypatch.setattr(_workflows, "POLL_INITIAL", 0.05)
    monkeypatch.setattr(_resume, "retry_delay", lambda attempt, budget: 0.01)
