"""Auto-pagination: cursor, offset and page-number lists through the generated
client, sync and async, over several pages, lazily (an early stop fetches no
more), with retries on later pages; and the pure paging rule."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from answers import file_json
from spec_values import needs_calls

import mistral_sdk
from mistral_sdk import models
from mistral_sdk._pagination import AsyncPage, Paginator, SyncPage

# the cursor-paged list these tests go through
NEEDS_CURSOR_LIST = needs_calls("workflows.list")


class Server:
    """Answers list requests from a handler; records each request's query."""

    def __init__(self, handler: Callable[[httpx2.Request], httpx2.Response]) -> None:
        self.queries: list[dict[str, str]] = []
        self.handler = handler

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.queries.append(dict(request.url.params))
        return self.handler(request)


def collect(mode: str, server: Server, call: Callable[[Any], Any], limit: int | None = None) -> Any:
    """Call, check the page type, and iterate (stopping after `limit` items)."""
    transport = httpx2.MockTransport(server)
    if mode == "sync":
        client = mistral_sdk.Mistral(
            api_key="k", base_url="https://api.test", http_client=httpx2.Client(transport=transport)
        )
        client._sleep = lambda seconds: None  # type: ignore[attr-defined]
        page = call(client)
        assert isinstance(page, SyncPage)
        out = []
        for item in page:
            out.append(item)
            if limit is not None and len(out) == limit:
                break
        return out

    async def main() -> list[Any]:
        client = mistral_sdk.AsyncMistral(
            api_key="k",
            base_url="https://api.test",
            http_client=httpx2.AsyncClient(transport=transport),
        )

        async def no_sleep(seconds: float) -> None:
            return None

        client._sleep = no_sleep  # type: ignore[attr-defined]
        page = await call(client)
        assert isinstance(page, AsyncPage)
        out = []
        async for item in page:
            out.append(item)
            if limit is not None and len(out) == limit:
                break
        return out

    return asyncio.run(main())


def workflow(i: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=i)),
        "name": f"w{i}",
        "display_name": f"W{i}",
        "archived": False,
    }


def cursor_server() -> Server:
    pages = {None: ([1, 2], "c2"), "c2": ([3, 4], "c3"), "c3": ([5], None)}

    def handler(request: httpx2.Request) -> httpx2.Response:
        ids, nxt = pages[request.url.params.get("cursor")]
        return httpx2.Response(
            200, json={"workflows": [workflow(i) for i in ids], "next_cursor": nxt}
        )

    return Server(handler)


@NEEDS_CURSOR_LIST
def test_cursor_pages_are_followed_to_the_end(mode: str) -> None:
    server = cursor_server()
    items = collect(mode, server, lambda c: c.workflows.list(limit=2))
    assert [w.name for w in items] == ["w1", "w2", "w3", "w4", "w5"]
    assert all(isinstance(w, models.WorkflowBasicDefinition) for w in items)
    # the same request each time, with the cursor of the previous answer
    assert server.queries == [
        {"limit": "2"},
        {"limit": "2", "cursor": "c2"},
        {"limit": "2", "cursor": "c3"},
    ]


@NEEDS_CURSOR_LIST
def test_early_stop_fetches_no_more_pages(mode: str) -> None:
    server = cursor_server()
    items = collect(mode, server, lambda c: c.workflows.list(limit=2), limit=3)
    assert [w.name for w in items] == ["w1", "w2", "w3"]
    assert len(server.queries) == 2  # the third page was never asked for


@NEEDS_CURSOR_LIST
def test_later_pages_keep_the_per_call_timeout(mode: str) -> None:
    server = cursor_server()
    timeouts: list[Any] = []
    handler = server.handler

    def recording(request: httpx2.Request) -> httpx2.Response:
        timeouts.append(request.extensions.get("timeout"))
        return handler(request)

    server.handler = recording
    collect(mode, server, lambda c: c.workflows.list(limit=2, timeout=7.0))
    assert timeouts == [httpx2.Timeout(7.0).as_dict()] * 3


