"""Helpers of the tracing tests: an OpenTelemetry SDK provider with the in-memory
exporter, and traced clients on a MockTransport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx2
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.otel import instrument

KEY = "sk-otel-test-SECRET-0123456789"
BASE = "https://api.mistral.test"


class Traces:
    """The provider the clients trace to, and what it exported."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("tests")

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, prefix: str) -> list[ReadableSpan]:
        return [s for s in self.spans if s.name.startswith(prefix)]

    def one(self, prefix: str) -> ReadableSpan:
        found = self.named(prefix)
        assert len(found) == 1, [s.name for s in self.spans]
        return found[0]

    def dump(self) -> str:
        """Everything exported, as text (to search for what must never be there)."""
        return "\n".join(s.to_json() for s in self.spans)


Handler = Callable[[httpx2.Request], httpx2.Response]


def json_response(body: Any, status: int = 200, **headers: str) -> httpx2.Response:
    return httpx2.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **headers},
    )


def sse_response(events: list[Any], done: bool = True) -> httpx2.Response:
    text = "".join(f"data: {json.dumps(e)}\n\n" for e in events)
    if done:
        text += "data: [DONE]\n\n"
    return httpx2.Response(
        200, content=text.encode(), headers={"content-type": "text/event-stream"}
    )


class Api:
    """A traced client (sync or async) on a MockTransport; `call` runs one method."""

    def __init__(
        self, mode: str, handler: Handler, traces: Traces, capture: bool = False, **options: Any
    ) -> None:
        self.mode = mode
        self.requests: list[httpx2.Request] = []

        def record(request: httpx2.Request) -> httpx2.Response:
            self.requests.append(request)
            return handler(request)

        transport = httpx2.MockTransport(record)
        options.setdefault("api_key", KEY)
        options.setdefault("base_url", BASE)
        if mode == "sync":
            self.client: Any = Mistral(http_client=httpx2.Client(transport=transport), **options)
            self.client._sleep = lambda delay: None
        else:
            self.client = AsyncMistral(
                http_client=httpx2.AsyncClient(transport=transport), **options
            )

            async def no_wait(delay: float) -> None:
                return None

            self.client._sleep = no_wait
        instrument(self.client, tracer_provider=traces.provider, capture_content=capture)

    def method(self, dotted: str) -> Any:
        target = self.client
        for part in dotted.split("."):
            target = getattr(target, part)
        return target

    def call(self, dotted: str, **kwargs: Any) -> Any:
        if self.mode == "sync":
            return self.method(dotted)(**kwargs)
        return asyncio.run(self.method(dotted)(**kwargs))

    def stream(self, dotted: str, limit: int | None = None, **kwargs: Any) -> list[Any]:
        """Read up to `limit` events of a streaming method (all when None), then close."""
        if self.mode == "sync":
            events = []
            with self.method(dotted)(**kwargs) as stream:
                for event in stream:
                    events.append(event)
                    if limit is not None and len(events) >= limit:
                        break
            return events

        async def run() -> list[Any]:
            events = []
            async with await self.method(dotted)(**kwargs) as stream:
                async for event in stream:
                    events.append(event)
                    if limit is not None and len(events) >= limit:
                        break
            return events

        return asyncio.run(run())
