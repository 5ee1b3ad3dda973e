"""The local mock's generic answers: every operation of the SDK, from its own types.

A request that no scripted flow answers (_flows.py and the other flow modules
named in _app.FLOW_MODULES come first) is matched against the paths of
`mistral_sdk.OPERATIONS` and answered with a value of the type the generated method
declares for it (_samples.py): no spec is read, so the mock runs wherever the
package does, and every answer decodes into the type the SDK expects.

- JSON answers: one value of the response type (a model's required fields). List
  operations that page hold `ITEMS` items served `page_size`/`limit` at a time
  (default `PAGE`), with the cursor, total and `has_more` fields set to match, so
  iterating a page ends.
- Event streams: three events of the stream's event type, then its end (the done
  marker) when it has one. A path with both (`chat/completions`) streams when the
  body says `"stream": true`.
- Binary answers: `BINARY_BODY`; no-content answers: 204.
- Uploads (multipart or chunked) are read in full and kept in `uploads` (path →
  list of bodies), so a test can check what arrived.
- Objects keep their state (`Store`): what a create (`POST /v1/libraries`, a
  document upload, ...) answers is kept under its id; reading, listing, updating
  (`PATCH`/`PUT`, the body's fields merged) and deleting it then act on that object.
  An id the mock never handed out gets a generic answer, so that any call works.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import urllib.parse
import uuid
from typing import Any

from . import _samples as mock_samples

ITEMS = 3  # items of every list that pages
PAGE = 2  # page size when the request names none
BINARY_BODY = b"\x00\x01mock binary body\xff"


Calls = tuple[tuple[Any, str], ...]  # (operation, call) pairs, described when matched


@functools.cache
def _routes() -> dict[tuple[str, int], list[tuple[re.Pattern[str], Calls]]]:
    """The SDK's routes by (HTTP method, number of path segments), literal segments first
    (`/v1/files/batch` before `/v1/files/{id}`): read once per process from
    `OPERATIONS` alone (a route's methods are described when a request matches it)."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for operation, call in mock_samples.calls():
        route = operation.path.split("#", 1)[0]
        grouped.setdefault((operation.method, route), []).append((operation, call))
    ranked: list[tuple[int, str, int, re.Pattern[str], list[Any]]] = []
    for (method, template), found in grouped.items():
        literal = sum(1 for part in template.split("/") if part and "{" not in part)
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        ranked.append((-literal, method, template.count("/"), re.compile(f"^{regex}$"), found))
    ranked.sort(key=lambda r: r[0])
    table: dict[tuple[str, int], list[tuple[re.Pattern[str], Calls]]] = {}
    for _, method, depth, pattern, found in ranked:
        table.setdefault((method, depth), []).append((pattern, tuple(found)))
    return table


@functools.cache
def _described(found: Calls) -> tuple[Any, ...]:
    return tuple(mock_samples.endpoint(operation, call) for operation, call in found)


def endpoints(method: str, path: str) -> tuple[Any, ...]:
    """The SDK methods that call `method path` (two when one operation answers JSON
    or a stream, or a path has a streaming twin), most specific route first; () when
    none does."""
    for pattern, found in _routes().get((method, path.count("/")), ()):
        if pattern.match(path):
            return _described(found)
    return ()


class GenericAnswers:
    """Answers for every operation of the SDK (its routes are read on the first request)."""

    def __init__(self) -> None:
        self.uploads: dict[str, list[bytes]] = {}
        self.store = Store()

    def endpoints(self, method: str, path: str) -> list[Any]:
        return list(endpoints(method, path))

    # -- answering

    def handle(self, handler: Any, method: str, path: str, query: dict[str, str]) -> bool:
        """Answer the request if the SDK has its operation; whether it did."""
        found = self.endpoints(method, path)
        if not found:
            return False
        body = handler.read_body()
        content_type = handler.headers.get("Content-Type", "")
        if (
            content_type.startswith("multipart/")
            or handler.headers.get("Transfer-Encoding", "").lower() == "chunked"
        ):
            self.uploads.setdefault(path, []).append(body)
        streamed = wants_stream(body)
        chosen = next((e for e in found if (e.kind == "sse") == streamed), found[0])
        # the same values for every answer of an operation: asked twice, it says the same
        samples = mock_samples.Samples(chosen.call)
        if chosen.kind == "empty":
            handler.send_empty()
        elif chosen.kind == "binary":
            handler.send_bytes(BINARY_BODY)
        elif chosen.kind == "sse":
            handler.send_sse_frames(mock_samples.sse_frames(chosen, samples))
        else:
            template = chosen.route
            fields = _json_object(body)
            value = from_request(samples.wire(chosen.response_type), template, path, fields)
            many, kept = self.store.act(method, path, template, value, fields)
            if chosen.kind == "page":
                item = samples.wire(mock_samples.page_item_type(chosen))
                items = [{**item, **obj} for obj in kept] if many else None
                value = _page(samples, chosen, value, query, items)
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
            kept = objects.get(object_id) if one else None
            if kept is None:
                return False, []
            if method == "DELETE":
                del objects[object_id]
            elif method in ("PATCH", "PUT"):
                kept.update(_known(body, kept))
            return False, [kept]


def from_request(value: Any, template: str, path: str, body: dict[str, Any]) -> Any:
    """A made-up answer with the request's own values where it has them: the ids of the
    path (`id` from the last one when the path ends with it: `/v1/agents/{agent_id}`;
    a field of the same name), and the body's top-level scalars of the same name and
    kind (a `model`, a `name`)."""
    if not isinstance(value, dict):
        return value
    given = path_params(template, path)
    out = dict(value)
    for name, text in given.items():
        if isinstance(out.get(name), str):
            out[name] = text
    last = list(given)[-1] if given and template.endswith("}") else ""
    if last.endswith("id") and isinstance(out.get("id"), str):
        out["id"] = given[last]
    for name, sent in body.items():
        if name in out and _scalar(sent) and _scalar(out[name]) and _same_shape(sent, out[name]):
            out[name] = sent
    return out


def path_params(template: str, path: str) -> dict[str, str]:
    """The values of a path template's parameters in `path` (unquoted)."""
    names = re.findall(r"\{([^/}]+)\}", template)
    if not names:
        return {}
    pattern = re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(template))
    match = re.match(f"^{pattern}$", path)
    if match is None:
        return {}
    return {n: urllib.parse.unquote(v) for n, v in zip(names, match.groups(), strict=True)}


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


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
    """The body's fields that the object has, with values of the same shape (a create's
    name, an update's changes; not a request's `training_files` objects where the
    object keeps their ids)."""
    return {
        k: v
        for k, v in body.items()
        if k in like and k != "id" and v is not None and _same_shape(v, like[k])
    }


