"""The pytest plugin of `mistral_sdk.testing` (the `pytest11` entry point): the
`mistral_mock` fixture, and through `_pytest_cassette` the `mistral_cassette` fixture
with its `--mistral-record` option. Loading it imports nothing of the mock; a test that
asks for a fixture does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._mock import Mock

pytest_plugins = ["mistral_sdk.testing._pytest_cassette"]


@pytest.fixture
def mistral_mock() -> Iterator[Mock]:
    """The Mistral API in process for this test (`mistral_sdk.testing.Mock`):
    `mistral_mock.client` / `.async_client` are wired to it, `mistral_mock.on(...)`
    scripts it, `mistral_mock.calls(...)` is what was sent."""
    from ._mock import Mock

    with Mock() as mock:
        yield mock
