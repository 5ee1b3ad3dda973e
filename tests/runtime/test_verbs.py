"""`client.get/post/put/patch/delete`: paths the spec does not have, through the same
key, retries, errors and decoding as the generated methods, sync and async."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import msgspec
import pytest

from mistral_sdk import AsyncMistral, Mistral, NotFoundError, UnprocessableEntityError


class Reply(msgspec.Struct):
    id: str
    n: int


class Event(msgspec.Struct):
    delta: str


def _client(mode: str, handler: Any) -> Any:
    transport = httpx2.MockTransport(handler)
    if mode == "sync":
        client: Any = Mistral(api_key="sk-1", http_client=httpx2.Client(transport=transport))
        client._sleep = lambda delay: None
    else:
        client = AsyncMistral(api_key="sk-1", http_client=httpx2.AsyncClient(transport=transport))

        async def sleep(delay: float) -> None:
            return None

        client._sleep = sleep
    return client


def _call(mode: str, client: Any, verb: str, *args: Any, **kwargs: Any) -> Any:
    if mode == "sync":
        return getattr(client, verb)(*args, **kwargs)
    return asyncio.run(getattr(client, verb)(*args, **kwargs))


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_verb_sends_method_path_body_query_key_and_decodes(mode: str, verb: str) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={"id": "r1", "n": 2})

    client = _client(mode, handler)
    body = None if verb in ("get", "delete") else {"input": "hi"}
    reply = _call(
        mode, client, verb, "/v1/responses/r1", body=body, query={"a": 1}, cast_to=Reply,
        headers={"x-extra": "y"},
    )  # fmt: skip
    assert reply == Reply(id="r1", n=2)
    (request,) = seen
    assert request.method == verb.upper()
    assert request.url.path == "/v1/responses/r1" and request.url.params["a"] == "1"
    assert request.headers["authorization"] == "Bearer sk-1"
    assert request.headers["x-extra"] == "y"
    assert (json.loads(request.content) if request.content else None) == body


def test_without_cast_to_plain_json_and_empty_body_is_none(mode: str) -> None:
    answers = [httpx2.Response(200, json={"any": ["thing"]}), httpx2.Response(204)]
    client = _client(mode, lambda request: answers.pop(0))
    assert _call(mode, client, "get", "/v1/new") == {"any": ["thing"]}
    assert _call(mode, client, "delete", "/v1/new/1") is None


def test_retries_and_errors_are_the_clients(mode: str) -> None:
    answers = [
        httpx2.Response(429, headers={"retry-after": "0"}, json={"message": "slow down"}),
        httpx2.Response(200, json={"id": "r", "n": 1}),
        httpx2.Response(404, json={"detail": "Not Found"}),
        httpx2.Response(422, json={"detail": [{"loc": ["body", "x"], "msg": "bad"}]}),
    ]
    client = _client(mode, lambda request: answers.pop(0))
    assert _call(mode, client, "post", "/v1/x", body={}, cast_to=Reply).n == 1  # retried
    with pytest.raises(NotFoundError):
        _call(mode, client, "get", "/v1/x/missing")
    with pytest.raises(UnprocessableEntityError) as info:
        _call(mode, client, "post", "/v1/x", body={"x": 1}, max_retries=0)
    assert info.value.detail == [{"loc": ["body", "x"], "msg": "bad"}]


def test_stream_true_reads_server_sent_events(mode: str) -> None:
    body = b'data: {"delta": "a"}\n\ndata: {"delta": "b"}\n\ndata: [DONE]\n\n'

    def handler(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["accept"] == "text/event-stream"
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client = _client(mode, handler)
    if mode == "sync":
        with client.post("/v1/x", body={}, cast_to=Event, stream=True) as stream:
            events = list(stream)
    else:

        async def main() -> list[Any]:
            stream = await client.post("/v1/x", body={}, cast_to=Event, stream=True)
            async with stream:
                return [e async for e in stream]

        events = asyncio.run(main())
    assert events == [Event("a"), Event("b")]


@pytest.mark.parametrize("path", ["https://elsewhere.example/v1/x", "v1/x", "/v1/{id}"])
def test_a_path_that_would_leave_base_url_or_is_unfilled_is_refused(path: str) -> None:
    client = _client("sync", lambda request: httpx2.Response(200))
    with pytest.raises(ValueError, match="path"):
        client.get(path)
