#!/usr/bin/env python3
"""Hooks: add a header from a context variable to every request, and count the tokens
every call used (streams included).

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

    .venv/bin/python examples/hooks.py
"""

from __future__ import annotations

import contextvars
import sys

import httpx2
from _connect import connect

import mistral_sdk
from mistral_sdk.params import ChatCompletionRequestMessageParam

tenant: contextvars.ContextVar[str] = contextvars.ContextVar("tenant", default="none")


class TenantHeader(mistral_sdk.Hooks):
    """Every request carries the tenant of the code that made it."""

    def before_request(self, call: mistral_sdk.Call, request: httpx2.Request) -> None:
        request.headers["X-Tenant"] = tenant.get()


class TokenCounter(mistral_sdk.Hooks):
    """Adds up `usage.total_tokens` of results and of stream events."""

    def __init__(self) -> None:
        self.tokens = 0
        self.calls = 0

    def on_result(self, call: mistral_sdk.Call, result: object) -> None:
        self.calls += 1
        self._add(getattr(result, "usage", None))

    def on_stream_event(self, call: mistral_sdk.Call, event: object) -> None:
        self._add(getattr(getattr(event, "data", None), "usage", None))

    def _add(self, usage: object) -> None:
        total = getattr(usage, "total_tokens", None)
        if isinstance(total, int):
            self.tokens += total


def main() -> int:
    counter = TokenCounter()
    with connect() as client:
        client.add_hooks(TenantHeader(), counter)
        token = tenant.set("acme")
        try:
            # typed, so that both calls check its dicts (docs/typing.md)
            messages: list[ChatCompletionRequestMessageParam] = [
                {"role": "user", "content": "Say hello."}
            ]
            reply = client.chat.complete(model="mistral-small-latest", messages=messages)
            message = reply.choices[0].message
            if isinstance(message, mistral_sdk.models.AssistantMessage):
                print(f"complete: {message.content}")
            with client.chat.stream(model="mistral-small-latest", messages=messages) as stream:
                text = "".join(
                    str(choice.delta.content or "")
                    for event in stream
                    for choice in event.data.choices
                )
            print(f"stream:   {text}")
        finally:
            tenant.reset(token)
    print(f"{counter.calls} calls, {counter.tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
