"""examples/test_with_cassette.py: its committed cassettes replay offline, and it
records afresh against the mock server (as it would against the API) and replays that."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cassette_server import FAKE_KEY, PLUGIN_ARGS, ROOT, MockProcess

pytest_plugins = ["pytester"]

EXAMPLE = ROOT / "examples" / "test_with_cassette.py"
TESTS = 3


def test_example_replays_its_committed_cassettes_offline() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    env["MISTRAL_BASE_URL"] = "http://127.0.0.1:9"  # nothing listens: a sent request would fail
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(EXAMPLE), *PLUGIN_ARGS, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{TESTS} passed" in done.stdout


def test_example_records_then_replays(
    pytester: pytest.Pytester, mock_process: MockProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_with_cassette=EXAMPLE.read_text(encoding="utf-8"))
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    monkeypatch.delenv("MISTRAL_RECORD", raising=False)
    monkeypatch.setenv("MISTRAL_API_KEY", FAKE_KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", mock_process.url)
    pytester.runpytest(*PLUGIN_ARGS, "--mistral-record").assert_outcomes(passed=TESTS)
    cassettes = sorted((pytester.path / "cassettes" / "test_with_cassette").glob("*.jsonl"))
    assert [p.name for p in cassettes] == [
        "test_async_summarize.jsonl", "test_stream.jsonl", "test_summarize.jsonl",
    ]  # fmt: skip
    assert all(FAKE_KEY.encode() not in p.read_bytes() for p in cassettes)
    mock_process.stop()
    monkeypatch.delenv("MISTRAL_API_KEY")
    pytester.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=TESTS)
