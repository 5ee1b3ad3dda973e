"""Async calls over aiohttp (`pip install mistral-sdk[aiohttp]`).

    from mistral_sdk import AsyncMistral
    from mistral_sdk.aiohttp import AiohttpClient

    client = AsyncMistral(http_client=AiohttpClient())

`AiohttpClient` is an `httpx2.AsyncClient` whose transport is aiohttp's (the
`httpx-aiohttp` package's `httpx_aiohttp.httpx2.AiohttpTransport`), built with the
settings of the client the SDK builds itself: its timeout, 100 connections all kept
alive, redirects followed. Everything above the transport (retries, streams, hooks,
errors) is the SDK's usual httpx2 path. With many calls in flight it was faster than
httpx2's own transport on this project's benchmark machine (`benchmarks/bench_aiohttp.py`,
docs/benchmarks.md). HTTP/1.1 only; async only (aiohttp has no blocking client).

The `aiohttp` extra installs `httpx-aiohttp`, which also installs the legacy `httpx`
package (its own requirement); the SDK never imports it for this.
"""

from __future__ import annotations

from typing import Any

import httpx2

try:
    from httpx_aiohttp.httpx2 import AiohttpTransport
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "mistral_sdk.aiohttp needs aiohttp and httpx-aiohttp: pip install 'mistral-sdk[aiohttp]'"
    ) from exc

from .._client import DEFAULT_LIMITS, DEFAULT_TIMEOUT

__all__ = ["AiohttpClient"]


class AiohttpClient(httpx2.AsyncClient):
    """An `httpx2.AsyncClient` sending over aiohttp, set up as the SDK's own client.

    Args:
        limits: the pool (aiohttp's connector takes `max_connections` and
            `keepalive_expiry`); default: the SDK's, 100 connections.
        verify, cert, trust_env: TLS and environment, as for `httpx2.AsyncClient`.
        **options: any other `httpx2.AsyncClient` argument (`timeout`, `headers`, ...).
    """

    def __init__(
        self,
        *,
        limits: httpx2.Limits = DEFAULT_LIMITS,
        verify: Any = True,
        cert: Any = None,
        trust_env: bool = True,
        **options: Any,
    ) -> None:
        options.setdefault("timeout", DEFAULT_TIMEOUT)
        options.setdefault("follow_redirects", True)
        transport = AiohttpTransport(verify=verify, cert=cert, trust_env=trust_env, limits=limits)
        super().__init__(transport=transport, trust_env=trust_env, **options)
