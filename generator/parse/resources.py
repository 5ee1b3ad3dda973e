"""The resources pass: tag paths → the client's resource tree (`beta` →
`beta.conversations`), checked for method names that collide, with the runtime
mixin of each resource that has hand-written helpers (the overlay's `resources`).

A supplement operation (generator/merge.py) whose method would take the name of a
public operation's on the same resource is left out with a warning: the public spec
wins there too (the overlay's `supplement.operations` can name it otherwise)."""

from __future__ import annotations

from .. import ir
from ..load import Problems
from ..naming import attribute
from ..overlay import Overlay


def tree(
    operations: list[ir.Operation], overlay: Overlay, problems: Problems
) -> tuple[ir.Resource, list[ir.Operation]]:
    """The resource tree, and the operations it holds (all but the left-out ones)."""
    public: dict[tuple[str, ...], dict[str, str]] = {}
    for op in operations:
        if op.source == "spec":
            names = public.setdefault(_path(op), {})
            names.update((m.name, op.operation_id) for m in op.methods)
    root = ir.Resource(())
    kept: list[ir.Operation] = []
    for op in operations:
        taken = public.get(_path(op), {}) if op.source == "supplement" else {}
        clash = next((m.name for m in op.methods if m.name in taken), None)
        if clash is not None:
            call = ".".join((*_path(op), clash))
            problems.warn(
                op.pointer,
                f"left out: `{call}` is the public spec's {taken[clash]} (name it otherwise "
                "in the overlay, `supplement.operations.<operationId>.method`)",
            )
            continue
        kept.append(op)
        node = root
        for part in op.tag.split("."):
            path = (*node.path, attribute(part))
            if path[-1] not in node.children:
                node.children[path[-1]] = ir.Resource(
                    path, mixin=overlay.mixin(path), batch_runner=overlay.batch_runner(path)
                )
            node = node.children[path[-1]]
        node.operations.append(op)
    _check(root, problems)
    return root, kept


def _path(op: ir.Operation) -> tuple[str, ...]:
    return tuple(attribute(part) for part in op.tag.split("."))


def _check(node: ir.Resource, problems: Problems) -> None:
    """Two methods of one resource with one name, or a method named like a child."""
    seen: dict[str, str] = {}
    for op in node.operations:
        for m in op.methods:
            if m.name in seen:
                problems.error(
                    op.pointer,
                    f"method name `{'.'.join(node.path)}.{m.name}` is also derived for "
                    f"{seen[m.name]}; name one of them in the overlay "
                    "(spec/overlay.yaml, `operations.<operationId>.method`)",
                )
            if m.name in node.children:
                problems.error(op.pointer, f"method `{m.name}` collides with a sub-resource")
            seen[m.name] = op.operation_id
    for child in node.children.values():
        _check(child, problems)
