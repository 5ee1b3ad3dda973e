#!/usr/bin/env python3
"""Write spec/supplement.yaml: the operations of the official SDK the public spec lacks.

    python scripts/extract_supplement.py            # (make spec-supplement) write it
    python scripts/extract_supplement.py --check    # exit 1 if the committed one is stale

Mistral's official Python SDK (`mistralai`, Speakeasy-generated) is generated from
Mistral's own spec, which is newer than the public one we track (spec/openapi.yaml).
This script reads the INSTALLED official release pinned in spec/lock.json
(`supplement`: package, version, the wheel's sha256), refusing any other version and
any installed file that differs from the package's own RECORD, and writes an OpenAPI
3.1 document with every operation that release calls and the public spec lacks
(compared by METHOD and path, path parameters' names ignored), with the schemas they
reach, converted from the package's type definitions (scripts/speakeasy_types.py).

Facts only: names, types, paths, enums, required-ness, defaults. No descriptions,
summaries or examples (the package ships no example payloads); a response's
`description`, which OpenAPI requires, is empty.

A schema of the same name in the public spec that says the same thing (compared in
the canonical form of scripts/schema_compare.py) is not repeated: the supplement
refers to it as `openapi.yaml#/components/schemas/<Name>`, the public spec beside it.
One that differs keeps the official definition, marked `x-differs-from-public` with
the names of what differs. The public spec wins wherever both describe something
(docs/spec.md).
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import importlib.metadata
import json
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from schema_compare import Canonical, difference
from speakeasy_operations import Operation, Response, read_operations
from speakeasy_types import (
    Converter,
    FieldFacts,
    Package,
    Schema,
    UnsupportedType,
    name_of,
    nullable,
)

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "spec" / "lock.json"
PUBLIC = ROOT / "spec" / "openapi.yaml"
TARGET = ROOT / "spec" / "supplement.yaml"
PUBLIC_REF = "openapi.yaml#/components/schemas/"
LOCAL_REF = "#/components/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

MEDIA_TYPES = {
    "json": "application/json",
    "multipart": "multipart/form-data",
    "form": "application/x-www-form-urlencoded",
    "raw": "application/octet-stream",
    "string": "text/plain",
}
# OpenAPI's serialization defaults by parameter location (only other values are written)
DEFAULT_STYLE = {"query": ("form", True), "path": ("simple", False), "header": ("simple", False)}


class ExtractionError(Exception):
    """Why the supplement cannot be made (printed as is)."""


# --- the installed release ---------------------------------------------------------


class Release:
    """The installed official package, checked against the pin and its own RECORD; or
    the one unpacked at `dist` (a wheel's `.dist-info` folder, which is how
    scripts/spec_update.py reads a newer release without installing it)."""

    def __init__(self, pin: dict[str, str], dist: Path | None = None) -> None:
        self.pin = pin
        name, version = pin["package"], pin["version"]
        try:
            self.dist = (
                importlib.metadata.Distribution.at(dist)
                if dist is not None
                else importlib.metadata.distribution(name)
            )
        except importlib.metadata.PackageNotFoundError:
            raise ExtractionError(
                f"{name} is not installed; the supplement is read from {name}=={version} "
                f"(spec/lock.json). Install it: pip install {name}=={version} "
                "(the dev extra pins it: pip install -e '.[dev]')"
            ) from None
        if self.dist.version != version:
            raise ExtractionError(
                f"installed {name} is {self.dist.version}, spec/lock.json pins {version}. "
                f"Install the pinned release (pip install {name}=={version}), or move the pin "
                "to the new one as docs/spec.md says (lock, pyproject's dev extra, then "
                "make spec-supplement)."
            )
        self.hashes = {
            str(f): f.hash.value
            for f in self.dist.files or ()
            if f.hash and f.hash.mode == "sha256"
        }
        self.root = Path(str(self.dist.locate_file("")))
        self.files_read = 0

    def read(self, path: Path) -> str:
        """A file of the package, verified against the sha256 its RECORD lists."""
        relative = path.relative_to(self.root).as_posix()
        data = path.read_bytes()
        expected = self.hashes.get(relative)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if expected is None or digest != expected:
            raise ExtractionError(
                f"{relative} differs from {self.pin['package']} {self.pin['version']}'s RECORD: "
                "reinstall it (pip install --force-reinstall --no-deps "
                f"{self.pin['package']}=={self.pin['version']})"
            )
        self.files_read += 1
        return data.decode("utf-8")

    @property
    def client_dir(self) -> Path:
        return self.root / self.pin["package"] / "client"


# --- what the public spec has ------------------------------------------------------


def route(method: str, path: str) -> tuple[str, str]:
    """METHOD and path with parameter names and a client-side `#fragment` dropped."""
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path.split("#", 1)[0])


def public_routes(public: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        route(method, path)
        for path, item in public.get("paths", {}).items()
        for method in item
        if method in HTTP_METHODS
    }


def missing_operations(operations: Iterable[Operation], public: dict[str, Any]) -> list[Operation]:
    """The official operations whose METHOD and path the public spec lacks."""
    known = public_routes(public)
    chosen: dict[tuple[str, str], Operation] = {}
    for op in operations:
        key = route(op.method, op.path)
        if key in known:
            continue
        if key in chosen:
            raise ExtractionError(
                f"{key[0]} {key[1]} is called by both {chosen[key].call} and {op.call}"
            )
        chosen[key] = op
    return sorted(chosen.values(), key=lambda op: (op.path, op.method))


# --- operations as OpenAPI ---------------------------------------------------------


class Builder:
    """Turns the official operations into path items, collecting their schemas."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.types = Converter(package)
        self.security_schemes: dict[str, Schema] = {}

    def operation(self, op: Operation) -> Schema:
        where = op.call
        result: Schema = {"operationId": op.operation_id}
        # the official tags: where an operation sits on our client is the generator's
        # business (spec/overlay.yaml, `supplement.tags`)
        result["tags"] = list(op.tags)
        parameters, body_field = self.parameters(op)
        self.check_path_parameters(op, parameters)
        if parameters:
            result["parameters"] = parameters
        if op.body_type is not None:
            result["requestBody"] = self.request_body(op, body_field)
        result["responses"] = self.responses(op)
        if op.security_type is not None:
            result["security"] = self.security(op.security_type)
        result["x-official"] = {"call": op.call, "tags": op.tags}
        if not result["responses"]:
            raise ExtractionError(f"{where}: no response")
        return result

    def parameters(self, op: Operation) -> tuple[list[Schema], FieldFacts | None]:
        """Path, query and header parameters of the request model; and its body field."""
        if op.request_type is None or (op.body_attribute is None and op.body_type is not None):
            return [], None  # no request model, or the request model is the body itself
        definition = self.package.get(op.request_type)
        parameters: list[Schema] = []
        body: FieldFacts | None = None
        for facts in self.types.fields(definition):
            if facts.location == "request":
                body = facts
                continue
            if facts.location not in DEFAULT_STYLE:
                raise ExtractionError(
                    f"{op.call}: field {facts.python_name} of {op.request_type} "
                    f"is neither a parameter nor the body ({facts.location})"
                )
            parameter: Schema = {
                "name": facts.wire_name,
                "in": facts.location,
                "required": facts.required or facts.location == "path",
                "schema": facts.schema,
            }
            style, explode = DEFAULT_STYLE[facts.location]
            if facts.style is not None and facts.style != style:
                parameter["style"] = facts.style
            if facts.explode is not None and facts.explode != explode:
                parameter["explode"] = facts.explode
            parameters.append(parameter)
        if op.body_type is not None and (body is None or body.python_name != op.body_attribute):
            raise ExtractionError(f"{op.call}: body {op.body_attribute} not in {op.request_type}")
        return parameters, body

    @staticmethod
    def check_path_parameters(op: Operation, parameters: list[Schema]) -> None:
        declared = {p["name"] for p in parameters if p["in"] == "path"}
        templated = set(re.findall(r"\{([^}]*)\}", op.path))
        if declared != templated:
            raise ExtractionError(
                f"{op.call}: path {op.path} has parameters {sorted(templated)}, "
                f"its request model {sorted(declared)}"
            )

    def request_body(self, op: Operation, body_field: FieldFacts | None) -> Schema:
        assert op.body_type is not None and op.body_format is not None
        media = MEDIA_TYPES.get(op.body_format)
        if media is None:
            raise ExtractionError(f"{op.call}: body format {op.body_format}")
        if op.body_format == "multipart":
            schema = self.multipart(name_of(op.body_type))
        else:
            schema = self.types.type_schema(op.body_type, None, op.call)
            if op.body_nullable:
                schema = nullable(schema)
        required = op.body_required if body_field is None else body_field.required
        return {"content": {media: {"schema": schema}}, "required": required}

    def multipart(self, name: str) -> Schema:
        """A multipart body: its model's fields, file parts as binary strings."""
        properties: dict[str, Schema] = {}
        required: list[str] = []
        for facts in self.types.fields(self.package.get(name)):
            schema = facts.schema
            if facts.multipart == "file":
                binary: Schema = {"type": "string", "format": "binary"}
                schema = (
                    {"type": "array", "items": binary} if schema.get("type") == "array" else binary
                )
            properties[facts.wire_name] = schema
            if facts.required:
                required.append(facts.wire_name)
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def responses(self, op: Operation) -> Schema:
        responses: dict[str, Schema] = {}
        for response in op.responses:
            entry = responses.setdefault(response.status, {"description": ""})
            if response.media_type is None:
                continue
            entry.setdefault("content", {})[response.media_type] = self.media(response)
        return responses

    def media(self, response: Response) -> Schema:
        if response.kind == "binary" or response.type_expr is None:
            return {"schema": {"type": "string", "format": "binary"}}
        media: Schema = {"schema": self.types.type_schema(response.type_expr, None)}
        if response.kind == "sse" and response.sentinel is not None:
            media["x-sse-sentinel"] = response.sentinel
        return media

    def security(self, name: str) -> list[Schema]:
        """The alternatives of a per-operation security model (one scheme each)."""
        requirements: list[Schema] = []
        for facts in self.types.fields(self.package.get(name)):
            requirements.append({self.scheme(facts): []})
        return requirements

    def scheme(self, facts: FieldFacts) -> str:
        meta = facts.security or {}
        name = "".join(part.capitalize() for part in facts.python_name.split("_"))
        if meta.get("scheme_type") == "http":
            scheme: Schema = {"type": "http", "scheme": meta["sub_type"]}
        elif meta.get("scheme_type") == "apiKey":
            scheme = {"type": "apiKey", "in": meta["sub_type"], "name": meta["field_name"]}
        else:
            raise ExtractionError(f"security scheme {name}: {meta}")
        self.security_schemes[name] = scheme
        return name


