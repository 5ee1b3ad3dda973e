"""Service accounts in the local mock, and who a request is made as.

Operations of the supplement (docs/spec.md), kept in memory per server; standard
library only.

- `POST /v1/service-accounts` creates one (`name`, `workspace_id`, `description`,
  `role_ids`); `GET /v1/service-accounts?offset&limit` pages them (`{"items": [...]}`),
  `GET` / `PATCH` (`description`) / `DELETE /v1/service-accounts/{id}`;
  `GET` / `PUT /v1/service-accounts/{id}/roles` (`{"role_ids": [...]}`) →
  `{"items": [{"role_id": ...}]}`; `GET /v1/service-accounts/assignable-roles` → `ROLES`.
- `GET /mock/service-accounts/{id}/token` (the mock's own route): `{"token": ...}`, the
  account's token, which Mistral's platform provisions to a workload as a file; a client
  reading it
  (`service_account_token_path=` or `$MISTRAL_SA_TOKEN_PATH`, docs/authentication.md)
  makes its requests as that account.
- `GET /v1/whoami`: the account whose token the request carries (`principal_type`
  `service_account`), else the user every API key stands for here. A deleted
  account's token is a 401.

An account id the mock never handed out passes to the generic answers (_generic.py),
so that any call works, as for every other resource of the mock.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from typing import Any

from ._triggers import json_body, utc_now

ORGANIZATION = {"id": "org-mock", "name": "Mock organization"}
WORKSPACE = {"id": "ws-mock", "name": "Default workspace"}
USER = {"id": "user-mock", "principal_type": "user", "email": "you@example.com"}
ROLES = [
    {"uuid": "role-reader", "name": "Reader", "description": "reads", "is_custom_role": False},
    {"uuid": "role-runner", "name": "Workflow runner", "description": "runs workflows",
     "is_custom_role": False},
]  # fmt: skip
_ACCOUNT = re.compile(r"^/v1/service-accounts/(?P<id>[^/]+)(?P<roles>/roles)?$")
_TOKEN = re.compile(r"^/mock/service-accounts/(?P<id>[^/]+)/token$")


class Accounts:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, dict[str, Any]] = {}
        self._roles: dict[str, list[str]] = {}
        self._tokens: dict[str, str] = {}  # token → account id

    def handle(self, handler: Any, method: str, path: str, query: dict[str, str]) -> bool:
        if path == "/v1/whoami" and method == "GET":
            self._whoami(handler)
        elif path == "/v1/service-accounts/assignable-roles" and method == "GET":
            handler.read_body()
            handler.send_json(200, {"items": ROLES})
        elif path == "/v1/service-accounts":
            self._collection(handler, method, query)
        elif (match := _ACCOUNT.match(path)) or (match := _TOKEN.match(path)):
            return self._account(handler, method, match["id"], path)
        else:
            return False
        return True

    def _collection(self, handler: Any, method: str, query: dict[str, str]) -> None:
        body = json_body(handler)
        if method == "GET":
            offset, limit = int(query.get("offset") or 0), int(query.get("limit") or 50)
            with self._lock:
                listed = [
                    a
                    for a in self._accounts.values()
                    if query.get("workspace_id") in (None, a["workspace_id"])
                ]
            handler.send_json(200, {"items": listed[offset : offset + limit]})
            return
        roles = [str(r) for r in body.get("role_ids") or ()]
        now = utc_now()
        account: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "name": body.get("name"),
            "customer_id": "customer-mock",
            "organization_id": ORGANIZATION["id"],
            "workspace_id": body.get("workspace_id") or WORKSPACE["id"],
            "description": body.get("description"),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
        }
        with self._lock:
            self._accounts[account["id"]] = account
            self._roles[account["id"]] = roles
            self._tokens[f"sa-{secrets.token_urlsafe(24)}"] = account["id"]
        handler.send_json(201, account)

    def _account(self, handler: Any, method: str, account_id: str, path: str) -> bool:
        with self._lock:
            account = self._accounts.get(account_id)
        if account is None:
            return False
        body = json_body(handler)
        if path.startswith("/mock/"):
            token = next(t for t, owner in self._tokens.items() if owner == account_id)
            handler.send_json(200, {"token": token})
        elif path.endswith("/roles"):
            if method == "PUT":
                roles = [str(r) for r in body.get("role_ids") or ()]
                with self._lock:
                    self._roles[account_id] = roles
            with self._lock:
                items = [{"role_id": r} for r in self._roles[account_id]]
            handler.send_json(200, {"items": items})
        elif method == "DELETE":
            with self._lock:
                del self._accounts[account_id]
            handler.send_empty()
        else:
            if method == "PATCH":
                with self._lock:
                    account.update(description=body.get("description"), updated_at=utc_now())
            handler.send_json(200, account)
        return True

    def _whoami(self, handler: Any) -> None:
        handler.read_body()
        token = handler.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        with self._lock:
            owner = self._tokens.get(token)
            account = self._accounts.get(owner) if owner else None
        if owner is not None and account is None:
            handler.send_json(401, {"detail": "this service account was deleted"})
            return
        principal: dict[str, Any] = USER
        if account is not None:
            principal = {
                "service_account_id": account["id"],
                "principal_type": "service_account",
                "name": account["name"],
            }
        answer = {"principal": principal, "organization": ORGANIZATION, "workspace": WORKSPACE}
        handler.send_json(200, answer)


def make_flow(server: Any) -> Accounts:
    """The flow-module entry point (_app.FLOW_MODULES)."""
    return Accounts()
