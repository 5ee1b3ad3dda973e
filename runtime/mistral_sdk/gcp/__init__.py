"""Mistral models on Google Cloud Vertex AI.

    from mistral_sdk.gcp import MistralGCP

    client = MistralGCP(region="europe-west4")  # Application Default Credentials
    reply = client.chat.complete(model="mistral-small-2503", messages=[...])

`MistralGCP` / `AsyncMistralGCP` are `Mistral` / `AsyncMistral`: the same
`chat.complete` / `chat.stream` / `chat.parse`, `fim.complete` / `fim.stream`
and `ocr.process`, with the same models, streams, errors and retries. Each
request goes to the model's Vertex endpoint,
``https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}/publishers/mistralai/models/{model}:rawPredict``
(``:streamRawPredict`` for streams), the model taken from the request.

Credentials come from google-auth (``pip install 'mistral-sdk[gcp]'``):
Application Default Credentials unless `credentials=` is given, refreshed when
they expire (on the async client in a worker thread, never blocking the event
loop). The project is `project_id`, else the credentials' own, else the one
google-auth detects, else ``$GOOGLE_CLOUD_PROJECT``. `access_token=` (a token,
or a function returning one) skips google-auth entirely. google-auth is
imported only when a client needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar, Unpack

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

__all__ = ["DEFAULT_REGION", "ROUTES", "AsyncMistralGCP", "MistralGCP", "vertex_base_url"]

DEFAULT_REGION = "europe-west4"

_MODEL_PATH = "/v1/projects/{project}/locations/{region}/publishers/mistralai/models/{model}"
_OPERATIONS = (
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/fim/completions"),
    ("POST", "/v1/ocr"),
)
# Every operation Vertex serves goes to the model's own URL; streams to its stream verb.
ROUTES: Mapping[tuple[str, str], str] = {op: _MODEL_PATH + ":rawPredict" for op in _OPERATIONS}
STREAM_ROUTES: Mapping[tuple[str, str], str] = {
    op: _MODEL_PATH + ":streamRawPredict" for op in _OPERATIONS
}
_CALLS = ("chat.complete", "chat.stream", "chat.parse", "fim.complete", "fim.stream", "ocr.process")


def vertex_base_url(region: str) -> str:
    """The Vertex AI API host of a region (``global`` has no regional prefix)."""
    if region == "global":
        return "https://aiplatform.googleapis.com"
    return f"https://{region}-aiplatform.googleapis.com"


def _configure(
    project_id: str | None,
    region: str,
    credentials: Any,
    access_token: str | KeyProvider | None,
    *,
    allow_async: bool,
) -> tuple[Credentials, Deployment]:
    """The credentials and routes of a Vertex client; checks the arguments."""
    if not region or "/" in region:
        raise MistralError(f"region must be a Vertex AI region such as {DEFAULT_REGION!r}")
    if access_token is not None and credentials is not None:
        raise MistralError("pass credentials (google-auth) or access_token, not both")
    detected: str | None = None
    if access_token is not None:
        auth = Credentials.from_key(access_token, name="access_token", allow_async=allow_async)
    else:
        from ._google import GoogleToken, default_credentials

        if credentials is None:
            credentials, detected = default_credentials()
        token = GoogleToken(credentials)
        provider = token.async_ if allow_async else token.sync
        auth = Credentials.from_key(provider, name="Google credentials", allow_async=allow_async)
    project = (
        project_id
        or getattr(credentials, "project_id", None)
        or detected
        or os.environ.get("GOOGLE_CLOUD_PROJECT")
    )
    if not project or not isinstance(project, str):
        raise MistralError(
            "project_id is required: pass project_id=..., set GOOGLE_CLOUD_PROJECT, or use "
            "credentials that name their project"
        )
    deployment = Deployment(
        label="Google Vertex AI",
        routes=ROUTES,
        stream_routes=STREAM_ROUTES,
        calls=_CALLS,
        path_params={"project": project, "region": region},
        body_params=("model",),
    )
    return auth, deployment


_Http = TypeVar("_Http")  # what http_client= takes: SyncHttpClient or AsyncHttpClient


class _Vertex(DeploymentInit[_Http]):
    """The constructor of `MistralGCP` and `AsyncMistralGCP`."""

    def __init__(
        self,
        *,
        project_id: str | None = None,
        region: str = DEFAULT_REGION,
        credentials: Any = None,
        access_token: str | KeyProvider | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions[_Http]],
    ) -> None:
        auth, self._deployment = _configure(
            project_id, region, credentials, access_token, allow_async=self._async_keys
        )
        self._init_core(auth, base_url or vertex_base_url(region), options)


class MistralGCP(_Vertex[SyncHttpClient], DeploymentClient):
    """`Mistral` for Mistral models on Google Cloud Vertex AI.

    - `project_id`: the Google Cloud project (detected when not given).
    - `region`: the Vertex AI region serving the model.
    - `credentials`: google-auth credentials; default: Application Default Credentials.
    - `access_token`: instead, a token or a function returning one (no google-auth).
    - `base_url`: another Vertex host (a private endpoint, a proxy); default from `region`.

    The other options (`timeout`, `max_retries`, `http_client`, `default_headers`) are
    `Mistral`'s.
    """


class AsyncMistralGCP(_Vertex[AsyncHttpClient], AsyncDeploymentClient):
    """`AsyncMistral` for Mistral models on Vertex AI; the options are
    `MistralGCP`'s. A credentials refresh runs in a worker thread."""
