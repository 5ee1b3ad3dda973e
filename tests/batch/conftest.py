"""Batch runner tests: against the local mock (mistral_sdk.testing, its batch lifecycle)
over HTTP, sync and async, through one adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from batch_helpers import Batch

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import Mock


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    with Mock() as mock:
        yield mock.serve()


@pytest.fixture
async def batch(mode: str, mock_url: str) -> AsyncIterator[Batch]:
    if mode == "sync":
        with Mistral(api_key="test-key", base_url=mock_url, timeout=10) as c:
            yield Batch(c)
    else:
        async with AsyncMistral(api_key="test-key", base_url=mock_url, timeout=10) as ac:
            yield Batch(ac)
