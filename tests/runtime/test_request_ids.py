"""The request id on every parsed result (issue 21, point 2): a model, a page, a stream
and a downloaded body give `_request_id`, the id the server sent, without
`with_raw_response`; it never shows in `to_dict()`, `repr()` or `encode()`."""

from __future__ import annotations

import gc
import itertools
import json

import httpx2
import msgspec
import pytest
from answers import CHAT_COMPLETION, file_json
from spec_values import needs_calls

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk._request_ids import _ids, remember, request_id_for

STREAM = b'data: {"id":"c1","model":"m","choices":[]}\n\ndata: [DONE]\n\n'
MESSAGES = [{"role": "user", "content": "hi"}]


class Server:
    """Answers chat, streams, file pages and downloads; request ids req-1, req-2, ..."""

    def __init__(self, header: str = "x-request-id") -> None:
        self.header = header
        self.ids = (f"req-{n}" for n in itertools.count(1))

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        headers = {self.header: next(self.ids)}
        path = request.url.path
        if path == "/v1/chat/completions":
            if json.loads(request.content).get("stream"):
                headers["content-type"] = "text/event-stream"
                return httpx2.Response(200, content=STREAM, headers=headers)
            return httpx2.Response(200, json=CHAT_COMPLETION, headers=headers)
        if path == "/v1/files":
            page = int(request.url.params.get("page", "0"))
            data = [file_json(i) for i in [[1, 2], [3]][page]]
            body = {"data": data, "object": "list", "total": 3}
            return httpx2.Response(200, json=body, headers=headers)
        if path.endswith("/content"):
            return httpx2.Response(200, content=b"bytes", headers=headers)
        return httpx2.Response(404, json={"detail": "no"}, headers=headers)


def sync_client(server: Server) -> Mistral:
    return Mistral(api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(server)))


@needs_calls("chat.complete")
def test_a_model_carries_its_request_id_and_shows_it_nowhere_else() -> None:
    client = sync_client(Server())
    reply = client.chat.complete(model="m", messages=MESSAGES)
    assert reply._request_id == "req-1"
    assert client.chat.complete(model="m", messages=MESSAGES)._request_id == "req-2"
    assert reply._request_id == "req-1"  # each result keeps its own
    assert "req-1" not in repr(reply)
    assert "req-1" not in mistral_sdk.encode(reply).decode()
    assert "_request_id" not in msgspec.to_builtins(reply)
    assert "req-1" not in json.dumps(reply.to_dict()) and "req-1" not in reply.to_json()
    # a model nobody received from the API has none
    assert mistral_sdk.decode(
        json.dumps(CHAT_COMPLETION), mistral_sdk.models.ChatCompletionResponse
    )
    fresh = mistral_sdk.decode(
        json.dumps(CHAT_COMPLETION), mistral_sdk.models.ChatCompletionResponse
    )
    assert fresh._request_id is None


@needs_calls("files.list", "chat.stream", "files.download")
def test_pages_streams_and_downloads_carry_theirs() -> None:
    client = sync_client(Server())
    page = client.files.list(page_size=2)
    assert page._request_id == "req-1"
    assert page.response._request_id == "req-1"
    later = page.next_page()
    assert later is not None and later._request_id == "req-2"
    with client.chat.stream(model="m", messages=MESSAGES) as stream:
        assert stream._request_id == "req-3"
        list(stream)
    with client.files.download("f") as content:
        assert content._request_id == "req-4"


@needs_calls("chat.complete")
def test_the_header_mistral_uses_and_none_without_one() -> None:
    client = sync_client(Server(header="mistral-correlation-id"))
    assert client.chat.complete(model="m", messages=MESSAGES)._request_id == "req-1"
    client = sync_client(Server(header="x-something-else"))
    assert client.chat.complete(model="m", messages=MESSAGES)._request_id is None


@needs_calls("chat.complete", "chat.stream", "files.list")
async def test_async_results_carry_theirs_too() -> None:
    client = AsyncMistral(
        api_key="k", http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(Server()))
    )
    assert (await client.chat.complete(model="m", messages=MESSAGES))._request_id == "req-1"
    page = await client.files.list(page_size=2)
    later = await page.next_page()
    assert (page._request_id, later and later._request_id) == ("req-2", "req-3")
    stream = await client.chat.stream(model="m", messages=MESSAGES)
    async with stream:
        assert stream._request_id == "req-4"


def test_the_side_table_forgets_dead_models() -> None:
    class Box:
        pass

    kept = Box()
    remember(kept, "kept")
    for i in range(5000):
        remember(Box(), f"gone-{i}")  # dies at once
    gc.collect()
    assert len(_ids) < 3000  # swept as it grew, not one entry per result ever parsed
    assert request_id_for(kept) == "kept"
    # an object that reuses a dead one's id is not taken for it
    assert request_id_for(Box()) is None
    remember([1, 2], "lists have no room")  # no weak reference: nothing recorded
    assert request_id_for([1, 2]) is None


@pytest.mark.parametrize("value", [None, "text", 3])
def test_results_without_room_are_left_alone(value: object) -> None:
    remember(value, "x")
    assert request_id_for(value) is None


@needs_calls("chat.complete", "chat.stream", "files.list", "files.download")
def test_the_public_accessor_reads_every_kind_of_result() -> None:
    """`mistral_sdk.request_id(result)` (issue 26): checker-clean, for what a method returns."""
    client = sync_client(Server())
    request_id = mistral_sdk.request_id
    assert request_id(client.chat.complete(model="m", messages=MESSAGES)) == "req-1"
    page = client.files.list(page_size=2)
    assert request_id(page) == request_id(page.response) == "req-2"
    with client.chat.stream(model="m", messages=MESSAGES) as stream:
        assert request_id(stream) == "req-3"
        final = stream.final()
    assert request_id(final) == final._request_id == "req-3"  # the assembled result too
    with client.files.download("f") as content:
        assert request_id(content) == "req-4"
    raw = client.chat.with_raw_response.complete(model="m", messages=MESSAGES)
    assert request_id(raw) == "req-5"
    with pytest.raises(mistral_sdk.NotFoundError) as caught:
        client.models.retrieve("nope")
    assert request_id(caught.value) == "req-6"
    assert request_id(mistral_sdk.models.UserMessage(content="x")) is None  # built in code
    assert request_id([1, 2]) is None and request_id(None) is None


@needs_calls("chat.stream")
async def test_an_async_streams_final_result_carries_the_streams_id() -> None:
    client = AsyncMistral(
        api_key="k", http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(Server()))
    )
    stream = await client.chat.stream(model="m", messages=MESSAGES)
    async with stream:
        final = await stream.final()
        snapshot = stream.snapshot()
    assert mistral_sdk.request_id(final) == mistral_sdk.request_id(snapshot) == "req-1"
