"""Schedules and event pages: what goes out and what comes back, against an
in-process transport (the mock has no schedules)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx2
import pytest
from encoding_helpers import MAIN_KEY, MemoryStore, counting_nonces

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.workflows_encoding import (
    Encryption,
    Offloading,
    PayloadCodec,
    PayloadDecryptionError,
    WorkflowEncoding,
)

SCHEDULE_INPUT = {"report": "weekly", "to": ["ada@example.com"], "n": 3}


def _encoding(store: MemoryStore | None = None) -> WorkflowEncoding:
    return WorkflowEncoding(
        encryption=Encryption(MAIN_KEY),
        offloading=Offloading(store or MemoryStore(), min_size_bytes=1),  # even tiny ones
        namespace="ns",
        nonces=counting_nonces(),
    )


def _encoded(value: Any) -> dict[str, Any]:
    codec = PayloadCodec(_encoding())
    encoded = codec.encode(json.dumps(value).encode())
    return {
        "b64payload": base64.b64encode(encoded.data).decode(),
        "encoding_options": encoded.options,
    }


def _schedule(input_value: Any) -> dict[str, Any]:
    return {
        "input": input_value,
        "schedule_id": "sch-1",
        "workflow_name": "report",
        "paused": False,
        "cron_expressions": ["0 9 * * 1"],
    }


def _handler(seen: list[httpx2.Request]) -> Any:
    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        path = request.url.path
        if request.method == "POST" and path == "/v1/workflows/schedules":
            return httpx2.Response(200, json={"schedule_id": "sch-1"})
        if path == "/v1/workflows/schedules/sch-1":
            return httpx2.Response(200, json=_schedule(_encoded(SCHEDULE_INPUT)))
        if path == "/v1/workflows/schedules":
            plain = {**_schedule({"plain": True}), "schedule_id": "sch-2"}
            return httpx2.Response(
                200, json={"schedules": [_schedule(_encoded(SCHEDULE_INPUT)), plain]}
            )
        if path == "/v1/workflows/events/list":
            event = {
                "event_id": "1", "event_timestamp": 1, "root_workflow_exec_id": "e1",
                "workflow_exec_id": "e1", "workflow_run_id": "r", "workflow_name": "w",
                "event_type": "WORKFLOW_EXECUTION_COMPLETED",
                "attributes": {
                    "task_id": "t",
                    "result": {
                        "type": "json",
                        "value": _encoded({"total": 42})["b64payload"],
                        "encoding_options": ["encrypted"],
                    },
                },
            }  # fmt: skip
            return httpx2.Response(200, json={"events": [event]})
        return httpx2.Response(404, json={"detail": "no"})

    return handle


def test_schedule_create_encodes_inline_with_a_keyed_hash() -> None:
    seen: list[httpx2.Request] = []
    store = MemoryStore()
    http = httpx2.Client(transport=httpx2.MockTransport(_handler(seen)))
    client = Mistral(api_key="k", http_client=http, workflow_encoding=_encoding(store))
    client.workflows.schedules.create(
        schedule={"input": SCHEDULE_INPUT, "cron_expressions": ["0 9 * * 1"]},
        workflow_identifier="report",
    )
    sent = json.loads(seen[0].content)["schedule"]["input"]
    assert sent["encoding_options"] == ["encrypted"]  # never offloaded: schedules outlive runs
    assert store.blobs == {}
    canonical = json.dumps(
        SCHEDULE_INPUT, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    hash_key = hmac.new(bytes.fromhex(MAIN_KEY), b"schedule-input-hash", hashlib.sha256).digest()
    assert sent["input_hash"] == hmac.new(hash_key, canonical, hashlib.sha256).hexdigest()
    assert b"weekly" not in seen[0].content


def test_schedule_inputs_come_back_decoded() -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(_handler([])))
    client = Mistral(api_key="k", http_client=http, workflow_encoding=_encoding())
    assert client.workflows.schedules.get("sch-1").input == SCHEDULE_INPUT
    inputs = [s.input for s in client.workflows.schedules.list()]
    assert inputs == [SCHEDULE_INPUT, {"plain": True}]


async def test_event_pages_come_back_decoded_async() -> None:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(_handler([])))
    client = AsyncMistral(api_key="k", http_client=http, workflow_encoding=_encoding())
    events = [e async for e in await client.workflows.events.list(workflow_exec_id="e1")]
    event: Any = events[0]
    assert event.attributes.result.value == {"total": 42}
    assert event.attributes.result.encoding_options == []


def test_an_undecryptable_event_names_the_execution_and_attribute() -> None:
    http = httpx2.Client(transport=httpx2.MockTransport(_handler([])))
    other = WorkflowEncoding(encryption=Encryption("33" * 32))
    client = Mistral(api_key="k", http_client=http, workflow_encoding=other)
    with pytest.raises(PayloadDecryptionError) as info:
        client.workflows.events.list(workflow_exec_id="e1")
    assert (info.value.execution_id, info.value.field) == ("e1", "attributes.result")
