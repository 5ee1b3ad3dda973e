#!/usr/bin/env python3
"""The README's "Chat completion" example, as a program: a completion and a stream
assembled with `stream.final()`.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

`make types` checks it under mypy --strict and pyright --strict, and a test keeps it
identical to the README's block.

    .venv/bin/python examples/chat_basics.py
"""

from __future__ import annotations

import sys

from _connect import connect

from mistral_sdk import Mistral


def chat(client: Mistral) -> None:
    # --- README: chat completion (begin)
    response = client.chat.complete(
        model="mistral-small-latest",
        messages=[{"role": "user", "content": "Say hello in French."}],
    )
    print(response.output_text, response.usage.total_tokens)

    with client.chat.stream(
        model="mistral-small-latest",
        messages=[{"role": "user", "content": "Count to 5."}],
    ) as stream:
        for event in stream:
            print(event.data.output_text, end="")  # this chunk's text
        final = stream.final()  # the whole models.ChatCompletionResponse
    print(final.usage.total_tokens, final.choices[0].finish_reason)
    # --- README: chat completion (end)


def main() -> int:
    with connect() as client:
        chat(client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
