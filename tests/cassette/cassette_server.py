"""The local mock served over HTTP by a process of its own, as the real API would be,
and what the cassette tests record with (a module of its own: `conftest` names clash
between test folders)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The key the recordings are made with, as if it were a real one: no cassette may hold it.
FAKE_KEY = "sk-cassette-test-0123456789abcdef"
# The fixture's plugin, named with -p unless the package's pytest11 entry point loads it.
PLUGIN_ARGS = (
    []
    if any(ep.value.startswith("mistral_sdk") for ep in entry_points(group="pytest11"))
    else ["-p", "mistral_sdk.testing._pytest_cassette"]
)


class MockProcess:
    """`mistral mock` on a free port, in a subprocess of its own."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "mistral_sdk", "mock", "--port", "0", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # "mock Mistral API at http://127.0.0.1:<port> ..."
        if " at http" not in line:
            self.stop()
            raise RuntimeError(f"the mock server did not start: {line!r}")
        self.url = line.split(" at ", 1)[1].split()[0]

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()
