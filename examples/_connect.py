"""How every example gets its client: the real API when MISTRAL_API_KEY is set,
else the local mock (mistral_sdk.testing, docs/mock.md), started for the example.
And `needs`: what an example needs beyond the SDK, checked as it starts.

Needs: mistral-sdk (in this repository: `make venv`, then `.venv/bin/python examples/...`).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Generator
from pathlib import Path

SDK = "in this repository, `make venv`, then run it with .venv/bin/python"


@contextlib.contextmanager
def needs(install: str, *modules: str) -> Generator[None, None, None]:
    """The imports inside the block, and `modules`, are what the example needs: when
    one is missing, the example stops with one line naming `install` (the command that
    brings it), not a traceback."""
    try:
        for module in modules:
            importlib.import_module(module)
        yield
    except ImportError as exc:  # a module that is not there, or an SDK extra's own error
        example = Path(sys.argv[0]).name or "this example"
        missing = exc.name or str(exc)
        sys.exit(f"{example} needs {missing}, which is not installed: {install}")


with needs(SDK, "mistral_sdk"):
    from mistral_sdk import Mistral


def using_mock() -> bool:
    return not os.environ.get("MISTRAL_API_KEY")


@contextlib.contextmanager
def connect() -> Generator[Mistral, None, None]:
    """A client for the real API, or for a mock running until the block ends."""
    if not using_mock():
        with Mistral() as client:
            yield client
        return
    from mistral_sdk.testing import Mock

    with Mock() as mock:
        base_url = mock.serve()
        print(f"(MISTRAL_API_KEY is not set: using the local mock at {base_url})")
        with Mistral(api_key="mock-key", base_url=base_url) as client:
            yield client


@contextlib.contextmanager
def connect_realtime() -> Generator[Mistral, None, None]:
    """A client for the real API's realtime audio, or for the local WebSocket
    stand-in (scripts/mock_realtime.py), running until the block ends."""
    if not using_mock():
        with Mistral() as client:
            yield client
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from mock_realtime import start_realtime_mock  # type: ignore[import-not-found, unused-ignore]

    base_url, stop, _ = start_realtime_mock()
    print(f"(MISTRAL_API_KEY is not set: using the local mock at {base_url})")
    try:
        with Mistral(api_key="mock-key", base_url=base_url) as client:
            yield client
    finally:
        stop()
