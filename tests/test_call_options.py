"""Per-call options on generated methods: every method takes them, and they reach the runtime."""

from __future__ import annotations

import inspect

import httpx  # respx's routes answer with its own (legacy httpx) responses
import pytest
import respx

import mistral_sdk
from mistral_sdk import Mistral

MODEL_LIST = {"object": "list", "data": []}


def _client() -> Mistral:
    client = Mistral(api_key="test-key", base_url="https://api.test")
    client._sleep = lambda seconds: None  # no real waiting between retries
    return client


@pytest.mark.parametrize(
    "name", ["extra_headers", "extra_query", "extra_body", "timeout", "max_retries"]
)
def test_every_method_takes_the_per_call_options(name: str) -> None:
    clients = (Mistral(api_key="k"), mistral_sdk.AsyncMistral(api_key="k"))
    for op in mistral_sdk.OPERATIONS.values():
        for call in filter(None, (op.call, op.stream_call)):
            for client in clients:
                method = client
                for part in call.split("."):
                    method = getattr(method, part)
                params = inspect.signature(method).parameters
                assert params[name].kind is inspect.Parameter.KEYWORD_ONLY, call


@respx.mock(base_url="https://api.test", using="httpcore2")
def test_max_retries_per_call(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/v1/models").mock(
        side_effect=[httpx.Response(503), httpx.Response(503), httpx.Response(200, json=MODEL_LIST)]
    )
    client = _client()
    with pytest.raises(mistral_sdk.InternalServerError):
        client.models.list(max_retries=0)
    assert route.call_count == 1
    assert client.models.list().data == []  # the default (2) rides out two 503s
    assert route.call_count == 3


@respx.mock(base_url="https://api.test", using="httpcore2")
def test_extra_headers_query_and_body_reach_the_wire(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("/v1/embeddings").mock(
        return_value=httpx.Response(
            200,
            json={
                "id": "e",
                "object": "list",
                "model": "mistral-embed",
                "usage": {"prompt_tokens": 1, "completion_tokens": 0, "total_tokens": 1},
                "data": [],
            },
        )
    )
    _client().embeddings.create(
        model="mistral-embed",
        input=["hi"],
        extra_headers={"X-Trace": "t1"},
        extra_query={"debug": "1"},
        extra_body={"experimental": True},
    )
    request = route.calls.last.request
    assert request.headers["x-trace"] == "t1"
    assert request.url.params["debug"] == "1"
    assert request.content == b'{"model":"mistral-embed","input":["hi"],"experimental":true}'
