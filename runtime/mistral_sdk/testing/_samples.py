"""Sample values for the types the generated SDK declares, and what each of its methods
sends and answers: read from the installed package itself, never from the spec.

The local mock answers every operation with values made here (_generic.py), and
the tests call every method with arguments made here (tests/agentic/
test_mock_every_operation.py). So both work wherever the package does: a bare clone,
a wheel install, any spec the SDK was generated from.

- `Samples(scope)` makes values for a type: JSON-like *wire* values (what goes over
  HTTP: `wire`) and *arguments* for a method's parameters (`arguments`). Every string
  and UUID it makes up carries `scope` and a counter, so two `Samples` with different
  scopes (the sync and the async pass of a test, two operations) never send the same
  value: a stateful mock never sees one id twice. Literals, constants, tags and the
  values of open enums (plain `str` at run time, `Literal[...]` for type checkers: read
  from the model's module) stay as the types say.
- `endpoints()` lists every method of `mistral_sdk.OPERATIONS` with its HTTP method,
  path and response description (`JsonResponse`, `PageResponse`, `SSEResponse`, ...),
  read from the generated method's own `self._client.request(...)` call;
  `endpoint(operation, call)` describes one, reading only its own module (the mock
  asks for the operations it is called with, so its first call stays quick).
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import datetime as dt
import functools
import importlib
import inspect
import itertools
import json
import os
import textwrap
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import msgspec

import mistral_sdk
from mistral_sdk._codec import CHECKER_ONLY_NAMES, Unknown, _UnionMeta

MAX_DEPTH = 6  # past it, the cheapest shape: no optional member, empty lists
FILE = ("a.txt", b"hello", "text/plain")
BYTES_TEXT = "aGVsbG8="  # base64 of b"hello"
# a UUID namespace of our own: sample UUIDs are uuid5(NAMESPACE, scope + counter)
NAMESPACE = uuid.UUID("6b1c7a36-0d4e-4f0a-9a55-2f4bd3f6c0de")
# parameters every method takes, which are not the operation's
CALL_OPTIONS = frozenset(
    {"extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "progress"}
)


def _members(t: Any) -> tuple[Any, ...] | None:
    """The members of a union type (None when `t` is not one)."""
    origin = typing.get_origin(t)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(t)
    return None


def _strip(t: Any) -> Any:
    """`t` without `Annotated` and without the `UnsetType` / `None` of optional values."""
    while typing.get_origin(t) is typing.Annotated:
        t = typing.get_args(t)[0]
    members = _members(t)
    if members is not None:
        kept = [m for m in members if m is not msgspec.UnsetType and m is not type(None)]
        if len(kept) == 1:
            return _strip(kept[0])
    return t


def _is_file(t: Any) -> bool:
    members = _members(_strip(t)) or ()
    return any(typing.get_origin(m) is os.PathLike for m in members)


class Samples:
    """Sample values, unique to `scope` (see the module's doc)."""

    def __init__(self, scope: str = "") -> None:
        self.scope = scope
        self._counter = itertools.count(1)
        self.invented: list[str] = []  # every string and UUID made up, in order

    # --- what is made up -------------------------------------------------------

    def text(self, hint: str) -> str:
        value = f"{hint}-{self.scope}{'-' if self.scope else ''}{next(self._counter)}"
        self.invented.append(value)
        return value

    def uuid(self) -> str:
        value = str(uuid.uuid5(NAMESPACE, f"{self.scope}:{next(self._counter)}"))
        self.invented.append(value)
        return value

    # --- wire values ---------------------------------------------------------------

    def wire(self, t: Any, hint: str = "value", depth: int = 0, enum: tuple[Any, ...] = ()) -> Any:
        """A JSON value that decodes into `t`: a model's required fields and tag, a
        union's first (tagged) variant, a literal's first value; the first of `enum`
        (an open enum's values) where `t` says `str`."""
        while typing.get_origin(t) is typing.Annotated:
            t = typing.get_args(t)[0]
        members = _members(t)
        if members is not None:
            return self.wire(self._pick(members, depth), hint, depth, enum)
        origin = typing.get_origin(t)
        args = typing.get_args(t)
        if origin is typing.Literal:
            return args[0]
        if origin in (list, tuple, set, frozenset) or origin in _SEQUENCES:
            if origin is tuple and args and args[-1] is not Ellipsis:
                return [self.wire(a, hint, depth + 1, enum) for a in args]
            if depth > MAX_DEPTH:
                return []
            return [self.wire(args[0] if args else Any, hint, depth + 1, enum)]
        if origin is dict or origin in _MAPPINGS:
            if depth > MAX_DEPTH:
                return {}
            value = args[1] if len(args) > 1 else Any
            return {"key": self.wire(value, hint, depth + 1, enum)}
        if isinstance(t, _UnionMeta):
            return self._union(t, hint, depth)
        if isinstance(t, type) and issubclass(t, msgspec.Struct):
            return self.model(t, depth)
        if t is str and enum:
            return enum[0]
        return self._scalar(t, hint)

    def model(self, cls: type[msgspec.Struct], depth: int = 0) -> dict[str, Any]:
        """A model's required fields, and its tag."""
        config = cls.__struct_config__
        out: dict[str, Any] = {}
        if config.tag_field is not None:
            out[config.tag_field] = config.tag
        for field in msgspec.structs.fields(cls):
            # a default of None marks a field the spec requires that may be null (an
            # optional one defaults to UNSET): a request must still carry its key
            if field.required or field.default is None:
                out[field.encode_name] = self.field(cls, field, depth + 1)
        return out

    def field(self, cls: type[msgspec.Struct], field: Any, depth: int = 0) -> Any:
        """A value of one of a model's fields."""
        enum = open_enum(_annotation(cls, field.name))
        return self.wire(field.type, field.name, depth, enum)

    def _union(self, union: Any, hint: str, depth: int) -> Any:
        tagged, variants, _ = union._resolve()
        if tagged and union._tag is not None:
            tag, variant = next(iter(tagged.items()))
            value = self.wire(variant, hint, depth + 1)
            if isinstance(value, dict):
                value[union._tag] = tag
            return value
        return self.wire(self._pick(variants, depth), hint, depth + 1)

    def _pick(self, members: tuple[Any, ...], depth: int) -> Any:
        """The member to build: a literal first (an open enum: `Literal[...] | str`),
        not None or unset, the cheapest past MAX_DEPTH."""
        known = [
            m
            for m in members
            if m is not msgspec.UnsetType and not (isinstance(m, type) and issubclass(m, Unknown))
        ]
        literal = [m for m in known if typing.get_origin(m) is typing.Literal]
        if literal:
            return literal[0]
        real = [m for m in known if m is not type(None)]
        if depth > MAX_DEPTH:
            if len(real) < len(known):
                return type(None)
            return min(real, key=_cost)
        return real[0] if real else type(None)

    def _scalar(self, t: Any, hint: str) -> Any:
        if t is str:
            return self.text(hint)
        if t is bool:
            return True
        if t is int:
            return 7
        if t is float:
            return 1.5
        if t is bytes or t is bytearray:
            return BYTES_TEXT
        if t is dt.datetime:
            return "2024-05-06T07:08:09Z"
        if t is dt.date:
            return "2024-05-06"
        if t is dt.time:
            return "07:08:09"
        if t is uuid.UUID:
            return self.uuid()
        if t is type(None):
            return None
        if t is Any or t is object:
            return {"key": self.text(hint)}
        if isinstance(t, type) and issubclass(t, dict):  # a TypedDict
            hints = typing.get_type_hints(t)
            required: frozenset[str] = getattr(t, "__required_keys__", frozenset())
            return {k: self.wire(v, k) for k, v in hints.items() if k in required}
        raise TypeError(f"no sample value for the type {t!r}")

    # --- method arguments -----------------------------------------------------------

    def arguments(
        self, function: Callable[..., Any], optional: int = 2
    ) -> tuple[list[Any], dict[str, Any]]:
        """Arguments for a generated method: every path parameter (positional) and
        required keyword, and its first `optional` other parameters. Nested values are
        wire values (methods take plain dicts); datetimes and UUIDs at the top level
        are Python objects, files a `(name, bytes, type)` tuple."""
        # the typed dicts and `Unknown` are imported for type checkers only
        signature = inspect.signature(function, locals=CHECKER_ONLY_NAMES, eval_str=True)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        extra = optional
        for name, p in signature.parameters.items():
            if name == "self" or name in CALL_OPTIONS or p.kind is p.VAR_KEYWORD:
                continue
            required = p.default is inspect.Parameter.empty
            if not required:
                if extra <= 0:
                    continue
                extra -= 1
            enum = open_enum(function.__annotations__.get(name))
            value = self.argument(p.annotation, name, enum)
            if p.kind is p.POSITIONAL_OR_KEYWORD:
                args.append(value)
            else:
                kwargs[name] = value
        return args, kwargs

    def argument(self, t: Any, hint: str, enum: tuple[Any, ...] = ()) -> Any:
        if _is_file(t):
            return FILE
        kind = _strip(t)
        value = self.wire(t, hint, 0, enum)
        if kind is dt.datetime and isinstance(value, str):
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if kind is dt.date and isinstance(value, str):
            return dt.date.fromisoformat(value)
        if kind is uuid.UUID and isinstance(value, str):
            return uuid.UUID(value)
        if kind is bytes:
            return b"hello"
        return value


_SEQUENCES = (
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Iterable,
    collections.abc.Set,
)
_MAPPINGS = (collections.abc.Mapping, collections.abc.MutableMapping)


def _annotation(cls: type, name: str) -> Any:
    """The annotation of a model's field as written (a string: the generated modules
    postpone their annotations), from the class that declares it."""
    for klass in cls.__mro__:
        annotations = inspect.get_annotations(klass)
        if name in annotations:
            return annotations[name]
    return None


def open_enum(annotation: Any) -> tuple[Any, ...]:
    """The values of the open enum an annotation (as written) names, else ()."""
    if not isinstance(annotation, str):
        return ()
    try:
        tree = ast.parse(annotation, mode="eval")
    except SyntaxError:
        return ()
    for node in ast.walk(tree):
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if name is not None and _enum_values(name):
            return _enum_values(name)
    return ()


@functools.cache
def _enum_values(name: str) -> tuple[Any, ...]:
    """An open enum model's values: its `Literal[...]` under `if TYPE_CHECKING:`."""
    from mistral_sdk import models

    module_name = getattr(models, "_MODULES", {}).get(name)
    if module_name is None:
        return ()
    module = importlib.import_module(f"{models.__name__}.{module_name}")
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and isinstance(node.value, ast.Subscript)
            and getattr(node.value.value, "id", None) == "Literal"
        ):
            items = node.value.slice
            elements = items.elts if isinstance(items, ast.Tuple) else [items]
            return tuple(ast.literal_eval(e) for e in elements)
    return ()


