"""Auto-paginating list results: `SyncPage` / `AsyncPage`.

A list operation that pages (generator/pagination.py says which, and how) returns
its first page. The page is typed (`.response` is the operation's usual answer,
`.items` this page's items); iterating it yields every item across pages, fetching
the next page only when the previous one is used up. The next request is the one
that produced this page with one query parameter changed (the cursor, the offset or
the page number); it goes through the client's retry policy like any request.

`Paginator.next_query` is the whole paging logic, pure and shared by both modes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, Literal, TypeVar

import httpx2

from ._errors import request_id_of
from ._response import JsonResponse, ResponseSpec

__all__ = ["AsyncPage", "PageResponse", "Paginator", "SyncPage"]

ItemT = TypeVar("ItemT")
ResponseT = TypeVar("ResponseT")


class Paginator:
    """How one operation pages (the generator's `ir.Pagination`, at run time)."""

    __slots__ = ("items", "kind", "next", "param", "size", "start", "total")

    def __init__(
        self,
        kind: Literal["cursor", "offset", "page"],
        param: str,
        *,
        items: Sequence[str] = (),
        size: str | None = None,
        next: Sequence[str] = (),
        total: Sequence[str] = (),
        start: int = 0,
    ) -> None:
        self.kind = kind
        self.param = param
        self.items = tuple(items)
        self.size = size
        self.next = tuple(next)
        self.total = tuple(total)
        self.start = start

    def items_of(self, response: Any) -> list[Any]:
        value = _get(response, self.items)
        return list(value) if isinstance(value, (list, tuple)) else []

    def next_query(
        self, sent: Mapping[str, str], response: Any, seen: int
    ) -> dict[str, str] | None:
        """The query parameter to change for the next page, or None at the end.

        `sent` is the query of the request that produced `response`, and `seen` the
        number of items on the pages before it.
        """
        items = self.items_of(response)
        if not items:
            return None
        if self.kind == "cursor":
            cursor = _get(response, self.next)
            if not isinstance(cursor, str) or not cursor or cursor == sent.get(self.param):
                return None  # no cursor, or the same one again: the end
            return {self.param: cursor}
        size = _int(sent.get(self.size)) if self.size else None
        if size is not None and len(items) < size:
            return None  # a short page is the last one
        total = _get(response, self.total) if self.total else None
        if isinstance(total, int) and seen + len(items) >= total:
            return None
        if self.kind == "offset":
            offset = _int(sent.get(self.param)) or 0
            return {self.param: str(offset + len(items))}
        page = _int(sent.get(self.param))
        return {self.param: str((self.start if page is None else page) + 1)}


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
    return value


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


class _Page(Generic[ItemT, ResponseT]):
    """What both page classes hold: this page's answer and where the next one is."""

    def __init__(
        self,
        response: ResponseT,
        paginator: Paginator,
        request: httpx2.Request,
        seen: int = 0,
        request_id: str | None = None,
    ) -> None:
        self.response = response
        # the id the server gave the request of this page (for support tickets and logs)
        self._request_id = request_id
        self.items: list[ItemT] = paginator.items_of(response)
        self._paginator = paginator
        self._request = request
        self._seen = seen
        update = paginator.next_query(dict(request.url.params), response, seen)
        self._next: httpx2.Request | None = None
        if update is not None:
            url = request.url.copy_merge_params(update)
            # extensions carry the per-call timeout
            self._next = httpx2.Request(
                request.method, url, headers=request.headers, extensions=request.extensions
            )

    def has_next_page(self) -> bool:
        return self._next is not None

    def __repr__(self) -> str:
        more = ", more" if self._next is not None else ""
        return f"<{type(self).__name__} of {len(self.items)} item(s){more}>"


class SyncPage(_Page[ItemT, ResponseT]):
    """One page of a list. `for item in page` yields every item of every page."""

    def __init__(
        self,
        response: ResponseT,
        paginator: Paginator,
        request: httpx2.Request,
        fetch: Callable[[httpx2.Request], tuple[ResponseT, str | None]],
        seen: int = 0,
        request_id: str | None = None,
    ) -> None:
        super().__init__(response, paginator, request, seen, request_id)
        self._fetch = fetch

    def next_page(self) -> SyncPage[ItemT, ResponseT] | None:
        """Fetch the next page (None after the last one)."""
        if self._next is None:
            return None
        response, request_id = self._fetch(self._next)
        seen = self._seen + len(self.items)
        return SyncPage(response, self._paginator, self._next, self._fetch, seen, request_id)

    def iter_pages(self) -> Iterator[SyncPage[ItemT, ResponseT]]:
        page: SyncPage[ItemT, ResponseT] | None = self
        while page is not None:
            yield page
            page = page.next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_Page[ItemT, ResponseT]):
    """The async twin of `SyncPage`: `async for item in page`."""

    def __init__(
        self,
        response: ResponseT,
        paginator: Paginator,
        request: httpx2.Request,
        fetch: Callable[[httpx2.Request], Awaitable[tuple[ResponseT, str | None]]],
        seen: int = 0,
        request_id: str | None = None,
    ) -> None:
        super().__init__(response, paginator, request, seen, request_id)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[ItemT, ResponseT] | None:
        if self._next is None:
            return None
        response, request_id = await self._fetch(self._next)
        seen = self._seen + len(self.items)
        return AsyncPage(response, self._paginator, self._next, self._fetch, seen, request_id)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[ItemT, ResponseT]]:
        page: AsyncPage[ItemT, ResponseT] | None = self
        while page is not None:
            yield page
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class PageResponse(ResponseSpec["SyncPage[Any, Any]", "AsyncPage[Any, Any]"]):
    """A JSON answer that is one page of a list. The client binds it to a sender
    (its retrying transport loop) so that pages can fetch the next one."""

    __slots__ = ("_async_send", "_inner", "_send", "paginator")
    stream = False
    accept = "application/json"

    def __init__(self, type: Any, paginator: Paginator) -> None:
        self._inner: JsonResponse[Any] = JsonResponse(type)
        self.paginator = paginator
        self._send: Callable[[httpx2.Request], httpx2.Response] | None = None
        self._async_send: Callable[[httpx2.Request], Awaitable[httpx2.Response]] | None = None

    def bind(
        self,
        send: Callable[[httpx2.Request], httpx2.Response] | None = None,
        async_send: Callable[[httpx2.Request], Awaitable[httpx2.Response]] | None = None,
    ) -> PageResponse:
        bound = PageResponse(self._inner.type, self.paginator)
        bound._send, bound._async_send = send, async_send
        return bound

    def parse_sync(self, response: httpx2.Response) -> SyncPage[Any, Any]:
        send = self._send
        if send is None:
            raise RuntimeError("PageResponse used without a client")

        def fetch(request: httpx2.Request) -> tuple[Any, str | None]:
            answer = send(request)
            return self._inner.parse_sync(answer), request_id_of(answer.headers)

        parsed = self._inner.parse_sync(response)
        request_id = request_id_of(response.headers)
        return SyncPage(parsed, self.paginator, response.request, fetch, 0, request_id)

    def parse_async(self, response: httpx2.Response) -> AsyncPage[Any, Any]:
        send = self._async_send
        if send is None:
            raise RuntimeError("PageResponse used without an async client")

        async def fetch(request: httpx2.Request) -> tuple[Any, str | None]:
            answer = await send(request)
            return self._inner.parse_async(answer), request_id_of(answer.headers)

        parsed = self._inner.parse_async(response)
        request_id = request_id_of(response.headers)
        return AsyncPage(parsed, self.paginator, response.request, fetch, 0, request_id)
