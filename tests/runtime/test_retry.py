from __future__ import annotations

import email.utils

import pytest

from mistral_sdk._retry import retry_delay, should_retry


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses(status: int) -> None:
    assert should_retry(status, {})


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_not_retryable(status: int) -> None:
    assert not should_retry(status, {})


def test_connection_errors_are_retried() -> None:
    assert should_retry(None, None)


def test_should_retry_header_overrides() -> None:
    assert should_retry(400, {"X-Should-Retry": "true"})
    assert not should_retry(503, {"x-should-retry": "false"})


def test_backoff_exponential_capped_with_jitter() -> None:
    assert retry_delay(0, 2, {}, random=lambda: 0.0) == 0.5
    assert retry_delay(1, 2, {}, random=lambda: 0.0) == 1.0
    assert retry_delay(2, 5, {}, random=lambda: 0.0) == 2.0
    assert retry_delay(10, 20, {}, random=lambda: 0.0) == 8.0
    assert retry_delay(0, 2, {}, random=lambda: 1.0) == 0.375  # at most -25 %
    for attempt in range(6):
        d = retry_delay(attempt, 6, {})
        assert 0.75 * min(0.5 * 2**attempt, 8) <= d <= min(0.5 * 2**attempt, 8)


def test_retry_after_ms_first() -> None:
    assert retry_delay(0, 2, {"retry-after-ms": "1500", "retry-after": "9"}) == 1.5


def test_retry_after_seconds() -> None:
    assert retry_delay(0, 2, {"retry-after": "3"}) == 3.0


def test_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 7, usegmt=True)
    assert retry_delay(0, 2, {"retry-after": date}, now=lambda: now) == pytest.approx(7)


@pytest.mark.parametrize("value", ["0", "-1", "61", "1000", "soon"])
def test_retry_after_out_of_range_falls_back(value: str) -> None:
    assert retry_delay(1, 2, {"retry-after": value}, random=lambda: 0.0) == 1.0