def _cost(t: Any) -> int:
    """Rough size of the value `wire` builds for `t` (0 for scalars)."""
    t = _strip(t)
    if isinstance(t, type) and issubclass(t, msgspec.Struct):
        return 1 + sum(1 for f in msgspec.structs.fields(t) if f.required)
    if isinstance(t, _UnionMeta) or _members(t) is not None:
        return 5
    return 3 if typing.get_origin(t) is not None else 0


# --- what each method sends and answers ----------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One method of the client: `client.<call>`, for `operation`."""

    operation: mistral_sdk.Operation
    call: str  # "chat.stream"
    function: Callable[..., Any]  # the sync resource's method
    response: Any  # the method's response description (mistral_sdk._response / _pagination)
    request: Any = None  # the type of the JSON body it sends (None: no JSON body)

    @property
    def kind(self) -> str:
        """ "sse", "binary", "empty", "page" or "json"."""
        return {
            "SSEResponse": "sse",
            "BinaryResponse": "binary",
            "EmptyResponse": "empty",
            "PageResponse": "page",
        }.get(type(self.response).__name__, "json")

    @property
    def response_type(self) -> Any:
        """The JSON (or event) type of the answer; None for bodies that have none."""
        if self.kind == "page":
            return self.response._inner.type
        return getattr(self.response, "type", None)

    @property
    def route(self) -> str:
        """The path template as sent (without the spec's `#fragment`)."""
        return self.operation.path.split("#", 1)[0]


