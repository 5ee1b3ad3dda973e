"""Two sources, one document: the public spec with the supplement merged into it.

The supplement (`spec/supplement.yaml`, docs/spec.md) holds the operations the official
SDK calls and the public spec lacks, read from one official release. It refers to the
public spec's schemas as `openapi.yaml#/components/schemas/<Name>` and copies nothing
from it. Merged, it becomes part of the document the passes read, so its operations
are generated like every other one; the public spec wins wherever both describe
something:

- an operation (by METHOD and path, path parameters' names ignored) the public spec has
  is taken from the public spec, and the supplement's is left out with a warning (the
  next `make spec-supplement` drops it);
- a schema of a name the public spec has is the public one;
- only the supplement's schemas its kept operations reach are added, so the result
  does not depend on whether the supplement was re-extracted since the public spec
  gained an operation;
- an operation that reaches a public schema the public spec no longer has is left out
  with a warning (the supplement was made against another public spec);
- a security scheme of a name the public spec has is the public one.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

from . import ir
from .load import Problems, escape, load

# Where the supplement sits: beside the public spec, under this name.
FILE_NAME = "supplement.yaml"
PUBLIC_REF = "openapi.yaml#/components/schemas/"
LOCAL_REF = "#/components/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# What `read_api` and the command line take for the supplement: a file, `None` for
# the one beside the spec when there is one, `False` for none.
SupplementChoice = str | Path | Literal[False] | None


def beside(spec: str | Path) -> Path | None:
    """The supplement next to `spec` (`spec/supplement.yaml`), when there is one."""
    path = Path(spec).with_name(FILE_NAME)
    return path if path.is_file() else None


def choose(spec: str | Path, supplement: SupplementChoice) -> Path | None:
    """The supplement file to merge into `spec`, if any (see `SupplementChoice`)."""
    if supplement is False:
        return None
    if supplement is None:
        return beside(spec)
    return Path(supplement)


def load_merged(
    spec: str | Path, supplement: SupplementChoice, problems: Problems
) -> tuple[dict[str, Any], ir.Supplement | None]:
    """The public spec at `spec`, with the supplement merged in when there is one."""
    doc = load(spec, problems)
    path = choose(spec, supplement)
    if path is None:
        return doc, None
    data = path.read_bytes()
    return doc, merge(doc, load(path, problems), problems, hashlib.sha256(data).hexdigest())


def route(method: str, path: str) -> tuple[str, str]:
    """METHOD and path with parameter names and a client-side `#fragment` dropped."""
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path.split("#", 1)[0])


def merge(
    doc: dict[str, Any], supplement: dict[str, Any], problems: Problems, sha256: str = ""
) -> ir.Supplement:
    """Add the supplement's operations and schemas to `doc` (the public spec, changed
    in place) as the module says; what was added, and from which release."""
    source = supplement.get("x-source") or {}
    release = f"{source.get('package', 'official SDK')} {source.get('version', '?')}".strip()
    public_schemas: dict[str, Any] = doc["components"]["schemas"]
    own_schemas: dict[str, Any] = supplement["components"]["schemas"]
    known = {
        route(verb, path)
        for path, item in doc.get("paths", {}).items()
        for verb in item
        if verb in HTTP_METHODS
    }
    # the supplement's global security, where it is not the public spec's
    security = supplement.get("security")
    own_security = security if security and security != doc.get("security") else None

    pointers: set[str] = set()
    added = 0
    for path, item in supplement.get("paths", {}).items():
        for verb, operation in item.items():
            if verb not in HTTP_METHODS:
                continue
            where = f"#/paths/{escape(path)}/{verb}"
            if route(verb, path) in known:
                problems.warn(
                    where,
                    f"{verb.upper()} {path} is in the public spec now: generated from it, not "
                    "from the supplement (`make spec-supplement` drops it there)",
                )
                continue
            names = reached(operation, own_schemas, public_schemas)
            missing = sorted(n for n in names if n not in own_schemas and n not in public_schemas)
            if missing:
                problems.warn(
                    where,
                    f"left out: it needs {', '.join(missing)}, which neither the public spec "
                    "nor the supplement defines (the supplement was made against another "
                    "public spec; run `make spec-supplement`)",
                )
                continue
            operation = localized(operation)
            if own_security is not None and "security" not in operation:
                operation = {**operation, "security": own_security}
            doc.setdefault("paths", {}).setdefault(path, {})[verb] = operation
            pointers.add(where)
            added += 1
            for name in names:
                if name in public_schemas:
                    continue  # the public one (or already added)
                public_schemas[name] = localized(own_schemas[name])
                pointers.add(f"{LOCAL_REF}{escape(name)}")
    schemes = doc["components"].setdefault("securitySchemes", {})
    for name, scheme in (supplement["components"].get("securitySchemes") or {}).items():
        schemes.setdefault(name, scheme)
    return ir.Supplement(release, sha256, added, frozenset(pointers))


def _refs(node: Any) -> set[str]:
    """Every `$ref` and discriminator mapping target in `node`."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.add(ref)
            discriminator = item.get("discriminator")
            mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
            if isinstance(mapping, dict):
                found.update(v for v in mapping.values() if isinstance(v, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _name(ref: str) -> str | None:
    """The schema a supplement reference names (its own or the public spec's)."""
    for prefix in (LOCAL_REF, PUBLIC_REF):
        if ref.startswith(prefix):
            return ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
    return None


def reached(operation: dict[str, Any], own: dict[str, Any], public: dict[str, Any]) -> set[str]:
    """The schema names `operation` reaches: through the supplement's own schemas (a
    name the public spec also has is the public one, whose references are its own)."""
    seen: set[str] = set()
    pending = [operation]
    while pending:
        for ref in _refs(pending.pop()):
            name = _name(ref)
            if name is None or name in seen:
                continue
            seen.add(name)
            if ref.startswith(LOCAL_REF) and name in own and name not in public:
                pending.append(own[name])
    return seen


def localized(node: Any) -> Any:
    """`node` with references to the public spec made local to the merged document."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(PUBLIC_REF):
                out[key] = LOCAL_REF + value[len(PUBLIC_REF) :]
            elif key == "mapping" and isinstance(value, dict):
                out[key] = {
                    k: LOCAL_REF + v[len(PUBLIC_REF) :]
                    if isinstance(v, str) and v.startswith(PUBLIC_REF)
                    else v
                    for k, v in value.items()
                }
            else:
                out[key] = localized(value)
        return out
    if isinstance(node, list):
        return [localized(v) for v in node]
    return node
