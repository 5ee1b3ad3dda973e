"""Event streams for the contract suite, made of Prism's own event data.

Prism validates a streaming request (a bad one still gets 422), but it cannot
serialise an event stream without a string example, and the spec has none: it
answers 500 NO_COMPLEX_OBJECT_TEXT. The transports here pass every other answer
through untouched; on that one they ask Prism for the data of a few events
(`GET /__contract/events/<operationId>`, the spec's event schema: Prism's static or
dynamic data, checked by Prism against that schema) and answer with an event
stream made of them, so the SDK's stream decoding meets independent data too.
The framing (`event:` / `id:` / `data:` lines) is the runner's `frame` callback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
from prism import EVENTS_PATH, parse_violations

EVENTS = 3
NO_STREAM = "#NO_COMPLEX_OBJECT_TEXT"

Frame = Callable[[str, list[Any]], bytes]


class _StandIn:
    def __init__(self, frame: Frame) -> None:
        self.frame = frame
        self.op_id = ""  # the operation being called; set by the runner before each call

    @staticmethod
    def cannot_stream(response: httpx2.Response) -> bool:
        """Whether this (unread) answer may be Prism's NO_COMPLEX_OBJECT_TEXT."""
        return response.status_code == 500 and "problem+json" in response.headers.get(
            "content-type", ""
        )

    def events_request(self, request: httpx2.Request) -> httpx2.Request:
        headers = {"Prefer": request.headers["Prefer"]} if "Prefer" in request.headers else {}
        url = request.url.copy_with(path=EVENTS_PATH + self.op_id, query=None)
        return httpx2.Request("GET", url, headers=headers)

    def answer(self, original: httpx2.Response, events: list[httpx2.Response]) -> httpx2.Response:
        """The stream, or the first events answer Prism could not give."""
        for event in events:
            if event.status_code != 200:
                return event
        violations = [
            v
            for v in parse_violations(original.headers.get("sl-violations", ""))
            if v.get("location", [""])[0] == "request"
        ]
        for event in events:  # what Prism says about its own event data
            violations += parse_violations(event.headers.get("sl-violations", ""))
        body = self.frame(self.op_id, [json.loads(event.content) for event in events])
        return httpx2.Response(
            200,
            headers={"content-type": "text/event-stream", "sl-violations": json.dumps(violations)},
            content=body,
        )


def _copy(response: httpx2.Response) -> httpx2.Response:
    """A read answer, as a fresh response the client can read again."""
    return httpx2.Response(response.status_code, headers=response.headers, content=response.content)


class StreamStandIn(_StandIn, httpx2.BaseTransport):
    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        if not self.cannot_stream(response):
            return response
        response.read()
        if NO_STREAM not in response.text:
            return _copy(response)
        events = []
        for _ in range(EVENTS):
            event = self.inner.handle_request(self.events_request(request))
            event.read()
            events.append(_copy(event))
        return self.answer(response, events)

    def close(self) -> None:
        self.inner.close()


class AsyncStreamStandIn(_StandIn, httpx2.AsyncBaseTransport):
    def __init__(self, frame: Frame) -> None:
        super().__init__(frame)
        self.inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if not self.cannot_stream(response):
            return response
        await response.aread()
        if NO_STREAM not in response.text:
            return _copy(response)
        events = []
        for _ in range(EVENTS):
            event = await self.inner.handle_async_request(self.events_request(request))
            await event.aread()
            events.append(_copy(event))
        return self.answer(response, events)

    async def aclose(self) -> None:
        await self.inner.aclose()
