"""Read the OpenAPI document and normalise its known defects.

Problems are collected, not raised one at a time: each carries the JSON pointer
where it occurs. Warnings have one safe reading and do not stop the run; errors do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

try:  # the C loader reads the 1 MB spec about ten times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class Problem:
    level: Literal["warning", "error"]
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.pointer}: {self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def warn(self, pointer: str, message: str) -> None:
        self.items.append(Problem("warning", pointer, message))

    def error(self, pointer: str, message: str) -> None:
        self.items.append(Problem("error", pointer, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == "warning"]


class SpecError(Exception):
    """The spec has problems without a safe reading; the run stops."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"the spec has {len(problems)} problem(s) the generator cannot resolve:\n{lines}"
        )


def escape(token: str) -> str:
    """Escape one JSON-pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def load(path: str | Path, problems: Problems) -> dict[str, Any]:
    """Read and normalise the document at `path`."""
    text = Path(path).read_text(encoding="utf-8")
    doc = yaml.load(text, Loader=_Loader)
    if not isinstance(doc, dict) or "paths" not in doc:
        raise SpecError([Problem("error", "#", "not an OpenAPI document (no `paths`)")])
    doc.setdefault("components", {}).setdefault("schemas", {})
    hoist_local_defs(doc, problems)
    return doc


# --- QUIRKS 1: `$defs` referenced as `#/$defs/X` -----------------------------


def hoist_local_defs(doc: dict[str, Any], problems: Problems) -> None:
    """Move every nested `$defs` into `components/schemas`, rewriting its references.

    `#/$defs/X` inside a schema that carries `$defs` only resolves against that
    schema; the one safe reading is the nearest enclosing `$defs`. A hoisted schema
    whose name is taken by a different schema is renamed `<Context><Name>`.
    """
    schemas: dict[str, Any] = doc["components"]["schemas"]

    def visit(node: Any, pointer: str, context: str) -> None:
        if isinstance(node, dict):
            defs = node.get("$defs")
            if isinstance(defs, dict) and defs:
                renames: dict[str, str] = {}
                for name in sorted(defs):
                    target = name
                    existing = schemas.get(name)
                    if existing is not None and not _same_schema(existing, defs[name]):
                        target = f"{context}{name}"
                    renames[name] = target
                _rewrite_refs(node, renames)
                for name in sorted(defs):
                    target = renames[name]
                    if target not in schemas:
                        schemas[target] = defs[name]
                    problems.warn(
                        f"{pointer}/$defs/{escape(name)}",
                        f"local `$defs` schema hoisted to #/components/schemas/{escape(target)}",
                    )
                del node["$defs"]
            for key, value in node.items():
                visit(value, f"{pointer}/{escape(str(key))}", context)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                visit(value, f"{pointer}/{i}", context)

    for name in list(schemas):
        visit(schemas[name], f"#/components/schemas/{escape(name)}", name)
    for path, item in doc.get("paths", {}).items():
        context = "".join(
            p.capitalize() for p in _words(path.split("#")[0].rstrip("/").rsplit("/", 1)[-1])
        )
        visit(item, f"#/paths/{escape(path)}", context)


def _words(text: str) -> list[str]:
    return [w for w in text.replace("-", "_").replace("{", "").replace("}", "").split("_") if w]


def _same_schema(a: Any, b: Any) -> bool:
    """Equal up to documentation: such a hoisted schema merges with the existing one."""

    def strip(s: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in s.items() if k not in ("description", "title")}

    if isinstance(a, dict) and isinstance(b, dict):
        return json.dumps(strip(a), sort_keys=True) == json.dumps(strip(b), sort_keys=True)
    return bool(a == b)


def _rewrite_refs(node: Any, renames: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref[len("#/$defs/") :]
            if name in renames:
                node["$ref"] = f"#/components/schemas/{escape(renames[name])}"
        for key, value in node.items():
            if key != "$defs":
                _rewrite_refs(value, renames)
            else:
                for sub in value.values():
                    _rewrite_refs(sub, renames)
    elif isinstance(node, list):
        for value in node:
            _rewrite_refs(value, renames)


def resolve_pointer(doc: dict[str, Any], ref: str) -> Any:
    """Resolve a local reference (`#/a/b`); raise KeyError when it dangles."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    node: Any = doc
    for raw in ref[1:].split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
