"""Faults the local mock injects on request, for any path (standard library only).

Ask with the header `x-mock-fault` or the query parameter `mock_fault`:

- `429`: 429 with `Retry-After: 0` (`x-mock-retry-after` sets another value) and the
  API's error body;
- a 5xx code (`500`, `502`, `503`, ...): that status and an error body;
- `422`: the API's validation error shape, `{"detail": [{"type", "loc", "msg", ...}]}`;
- `cut`: the answer starts normally and breaks off (a stream after its first event,
  a JSON body halfway), the connection closed without the end of the body.

`CODExN` (`429x2`, `503x1`, `cutx1`) applies the fault to the first N requests that
ask for it with the same method and path only, then answers normally: what a client
that retries gets over.
"""

from __future__ import annotations

import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["HEADER", "QUERY", "Fault", "Faults", "error_body"]

HEADER = "x-mock-fault"
QUERY = "mock_fault"
_SPEC = re.compile(r"^(?P<kind>cut|\d{3})(?:x(?P<times>\d+))?$")


@dataclass(frozen=True)
class Fault:
    kind: str  # "cut" or the status code
    # (status, headers, JSON body) to answer instead of the request; None: a cut
    answer: tuple[int, dict[str, str], Any] | None


class Faults:
    """Decides, per request, whether and how to fail it (counts `xN` faults)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str, str], int] = {}

    def pick(self, handler: Any, query: dict[str, str]) -> Fault | None:
        spec = handler.headers.get(HEADER) or query.get(QUERY)
        if not spec:
            return None
        match = _SPEC.match(spec.strip().lower())
        if match is None:
            return Fault(
                "400",
                (400, {}, {"message": f"unknown {HEADER} {spec!r}: 429, 5xx, 422, cut, CODExN"}),
            )
        if match.group("times") is not None:
            key = (handler.command, handler.path.partition("?")[0], spec)
            with self._lock:
                seen = self._seen[key] = self._seen.get(key, 0) + 1
            if seen > int(match.group("times")):
                return None
        kind = match.group("kind")
        if kind == "cut":
            return Fault(kind, None)
        status = int(kind)
        request_id = uuid.uuid4().hex
        headers = {"x-request-id": request_id}
        body = error_body(status, request_id=request_id)
        if status == 429:
            headers["Retry-After"] = handler.headers.get("x-mock-retry-after") or "0"
        return Fault(kind, (status, headers, body))


def error_body(status: int, message: str | None = None, request_id: str | None = None) -> Any:
    """The body the API sends with an error status (422: its validation `detail` list)."""
    if status == 422:
        detail = {"type": "missing", "loc": ["body", "model"], "msg": message or "Field required"}
        return {"detail": [{**detail, "input": {}}]}
    return {
        "object": "error",
        "message": message or f"mock fault {status}",
        "type": "rate_limited" if status == 429 else "mock_fault",
        "code": str(status),
        "request_id": request_id or uuid.uuid4().hex,
    }
