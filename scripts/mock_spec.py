"""The local mock's generic answers: every operation of the spec, from its schemas.

A request that no scripted flow answers (mock_flows.py and the other flow modules
named in mock_server.FLOW_MODULES come first) is matched against the spec's paths
and answered with a value built from the operation's response schema: the spec's
own examples where it has them, else values made from the types (the same builder
the operation tests use, tests/spec_values.py, on the generator's model of the
spec). So every answer decodes into the type the SDK declares for it.

- JSON answers: one value of the response type. List operations that page
  (cursor, offset or page number, as the SDK infers them) hold `ITEMS` items
  served `page_size`/`limit` at a time (default `PAGE`), with the cursor, total
  and `has_more` fields set to match, so iterating a page ends.
- Event streams: a few events of the stream's event type, then its end (the done
  marker or the terminal event).
- Binary answers: `BINARY_BODY`; no-content answers: 204.
- Uploads (multipart or chunked) are read in full and kept in `uploads` (path →
  list of bodies), so a test can check what arrived.
- Objects keep their state (`Store`): what a create (`POST /v1/libraries`, a
  document upload, ...) answers is kept under its id; reading, listing, updating
  (`PATCH`/`PUT`, the body's fields merged) and deleting it then act on that object.
  An id the mock never handed out gets a generic answer, so that any call works.

Needs the spec (spec/openapi.yaml, `make spec`) and the generator's dependencies
(PyYAML); without them every such request is answered 501 saying so, while the
scripted flows go on working.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ITEMS = 3  # items of every list that pages
PAGE = 2  # page size when the request names none
BINARY_BODY = b"\x00\x01mock binary body\xff"


class SpecAnswers:
    """Answers for every operation of the spec (loaded on the first request)."""

    def __init__(self, spec: Path | None = None) -> None:
        self._spec = spec
        self._lock = threading.Lock()
        self._loaded = False
        self._problem = ""
        self._routes: list[tuple[str, re.Pattern[str], Any]] = []
        self._values: Any = None
        self.uploads: dict[str, list[bytes]] = {}
        self.store = Store()

    # -- loading

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            try:
                tests = str(REPO / "tests")
                if tests not in sys.path:
                    sys.path.insert(0, tests)
                from spec_values import Values, find_spec, load_api

                path = self._spec or find_spec()
                if path is None:
                    raise FileNotFoundError("spec/openapi.yaml is missing (run `make spec`)")
                doc, api, _ = load_api(str(path))
            except (ImportError, OSError, ValueError) as exc:
                self._problem = (
                    f"the mock answers operations from the spec, which it cannot read: {exc}"
                )
                return
            self._values = Values(doc, api)
            routes = []
            for op in api.operations:
                template = op.http_path.split("#", 1)[0]
                literal = sum(1 for part in template.split("/") if part and "{" not in part)
                pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
                routes.append((-literal, op.method, re.compile(f"^{pattern}$"), op))
            # literal segments win over parameters (`/v1/files/batch` before `/v1/files/{id}`)
            self._routes = [(m, p, op) for _, m, p, op in sorted(routes, key=lambda r: r[0])]

    def operations(self, method: str, path: str) -> list[Any]:
        """The spec operations `method path` calls (two when one path has a streaming
        twin, `…#stream`), most specific route first; [] when the spec has none."""
        self._load()
        found = [op for verb, pattern, op in self._routes if verb == method and pattern.match(path)]
        return [
            op for op in found if op.http_path.split("#")[0] == found[0].http_path.split("#")[0]
        ]

    # -- answering

    def handle(self, handler: Any, method: str, path: str, query: dict[str, str]) -> bool:
        """Answer the request if the spec has its operation; whether it did."""
        self._load()
        if self._problem:
            handler.read_body()
            handler.send_json(501, {"message": self._problem})
            return True
        ops = self.operations(method, path)
        if not ops:
            return False
        body = handler.read_body()
        if ops[0].body_kind == "multipart" or handler.headers.get("Transfer-Encoding") == "chunked":
            self.uploads.setdefault(path, []).append(body)
        wants_stream = _wants_stream(body)
        op, chosen = ops[0], ops[0].methods[0]
        for candidate in ops:  # JSON or SSE for one path: the request's `stream` flag picks
            for m in candidate.methods:
                if (m.response.kind == "sse") == wants_stream:
                    op, chosen = candidate, m
                    break
        response = chosen.response
        values = self._values
        if response.kind == "empty":
            handler.send_empty()
        elif response.kind == "binary":
            handler.send_bytes(BINARY_BODY)
        elif response.kind == "sse":
            raw, _ = values.sse_body(op, chosen, events=3)
            handler.send_sse_frames(raw.decode().split("\n\n")[:-1])
        else:
            value = values.wire(response.type)
            many, kept = self.store.act(method, path, op.http_path, value, _json_object(body))
            if chosen.pagination is not None:
                item = values.wire(chosen.pagination.item_type)
                items = [{**item, **obj} for obj in kept] if many else None
                value = _page(values, chosen.pagination, value, query, items)
            elif many:
                value = _listing(value, kept)
            elif kept and isinstance(value, dict):
                value = {**value, **kept[0]}
            handler.send_json(200, value)
        return True

    def remember(self, collection: str, obj: dict[str, Any]) -> None:
        """Keep an object a scripted flow created (an uploaded file) under its id."""
        self.store.put(collection, obj)


class Store:
    """The objects the mock created, by collection path and id (see the module doc)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[str, dict[str, dict[str, Any]]] = {}

    def put(self, collection: str, obj: dict[str, Any]) -> None:
        with self._lock:
            self._objects.setdefault(collection, {})[str(obj["id"])] = obj

    def listed(self, collection: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._objects.get(collection, {}).values())

    def act(
        self, method: str, path: str, template: str, answer: Any, body: dict[str, Any]
    ) -> tuple[bool, list[dict[str, Any]]]:
        """Apply the request to the kept objects: whether it lists a collection, and the
        objects to answer with ([] when none is concerned: the generic answer stands)."""
        template = template.split("#", 1)[0]
        one = template.endswith("}")  # `/v1/libraries/{library_id}`: one object
        collection, _, object_id = path.rpartition("/") if one else (path, "", "")
        with self._lock:
            objects = self._objects.get(collection if one else path, {})
            if method == "GET" and not one:  # a collection the mock keeps (maybe emptied)
                return path in self._objects, list(objects.values())
            if method == "POST" and not one and isinstance(answer, dict) and "id" in answer:
                obj = {**answer, **_known(body, answer), "id": str(uuid.uuid4())}
                self._objects.setdefault(path, {})[obj["id"]] = obj
                return False, [obj]
            obj = objects.get(object_id) if one else None
            if obj is None:
                return False, []
            if method == "DELETE":
                del objects[object_id]
            elif method in ("PATCH", "PUT"):
                obj.update(_known(body, obj))
            return False, [obj]


