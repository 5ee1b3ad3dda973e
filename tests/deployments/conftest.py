"""Deployment tests: no environment credentials leak in."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MISTRAL_API_KEY", "MISTRAL_SA_TOKEN_PATH", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)
