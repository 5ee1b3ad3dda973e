"""Spec drift: what the overlay names that the spec (no longer) has.

Each such entry is a warning with the pointer where the spec would have it; the
generator goes on without the entry. The stream ends an enum lacks are reported
where they are read (`streams.finish`), and so are the renamed names the spec does not
fit (`renamed.aliases`).
"""

from __future__ import annotations

from typing import Any

from .. import helpers, ir
from ..load import Problems, escape
from ..overlay import Overlay


def check(
    api: ir.API,
    doc: dict[str, Any],
    named: dict[str, str],
    overlay: Overlay,
    problems: Problems,
) -> None:
    """Warn about each overlay entry the spec behind `api` lacks; `named` maps the
    pointer of each inline schema to the name it was given. The entries of the
    overlay's `supplement` count only when a supplement was merged in."""
    supplement = overlay.supplement if api.supplement is not None else None
    for pointer in sorted(set(overlay.inline_schemas) - set(named)):
        name = overlay.inline_schemas[pointer].name
        problems.warn(pointer, f"overlay inline_schemas names `{name}` for a schema not here")
    ids = {op.operation_id for op in api.operations}
    for op_id in (*overlay.operations, *(supplement.operations if supplement else ())):
        if op_id not in ids:
            problems.warn("#/paths", f"overlay operations names `{op_id}`, an operation not here")
    tags = _tags(doc)
    for tag in (*overlay.tags, *(supplement.tags if supplement else ())):
        if tag not in tags:
            problems.warn("#/paths", f"overlay tags names `{tag}`, a tag no operation has")
    for namespace in overlay.naming.namespaces:
        if not any(tag.split(".")[0] == namespace for tag in tags):
            problems.warn(
                "#/paths", f"overlay naming.namespaces names `{namespace}`, which begins no tag"
            )
    for name in (*overlay.schemas, *(supplement.schemas if supplement else ())):
        if name not in api.definitions:
            problems.warn(
                f"#/components/schemas/{escape(name)}",
                f"overlay schemas names `{name}`, a definition not here",
            )
    resources = _resources(api.root)
    for path in overlay.resources:
        if path not in resources:
            problems.warn(
                "#/paths", f"overlay resources names `client.{path}`, a resource not here"
            )
    for message in helpers.missing_operations(api.root, overlay):  # tests/test_helpers_present.py
        problems.warn("#/paths", message)


def _tags(doc: dict[str, Any]) -> set[str]:
    return {
        str(tag)
        for item in (doc.get("paths") or {}).values()
        if isinstance(item, dict)
        for op in item.values()
        if isinstance(op, dict)
        for tag in op.get("tags") or ()
    }


def _resources(node: ir.Resource) -> set[str]:
    out = {".".join(node.path)} if node.path else set()
    for child in node.children.values():
        out |= _resources(child)
    return out