@needs_calls("files.list")
def test_page_numbers_stop_at_the_total(mode: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        page = int(request.url.params.get("page", "0"))
        ids = [[1, 2], [3, 4], [5]][page]
        return httpx2.Response(
            200, json={"data": [file_json(i) for i in ids], "object": "list", "total": 5}
        )

    server = Server(handler)
    items = collect(mode, server, lambda c: c.files.list(page_size=2))
    assert [f.filename for f in items] == [f"f{i}.jsonl" for i in range(1, 6)]
    assert [q.get("page") for q in server.queries] == [None, "1", "2"]


@needs_calls("files.list")
def test_a_short_page_is_the_last_one(mode: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        page = int(request.url.params["page"])
        ids = {3: [1, 2], 4: [3]}[page]
        return httpx2.Response(200, json={"data": [file_json(i) for i in ids], "object": "list"})

    server = Server(handler)
    items = collect(mode, server, lambda c: c.files.list(page=3, page_size=2))
    assert len(items) == 3
    assert [q["page"] for q in server.queries] == ["3", "4"]


def voice(i: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=i)),
        "name": f"v{i}",
        "created_at": "2026-01-01T00:00:00Z",
        "user_id": None,
    }


@needs_calls("audio.voices.list")
def test_offset_pages_advance_by_the_items_seen(mode: str) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        offset = int(request.url.params.get("offset", "0"))
        ids = list(range(offset + 1, min(offset + 3, 6) + 1))[:2] if offset < 6 else []
        body = {"items": [voice(i) for i in ids], "total": 6, "page": 0, "page_size": 2,
                "total_pages": 3}  # fmt: skip
        return httpx2.Response(200, json=body)

    server = Server(handler)
    items = collect(mode, server, lambda c: c.audio.voices.list(limit=2))
    assert [v.name for v in items] == [f"v{i}" for i in range(1, 7)]
    assert [q.get("offset") for q in server.queries] == [None, "2", "4"]


@NEEDS_CURSOR_LIST
def test_later_pages_are_retried_like_any_request(mode: str) -> None:
    inner = cursor_server()
    calls = {"n": 0}

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls["n"] += 1
        if calls["n"] == 2:  # the second page's first try
            return httpx2.Response(503, json={"message": "busy"})
        return inner.handler(request)

    server = Server(handler)
    items = collect(mode, server, lambda c: c.workflows.list(limit=2))
    assert len(items) == 5 and len(server.queries) == 4


@NEEDS_CURSOR_LIST
def test_page_api() -> None:
    # the async twin's next_page / iter_pages are what `async for` runs in collect()
    client = mistral_sdk.Mistral(
        api_key="k",
        base_url="https://api.test",
        http_client=httpx2.Client(transport=httpx2.MockTransport(cursor_server())),
    )
    first = client.workflows.list(limit=2)
    assert isinstance(first.response, models.WorkflowListResponse)
    assert [w.name for w in first.items] == ["w1", "w2"] and first.has_next_page()
    pages = list(first.iter_pages())
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert not pages[-1].has_next_page() and pages[-1].next_page() is None
    raw = client.workflows.with_raw_response.list(limit=2)
    assert raw.status_code == 200 and isinstance(raw.parse(), SyncPage)


# --- the rule itself -------------------------------------------------------------


class Answer:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


@pytest.mark.parametrize(
    ("paginator", "sent", "answer", "seen", "expected"),
    [
        (Paginator("cursor", "cursor", items=("data",), next=("next",)), {},
         Answer(data=[1], next="abc"), 0, {"cursor": "abc"}),
        (Paginator("cursor", "cursor", items=("data",), next=("next",)), {},
         Answer(data=[1], next=None), 0, None),
        # a server that answers the same cursor again would loop forever
        (Paginator("cursor", "cursor", items=("data",), next=("next",)), {"cursor": "abc"},
         Answer(data=[1], next="abc"), 0, None),
        (Paginator("cursor", "cursor", items=("data",), next=("p", "next")), {},
         Answer(data=[1], p=Answer(next="x")), 0, {"cursor": "x"}),
        (Paginator("offset", "offset", items=("data",), size="limit"), {"limit": "2"},
         Answer(data=[1, 2]), 0, {"offset": "2"}),
        (Paginator("offset", "offset", items=("data",), size="limit"), {"limit": "3"},
         Answer(data=[1, 2]), 0, None),
        (Paginator("offset", "offset", items=("data",), total=("total",)), {"offset": "4"},
         Answer(data=[1, 2], total=6), 4, None),
        (Paginator("page", "page", items=(), start=1), {}, [1, 2], 0, {"page": "2"}),
        (Paginator("page", "page", items=()), {"page": "7"}, [1], 0, {"page": "8"}),
        (Paginator("page", "page", items=()), {}, [], 0, None),
    ],
)  # fmt: skip
def test_next_query(
    paginator: Paginator, sent: dict[str, str], answer: Any, seen: int, expected: Any
) -> None:
    assert paginator.next_query(sent, answer, seen) == expected
