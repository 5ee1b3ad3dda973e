#!/usr/bin/env python3
"""Start a workflow when something happens outside: a webhook (the event source), a
trigger on it that starts a workflow, an event delivered, the run it started.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

Triggers and webhooks are not in the public spec yet: their methods come from the
supplement (the official SDK's operations, docs/spec.md).

    .venv/bin/python examples/triggers_webhooks.py
    MISTRAL_API_KEY=... MISTRAL_EXAMPLE_WORKFLOW=my-workflow .venv/bin/python examples/triggers_webhooks.py
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.request

from _connect import connect, using_mock

from mistral_sdk import Mistral, models


def deliver(url: str, secret: str, payload: dict[str, str]) -> None:
    """What the outside service does (your CI, GitHub...): post the event, signed."""
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Signature": f"sha256={digest}"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def wait_for_events(client: Mistral, trigger_id: str) -> list[models.TriggerEvent]:
    """The trigger's events, once at least one has arrived (a few seconds at most)."""
    for _ in range(50):
        events = client.triggers.list_events(trigger_id).data
        if events:
            return events
        time.sleep(0.1)
    return []


def main() -> int:
    workflow = "release-notes" if using_mock() else os.environ.get("MISTRAL_EXAMPLE_WORKFLOW")
    if not workflow:
        print("set MISTRAL_EXAMPLE_WORKFLOW to the name of one of your workflows")
        return 0
    with connect() as client:
        hook = client.webhooks.create(provider="custom", name="deploys")
        secret = client.webhooks.get_signing_secret(hook.id).signing_secret
        print(f"== webhook {hook.name!r}: events go to {hook.url}")
        trigger = client.triggers.create(
            event_source_id=hook.id,
            handler="workflows",
            action={"type": "start_workflow", "primitive_id": workflow},
            owner_type="workspace",
            title=f"Run {workflow} on every deploy",
        )
        print(f"== trigger {trigger.title!r} ({trigger.id})")
        try:
            deliver(hook.url, secret, {"ref": "v1.2.0", "environment": "production"})
            for event in wait_for_events(client, trigger.id):
                print(f"   {event.status} at {event.received_at:%H:%M:%S}: {event.url}")
                if event.url:
                    execution_id = event.url.rstrip("/").rsplit("/", 1)[-1]
                    run = client.workflows.executions.get(execution_id)
                    print(f"   the run: {run.workflow_name} {run.status}")
        finally:
            client.triggers.delete(trigger.id)
            client.webhooks.delete(hook.id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
