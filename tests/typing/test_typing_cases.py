"""mypy --strict and pyright strict over `cases/`: see conftest.py for the notation."""

from __future__ import annotations

import pytest
from checker_helpers import CASES, Report, check_case


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.py")))
def test_checkers_report_what_the_case_says(checked: Report, case: str) -> None:
    check_case(checked, case)
