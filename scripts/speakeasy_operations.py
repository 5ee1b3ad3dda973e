"""The operations a Speakeasy-generated Python SDK calls, read from its source.

Each method of the official SDK's resource classes (`mistralai/client/*.py`) is one
operation, written out as literal calls: `self._build_request(method=..., path=...,
request=..., get_serialized_body=lambda: utils.serialize_request_body(request, ...,
"json", models.Body))`, `HookContext(operation_id=..., tags=[...])` and one
`if utils.match_response(http_res, "200", "application/json"):` branch per response.
This module reads those facts from the AST (nothing is imported or run); the classes
are reached from the client (`Mistral`) by their attributes, so each operation also
gets its official call path (`beta.triggers.create`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from speakeasy_types import UnsupportedType, call_name, keywords, literal, name_of

ROOT_CLASS = "Mistral"


@dataclass
class Response:
    status: str  # "200", "404", ...
    media_type: str | None  # None: no body
    type_expr: ast.expr | None = None  # the body's type (`models.X`, `List[models.X]`)
    kind: str = "json"  # "json", "sse", "binary", "empty"
    sentinel: str | None = None  # sse: the data line that ends the stream


@dataclass
class Operation:
    call: str  # official call path: "beta.triggers.create"
    method: str
    path: str  # as the SDK sends it (a `#fragment` it adds is kept here)
    operation_id: str
    tags: list[str]
    request_type: str | None  # the model the method builds (params and/or body)
    body_type: ast.expr | None = None  # the type serialized as the body
    body_attribute: str | None = None  # the request model's field holding it (None: all)
    body_format: str | None = None  # "json", "multipart", "form", ...
    body_required: bool = False
    body_nullable: bool = False  # JSON null is a valid body
    security_type: str | None = None  # a per-operation security model
    responses: list[Response] = field(default_factory=list)


def _classes(client_dir: Path, read: Callable[[Path], str]) -> dict[str, ast.ClassDef]:
    classes: dict[str, ast.ClassDef] = {}
    for path in sorted(client_dir.glob("*.py")):
        for node in ast.parse(read(path)).body:
            if isinstance(node, ast.ClassDef) and "BaseSDK" in {name_of(b) for b in node.bases}:
                if node.name in classes:
                    raise UnsupportedType(f"SDK class {node.name} is defined twice")
                classes[node.name] = node
    return classes


def _children(node: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> Iterator[tuple[str, str]]:
    """(attribute, class) of the sub-resources a class declares (`beta: "Beta"`)."""
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            annotation = stmt.annotation
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                annotation = ast.parse(annotation.value, mode="eval").body
            if isinstance(annotation, (ast.Name, ast.Attribute)):
                name = name_of(annotation)
                if name in classes:
                    yield stmt.target.id, name


def _implementations(node: ast.ClassDef) -> Iterator[ast.FunctionDef]:
    """The blocking methods (the `_async` twins are the same operations), without the
    `@overload` signatures (the implementation is the undecorated one)."""
    for stmt in node.body:
        if isinstance(stmt, ast.FunctionDef) and not any(
            name_of(d) == "overload" for d in stmt.decorator_list if not isinstance(d, ast.Call)
        ):
            yield stmt


def read_operations(client_dir: Path, read: Callable[[Path], str]) -> list[Operation]:
    """Every operation of the SDK, in call-path order."""
    classes = _classes(client_dir, read)
    found: list[Operation] = []
    reached: set[str] = set()

    def walk(class_name: str, prefix: tuple[str, ...]) -> None:
        if class_name in reached:
            raise UnsupportedType(f"SDK class {class_name} is reached twice")
        reached.add(class_name)
        node = classes[class_name]
        for method in _implementations(node):
            operation = _operation(method, ".".join((*prefix, method.name)))
            if operation is not None:
                found.append(operation)
        for attribute, child in _children(node, classes):
            walk(child, (*prefix, attribute))

    walk(ROOT_CLASS, ())
    unreached = sorted(
        name
        for name, node in classes.items()
        if name not in reached and any(_build_request_call(m) for m in _implementations(node))
    )
    if unreached:
        raise UnsupportedType(
            f"SDK classes with operations not reached from the client: {unreached}"
        )
    return sorted(found, key=lambda op: op.call)


def _build_request_call(method: ast.FunctionDef) -> ast.Call | None:
    for node in ast.walk(method):
        if isinstance(node, ast.Call) and call_name(node) in ("_build_request",):
            return node
    return None


def _operation(method: ast.FunctionDef, call: str) -> Operation | None:
    build = _build_request_call(method)
    if build is None:
        return None
    options = keywords(build)
    hook = next(
        n for n in ast.walk(method) if isinstance(n, ast.Call) and call_name(n) == "HookContext"
    )
    hook_options = keywords(hook)
    op = Operation(
        call=call,
        method=str(literal(options["method"], call)),
        path=str(literal(options["path"], call)),
        operation_id=str(literal(hook_options["operation_id"], call)),
        tags=list(literal(hook_options["tags"], call)),
        request_type=_request_type(method, call),
        body_required=bool(
            literal(options.get("request_body_required", ast.Constant(False)), call)
        ),
    )
    serialized = options.get("get_serialized_body")
    if serialized is not None:
        _read_body(op, serialized)
    security = options.get("security")
    if isinstance(security, ast.Call) and call_name(security) == "get_pydantic_model":
        op.security_type = name_of(security.args[1])
    op.responses = _responses(method, call)
    return op


def _request_type(method: ast.FunctionDef, call: str) -> str | None:
    for node in ast.walk(method):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "request"
        ):
            value = node.value
            if call_name(value) == "get_pydantic_model":
                assert isinstance(value, ast.Call)
                return name_of(value.args[1])
            if isinstance(value, ast.Call):
                return name_of(value.func)
            raise UnsupportedType(f"{call}: request = {ast.unparse(value)}")
    return None


def _read_body(op: Operation, serialized: ast.expr) -> None:
    """lambda: utils.serialize_request_body(request[.attr], nullable, optional, fmt, Type)."""
    body = serialized.body if isinstance(serialized, ast.Lambda) else None
    if not (isinstance(body, ast.Call) and call_name(body) == "serialize_request_body"):
        raise UnsupportedType(f"{op.call}: body {ast.unparse(serialized)}")
    source, is_nullable, _optional, fmt, type_expr = body.args
    if isinstance(source, ast.IfExp):  # `request.body if request is not None else None`
        source = source.body
    op.body_nullable = bool(literal(is_nullable, op.call))
    if isinstance(source, ast.Attribute):
        op.body_attribute = source.attr
    op.body_format = str(literal(fmt, op.call))
    op.body_type = _strip_optional(type_expr)


def _strip_optional(node: ast.expr) -> ast.expr:
    """`Optional[models.X]` -> `models.X` (whether a body may be absent is the operation's)."""
    while isinstance(node, ast.Subscript) and name_of(node.value) in (
        "Optional",
        "OptionalNullable",
    ):
        node = node.slice
    return node


def _responses(method: ast.FunctionDef, call: str) -> list[Response]:
    responses: dict[tuple[str, str | None], Response] = {}
    for node in ast.walk(method):
        if not (isinstance(node, ast.If) and call_name(node.test) == "match_response"):
            continue
        assert isinstance(node.test, ast.Call)
        codes_node, media_node = node.test.args[1:3]
        codes = literal(codes_node, call)
        codes = [codes] if isinstance(codes, str) else list(codes)
        media = str(literal(media_node, call))
        response = _branch(node.body, call)
        for code in codes:
            if not code.isdigit():
                continue  # 4XX / 5XX: the SDK's catch-all, not a response the API declares
            media_type = None if response.kind == "empty" or media == "*" else media
            key = (code, media_type)
            if key in responses:
                raise UnsupportedType(f"{call}: response {code} {media} twice")
            responses[key] = Response(
                code, media_type, response.type_expr, response.kind, response.sentinel
            )
    return sorted(responses.values(), key=lambda r: (r.status, r.media_type or ""))


def _branch(body: list[ast.stmt], call: str) -> Response:
    """What one `if match_response(...)` branch does with the response."""
    for stmt in body:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            name = call_name(node)
            if name in ("EventStream", "EventStreamAsync"):
                decoder = node.args[1]
                assert isinstance(decoder, ast.Lambda) and isinstance(decoder.body, ast.Call)
                sentinel = keywords(node).get("sentinel")
                return Response(
                    "",
                    None,
                    decoder.body.args[0],
                    "sse",
                    None if sentinel is None else str(literal(sentinel, call)),
                )
            if name == "unmarshal_json_response":
                return Response("", None, node.args[0], "json")
        if isinstance(stmt, ast.Return):
            if stmt.value is None or (
                isinstance(stmt.value, ast.Constant) and stmt.value.value is None
            ):
                return Response("", None, None, "empty")
            if isinstance(stmt.value, ast.Name) and stmt.value.id == "http_res":
                return Response("", None, None, "binary")
    # raise errors.SDKError(...) for a declared status without a body
    return Response("", None, None, "empty")
