"""No key or token of a deployment client shows in an error, even when the
server echoes it back, nor in the client's repr."""

from __future__ import annotations

import traceback
from typing import Any

import httpx2
import pytest
from deploy_helpers import FakeCredentials, call, make

from mistral_sdk import AuthenticationError
from mistral_sdk.azure import AsyncMistralAzure, MistralAzure
from mistral_sdk.gcp import AsyncMistralGCP, MistralGCP

SECRET = "SECRET-9f8e7d6c5b4a"
MESSAGES = [{"role": "user", "content": "hi"}]


class Echo:
    """A 401 whose message repeats the credential it received."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        sent = request.headers.get("authorization") or request.headers.get("api-key")
        return httpx2.Response(401, json={"message": f"bad credential {sent}"})


def _vertex_credentials() -> FakeCredentials:
    credentials = FakeCredentials()
    credentials.token, credentials.valid = f"ya29.{SECRET}", True
    return credentials


CLIENTS: dict[str, tuple[type[Any], type[Any], dict[str, Any]]] = {
    "azure key": (
        MistralAzure,
        AsyncMistralAzure,
        {"endpoint": "https://a.test", "api_key": SECRET},
    ),
    "azure api-key header": (
        MistralAzure,
        AsyncMistralAzure,
        {"endpoint": "https://a.test", "api_key": SECRET, "api_key_header": "api-key"},
    ),
    "azure entra": (
        MistralAzure,
        AsyncMistralAzure,
        {"endpoint": "https://a.test", "token_provider": lambda: f"eyJ.{SECRET}"},
    ),
    "vertex credentials": (MistralGCP, AsyncMistralGCP, {"project_id": "p"}),
    "vertex access token": (
        MistralGCP,
        AsyncMistralGCP,
        {"project_id": "p", "access_token": lambda: SECRET},
    ),
}


@pytest.mark.parametrize("kind", list(CLIENTS))
def test_deployment_credentials_never_shown(mode: str, kind: str) -> None:
    sync_cls, async_cls, options = CLIENTS[kind]
    if kind == "vertex credentials":
        options = {**options, "credentials": _vertex_credentials()}
    echo = Echo()
    client = make(mode, sync_cls, async_cls, echo, max_retries=0, **options)
    with pytest.raises(AuthenticationError) as caught:
        call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    assert SECRET in echo.requests[0].headers.get(
        "authorization", echo.requests[0].headers.get("api-key", "")
    )
    shown = [
        str(caught.value),
        repr(caught.value),
        "".join(traceback.format_exception(caught.value)),
    ]
    shown += [repr(client), str(client), repr(client._credentials)]
    assert not [text for text in shown if SECRET in text]
    assert "***" in str(caught.value)
