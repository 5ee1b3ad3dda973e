#!/usr/bin/env python3
"""Stream a conversation with an agent that asks before running a tool; confirm and go on.

The agent wants to send a draft with its Gmail connector; the call waits for our
confirmation (`confirmation_status == "pending"`). `tool_confirmations` builds the answer.

    .venv/bin/python examples/conversation_confirm.py
    MISTRAL_API_KEY=... MISTRAL_EXAMPLE_AGENT=ag_... .venv/bin/python examples/conversation_confirm.py
"""

from __future__ import annotations

import os
import sys
from typing import Any

import msgspec
from _connect import connect, using_mock

from mistral_sdk import models, tool_confirmations

PROMPT = "Reply to the invoice email with a short draft, and send it."


def follow(stream: Any) -> tuple[str, list[Any]]:
    """Print a conversation stream; return its id and the function calls it made
    (one `FunctionCallEvent` per call, its streamed arguments joined)."""
    conversation_id = ""
    calls: dict[str, Any] = {}
    indent = "   "
    with stream:
        for event in stream:
            data = event.data
            if isinstance(data, models.ResponseStartedEvent):
                conversation_id = data.conversation_id
                print(f"   conversation {conversation_id}")
            elif isinstance(data, models.MessageOutputEvent) and isinstance(data.content, str):
                print(indent + data.content, end="", flush=True)
                indent = ""
            elif isinstance(data, models.FunctionCallEvent):
                previous = calls.get(data.tool_call_id)
                if previous is not None:
                    data = msgspec.structs.replace(
                        data, arguments=previous.arguments + data.arguments
                    )
                calls[data.tool_call_id] = data
            elif isinstance(data, models.ResponseDoneEvent):
                print(f"\n   done ({data.usage.total_tokens} tokens)")
    return conversation_id, list(calls.values())


def confirm(call: Any) -> bool:
    print(f"   the agent wants to run {call.name}({call.arguments}): allowed")
    return True


def main() -> int:
    agent = None if using_mock() else os.environ.get("MISTRAL_EXAMPLE_AGENT")
    target: dict[str, Any] = {"agent_id": agent} if agent else {"model": "mistral-medium-latest"}
    with connect() as client:
        print("== conversation: start_stream")
        stream = client.beta.conversations.start_stream(inputs=PROMPT, **target)
        conversation_id, calls = follow(stream)
        confirmations = tool_confirmations(calls, allow=confirm)
        if not confirmations:
            print("   nothing to confirm")
            return 0
        print("== conversation: append_stream with the confirmations")
        follow(
            client.beta.conversations.append_stream(
                conversation_id, tool_confirmations=confirmations
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
