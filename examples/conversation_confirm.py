#!/usr/bin/env python3
"""Stream a conversation with an agent that asks before running a tool; confirm and go on.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

The agent wants to send a draft with its Gmail connector; the call waits for our
confirmation (`confirmation_status == "pending"`). Its arguments arrive in pieces; `stream.final()`
gives the whole call, and `tool_confirmations` builds the answer.

    .venv/bin/python examples/conversation_confirm.py
    MISTRAL_API_KEY=... MISTRAL_EXAMPLE_AGENT=ag_... .venv/bin/python examples/conversation_confirm.py
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from _connect import connect, using_mock

from mistral_sdk import Stream, ToolCall, models, tool_confirmations

PROMPT = "Reply to the invoice email with a short draft, and send it."


def follow(stream: Stream[models.ConversationEvents]) -> models.ConversationResponse:
    """Print a conversation stream as it arrives; return the whole turn it carried
    (`stream.final()`: messages, and function calls with their arguments joined)."""
    indent = "   "
    with stream:
        for event in stream:
            data = event.data
            if isinstance(data, models.ResponseStartedEvent):
                print(f"   conversation {data.conversation_id}")
            elif isinstance(data, models.MessageOutputEvent):
                print(indent + data.text, end="", flush=True)
                indent = ""
            elif isinstance(data, models.ResponseDoneEvent):
                print(f"\n   done ({data.usage.total_tokens} tokens)")
        return stream.final()


def confirm(call: ToolCall) -> bool:
    """Allow mail to our own domain only: `call.arguments` is the whole JSON text."""
    arguments = call.arguments if isinstance(call.arguments, dict) else json.loads(call.arguments)
    allowed = str(arguments.get("to", "")).endswith("@example.com")
    print(
        f"   the agent wants to run {call.name}({arguments}): {'allowed' if allowed else 'denied'}"
    )
    return allowed


def main() -> int:
    agent = None if using_mock() else os.environ.get("MISTRAL_EXAMPLE_AGENT")
    target: dict[str, Any] = {"agent_id": agent} if agent else {"model": "mistral-medium-latest"}
    with connect() as client:
        print("== conversation: start_stream")
        stream = client.beta.conversations.start_stream(inputs=PROMPT, **target)
        response = follow(stream)
        confirmations = tool_confirmations(response.outputs, allow=confirm)
        if not confirmations:
            print("   nothing to confirm")
            return 0
        print("== conversation: append_stream with the confirmations")
        follow(
            client.beta.conversations.append_stream(
                response.conversation_id, tool_confirmations=confirmations
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
