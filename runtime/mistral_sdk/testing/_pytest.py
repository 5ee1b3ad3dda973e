"""The pytest plugin of `mistral_sdk.testing` (the `pytest11` entry point): the
`mistral_mock` fixture. Loading it imports nothing of the mock; a test that asks for
the fixture does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._mock import Mock


@pytest.fixture
def mistral_mock() -> Iterator[Mock]:
    """The Mistral API in process for this test (`mistral_sdk.testing.Mock`):
    `mistral_mock.client` / `.async_client` are wired to it, `mistral_mock.on(...)`
    scripts it, `mistral_mock.calls(...)` is what was sent."""
    from ._mock import Mock

    with Mock() as mock:
        yield mock
