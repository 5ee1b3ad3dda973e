"""Batch runner tests: against the project's mock (scripts/mock_batch.py mounted by
scripts/mock_server.py), sync and async, through one adapter."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from mistral_sdk import AsyncMistral, Mistral

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from batch_helpers import Batch  # noqa: E402
from mock_server import start_mock  # noqa: E402


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    base_url, stop = start_mock()
    yield base_url
    stop()


@pytest.fixture
async def batch(mode: str, mock_url: str) -> AsyncIterator[Batch]:
    if mode == "sync":
        with Mistral(api_key="test-key", base_url=mock_url, timeout=10) as c:
            yield Batch(c)
    else:
        async with AsyncMistral(api_key="test-key", base_url=mock_url, timeout=10) as ac:
            yield Batch(ac)
