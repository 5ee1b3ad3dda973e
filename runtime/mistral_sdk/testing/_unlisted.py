"""A made-up resource beyond the spec, `/v1/things`, for trying the SDK's escape hatch
(`client.get/post/put/patch/delete`, README "Endpoints the spec does not have yet")
against the local mock. Standard library only; kept in memory per server.

- `POST /v1/things` (`{"name": ...}`) → a thing `{"id", "name", "status": "ready"}`
- `GET /v1/things` → `{"data": [things], "page": N}` (`page` from the query, default 1)
- `GET /v1/things/{id}`, `PATCH /v1/things/{id}` (fields to change), `DELETE /v1/things/{id}` (204)
- `POST /v1/things/run` → an event stream of three things (`data:` lines, then `[DONE]`)
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from typing import Any

_ONE = re.compile(r"^/v1/things/(?P<id>[^/]+)$")


class Things:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._things: dict[str, dict[str, Any]] = {}

    def handle(self, handler: Any, method: str, path: str, query: dict[str, str]) -> bool:
        if path != "/v1/things" and not path.startswith("/v1/things/"):
            return False
        raw = handler.read_body()
        body = json.loads(raw) if raw.strip() else {}
        if path == "/v1/things/run" and method == "POST":
            events = [{"id": f"run-{i}", "name": "step", "status": s} for i, s in
                      enumerate(("queued", "running", "ready"))]  # fmt: skip
            handler.send_sse_frames([f"data: {json.dumps(e)}" for e in events] + ["data: [DONE]"])
        elif path == "/v1/things" and method == "POST":
            made = {"id": uuid.uuid4().hex[:12], "name": body.get("name", ""), "status": "ready"}
            with self._lock:
                self._things[made["id"]] = made
            handler.send_json(200, made)
        elif path == "/v1/things" and method == "GET":
            with self._lock:
                things = list(self._things.values())
            handler.send_json(200, {"data": things, "page": int(query.get("page", 1))})
        elif match := _ONE.match(path):
            with self._lock:
                thing = self._things.get(match.group("id"))
                if thing is not None and method == "DELETE":
                    del self._things[thing["id"]]
                elif thing is not None and method in ("PATCH", "PUT"):
                    thing.update({k: v for k, v in body.items() if k != "id"})
            if thing is None:
                handler.send_json(404, {"detail": "Not Found"})
            elif method == "DELETE":
                handler.send_empty()
            else:
                handler.send_json(200, thing)
        else:
            handler.send_json(405, {"detail": "Method Not Allowed"})
        return True


def make_flow(server: Any) -> Things:
    """The flow-module entry point (_app.FLOW_MODULES)."""
    return Things()
