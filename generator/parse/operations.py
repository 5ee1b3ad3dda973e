"""The operations pass: each path and verb → `ir.Operation` (parameters, request
body, responses, the Python methods it becomes, pagination).

Types come from the types pass (`Schemas.type_of`); event streams from `streams`.
"""

from __future__ import annotations

from typing import Any, Literal

from .. import helpers, ir, pagination
from ..load import escape
from ..naming import attribute, identifier, method_name, pascal, sentence
from . import streams
from .schemas import Schemas

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Operations:
    def __init__(self, schemas: Schemas) -> None:
        self.schemas = schemas
        self.doc = schemas.doc
        self.problems = schemas.problems
        self.overlay = schemas.overlay
        self.defs = schemas.defs

    def all(self) -> list[ir.Operation]:
        ops: list[ir.Operation] = []
        for path, item in self.doc.get("paths", {}).items():
            if not isinstance(item, dict):
                continue
            shared = item.get("parameters", [])
            for verb in HTTP_METHODS:
                if verb in item:
                    pointer = f"#/paths/{escape(path)}/{verb}"
                    op = self.operation(path, verb, item[verb], shared, pointer)
                    if op:
                        ops.append(op)
        return ops

    def operation(
        self, path: str, verb: str, spec: dict[str, Any], shared: list[Any], pointer: str
    ) -> ir.Operation | None:
        op_id = spec.get("operationId")
        if not op_id:
            self.problems.error(pointer, "operation has no operationId")
            return None
        tags = spec.get("tags") or ["default"]
        tag = max(tags, key=lambda t: (t.count("."), -tags.index(t)))
        entry = self.overlay.tag(tag)
        tag = entry.resource if entry is not None else tag
        http_path = path.split("#", 1)[0]
        if "#" in path:
            self.problems.warn(
                pointer, f"path fragment `#{path.split('#', 1)[1]}` is not sent over HTTP"
            )
        resource = tuple(attribute(part) for part in tag.split("."))
        name = method_name(op_id, resource, self.overlay)
        # inline schemas of an operation are named after its Python call, not its id:
        # `beta.conversations.list` → `ConversationsList…`
        namespaces = self.overlay.naming.namespaces
        hint = pascal("_".join((*(p for p in resource if p not in namespaces), name)))
        params = self.parameters(shared + (spec.get("parameters") or []), pointer, hint)
        body_kind, body_type, flattened, body_params = self.request_body(spec, pointer, hint)
        taken = {p.name for p in params}
        for bp in body_params:
            if bp.name in taken:
                bp.name = f"{bp.name}_body"
            taken.add(bp.name)
        params += body_params
        responses = self.responses(spec, pointer, hint, op_id, verb)
        for resp in responses:
            if resp.kind == "sse":
                streams.finish(self.schemas, resp, params, pointer)
        methods = self.methods(name, responses, params)
        listing = methods[0]
        if verb == "get" and listing.response.kind == "json" and listing.response.type is not None:
            defaults = self.query_defaults(shared + (spec.get("parameters") or []), pointer)
            listing.pagination = pagination.infer(
                spec, params, listing.response.type, self.defs, defaults
            )
        return ir.Operation(
            operation_id=op_id,
            method=verb.upper(),
            path=path,
            http_path=http_path,
            tag=tag,
            # the supplement has no prose: its summaries are said by the operationId
            summary=str(spec.get("summary") or "").strip() or sentence(op_id, self.overlay.naming),
            doc=str(spec.get("description") or "").strip(),
            deprecated=bool(spec.get("deprecated")),
            params=params,
            body_kind=body_kind,
            body_type=body_type,
            flattened=flattened,
            methods=methods,
            pointer=pointer,
            api_key_header=self.api_key_header(spec),
            connectors_field=helpers.connectors_field(
                body_kind, body_type, flattened, params, self.overlay
            ),
            tools_field=helpers.tools_field(body_kind, body_type, flattened, params, self.overlay),
        )

    @staticmethod
    def methods(name: str, responses: list[ir.Response], params: list[ir.Param]) -> list[ir.Method]:
        """The Python methods of an operation: one, or two when it answers JSON and SSE
        (`complete` answers JSON, `stream` answers SSE); a `stream` body flag is then
        fixed by each method instead of passed (and taken out of `params`)."""
        json_resp = next((r for r in responses if r.kind != "sse"), None)
        sse_resp = next((r for r in responses if r.kind == "sse"), None)
        if not (json_resp and sse_resp):
            return [ir.Method(name, responses[0])]
        flag = next((p for p in params if p.wire == "stream" and p.location == "body"), None)
        if flag is None:
            return [ir.Method(name, json_resp), ir.Method("stream", sse_resp)]
        params.remove(flag)
        return [
            ir.Method(name, json_resp, {"stream": ir.Const(False)}),
            ir.Method("stream", sse_resp, {"stream": ir.Const(True)}),
        ]

    def api_key_header(self, spec: dict[str, Any]) -> str | None:
        """The header of an apiKey scheme, when no alternative security takes a bearer token."""
        schemes = (self.doc.get("components") or {}).get("securitySchemes") or {}
        alternatives = spec.get("security", self.doc.get("security")) or []
        headers = []
        for requirement in alternatives:
            for name in requirement or {}:
                scheme = schemes.get(name) or {}
                if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer":
                    return None
                if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                    headers.append(str(scheme["name"]))
        return headers[0] if headers else None

    def query_defaults(self, raw: list[Any], pointer: str) -> dict[str, Any]:
        """The spec's default of each query parameter that has one, by wire name."""
        out: dict[str, Any] = {}
        for i, p in enumerate(raw):
            if isinstance(p, dict) and "$ref" in p:
                p = self.schemas.deref(p["$ref"], f"{pointer}/parameters/{i}")
            if isinstance(p, dict) and p.get("in") == "query":
                schema = p.get("schema")
                if isinstance(schema, dict) and "default" in schema:
                    out[str(p.get("name"))] = schema["default"]
        return out

    def parameters(self, raw: list[Any], pointer: str, hint: str) -> list[ir.Param]:
        params: dict[tuple[str, str], ir.Param] = {}
        for i, p in enumerate(raw):
            ppointer = f"{pointer}/parameters/{i}"
            if isinstance(p, dict) and "$ref" in p:
                p = self.schemas.deref(p["$ref"], ppointer)
            if not isinstance(p, dict) or "name" not in p or "in" not in p:
                self.problems.error(ppointer, "parameter without `name` and `in`")
                continue
            location = p["in"]
            if location not in ("path", "query", "header"):
                self.problems.error(ppointer, f"parameters in `{location}` are not supported")
                continue
            json_encoded = False
            schema = p.get("schema")
            if schema is None and isinstance(p.get("content"), dict):
                media, content = next(iter(p["content"].items()))
                schema = content.get("schema", {})
                json_encoded = "json" in media
            wire = p["name"]
            texpr = self.schemas.type_of(
                schema or {}, f"{ppointer}/schema", self.schemas.names.param_hint(hint, wire)
            )
            self.schemas.names.param_done()
            if isinstance(texpr, ir.Prim) and texpr.kind == "any" and location == "path":
                texpr = ir.Prim("str")
            param = ir.Param(
                name=identifier(wire),
                wire=wire,
                location=location,
                type=texpr,
                required=bool(p.get("required")) or location == "path",
                doc=str(p.get("description") or (schema or {}).get("description") or "").strip(),
                json_encoded=json_encoded,
            )
            taken = {q.name for q in params.values() if (q.location, q.wire) != (location, wire)}
            if param.name in taken:
                # `last_event_id` in the query and `Last-Event-ID` as a header
                param.name = f"{param.name}_{location}"
                n = 2
                while param.name in taken:
                    param.name = f"{identifier(wire)}_{location}{n}"
                    n += 1
            params[(location, wire)] = param
        path_params = [p for p in params.values() if p.location == "path"]
        others = [p for p in params.values() if p.location != "path"]
        return path_params + others

    def request_body(
        self, spec: dict[str, Any], pointer: str, hint: str
    ) -> tuple[Literal["none", "json", "multipart"], ir.TypeExpr | None, bool, list[ir.Param]]:
        body = spec.get("requestBody")
        if not body:
            return "none", None, False, []
        bpointer = f"{pointer}/requestBody"
        if "$ref" in body:
            body = self.schemas.deref(body["$ref"], bpointer) or {}
        content = body.get("content") or {}
        required = bool(body.get("required"))
        for media, mt in content.items():
            cpointer = f"{bpointer}/content/{escape(media)}/schema"
            schema = (mt or {}).get("schema") or {}
            if media == "application/json":
                texpr = self.schemas.type_of(schema, cpointer, f"{hint}Body")
                model = self.defs.get(texpr.name) if isinstance(texpr, ir.Ref) else None
                if isinstance(model, ir.Model):
                    return "json", texpr, True, self.body_params(model, "body")
                return "json", texpr, False, [ir.Param("body", "body", "body", texpr, required)]
            if media == "multipart/form-data":
                texpr = self.schemas.type_of(schema, cpointer, f"{hint}Form")
                model = self.defs.get(texpr.name) if isinstance(texpr, ir.Ref) else None
                if not isinstance(model, ir.Model):
                    self.problems.error(cpointer, "multipart body must be an object schema")
                    return "none", None, False, []
                return "multipart", texpr, True, self.body_params(model, "form")
        self.problems.error(
            f"{bpointer}/content", f"unsupported request media types: {', '.join(content)}"
        )
        return "none", None, False, []

    def body_params(self, model: ir.Model, location: Literal["body", "form"]) -> list[ir.Param]:
        params = []
        for f in model.fields:
            is_file = location == "form" and self.is_binary(f.type)
            params.append(
                ir.Param(
                    f.name,
                    f.wire,
                    location,
                    f.type,
                    f.required,
                    f.doc,
                    is_file=is_file,
                    const=f.const,
                )
            )
        return params

    def is_binary(self, texpr: ir.TypeExpr) -> bool:
        if isinstance(texpr, ir.Nullable):
            return self.is_binary(texpr.inner)
        if isinstance(texpr, ir.ListOf):
            return self.is_binary(texpr.item)
        if isinstance(texpr, ir.Ref):
            d = self.defs.get(texpr.name)
            return isinstance(d, ir.Alias) and self.is_binary(d.type)
        return texpr == ir.Prim("bytes")

    def responses(
        self, spec: dict[str, Any], pointer: str, hint: str, op_id: str, verb: str = "get"
    ) -> list[ir.Response]:
        out: list[ir.Response] = []
        json_types: list[ir.TypeExpr] = []
        # A DELETE may answer 204 with no body even where the spec promises one: the
        # method then returns None, and its annotation says so (docs/reliability.md)
        empty = verb.lower() == "delete"
        for code, resp in sorted((spec.get("responses") or {}).items()):
            if not str(code).startswith("2"):
                continue
            rpointer = f"{pointer}/responses/{code}"
            if isinstance(resp, dict) and "$ref" in resp:
                resp = self.schemas.deref(resp["$ref"], rpointer) or {}
            content = (resp or {}).get("content") or {}
            if not content:
                empty = True
            for media, mt in content.items():
                cpointer = f"{rpointer}/content/{escape(media)}/schema"
                schema = (mt or {}).get("schema") or {}
                if media == "text/event-stream":
                    out.append(streams.response(self.schemas, schema, cpointer, hint))
                elif "json" in media:
                    response_hint = self.schemas.names.response_hint(hint)
                    texpr = self.schemas.type_of(schema, cpointer, response_hint)
                    if texpr not in json_types:
                        json_types.append(texpr)
                else:
                    out.append(ir.Response("binary"))
        stream = streams.omitted(self.schemas, op_id, out, pointer)
        if stream is not None:
            out.append(stream)
        if json_types:
            texpr = json_types[0] if len(json_types) == 1 else ir.UnionOf(tuple(json_types))
            if empty:
                texpr = ir.Nullable(texpr)
            out.insert(0, ir.Response("json", texpr))
        elif empty and not out:
            out.append(ir.Response("empty"))
        if not out:
            self.problems.warn(pointer, "no success response is described; the method returns None")
            out.append(ir.Response("empty"))
        return out
