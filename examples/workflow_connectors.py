#!/usr/bin/env python3
"""Run a workflow that reads Gmail, bind its `gmail` connector slot, and wait for it.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

While the run waits for the user to authorize Gmail, the workflow emits connector-auth
events: the auth URL is printed as soon as it arrives.

    .venv/bin/python examples/workflow_connectors.py
    MISTRAL_API_KEY=... MISTRAL_EXAMPLE_WORKFLOW=my-workflow .venv/bin/python examples/workflow_connectors.py
"""

from __future__ import annotations

import os
import sys
from typing import Any

from _connect import connect, using_mock

from mistral_sdk import ConnectorSlot, WorkflowExecutionError, WorkflowWaitTimeout, connector_auth


def show(event: Any) -> None:
    auth = connector_auth(event)
    if auth is not None and auth.waiting:
        print(f"   authorize {auth.connector_name}: open {auth.auth_url}")
    elif auth is not None:
        print(f"   {auth.connector_name}: {auth.status}")


def main() -> int:
    workflow = "email-triage" if using_mock() else os.environ.get("MISTRAL_EXAMPLE_WORKFLOW")
    if not workflow:
        print("set MISTRAL_EXAMPLE_WORKFLOW to the name of one of your workflows")
        return 0
    with connect() as client:
        print(f"== workflow {workflow!r}: execute and wait (connector gmail)")
        try:
            execution = client.workflows.execute_and_wait(
                workflow,
                input={"query": "unread messages from today"},
                connectors=[ConnectorSlot("gmail")],
                wait_timeout=120,
                on_event=show,
            )
        except WorkflowExecutionError as exc:
            print(f"   the run failed: {exc}")
            return 1
        except WorkflowWaitTimeout as exc:
            print(f"   still running after {exc.timeout:g} s: {exc.execution_id}")
            return 1
        print(f"   {execution.execution_id}: {execution.status}")
        print(f"   result: {execution.result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
