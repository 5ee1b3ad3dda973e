"""The HTTP of MCP sessions, sent through a Mistral client's own httpx2 client.

An MCP session over HTTP runs on an `httpx2.AsyncClient` of its own (its headers, auth,
timeouts, no redirects). Given a Mistral client, that AsyncClient's transport is
`ClientTransport`: each request is handed to the Mistral client's httpx2 client with
its public `send`, so the transport, proxy, TLS settings (`verify`, certificates) and
event hooks of `Mistral(http_client=...)` apply to MCP servers too: one HTTP stack.
That client's own auth does not (`send(auth=None)`): an MCP server is another party.

A blocking `Mistral`'s client is driven from worker threads (sessions are async);
an `AsyncMistral`'s is awaited in the session's event loop. A Mistral client over a
legacy httpx client is not used: its sessions keep an httpx2 client of their own, as
before (docs/mcp.md, "HTTP").
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import httpx2

from .._response import decoded_headers

if TYPE_CHECKING:
    from .._client import BaseClient

__all__ = ["ClientTransport", "client_transport"]


def client_transport(client: BaseClient[Any, Any] | None) -> ClientTransport | None:
    """The transport that sends through `client`'s httpx2 client; None for no client,
    or one that wraps a legacy httpx client."""
    if client is None or client._legacy:
        return None
    return ClientTransport(client._http)


class ClientTransport(httpx2.AsyncBaseTransport):
    """An async transport that sends with another httpx2 client, sync or async.

    Closing it leaves that client open (it is the Mistral client's)."""

    def __init__(self, http: httpx2.Client | httpx2.AsyncClient) -> None:
        self._http = http

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        http = self._http
        if isinstance(http, httpx2.AsyncClient):
            sent = await http.send(request, stream=True, auth=None, follow_redirects=False)
            stream: httpx2.AsyncByteStream = _Body(sent)
        else:
            import anyio.to_thread

            send = functools.partial(
                http.send, request, stream=True, auth=None, follow_redirects=False
            )
            sent = await anyio.to_thread.run_sync(send)
            stream = _Threaded(sent)
        # A fresh response over the body the other client decoded.
        headers = decoded_headers(sent.headers.raw)
        return httpx2.Response(
            sent.status_code, headers=headers, stream=stream, extensions=sent.extensions
        )


class _Body(httpx2.AsyncByteStream):
    """The body of a response the other client sent."""

    def __init__(self, sent: httpx2.Response) -> None:
        self._sent = sent

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._sent.aiter_bytes():
            yield chunk

    async def aclose(self) -> None:
        await self._sent.aclose()


class _Threaded(httpx2.AsyncByteStream):
    """The body of a blocking client's response, read in worker threads."""

    def __init__(self, sent: httpx2.Response) -> None:
        self._sent = sent

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import anyio.to_thread

        chunks: Iterator[bytes] = self._sent.iter_bytes()
        while True:
            # abandoned on cancellation (a session closing its event stream): `aclose`
            # then closes the response, which ends the blocked read
            chunk = await anyio.to_thread.run_sync(next, chunks, None, abandon_on_cancel=True)
            if chunk is None:
                return
            yield chunk

    async def aclose(self) -> None:
        import anyio.to_thread

        await anyio.to_thread.run_sync(self._sent.close)
