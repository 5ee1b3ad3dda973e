"""The `mistral` command line against the project's scripted mock (a real loopback
server), run in-process: `main(argv)` with stdout and stderr captured."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mistral_sdk.testing import Mock

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from cli_helpers import Result  # noqa: E402


@pytest.fixture(scope="session")
def cli_mock_url() -> Iterator[str]:
    with Mock() as mock:
        yield mock.serve()


@pytest.fixture
def mistral(
    cli_mock_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """`mistral(*argv)`: run the command line against the mock; exit code and output."""
    from mistral_sdk import _resume, _workflows
    from mistral_sdk.cli import _workflows as cli_workflows

    monkeypatch.setenv("MISTRAL_API_KEY", "test-key")
    monkeypatch.setenv("MISTRAL_BASE_URL", cli_mock_url)
    # poll and reconnect sooner than in production, so the suite stays quick
    monkeypatch.setattr(_workflows, "POLL_INITIAL", 0.05)
    monkeypatch.setattr(_resume, "retry_delay", lambda attempt, budget: 0.01)
    monkeypatch.setattr(cli_workflows, "POLL_SECONDS", 0.05)

    def run(*argv: str) -> Result:
        from mistral_sdk.cli import main

        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