def _listing(value: Any, kept: list[dict[str, Any]]) -> Any:
    """A list answer (not paged) holding the kept objects: the answer itself when it is
    a list, else its first list of objects (`data`, ...)."""
    if isinstance(value, list):
        return [{**(value[0] if value else {}), **obj} for obj in kept]
    for key, items in value.items() if isinstance(value, dict) else ():
        if isinstance(items, list) and (not items or isinstance(items[0], dict)):
            return {**value, key: [{**items[0], **obj} for obj in kept]}
    return value


def _known(body: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """The body's fields that the object has (a create's name, an update's changes)."""
    return {k: v for k, v in body.items() if k in like and k != "id" and v is not None}


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _wants_stream(body: bytes) -> bool:
    """Whether the body sets `stream` to true (a JSON field or a multipart form field)."""
    if re.search(rb'name="stream"\r\n(?:[^\r\n]+\r\n)*\r\ntrue\r\n', body):
        return True
    if not body.lstrip().startswith(b"{"):
        return False
    try:
        return json.loads(body).get("stream") is True
    except ValueError:
        return False


def _page(
    values: Any, pagination: Any, value: Any, query: dict[str, str], kept: list[Any] | None
) -> Any:
    """`value` holding the page the query asks for of the `kept` objects (else of
    `ITEMS` made-up items), and the fields that say where the next page starts (so
    that the SDK's iteration ends)."""
    size = _int(query.get(pagination.size)) if pagination.size else None
    size = size if size and size > 0 else PAGE
    sent = _int(query.get(pagination.param))
    if pagination.kind == "page":
        start = ((pagination.start if sent is None else sent) - pagination.start) * size
    else:  # a cursor is the offset of the next item, as text
        start = sent or 0
    every = kept if kept is not None else [values.wire(pagination.item_type)] * ITEMS
    items = every[start : start + size]
    more = start + size < len(every)
    if not pagination.items:
        return items
    if not isinstance(value, dict):
        value = {}
    _put(value, pagination.items, items)
    if pagination.next:
        _put(value, pagination.next, str(start + size) if more else None)
    if pagination.total:
        _put(value, pagination.total, len(every))
    for flag in ("has_more", "hasMore"):
        if flag in value:
            value[flag] = more
    return value


def _put(value: dict[str, Any], path: tuple[str, ...], item: Any) -> None:
    for name in path[:-1]:
        inner = value.get(name)
        value = value.setdefault(name, {}) if not isinstance(inner, dict) else inner
    value[path[-1]] = item


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def make_flow(server: Any) -> SpecAnswers:
    """The flow-module entry point (mock_server.FLOW_MODULES)."""
    return SpecAnswers(getattr(server, "spec", None))
