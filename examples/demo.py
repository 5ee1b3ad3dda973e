#!/usr/bin/env python3
"""A short tour of mistral-sdk: a workflow run with connector bindings, a streamed
conversation, and a chat completion.

Needs: mistral-sdk only (`make demo` installs nothing else); without MISTRAL_API_KEY it runs
against the local mock.

    make demo                   # then: .venv-demo/bin/python examples/demo.py

Without MISTRAL_API_KEY it starts the local mock (mistral_sdk.testing) and talks
to it; with MISTRAL_API_KEY set it talks to the real API (MISTRAL_BASE_URL is honoured).
Against the real API the workflow step runs only when MISTRAL_DEMO_WORKFLOW names one of
your workflows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from _connect import SDK, needs

with needs(SDK):
    from mistral_sdk import (
        APIError,
        ConnectorSlot,
        Mistral,
        WorkflowExecutionError,
        WorkflowWaitTimeout,
        connector_auth,
        models,
    )

MODEL = os.environ.get("MISTRAL_DEMO_MODEL", "mistral-small-latest")


def run_workflow(client: Mistral, workflow: str) -> None:
    print(f"== workflow: execute {workflow!r} with its gmail connector, and wait")

    def show(event: Any) -> None:
        auth = connector_auth(event)
        if auth is not None:
            print(f"   {auth.connector_name}: {auth.status} {auth.auth_url or ''}".rstrip())

    try:
        execution = client.workflows.execute_and_wait(
            workflow,
            input={"query": "unread messages from today", "max_results": 5},
            connectors=[ConnectorSlot("gmail")],
            wait_timeout=120,
            on_event=show,
        )
    except (WorkflowExecutionError, WorkflowWaitTimeout) as exc:
        print(f"   {exc}")
        return
    print(f"   execution {execution.execution_id} {execution.status}: {execution.result!r}")


def stream_conversation(client: Mistral) -> None:
    print("== conversation: start_stream")
    with client.beta.conversations.start_stream(
        inputs="In one sentence: why stream responses?", model=MODEL
    ) as stream:
        for event in stream:
            data = event.data
            if isinstance(data, models.ResponseStartedEvent):
                print(f"   conversation {data.conversation_id}")
                print("   ", end="", flush=True)
            elif isinstance(data, models.MessageOutputEvent):
                if isinstance(data.content, str):
                    print(data.content, end="", flush=True)
                else:  # a content chunk (text, tool reference, …)
                    print(getattr(data.content, "text", ""), end="", flush=True)
            elif isinstance(data, models.ResponseDoneEvent):
                print(f"\n   done: {data.usage.total_tokens} tokens")
            elif isinstance(data, models.ResponseErrorEvent):
                print(f"\n   error: {data.message}")


def chat(client: Mistral) -> None:
    print("== chat: complete")
    response = client.chat.complete(
        model=MODEL,
        messages=[{"role": "user", "content": "Say hello in French."}],
    )
    message = response.choices[0].message
    content = message.content if isinstance(message, models.AssistantMessage) else None
    print(f"   {response.model}: {content}")
    print(f"   usage: {response.usage.total_tokens} tokens")


def main() -> int:
    stop: Callable[[], None] | None = None
    if os.environ.get("MISTRAL_API_KEY"):
        client = Mistral()
        workflow = os.environ.get("MISTRAL_DEMO_WORKFLOW")
        print(f"Using the real API at {client.base_url}")
    else:
        from mistral_sdk.testing import Mock

        mock = Mock()
        base_url, stop = mock.serve(), mock.close
        client = Mistral(api_key="mock-key", base_url=base_url)
        workflow = "email-triage"
        print(f"MISTRAL_API_KEY is not set: using the local mock server at {base_url}")

    try:
        with client:
            names = [card.id for card in client.models.list().data or []]
            more = ", …" if len(names) > 3 else ""
            print(f"== models: {len(names)} available ({', '.join(names[:3])}{more})")
            if workflow:
                run_workflow(client, workflow)
            else:
                print("== workflow: skipped (set MISTRAL_DEMO_WORKFLOW to a workflow name)")
            stream_conversation(client)
            chat(client)
    except APIError as exc:
        print(f"\nAPI error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if stop is not None:
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
