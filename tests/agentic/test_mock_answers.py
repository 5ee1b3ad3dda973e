"""The local mock's answers use the request's own values (the ids in the path, the
model and inputs in the body) and realistic ones elsewhere; the routes of the cloud
deployments (Azure AI Foundry, Vertex AI) are served, so those clients can be tried
locally. Over HTTP, as `make mock` serves it."""

from __future__ import annotations

import pytest

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.azure import AsyncMistralAzure, MistralAzure
from mistral_sdk.gcp import AsyncMistralGCP, MistralGCP

USER = [{"role": "user", "content": "hello there"}]


def test_models_retrieve_answers_the_model_asked_for(client: Mistral) -> None:
    card = client.models.retrieve("ministral-8b-latest")
    assert card.id == "ministral-8b-latest" and card.object == "model"
    assert card.capabilities.completion_chat is True and card.max_context_length == 131072


async def test_embeddings_one_vector_per_input_of_the_model_asked(aclient: AsyncMistral) -> None:
    answer = await aclient.embeddings.create(model="mistral-embed-2312", input=["a", "b", "c"])
    assert answer.object == "list" and answer.model == "mistral-embed-2312"
    assert [(d.object, d.index, len(d.embedding)) for d in answer.data] == [
        ("embedding", 0, 1024), ("embedding", 1, 1024), ("embedding", 2, 1024)
    ]  # fmt: skip
    again = await aclient.embeddings.create(model="m", input="a", output_dimension=256)
    assert len(again.data) == 1 and len(again.data[0].embedding) == 256
    assert answer.data[0].embedding[:4] != answer.data[1].embedding[:4]  # per text
    same = await aclient.embeddings.create(model="m", input=["a"])
    assert same.data[0].embedding == answer.data[0].embedding


def test_generic_answers_take_ids_from_the_path_and_scalars_from_the_body(client: Mistral) -> None:
    agent = client.beta.agents.get("ag_never_created")
    assert agent.id == "ag_never_created"
    library = client.beta.libraries.get("0b6e4c8e-0000-4000-8000-000000000042")
    assert str(library.id) == "0b6e4c8e-0000-4000-8000-000000000042"
    agent = client.beta.agents.create(model="mistral-large-latest", name="helper")
    assert agent.model == "mistral-large-latest" and agent.name == "helper"


def test_azure_routes_are_served(mock_url: str, mode: str) -> None:
    options = {
        "endpoint": f"{mock_url}/models",
        "api_key": "azure-key",
        "api_key_header": "api-key",
    }
    if mode == "sync":
        with MistralAzure(**options) as azure:  # type: ignore[arg-type]
            reply = azure.chat.complete(model="mistral-large-2411", messages=USER)
            pages = azure.ocr.process(
                model="mistral-ocr-2503", document={"document_url": "https://x/a.pdf"}
            ).pages
    else:

        async def run() -> tuple[object, object]:
            async with AsyncMistralAzure(**options) as azure:  # type: ignore[arg-type]
                reply = await azure.chat.complete(model="mistral-large-2411", messages=USER)
                ocr = await azure.ocr.process(
                    model="mistral-ocr-2503", document={"document_url": "https://x/a.pdf"}
                )
                return reply, ocr.pages

        import asyncio

        reply, pages = asyncio.run(run())
    assert reply.choices[0].message.content == "(mock) You said: hello there"  # type: ignore[attr-defined]
    assert reply.model == "mistral-large-2411" and pages  # type: ignore[attr-defined]


@pytest.mark.parametrize("region", ["europe-west4", "global"])
def test_vertex_routes_are_served(mock_url: str, region: str) -> None:
    with MistralGCP(
        project_id="my-project", region=region, access_token="t", base_url=mock_url
    ) as gcp:
        reply = gcp.chat.complete(model="mistral-small-2503", messages=USER)
        assert reply.choices[0].message.content == "(mock) You said: hello there"
        with gcp.chat.stream(model="mistral-small-2503", messages=USER) as stream:
            assert stream.final().choices[0].message.content == "(mock) You said: hello there"
        fim = gcp.fim.complete(model="codestral-2501", prompt="def f():")
        assert fim.model == "codestral-2501" and fim.choices


async def test_vertex_routes_are_served_async(mock_url: str) -> None:
    async with AsyncMistralGCP(project_id="p", access_token="t", base_url=mock_url) as gcp:
        reply = await gcp.chat.complete(model="mistral-small-2503", messages=USER)
        assert reply.model == "mistral-small-2503"