# --- the public spec's schemas -------------------------------------------------------


def share_public(
    components: dict[str, Schema], public: dict[str, Any]
) -> tuple[set[str], dict[str, Schema]]:
    """Which of our components the public spec has, the same (referred to, not repeated),
    and what differs in the others of the same name."""
    public_schemas = public.get("components", {}).get("schemas", {})
    ours = Canonical(components, (LOCAL_REF,))
    theirs = Canonical(public_schemas, (LOCAL_REF,))
    same: set[str] = set()
    differences: dict[str, Schema] = {}
    for name in sorted(set(components) & set(public_schemas)):
        mine, other = ours.of_name(name), theirs.of_name(name)
        if mine == other:
            same.add(name)
        else:
            differences[name] = difference(mine, other)
    return same, differences


def map_refs(node: Any, change: Any) -> Any:
    """`node` with every `$ref` and discriminator mapping passed through `change`."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                result[key] = change(value)
            elif key == "discriminator" and isinstance(value, dict) and "mapping" in value:
                result[key] = {
                    **value,
                    "mapping": {k: change(v) for k, v in value["mapping"].items()},
                }
            else:
                result[key] = map_refs(value, change)
        return result
    if isinstance(node, list):
        return [map_refs(v, change) for v in node]
    return node


def refs(node: Any) -> set[str]:
    """Every reference in `node` (discriminator mappings included)."""
    found: set[str] = set()

    def note(ref: str) -> str:
        found.add(ref)
        return ref

    map_refs(node, note)
    return found


def rewrite_refs(node: Any, same: set[str]) -> Any:
    """Point references to a shared schema at the public spec."""

    def target(ref: str) -> str:
        name = ref.removeprefix(LOCAL_REF)
        return PUBLIC_REF + name if ref.startswith(LOCAL_REF) and name in same else ref

    return map_refs(node, target)


def reachable(roots: Any, components: dict[str, Schema]) -> set[str]:
    """The components `roots` refers to, directly or not (local refs only)."""
    seen: set[str] = set()
    pending = [roots]
    while pending:
        for ref in refs(pending.pop()):
            name = ref.removeprefix(LOCAL_REF)
            if ref.startswith(LOCAL_REF) and name not in seen:
                seen.add(name)
                pending.append(components[name])
    return seen


# --- the document ------------------------------------------------------------------


def servers(release: Release) -> list[Schema]:
    """The SDK's servers (the `SERVERS` table of its configuration), in its order."""
    tree = ast.parse(release.read(release.client_dir / "sdkconfiguration.py"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "SERVERS"
            and isinstance(node.value, ast.Dict)
        ):
            return [{"url": ast.literal_eval(v)} for v in node.value.values]
    raise ExtractionError("sdkconfiguration.py: no SERVERS table")


def build(release: Release, public: dict[str, Any], public_sha256: str) -> dict[str, Any]:
    package = Package(release.client_dir, release.read)
    official = read_operations(release.client_dir, release.read)
    chosen = missing_operations(official, public)
    builder = Builder(package)
    paths: dict[str, Schema] = {}
    for op in chosen:
        paths.setdefault(op.path, {})[op.method.lower()] = builder.operation(op)
    global_scheme = builder.security("Security")  # the client's: every operation's default
    builder.types.complete_discriminators()
    components = builder.types.components
    same, differences = share_public(components, public)
    paths = rewrite_refs(paths, same)
    rewritten = {name: rewrite_refs(schema, same) for name, schema in components.items()}
    schemas: dict[str, Schema] = {}
    for name in sorted(reachable(paths, rewritten)):
        schemas[name] = rewritten[name]
        if name in differences:
            schemas[name] = {**rewritten[name], "x-differs-from-public": differences[name]}
    pin = release.pin
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{pin['package']} {pin['version']} supplement",
            "version": pin["version"],
        },
        "x-source": {
            "package": pin["package"],
            "version": pin["version"],
            "wheel_sha256": pin["sha256"],
            "public_spec_sha256": public_sha256,
            "operations_in_package": len(official),
            "operations_here": len(chosen),
            "public_schemas_referred": len(
                {r for r in refs([paths, schemas]) if r.startswith(PUBLIC_REF)}
            ),
        },
        "servers": servers(release),
        "security": global_scheme,
        "paths": {path: dict(sorted(item.items())) for path, item in sorted(paths.items())},
        "components": {
            "schemas": schemas,
            "securitySchemes": dict(sorted(builder.security_schemes.items())),
        },
    }


