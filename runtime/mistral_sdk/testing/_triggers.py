"""Triggers and webhooks in the local mock: a workflow started by an outside event.

Operations of the supplement (docs/spec.md), kept in memory per server; standard
library only.

- `POST /v1/webhooks` creates a webhook (an event source): its `url` is where an outside
  service posts events, and it has a signing secret of its own;
  `GET /v1/webhooks[/{id}]`, `DELETE /v1/webhooks/{id}`, and
  `GET /v1/webhooks/{id}/signing-secret` → `{"signing_secret": ...}`.
- `POST /v1/triggers` puts a trigger on one of those webhooks (`event_source_id`); an
  action `{"type": "start_workflow", "primitive_id": <workflow name>}` starts that
  workflow. `GET /v1/triggers` (filtered by `event_source_id`, `handler`,
  `primitive_id`), `GET` / `DELETE /v1/triggers/{id}`, and
  `GET /v1/triggers/{id}/events?limit=N` → `{"data": [events, newest first]}`.
- `POST {webhook url}` (`/mock/hooks/{webhook_id}`, the mock's own route, no API key: an
  outside service calls it) is an event: each trigger on that webhook records it and a
  `start_workflow` action starts its workflow as `POST /v1/workflows/{name}/execute`
  does (_flows.py), so the event's `url` names a run `workflows.executions.get`
  reads. A delivery that carries `X-Signature` is checked against the webhook's secret
  (`sha256=` + HMAC-SHA256 of the body, hex): a wrong one is a 401 and no event.

A webhook or trigger id the mock never handed out passes to the generic answers
(_generic.py), so that any call works, as for every other resource of the mock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import threading
import uuid
from typing import Any

HOOKS = "/mock/hooks/"
ACCOUNT = {
    "creator_id": "user-mock",
    "organization_id": "org-mock",
    "workspace_id": "ws-mock",
}
_WEBHOOK = re.compile(r"^/v1/webhooks/(?P<id>[^/]+)(?P<secret>/signing-secret)?$")
_TRIGGER = re.compile(r"^/v1/triggers/(?P<id>[^/]+)(?P<events>/events)?$")


def utc_now() -> str:
    """Now, as the API writes times."""
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


def signature(secret: str, body: bytes) -> str:
    """What the mock expects in `X-Signature` for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Triggers:
    def __init__(self, server: Any) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._webhooks: dict[str, dict[str, Any]] = {}
        self._secrets: dict[str, str] = {}
        self._triggers: dict[str, dict[str, Any]] = {}
        self._events: dict[str, list[dict[str, Any]]] = {}

    def handle(self, handler: Any, method: str, path: str, query: dict[str, str]) -> bool:
        if path.startswith(HOOKS) and method == "POST":
            self._deliver(handler, path[len(HOOKS) :])
        elif path == "/v1/webhooks":
            self._webhooks_collection(handler, method)
        elif match := _WEBHOOK.match(path):
            return self._webhook(handler, method, match["id"], bool(match["secret"]))
        elif path == "/v1/triggers":
            return self._triggers_collection(handler, method, query)
        elif match := _TRIGGER.match(path):
            return self._trigger(handler, method, match["id"], bool(match["events"]), query)
        else:
            return False
        return True

    # -- webhooks

    def _webhooks_collection(self, handler: Any, method: str) -> None:
        if method == "GET":
            handler.read_body()
            with self._lock:
                handler.send_json(200, list(self._webhooks.values()))
            return
        body = json_body(handler)
        webhook_id = uuid.uuid4().hex
        host = handler.headers.get("Host", "127.0.0.1")
        now = utc_now()
        webhook = {
            "id": webhook_id,
            **ACCOUNT,
            "owner_type": body.get("owner_type") or "workspace",
            "provider": body.get("provider"),
            "name": body.get("name"),
            "url": f"http://{host}{HOOKS}{webhook_id}",
            "http_method": "POST",
            "url_verified": True,
            "created_at": now,
            "updated_at": now,
        }
        for name in ("signature_hash_algorithm", "signature_header_name", "expires_at"):
            if body.get(name) is not None:
                webhook[name] = body[name]
        with self._lock:
            self._webhooks[webhook_id] = webhook
            self._secrets[webhook_id] = body.get("secret") or f"whsec_{secrets.token_hex(16)}"
        handler.send_json(201, webhook)

    def _take(self, table: dict[str, dict[str, Any]], key: str, delete: bool) -> Any:
        """The object under `key` (None when the mock never handed it out); deleted too."""
        with self._lock:
            return table.pop(key, None) if delete else table.get(key)

    @staticmethod
    def _answer(handler: Any, method: str, found: Any, sub: Any = None) -> bool:
        """Answer a request on an object the mock handed out (`found`; None: not one of
        the mock's): DELETE gets no content, a GET of its sub-resource `sub` (when one was
        asked for), a GET of the object `found`."""
        if found is None:
            return False
        handler.read_body()
        if method == "DELETE":
            handler.send_empty()
        else:
            handler.send_json(200, found if sub is None else sub)
        return True

    def _webhook(self, handler: Any, method: str, webhook_id: str, secret: bool) -> bool:
        webhook = self._take(self._webhooks, webhook_id, method == "DELETE" and not secret)
        signing = {"signing_secret": self._secrets.get(webhook_id)} if secret else None
        return self._answer(handler, method, webhook, signing)

    # -- triggers

    def _triggers_collection(self, handler: Any, method: str, query: dict[str, str]) -> bool:
        if method == "GET":
            handler.read_body()
            with self._lock:
                found = [t for t in self._triggers.values() if _matches(t, query)]
            handler.send_json(200, found)
            return True
        body = json_body(handler)
        with self._lock:
            source = self._webhooks.get(str(body.get("event_source_id")))
        if source is None:  # not a webhook of the mock's: the generic answer
            return False
        trigger: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            **ACCOUNT,
            "customer_id": "customer-mock",
            "owner_type": body.get("owner_type"),
            "event_source": source,
            "handler": body.get("handler"),
            "action": body.get("action"),
            "filters": body.get("filters"),
            "title": body.get("title"),
        }
        with self._lock:
            self._triggers[trigger["id"]] = trigger
            self._events[trigger["id"]] = []
        handler.send_json(201, trigger)
        return True

    def _trigger(
        self, handler: Any, method: str, trigger_id: str, events: bool, query: dict[str, str]
    ) -> bool:
        trigger = self._take(self._triggers, trigger_id, method == "DELETE" and not events)
        with self._lock:
            received = list(self._events.get(trigger_id, ()))
        newest = {"data": received[::-1][: int(query.get("limit") or 50)]} if events else None
        return self._answer(handler, method, trigger, newest)

    # -- an outside service's event

    def _deliver(self, handler: Any, webhook_id: str) -> None:
        raw = handler.read_body()
        with self._lock:
            secret = self._secrets.get(webhook_id)
            triggers = [t for t in self._triggers.values() if t["event_source"]["id"] == webhook_id]
        if secret is None:
            handler.send_json(404, {"detail": f"webhook {webhook_id} not found"})
            return
        sent = handler.headers.get("X-Signature")
        if sent is not None and not hmac.compare_digest(sent, signature(secret, raw)):
            handler.send_json(401, {"detail": "the signature does not match the webhook's secret"})
            return
        payload = _loads(raw)
        base = f"http://{handler.headers.get('Host', '127.0.0.1')}"
        for trigger in triggers:
            self._fire(trigger, webhook_id, payload, base)
        handler.send_json(202, {"triggers": [t["id"] for t in triggers]})

    def _fire(self, trigger: dict[str, Any], webhook_id: str, payload: Any, base: str) -> None:
        event: dict[str, Any] = {
            "event_id": uuid.uuid4().hex,
            "trigger_id": trigger["id"],
            "source_id": webhook_id,
            "received_at": utc_now(),
        }
        action = trigger.get("action") or {}
        if action.get("type") == "start_workflow":
            flows = self._server.flows
            status, run = flows.execute(str(action.get("primitive_id")), {"input": payload})
            if status == 200:
                now = utc_now()
                event.update(status="TRIGGERED", submitted_at=now, triggered_at=now)
                event["url"] = f"{base}/v1/workflows/executions/{run['execution_id']}"
            else:
                event.update(status="TRIGGER_FAILED", detail=json.dumps(run))
        else:  # the mock runs workflows only: the rest is submitted, never run
            event.update(status="SUBMITTED", submitted_at=utc_now())
        with self._lock:
            self._events.setdefault(trigger["id"], []).append(event)


def _matches(trigger: dict[str, Any], query: dict[str, str]) -> bool:
    wanted = {
        "event_source_id": trigger["event_source"]["id"],
        "handler": trigger.get("handler"),
        "primitive_id": (trigger.get("action") or {}).get("primitive_id"),
    }
    return all(query[name] == value for name, value in wanted.items() if name in query)


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:
        return raw.decode("utf-8", "replace")


def json_body(handler: Any) -> dict[str, Any]:
    """The request's JSON object ({} for anything else)."""
    value = _loads(handler.read_body())
    return value if isinstance(value, dict) else {}


def make_flow(server: Any) -> Triggers:
    """The flow-module entry point (_app.FLOW_MODULES)."""
    return Triggers(server)
