"""Checked by `make types` (mypy --strict and pyright --strict), never run: what
`http_client=` accepts, as a user's strictly typed code sees it."""

from __future__ import annotations

import httpx
import httpx2

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.azure import AsyncMistralAzure, MistralAzure
from mistral_sdk.gcp import AsyncMistralGCP, MistralGCP


def httpx2_clients() -> None:
    Mistral(http_client=httpx2.Client(http2=True))
    AsyncMistral(http_client=httpx2.AsyncClient(proxy="http://proxy.test:3128"))
    MistralAzure(endpoint="https://x.test", api_key="k", http_client=httpx2.Client())
    AsyncMistralGCP(project_id="p", access_token="t", http_client=httpx2.AsyncClient())


def legacy_clients() -> None:
    # deprecated (a DeprecationWarning at run time), but typed: no cast needed
    Mistral(http_client=httpx.Client())
    AsyncMistral(http_client=httpx.AsyncClient())
    AsyncMistralAzure(endpoint="https://x.test", api_key="k", http_client=httpx.AsyncClient())
    MistralGCP(project_id="p", access_token="t", http_client=httpx.Client())


def wrong_kinds() -> None:
    Mistral(http_client=httpx2.AsyncClient())  # type: ignore[arg-type]
    AsyncMistral(http_client=httpx.Client())  # type: ignore[arg-type]
