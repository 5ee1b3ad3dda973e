"""Mistral models deployed on Azure AI Foundry.

    from mistral_sdk.azure import MistralAzure

    client = MistralAzure(endpoint="https://my-resource.services.ai.azure.com",
                          api_key=os.environ["AZURE_API_KEY"])
    reply = client.chat.complete(model="mistral-large-2411", messages=[...])

`MistralAzure` / `AsyncMistralAzure` are `Mistral` / `AsyncMistral`: the same
`chat.complete`, `chat.stream`, `chat.parse` and `ocr.process`, with the same
models, streams, errors and retries. Every request carries Azure's
``api-version`` query parameter. Authentication is an API key (a string or a
function returning one) or Microsoft Entra ID tokens from a token provider
(any function returning a bearer token, sync or async, such as
``azure.identity.get_bearer_token_provider(credential,
"https://cognitiveservices.azure.com/.default")``): no Azure SDK is required.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar, Unpack

from .._auth import Credentials, KeyProvider
from .._deployment import (
    AsyncDeploymentClient,
    ClientOptions,
    Deployment,
    DeploymentClient,
    DeploymentInit,
)
from .._errors import MistralError
from .._types import AsyncHttpClient, SyncHttpClient

__all__ = ["DEFAULT_API_VERSION", "ROUTES", "AsyncMistralAzure", "MistralAzure"]

DEFAULT_API_VERSION = "2024-05-01-preview"

# Where Azure AI Foundry serves each operation, relative to the resource's endpoint.
ROUTES: Mapping[tuple[str, str], str] = {
    ("POST", "/v1/chat/completions"): "/models/chat/completions",
    ("POST", "/v1/ocr"): "/providers/mistral/azure/ocr",
}
_CALLS = ("chat.complete", "chat.stream", "chat.parse", "ocr.process")


def _configure(
    endpoint: str | None,
    api_key: str | KeyProvider | None,
    token_provider: KeyProvider | None,
    api_version: str,
    api_key_header: str,
    api_key_ttl: float | None,
    *,
    allow_async: bool,
) -> tuple[str, Credentials, Deployment]:
    """The base URL, credentials and routes of an Azure client; checks the arguments."""
    if not endpoint:
        raise MistralError(
            "endpoint is required: the Azure AI resource's URL, "
            "e.g. https://my-resource.services.ai.azure.com"
        )
    if (api_key is None) == (token_provider is None):
        raise MistralError(
            "pass exactly one of api_key (an Azure API key) and token_provider "
            "(a function returning a Microsoft Entra ID bearer token)"
        )
    if not api_version:
        raise MistralError("api_version must not be empty")
    base = endpoint.rstrip("/")
    # The portal shows the inference URL with its "/models" suffix; the routes add it.
    base = base.removesuffix("/models")
    if token_provider is not None:
        credentials = Credentials.from_key(
            token_provider, ttl=api_key_ttl, name="token_provider", allow_async=allow_async
        )
    else:
        assert api_key is not None
        credentials = Credentials.from_key(
            api_key, ttl=api_key_ttl, header=api_key_header, allow_async=allow_async
        )
    deployment = Deployment(
        label="Azure AI", routes=ROUTES, calls=_CALLS, query={"api-version": api_version}
    )
    return base, credentials, deployment


_Http = TypeVar("_Http")  # what http_client= takes: SyncHttpClient or AsyncHttpClient


class _Azure(DeploymentInit[_Http]):
    """The constructor of `MistralAzure` and `AsyncMistralAzure`."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        api_key: str | KeyProvider | None = None,
        token_provider: KeyProvider | None = None,
        api_version: str = DEFAULT_API_VERSION,
        api_key_header: str = "Authorization",
        api_key_ttl: float | None = None,
        **options: Unpack[ClientOptions[_Http]],
    ) -> None:
        base, credentials, self._deployment = _configure(
            endpoint,
            api_key,
            token_provider,
            api_version,
            api_key_header,
            api_key_ttl,
            allow_async=self._async_keys,
        )
        self._init_core(credentials, base, options)


class MistralAzure(_Azure[SyncHttpClient], DeploymentClient):
    """`Mistral` for models deployed on Azure AI Foundry.

    - `endpoint`: the resource's URL (``https://<resource>.services.ai.azure.com``;
      a trailing ``/models`` is accepted).
    - `api_key`: the deployment's key, or a function returning it (called per
      request; `api_key_ttl` seconds of caching). Sent as ``Authorization:
      Bearer <key>``, or in the header named by `api_key_header` (``"api-key"``).
    - `token_provider`: instead of a key, a function returning a Microsoft Entra
      ID access token, sent as ``Authorization: Bearer <token>``.
    - `api_version`: Azure's ``api-version`` query parameter.

    The other options (`timeout`, `max_retries`, `http_client`, `default_headers`) are
    `Mistral`'s.
    """


class AsyncMistralAzure(_Azure[AsyncHttpClient], AsyncDeploymentClient):
    """`AsyncMistral` for models deployed on Azure AI Foundry; the options are
    `MistralAzure`'s, and `api_key` / `token_provider` may be async functions."""
