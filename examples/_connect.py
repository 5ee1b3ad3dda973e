"""How every example gets its client: the real API when MISTRAL_API_KEY is set,
else the project's local mock (scripts/mock_server.py), started for the example."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Generator
from pathlib import Path

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
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from mock_server import start_mock  # type: ignore[import-not-found, unused-ignore]

    base_url, stop = start_mock()
    print(f"(MISTRAL_API_KEY is not set: using the local mock at {base_url})")
    try:
        with Mistral(api_key="mock-key", base_url=base_url) as client:
            yield client
    finally:
        stop()


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
