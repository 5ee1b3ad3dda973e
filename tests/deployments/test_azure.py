"""MistralAzure / AsyncMistralAzure: routes, api-version, key or Entra ID token,
and the core's models, streams, errors and retries, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import pytest
from deploy_helpers import Cloud, call, make

from mistral_sdk import AuthenticationError, MistralError, models
from mistral_sdk._deployment import UnsupportedOperationError
from mistral_sdk.azure import AsyncMistralAzure, MistralAzure

ENDPOINT = "https://res.services.ai.azure.com"
MESSAGES = [{"role": "user", "content": "hi"}]
VERSION = "api-version=2024-05-01-preview"


class Answer(msgspec.Struct):
    n: int


def azure(mode: str, cloud: Cloud, **kw: Any) -> Any:
    kw.setdefault("endpoint", ENDPOINT)
    if "token_provider" not in kw:
        kw.setdefault("api_key", "az-key")
    return make(mode, MistralAzure, AsyncMistralAzure, cloud, **kw)


def test_chat_and_ocr_go_to_azure_routes_with_api_version(mode: str) -> None:
    cloud = Cloud()
    client = azure(mode, cloud)
    reply = call(client, lambda c: c.chat.complete(model="mistral-large", messages=MESSAGES))
    events = call(client, lambda c: c.chat.stream(model="mistral-large", messages=MESSAGES))
    parsed = call(
        client,
        lambda c: c.chat.parse(model="mistral-large", messages=MESSAGES, response_format=Answer),
    )
    page = call(
        client,
        lambda c: c.ocr.process(
            model="mistral-ocr", document={"type": "document_url", "document_url": "https://d"}
        ),
    )
    assert isinstance(reply, models.ChatCompletionResponse)
    assert [e.data.choices[0].delta.content for e in events] == ["hi"]
    assert parsed.parsed == Answer(7)
    assert isinstance(page, models.OCRResponse)
    chat = f"{ENDPOINT}/models/chat/completions?{VERSION}"
    assert cloud.urls == [chat, chat, chat, f"{ENDPOINT}/providers/mistral/azure/ocr?{VERSION}"]
    assert [r.headers["authorization"] for r in cloud.requests] == ["Bearer az-key"] * 4
    assert cloud.requests[1].headers["accept"] == "text/event-stream"
    assert cloud.bodies[0]["model"] == "mistral-large"


def test_api_version_endpoint_suffix_and_extra_query(mode: str) -> None:
    cloud = Cloud()
    client = azure(mode, cloud, endpoint=f"{ENDPOINT}/models/", api_version="2025-01-01")
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    call(
        client,
        lambda c: c.chat.complete(
            model="m", messages=MESSAGES, extra_query={"api-version": "2099-12-31"}
        ),
    )
    assert cloud.urls == [
        f"{ENDPOINT}/models/chat/completions?api-version=2025-01-01",
        f"{ENDPOINT}/models/chat/completions?api-version=2099-12-31",
    ]


def test_key_in_the_api_key_header(mode: str) -> None:
    cloud = Cloud()
    client = azure(mode, cloud, api_key="az-key", api_key_header="api-key")
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    (request,) = cloud.requests
    assert request.headers["api-key"] == "az-key"
    assert "authorization" not in request.headers


def test_entra_id_token_provider_rotates(mode: str) -> None:
    issued: list[str] = []

    def provider() -> str:
        issued.append(f"entra-{len(issued) + 1}")
        return issued[-1]

    cloud = Cloud()
    client = azure(mode, cloud, token_provider=provider)
    for _ in range(2):
        call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    call(client, lambda c: c.chat.stream(model="m", messages=MESSAGES))
    auth = [r.headers["authorization"] for r in cloud.requests]
    assert auth == ["Bearer entra-1", "Bearer entra-2", "Bearer entra-3"]


def test_async_token_provider() -> None:
    async def provider() -> str:
        await asyncio.sleep(0)
        return "entra-async"

    cloud = Cloud()
    client = azure("async", cloud, token_provider=provider)
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    assert cloud.requests[0].headers["authorization"] == "Bearer entra-async"
    with pytest.raises(MistralError, match="async function"):
        MistralAzure(endpoint=ENDPOINT, token_provider=provider)


def test_retries_and_errors_are_the_cores(mode: str) -> None:
    cloud = Cloud()
    cloud.fail = [503, 429]
    client = azure(mode, cloud)
    reply = call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    assert reply.id == "c1" and len(cloud.requests) == 3
    cloud.fail = [401]
    with pytest.raises(AuthenticationError):
        call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))


def test_operations_azure_does_not_serve_fail_before_sending(mode: str) -> None:
    cloud = Cloud()
    client = azure(mode, cloud)
    with pytest.raises(UnsupportedOperationError, match=r"client\.models\.list\(\).*Azure AI"):
        call(client, lambda c: c.models.list())
    with pytest.raises(UnsupportedOperationError, match=r"chat\.complete, chat\.stream"):
        call(client, lambda c: c.embeddings.create(model="e", input=["x"]))
    assert cloud.requests == []


def test_with_options_keeps_the_deployment(mode: str) -> None:
    cloud = Cloud()
    client = azure(mode, cloud, api_version="2025-01-01").with_options(max_retries=0)
    assert isinstance(client, MistralAzure if mode == "sync" else AsyncMistralAzure)
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    assert cloud.urls == [f"{ENDPOINT}/models/chat/completions?api-version=2025-01-01"]
    assert cloud.requests[0].headers["authorization"] == "Bearer az-key"
    assert "az-key" not in repr(client) and "Azure AI" in repr(client)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"api_key": "k"}, "endpoint is required"),
        ({"endpoint": ENDPOINT}, "exactly one of api_key"),
        ({"endpoint": ENDPOINT, "api_key": "k", "token_provider": lambda: "t"}, "exactly one"),
        ({"endpoint": ENDPOINT, "api_key": "k", "api_version": ""}, "api_version"),
    ],
)
def test_bad_configuration_is_a_clear_error(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(MistralError, match=message):
        MistralAzure(**kw)


def test_with_options_new_key_keeps_the_header(mode: str) -> None:
    cloud = Cloud()
    client = azure(mode, cloud, api_key="old", api_key_header="api-key")
    call(
        client.with_options(api_key="new"), lambda c: c.chat.complete(model="m", messages=MESSAGES)
    )
    assert cloud.requests[0].headers["api-key"] == "new"
