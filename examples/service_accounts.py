#!/usr/bin/env python3
"""A service account: create one, give it a role, and run a client as it from its token
file, the way a workload (a CI job, a Kubernetes pod) does.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

Service accounts are not in the public spec yet: their methods come from the
supplement (the official SDK's operations, docs/spec.md). A client reads an account's
token from `service_account_token_path=` or `$MISTRAL_SA_TOKEN_PATH`, re-reading the
file whenever it changes (docs/authentication.md). Mistral provisions the token to
your workload; the local mock hands it out at `/mock/service-accounts/{id}/token`.

    .venv/bin/python examples/service_accounts.py
    MISTRAL_API_KEY=... MISTRAL_SA_TOKEN_PATH=/path/to/token .venv/bin/python examples/service_accounts.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from _connect import connect, using_mock

from mistral_sdk import Mistral


def token_file(client: Mistral, account_id: str, folder: str) -> str | None:
    """Where the account's token is: the mock's, written to a file as a workload gets
    it; with the real API, $MISTRAL_SA_TOKEN_PATH (your workload's)."""
    if not using_mock():
        return os.environ.get("MISTRAL_SA_TOKEN_PATH")
    answer = client.get(f"/mock/service-accounts/{account_id}/token", cast_to=dict[str, str])
    path = Path(folder) / "token"
    path.write_text(answer["token"], encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def main() -> int:
    with connect() as client, tempfile.TemporaryDirectory() as folder:
        me = client.beta.users.whoami()
        workspace = me.workspace.id if me.workspace else ""
        account = client.service_accounts.create(
            name="nightly-ci", workspace_id=workspace, description="runs the nightly jobs"
        )
        print(f"== service account {account.name!r} ({account.id}) in {account.workspace_id}")
        try:
            roles = client.service_accounts.list_assignable_roles(workspace_id=workspace).items
            runner = next((r for r in roles if "workflow" in r.name.lower()), roles[0])
            client.service_accounts.set_roles(account.id, role_ids=[runner.uuid])
            given = client.service_accounts.list_roles(account.id).items
            print(f"   roles: {[r.role_id for r in given]} ({runner.name})")

            path = token_file(client, account.id, folder)
            if path is None:
                print("   set MISTRAL_SA_TOKEN_PATH to run a client as a service account")
                return 0
            base_url = str(client.base_url)
            with Mistral(service_account_token_path=path, base_url=base_url) as workload:
                principal = workload.beta.users.whoami().principal
                print(f"== a client from the token file acts as: {principal}")
        finally:
            client.service_accounts.delete(account.id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
