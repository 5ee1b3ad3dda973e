"""The `mistral_sdk` logger: what it says at INFO and DEBUG, bodies only on opt-in,
never the key; `MISTRAL_LOG` without code."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import httpx2
import pytest
from runtime_helpers import KEY, Harness

from mistral_sdk import _logging


@pytest.fixture(autouse=True)
def _bodies_off() -> None:
    logging.getLogger("mistral_sdk.bodies").setLevel(logging.NOTSET)
    _logging.setup_from_env()  # what the first client of a process does


def _run(mode: str) -> None:
    answers = iter(
        [
            httpx2.Response(503, json={"message": "busy"}),
            httpx2.Response(
                200, json={"prompt": "secret plans"}, headers={"x-request-id": "req-9"}
            ),
        ]
    )
    Harness(mode, lambda r: next(answers)).request("POST", "/v1/chat", json={"q": "my question"})


def test_debug_shows_calls_retries_request_ids_and_timings(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mistral_sdk")
    _run(mode)
    text = caplog.text
    assert "HTTP POST https://api.test/v1/chat" in text  # each attempt as it goes out
    assert "HTTP POST https://api.test/v1/chat (retry 1)" in text
    assert "-> 503 Service Unavailable (request id none, " in text
    assert "Retrying POST https://api.test/v1/chat in " in text and "(retry 1 of 2)" in text
    assert "-> 200 OK (request id req-9, " in text and " ms)" in text
    # bodies are not diagnostics: not without the explicit opt-in
    assert "my question" not in text and "secret plans" not in text
    assert KEY not in text


def test_info_shows_answers_and_retries_only(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mistral_sdk")
    _run(mode)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3  # two answers and one retry decision
    assert all(r.levelno == logging.INFO for r in caplog.records)


def test_bodies_only_when_asked_and_never_the_key(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mistral_sdk")
    caplog.set_level(logging.DEBUG, logger="mistral_sdk.bodies")
    _run(mode)
    body_lines = [r.getMessage() for r in caplog.records if r.name == "mistral_sdk.bodies"]
    assert any('{"q":"my question"}' in line for line in body_lines)
    assert any("secret plans" in line for line in body_lines)
    assert KEY not in caplog.text and "Bearer" not in caplog.text


def test_a_root_logger_at_debug_does_not_log_bodies(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger, as basicConfig(level=DEBUG) does
    _run(mode)
    assert "my question" not in caplog.text


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        check=False,
    )


CALL = """
    import httpx2
    from mistral_sdk import Mistral
    transport = httpx2.MockTransport(lambda r: httpx2.Response(200, json={"object": "list", "data": []}))
    Mistral(api_key="sk-KEY-0123456789", http_client=httpx2.Client(transport=transport)).models.list()
"""


def test_mistral_log_turns_logging_on_without_code() -> None:
    done = _python(CALL, MISTRAL_LOG="debug")
    assert "DEBUG mistral_sdk: HTTP GET https://api.mistral.ai/v1/models" in done.stderr
    assert "INFO mistral_sdk: HTTP GET https://api.mistral.ai/v1/models -> 200 OK" in done.stderr
    assert '"object"' not in done.stderr  # no bodies
    assert "sk-KEY-0123456789" not in done.stderr

    info = _python(CALL, MISTRAL_LOG="info")
    assert "DEBUG" not in info.stderr and "-> 200 OK" in info.stderr

    bodies = _python(CALL, MISTRAL_LOG="debug", MISTRAL_LOG_BODIES="1")
    assert 'response body GET https://api.mistral.ai/v1/models: {"object"' in bodies.stderr
    assert "sk-KEY-0123456789" not in bodies.stderr

    assert _python(CALL).stderr == ""  # off by default


def test_a_wrong_log_level_warns() -> None:
    done = _python(CALL, MISTRAL_LOG="verbose")
    assert "MISTRAL_LOG='verbose' is not one of ['debug', 'info']" in done.stderr
