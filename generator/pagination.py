"""Which list operations page, and how: the rules behind `ir.Pagination`.

In order:

1. `x-speakeasy-pagination` on the operation: `cursor` (its cursor and limit inputs,
   `outputs.results` and `outputs.nextCursor`) or `offsetLimit` (its offset and
   limit inputs, `outputs.results`).
2. Else a query parameter named like a cursor (`cursor`, `page_token`, …) and a field
   of the answer named like the next cursor (`next_cursor`, `next_page_token`, …,
   at the top or inside one object field): cursor paging.
3. Else an integer `offset` parameter: offset paging (`limit` is the page size).
4. Else an integer `page` parameter with a default (the first page's number):
   page-number paging (`page_size` is the page size).

The items are the answer itself when it is an array, else its only list field (at
the top, or inside its only object field that has one). An operation for which no
such list is found does not page. A top-level integer `total` bounds offset and page
paging.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import ir

CURSOR_PARAMS = ("cursor", "page_token", "pageToken", "next_page_token")
NEXT_FIELDS = ("next_cursor", "next_page_token", "nextPageToken")
SIZE_PARAMS = ("page_size", "pageSize", "limit")


def infer(
    spec: Mapping[str, Any],
    params: list[ir.Param],
    response: ir.TypeExpr,
    defs: Mapping[str, ir.Definition],
    defaults: Mapping[str, Any],
) -> ir.Pagination | None:
    """The pagination of one GET operation, or None. `defaults` are the query
    parameters' spec defaults, by wire name."""
    query = {p.wire: p for p in params if p.location == "query"}
    size = next((n for n in SIZE_PARAMS if n in query), None)
    ext = spec.get("x-speakeasy-pagination")
    if isinstance(ext, dict):
        inputs = {
            i.get("type"): i.get("name") for i in ext.get("inputs") or [] if isinstance(i, dict)
        }
        outputs = ext.get("outputs") or {}
        items = _jsonpath(outputs.get("results"))
        listed = _at(response, items, defs) if items is not None else None
        item_type = _list_item(listed, defs) if listed is not None else None
        if items is None or item_type is None:
            return None
        limit = str(inputs["limit"]) if inputs.get("limit") in query else size
        cursor, offset = str(inputs.get("cursor")), str(inputs.get("offset"))
        if ext.get("type") == "cursor" and cursor in query:
            nxt = _jsonpath(outputs.get("nextCursor"))
            if nxt is not None:
                return ir.Pagination("cursor", cursor, items, item_type, limit, nxt)
        if ext.get("type") == "offsetLimit" and offset in query:
            total = _total(response, defs)
            return ir.Pagination("offset", offset, items, item_type, limit, (), total)
    found = _items(response, defs)
    if found is None:
        return None
    items, item_type = found
    cursor_param = next((n for n in CURSOR_PARAMS if n in query), None)
    if cursor_param is not None:
        nxt = _next_cursor(response, defs)
        if nxt is not None:
            return ir.Pagination("cursor", cursor_param, items, item_type, size, nxt)
    total = _total(response, defs)
    if _is_int(query.get("offset")):
        limit = "limit" if "limit" in query else size
        return ir.Pagination("offset", "offset", items, item_type, limit, (), total)
    if _is_int(query.get("page")) and isinstance(defaults.get("page"), int):
        page_size = "page_size" if "page_size" in query else size
        start = int(defaults["page"])
        return ir.Pagination("page", "page", items, item_type, page_size, (), total, start)
    return None


def _is_int(p: ir.Param | None) -> bool:
    return p is not None and p.type == ir.Prim("int")


def _jsonpath(expr: object) -> tuple[str, ...] | None:
    """`$.data` → ("data",); `$` → (); anything fancier → None."""
    if not isinstance(expr, str) or not expr.startswith("$"):
        return None
    parts = tuple(p for p in expr[1:].split(".") if p)
    if any(not p.isidentifier() for p in parts):
        return None
    return parts


def _model(t: ir.TypeExpr, defs: Mapping[str, ir.Definition]) -> ir.Model | None:
    t = t.inner if isinstance(t, ir.Nullable) else t
    if isinstance(t, ir.Ref):
        d = defs.get(t.name)
        if isinstance(d, ir.Model):
            return d
    return None


def _list_item(t: ir.TypeExpr, defs: Mapping[str, ir.Definition]) -> ir.TypeExpr | None:
    t = t.inner if isinstance(t, ir.Nullable) else t
    if isinstance(t, ir.Ref):
        d = defs.get(t.name)
        if isinstance(d, ir.Alias):
            return _list_item(d.type, defs)
    return t.item if isinstance(t, ir.ListOf) else None


def _at(
    t: ir.TypeExpr, path: tuple[str, ...], defs: Mapping[str, ir.Definition]
) -> ir.TypeExpr | None:
    for name in path:
        model = _model(t, defs)
        found = next((f for f in model.fields if f.wire == name), None) if model else None
        if found is None:
            return None
        t = found.type
    return t


def _items(
    t: ir.TypeExpr, defs: Mapping[str, ir.Definition]
) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
    item = _list_item(t, defs)
    if item is not None:
        return (), item
    model = _model(t, defs)
    if model is None:
        return None
    lists = [(f.wire, _list_item(f.type, defs)) for f in model.fields]
    lists = [(w, i) for w, i in lists if i is not None]
    if len(lists) == 1:
        return (lists[0][0],), lists[0][1]  # type: ignore[return-value]
    if lists:
        return None
    nested = [(f.wire, _items(f.type, defs)) for f in model.fields if _model(f.type, defs)]
    nested = [(w, found) for w, found in nested if found is not None and found[0]]
    if len(nested) == 1:
        wire, (path, item) = nested[0]  # type: ignore[misc]
        return (wire, *path), item
    return None


def _next_cursor(t: ir.TypeExpr, defs: Mapping[str, ir.Definition]) -> tuple[str, ...] | None:
    model = _model(t, defs)
    if model is None:
        return None
    for f in model.fields:
        if f.wire in NEXT_FIELDS:
            return (f.wire,)
    for f in model.fields:
        inner = _model(f.type, defs)
        if inner is not None:
            for g in inner.fields:
                if g.wire in NEXT_FIELDS:
                    return (f.wire, g.wire)
    return None


def _total(t: ir.TypeExpr, defs: Mapping[str, ir.Definition]) -> tuple[str, ...]:
    model = _model(t, defs)
    if model is not None:
        for f in model.fields:
            ft = f.type.inner if isinstance(f.type, ir.Nullable) else f.type
            if f.wire == "total" and ft == ir.Prim("int"):
                return ("total",)
    return ()
