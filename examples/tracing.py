#!/usr/bin/env python3
"""Trace a `conversations.run` with a local tool, and print the span tree.

Needs: mistral-sdk[otel] and opentelemetry-sdk (`pip install 'mistral-sdk[otel]'
opentelemetry-sdk`); without MISTRAL_API_KEY it runs against the local mock.

The `otel` extra is the OpenTelemetry API only; this example brings the SDK for an
in-memory exporter: in an application spans go wherever its tracer provider sends them.

    .venv/bin/python examples/tracing.py
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from _connect import connect, needs

with needs("pip install 'mistral-sdk[otel]' opentelemetry-sdk"):
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from mistral_sdk.otel import instrument

# What the tree shows of each span (the rest is in the exporter's output).
SHOWN = (
    "gen_ai.operation.name",
    "gen_ai.request.model",
    "gen_ai.conversation.id",
    "gen_ai.tool.name",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "http.response.status_code",
    "mistral_ai.run.turns",
)


def get_weather(city: str) -> dict[str, object]:
    """Current weather in a city.

    Args:
        city: the city's name, e.g. "Paris".
    """
    return {"city": city, "temperature": 21.5, "sky": "clear"}


def span_tree(spans: Sequence[ReadableSpan]) -> list[str]:
    """One line per span, children indented under their parent, in start order."""
    ids = {s.context.span_id for s in spans if s.context is not None}
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in sorted(spans, key=lambda s: s.start_time or 0):
        parent = span.parent.span_id if span.parent is not None else None
        children.setdefault(parent if parent in ids else None, []).append(span)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for span in children.get(parent, []):
            attributes = span.attributes or {}
            shown = ", ".join(k + "=" + str(attributes[k]) for k in SHOWN if k in attributes)
            kind = span.kind.name
            lines.append(f"{'  ' * depth}{span.name} [{kind}] {shown}".rstrip())
            if span.context is not None:
                walk(span.context.span_id, depth + 1)

    walk(None, 0)
    return lines


def main() -> int:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("example")

    with connect() as client:
        instrument(client, tracer_provider=provider)  # the one line that turns tracing on
        with tracer.start_as_current_span("handle user request"):
            result = client.beta.conversations.run(
                "What's the weather in Paris? Answer in one sentence.",
                model="mistral-medium-latest",
                tools=[get_weather],
                max_turns=4,
            )
    print(f"answer: {result.output_text}")
    print("spans:")
    for line in span_tree(exporter.get_finished_spans()):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
