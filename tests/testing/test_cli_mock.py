"""`mistral mock`: the local mock over HTTP from the command line (what `make mock` runs)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

from mistral_sdk import Mistral


def test_mistral_mock_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mistral_sdk", "mock", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"MISTRAL_BASE_URL=(http://127\.0\.0\.1:\d+)", line)
        assert found, line
        with Mistral(api_key="any", base_url=found.group(1)) as client:
            assert client.models.retrieve("mistral-small-latest").id == "mistral-small-latest"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