def dump(document: dict[str, Any]) -> str:
    """YAML, keys in the order built (paths and components sorted), byte-stable."""
    return yaml.dump(
        document, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, width=100
    )


def extract(lock_path: Path = LOCK, public_path: Path = PUBLIC) -> str:
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    pin = lock.get("supplement")
    if not isinstance(pin, dict):
        raise ExtractionError(f"{lock_path}: no `supplement` pin")
    release = Release(pin)
    if not public_path.is_file():
        raise ExtractionError(f"{public_path} is missing: run `make spec` first")
    data = public_path.read_bytes()
    if hashlib.sha256(data).hexdigest() != lock["sha256"]:
        raise ExtractionError(f"{public_path} does not match spec/lock.json: run `make spec`")
    return extract_against(release, data)


def extract_against(release: Release, public_data: bytes) -> str:
    """The supplement of `release` against the public spec whose bytes are given (the
    tracked one, or a new one `make spec-update` is about to accept)."""
    sha256 = hashlib.sha256(public_data).hexdigest()
    public = yaml.load(public_data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        return dump(build(release, public, sha256))
    except UnsupportedType as exc:
        pin = release.pin
        raise ExtractionError(f"{pin['package']} {pin['version']}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=TARGET, help="where to write (default: %(default)s)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if --out is not current"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        text = extract()
    except ExtractionError as exc:
        print(f"extract_supplement: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    out: Path = args.out
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    document = yaml.safe_load(text)
    summary = (
        f"{document['x-source']['operations_here']} operations, "
        f"{len(document['components']['schemas'])} schemas ({elapsed:.1f} s)"
    )
    if args.check:
        if current != text:
            print(
                f"extract_supplement: {out} is not current; run `make spec-supplement`",
                file=sys.stderr,
            )
            return 1
        print(f"extract_supplement: {out} is current: {summary}")
        return 0
    if current != text:
        out.write_text(text, encoding="utf-8")
        print(f"extract_supplement: wrote {out}: {summary}")
    else:
        print(f"extract_supplement: {out} unchanged: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
