"""The supplement's lead areas end to end against the local mock, sync and async:
a webhook and a trigger start a workflow when an outside event arrives (the trigger
lists the event, which names the run), the webhook's signing secret signs deliveries;
a service account is created, given a role, and a client reading its token file
(`MISTRAL_SA_TOKEN_PATH`) acts as that account."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from spec_values import needs_calls

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, models


def _deliver(url: str, secret: str | None, payload: Any) -> httpx2.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Signature"] = f"sha256={digest}"
    return httpx2.post(url, content=body, headers=headers)  # no API key: an outside service


def _trigger_flow_sync(client: Mistral) -> tuple[Any, ...]:
    hook = client.webhooks.create(provider="github", name="pushes")
    secret = client.webhooks.get_signing_secret(hook.id).signing_secret
    trigger = client.triggers.create(
        event_source_id=hook.id,
        handler="workflows",
        action=models.CreateTriggerAction(type="start_workflow", primitive_id="triage"),
        owner_type="workspace",
        title="Triage every push",
    )
    listed = client.triggers.list(event_source_id=hook.id)
    assert _deliver(hook.url, secret, {"ref": "main"}).status_code == 202
    events = client.triggers.list_events(trigger.id).data
    run = client.workflows.executions.get(events[0].url.rsplit("/", 1)[-1])  # type: ignore[union-attr]
    bad = _deliver(hook.url, "not-the-secret", {"ref": "main"})
    after = client.triggers.list_events(trigger.id).data
    client.triggers.delete(trigger.id)
    gone = trigger.id not in [t.id for t in client.triggers.list(event_source_id=hook.id)]
    return hook, secret, trigger, listed, events, run, bad, after, gone


async def _trigger_flow_async(client: AsyncMistral) -> tuple[Any, ...]:
    hook = await client.webhooks.create(provider="github", name="pushes")
    secret = (await client.webhooks.get_signing_secret(hook.id)).signing_secret
    trigger = await client.triggers.create(
        event_source_id=hook.id,
        handler="workflows",
        action={"type": "start_workflow", "primitive_id": "triage"},
        owner_type="workspace",
        title="Triage every push",
    )
    listed = await client.triggers.list(event_source_id=hook.id)
    assert (await asyncio.to_thread(_deliver, hook.url, secret, {"ref": "main"})).status_code == 202
    events = (await client.triggers.list_events(trigger.id)).data
    run = await client.workflows.executions.get(events[0].url.rsplit("/", 1)[-1])  # type: ignore[union-attr]
    bad = await asyncio.to_thread(_deliver, hook.url, "not-the-secret", {"ref": "main"})
    after = (await client.triggers.list_events(trigger.id)).data
    await client.triggers.delete(trigger.id)
    remaining = await client.triggers.list(event_source_id=hook.id)
    gone = trigger.id not in [t.id for t in remaining]
    return hook, secret, trigger, listed, events, run, bad, after, gone


@needs_calls(
    "webhooks.create",
    "webhooks.get_signing_secret",
    "triggers.create",
    "triggers.list",
    "triggers.list_events",
    "triggers.delete",
    "workflows.executions.get",
)
def test_a_trigger_starts_its_workflow_when_its_webhook_gets_an_event(
    mode: str, mock_url: str
) -> None:
    if mode == "sync":
        with Mistral(api_key="k", base_url=mock_url) as client:
            result = _trigger_flow_sync(client)
    else:

        async def main() -> tuple[Any, ...]:
            async with AsyncMistral(api_key="k", base_url=mock_url) as client:
                return await _trigger_flow_async(client)

        result = asyncio.run(main())
    hook, secret, trigger, listed, events, run, bad, after, gone = result
    assert isinstance(hook, models.Webhook) and hook.url.startswith(mock_url)
    assert secret.startswith("whsec_")
    assert isinstance(trigger, models.Trigger)
    assert trigger.event_source.id == hook.id and trigger.action.primitive_id == "triage"
    assert [t.id for t in listed] == [trigger.id]
    (event,) = events
    assert isinstance(event, models.TriggerEvent)
    assert (event.trigger_id, event.source_id, event.status) == (trigger.id, hook.id, "TRIGGERED")
    assert run.workflow_name == "triage"  # the run the event started
    assert bad.status_code == 401 and len(after) == 1  # a wrong signature: no event
    assert gone


def test_an_event_for_an_unknown_webhook_is_not_found(mock_url: str) -> None:
    answer = _deliver(f"{mock_url}/mock/hooks/no-such-webhook", None, {})
    assert answer.status_code == 404


def _token(mock_url: str, account_id: str, folder: Path) -> Path:
    answer = httpx2.get(
        f"{mock_url}/mock/service-accounts/{account_id}/token",
        headers={"Authorization": "Bearer k"},
    )
    path = folder / "token"
    path.write_text(answer.json()["token"], encoding="utf-8")
    return path


@needs_calls(
    "service_accounts.create",
    "service_accounts.set_roles",
    "service_accounts.list_roles",
    "service_accounts.list_assignable_roles",
    "service_accounts.delete",
    "beta.users.whoami",
)
def test_a_client_with_a_service_accounts_token_file_acts_as_it(
    mode: str, mock_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Mistral(api_key="k", base_url=mock_url) as admin:
        roles = admin.service_accounts.list_assignable_roles(workspace_id="ws-mock").items
        account = admin.service_accounts.create(name="ci", workspace_id="ws-mock")
        given = admin.service_accounts.set_roles(account.id, role_ids=[roles[0].uuid])
        assert [r.role_id for r in given.items] == [roles[0].uuid]
        assert admin.service_accounts.list_roles(account.id).items == given.items
        assert account.id in [a.id for a in admin.service_accounts.list(offset=0, limit=50)]
        assert isinstance(admin.beta.users.whoami().principal, models.WhoamiUserPrincipal)

    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    monkeypatch.setenv("MISTRAL_SA_TOKEN_PATH", str(_token(mock_url, account.id, tmp_path)))
    if mode == "sync":
        with Mistral(base_url=mock_url) as workload:
            principal = workload.beta.users.whoami().principal
    else:

        async def main() -> Any:
            async with AsyncMistral(base_url=mock_url) as workload:
                return (await workload.beta.users.whoami()).principal

        principal = asyncio.run(main())
    assert isinstance(principal, models.WhoamiServiceAccountPrincipal)
    assert (principal.service_account_id, principal.name) == (account.id, "ci")

    with Mistral(api_key="k", base_url=mock_url) as admin:
        admin.service_accounts.delete(account.id)
    with Mistral(base_url=mock_url) as workload, pytest.raises(mistral_sdk.AuthenticationError):
        workload.beta.users.whoami()  # a deleted account's token is refused