def _same_shape(value: Any, like: Any) -> bool:
    """Whether `value` can stand where `like` is: the same JSON kind, all the way down."""
    if like is None:
        return not isinstance(value, (dict, list))
    if isinstance(like, dict):
        return isinstance(value, dict) and all(
            _same_shape(v, like[k]) for k, v in value.items() if k in like and v is not None
        )
    if isinstance(like, list):
        return isinstance(value, list) and (not value or not like or _same_shape(value[0], like[0]))
    if isinstance(like, bool) or isinstance(value, bool):
        return isinstance(like, bool) and isinstance(value, bool)
    if isinstance(like, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(like))


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def wants_stream(body: bytes) -> bool:
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
    samples: Any, endpoint: Any, value: Any, query: dict[str, str], kept: list[Any] | None
) -> Any:
    """`value` holding the page the query asks for of the `kept` objects (else of
    `ITEMS` made-up items), and the fields that say where the next page starts (so
    that the SDK's iteration ends)."""
    pagination = endpoint.response.paginator
    size = _int(query.get(pagination.size)) if pagination.size else None
    size = size if size and size > 0 else PAGE
    sent = _int(query.get(pagination.param))
    if pagination.kind == "page":
        start = ((pagination.start if sent is None else sent) - pagination.start) * size
    else:  # a cursor is the offset of the next item, as text
        start = sent or 0
    made = [samples.wire(mock_samples.page_item_type(endpoint))] * ITEMS
    every = kept if kept is not None else made
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


def make_flow(server: Any) -> GenericAnswers:
    """The flow-module entry point (_app.FLOW_MODULES)."""
    return GenericAnswers()
