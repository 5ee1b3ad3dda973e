"""The typing tests: mypy and pyright run once per session over `cases/`."""

from __future__ import annotations

import pytest
from checker_helpers import Report, run_checkers


@pytest.fixture(scope="session")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return run_checkers(tmp_path_factory.mktemp("pyright"))