def _resolve(client: Any, call: str) -> Any:
    for part in call.split("."):
        client = getattr(client, part)
    return client


class _Locals(dict[str, Any]):
    """The method's own variables, when its response description reads one
    (`run_id=execution_id`): None, since only the description's shape matters."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        super().__init__()
        self._namespace = namespace

    def __missing__(self, name: str) -> Any:
        if name in self._namespace or hasattr(builtins, name):
            raise KeyError(name)
        return None


def _is_request(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "request"
    )


@functools.cache
def _module_requests(filename: str) -> dict[str, ast.Call]:
    """The `request(...)` call of each method of a generated module, by qualified name:
    one parse per module (a function's own source costs a tokenizing pass each)."""
    tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    found: dict[str, ast.Call] = {}
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for function in cls.body:
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                call = next((n for n in ast.walk(function) if _is_request(n)), None)
                if isinstance(call, ast.Call):
                    found[f"{cls.name}.{function.name}"] = call
    return found


def _request_call(function: Callable[..., Any]) -> ast.Call:
    """The `self._client.request(...)` call a generated method makes."""
    filename = inspect.getsourcefile(function)
    found: ast.AST | None = None
    if filename:
        found = _module_requests(filename).get(function.__qualname__)
    if found is None:  # not a method of a module's class: its own source
        source = textwrap.dedent(inspect.getsource(function))
        found = next((n for n in ast.walk(ast.parse(source)) if _is_request(n)), None)
    if not isinstance(found, ast.Call):
        raise LookupError(f"{function.__qualname__} makes no request")
    return found


def _evaluate(function: Callable[..., Any], node: ast.expr) -> Any:
    code = compile(ast.Expression(node), "<generated>", "eval")
    namespace = function.__globals__
    return eval(code, namespace, _Locals(namespace))


def response_of(function: Callable[..., Any]) -> Any:
    """The `response=` description of the request a generated method makes."""
    for keyword in _request_call(function).keywords:
        if keyword.arg == "response":
            return _evaluate(function, keyword.value)
    raise LookupError(f"{function.__qualname__} makes no request with a response=")


def request_of(function: Callable[..., Any]) -> Any:
    """The type of the JSON body a generated method sends (`json=convert_body(T, ...)`),
    None when it sends none or another kind (multipart, bytes)."""
    for keyword in _request_call(function).keywords:
        value = keyword.value
        if (
            keyword.arg == "json"
            and isinstance(value, ast.Call)
            and getattr(value.func, "id", None) == "convert_body"
            and value.args
        ):
            return _evaluate(function, value.args[0])
    return None


def calls() -> list[tuple[mistral_sdk.Operation, str]]:
    """(operation, call) for every method of `mistral_sdk.OPERATIONS`, sorted by call:
    read from the table alone, no generated module imported."""
    pairs = [
        (operation, call)
        for operation in mistral_sdk.OPERATIONS.values()
        for call in filter(None, (operation.call, operation.stream_call))
    ]
    return sorted(pairs, key=lambda pair: pair[1])


@functools.cache
def _resolver() -> mistral_sdk.Mistral:
    """A client that only finds methods (it sends nothing: no transport, no TLS set-up)."""

    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise RuntimeError("the samples' client does not send requests")

    http = httpx2.Client(transport=httpx2.MockTransport(refuse))
    return mistral_sdk.Mistral(
        api_key="samples", base_url="https://samples.invalid", http_client=http
    )


@functools.cache
def endpoint(operation: mistral_sdk.Operation, call: str) -> Endpoint:
    """The method `client.<call>` of `operation`: its resource module is imported and
    read on the first need of one of its methods, not before."""
    function = _resolve(_resolver(), call).__func__
    return Endpoint(operation, call, function, response_of(function), request_of(function))


@functools.cache
def endpoints() -> tuple[Endpoint, ...]:
    """Every method of every operation in `mistral_sdk.OPERATIONS`, sorted by call."""
    return tuple(endpoint(operation, call) for operation, call in calls())


# --- answers -------------------------------------------------------------------------


def page_item_type(endpoint: Endpoint) -> Any:
    """The type of one item of a paging list (along the paginator's `items` path)."""
    t = endpoint.response_type
    for name in endpoint.response.paginator.items:
        cls = _strip(t)
        t = next(f.type for f in msgspec.structs.fields(cls) if f.encode_name == name)
    return typing.get_args(_strip(t))[0]


def sse_frames(endpoint: Endpoint, samples: Samples, events: int = 3) -> list[str]:
    """The frames (`field: value` lines) of an event stream of the endpoint's type,
    ending with its done marker when it has one. An envelope stream (its type has
    the SSE fields `event`, `id`, `data`) gets one line per field."""
    response = endpoint.response
    envelope_cls = envelope(response.type) if response.envelope else None
    fields = None
    if envelope_cls is not None:
        fields = {f.encode_name: f for f in msgspec.structs.fields(envelope_cls)}
    frames = []
    for i in range(events):
        if fields is None:
            frames.append(f"data: {json.dumps(samples.wire(response.type))}")
            continue
        lines = []
        for name in ("event", "id", "data"):
            field = fields.get(name)
            if field is None:
                continue
            value = samples.field(envelope_cls, field)  # type: ignore[arg-type]  # set with fields
            if name == "id":
                value = f"{value}-{i}"
            text = value if isinstance(value, str) and name != "data" else json.dumps(value)
            lines.append(f"{name}: {text}")
        frames.append("\n".join(lines))
    if response.done_marker:
        frames.append(f"data: {response.done_marker}")
    return frames


def envelope(t: Any) -> Any:
    """The event model of an envelope stream (the first variant, for a union of them)."""
    t = _strip(t)
    while not (isinstance(t, type) and issubclass(t, msgspec.Struct)):
        if isinstance(t, _UnionMeta):
            t = _strip(t._resolve()[1][0])
        elif _members(t) is not None:
            t = _strip(_members(t)[0])  # type: ignore[index]
        else:
            return None
    return t
