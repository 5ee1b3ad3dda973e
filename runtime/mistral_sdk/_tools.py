"""Python callables as function tools: a JSON schema from the signature, and calls.

Besides callables, `tools=` takes *tool sources*: objects (MCP servers, see
`mistral_sdk.mcp`) that open a session for the run and offer several tools, each a
`SourceTool`. The core only knows the `ToolSource` interface, never a source's package.

`FunctionTool.from_callable(fn)` reads the parameters, their type hints (str, int,
float, bool, lists, dicts, Optional, Literal, enums, msgspec Structs, dataclasses:
whatever msgspec can describe) and the docstring (first paragraph → description;
parameter descriptions from a Google `Args:` section, a NumPy `Parameters` section or
reST/Sphinx `:param name:` fields). The arguments the model sends are decoded and
validated into those types by msgspec before the call.

`chat.complete`, `chat.stream` and `agents.complete` / `agents.stream` take callables
and `FunctionTool`s in `tools=` as well (`function_tools`): there they only declare the
tool; the model's `tool_calls` come back to the caller, who runs them
(`FunctionTool.arguments` validates a call's arguments).
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import TYPE_CHECKING, Any

import msgspec

from ._errors import MistralError, RequestValidationError
from ._schema import json_schema

if TYPE_CHECKING:
    from . import params

__all__ = [
    "FunctionTool",
    "SourceTool",
    "ToolArgumentsError",
    "ToolOutput",
    "ToolSource",
    "ToolSourceError",
    "function_tools",
    "result_text",
]

# Google style: a `Args:` line, then indented `name (type): text` entries.
_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments|Other Parameters"
    r"|Returns|Return|Raises|Yields|Examples?|Notes?|See Also|Attributes)\s*:\s*$",
    re.IGNORECASE,
)
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")
# NumPy style: a section title underlined with dashes, then `name : type` entries
# with their text indented below.
_RULE = re.compile(r"^\s*-{3,}\s*$")
_NUMPY_PARAM = re.compile(r"^(\*{0,2}\w+)(?:\s*,\s*\*{0,2}\w+)*\s*(?::.*)?$")
# reST / Sphinx style: `:param [type] name: text` fields.
_REST_PARAM = re.compile(
    r"^:(?:param|parameter|arg|argument|key|keyword)\s+(?:[^:]*\s)?(\*{0,2}\w+)\s*:\s*(.*)$"
)
_REST_FIELD = re.compile(r"^:[^:]+:")  # any other field (`:returns:`, `:type x:`, ...)
_PARAM_SECTIONS = {
    "args",
    "arguments",
    "parameters",
    "params",
    "keyword args",
    "keyword arguments",
    "other parameters",
}


def function_definition(
    name: str, description: str, parameters: Mapping[str, Any]
) -> params.FunctionToolParam:
    """The `{"type": "function", "function": {...}}` entry of a request's `tools`."""
    function: params.FunctionParam = {"name": name, "parameters": parameters}
    if description:
        function["description"] = description
    return {"type": "function", "function": function}


class ToolArgumentsError(ValueError):
    """The model's arguments do not fit the tool's signature (reported back to it)."""


def _parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """(description, {parameter: description}) from a docstring in Google
    (`Args:`), NumPy (`Parameters` over a `----------` rule) or reST/Sphinx
    (`:param name: text`) style. The description is the first paragraph."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None  # None: still in the description
    style = ""  # "google", "numpy" or "rest": how the current section's entries look
    current: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.strip()
        indent = len(line) - len(line.lstrip())
        i += 1
        if indent == 0 and text and i < len(lines) and _RULE.match(lines[i]):
            section, style, current = text.lower(), "numpy", None
            i += 1  # the rule itself
            continue
        heading = _SECTION.match(line)
        if heading and indent == 0:
            section, style, current = heading.group(1).lower(), "google", None
            continue
        rest = _REST_PARAM.match(text)
        if rest and indent == 0:
            section, style, current = "params", "rest", rest.group(1).lstrip("*")
            params[current] = rest.group(2).strip()
            continue
        if _REST_FIELD.match(text) and indent == 0:
            section, style, current = "fields", "rest", None
            continue
        if section is None:
            description.append(line)
            continue
        if not text:
            continue
        if style == "google" and section in _PARAM_SECTIONS:
            entry = _ARG_LINE.match(line)
            if entry and indent <= 4:
                current = entry.group(1).lstrip("*")
                params[current] = entry.group(2).strip()
                continue
        elif style == "numpy" and section in _PARAM_SECTIONS and indent == 0:
            entry = _NUMPY_PARAM.match(text)
            current = None
            if entry:
                # `x, y : float` documents both: the text below goes to each
                names = [n.strip().lstrip("*") for n in text.split(":")[0].split(",")]
                for name in names:
                    params[name] = ""
                current = ",".join(names)
            continue
        if current and indent > 0:
            for name in current.split(","):
                params[name] = f"{params[name]} {text}".strip()
    summary = "\n".join(description).strip()
    return summary.split("\n\n")[0].replace("\n", " ").strip(), params


class ToolOutput(msgspec.Struct, frozen=True):
    """A tool's answer with more than text: what a tool may return to say it failed
    (`error`) or to hand richer content (`content`: image, audio, document chunks)
    to the caller. `text` is what the model receives."""

    text: str
    error: bool = False
    content: tuple[Any, ...] = ()


class ToolSourceError(MistralError):
    """A tool source (an MCP server) failed as a whole (it died, the connection
    broke): not something the model can recover from, so the run stops with it."""


class FunctionTool:
    """A Python callable exposed to the model as a function tool.

    `FunctionTool(func, name=None, description=None)`: the name defaults to the
    function's, the description to its docstring's first paragraph, and the JSON
    schema of the parameters comes from the signature's type hints, with each
    parameter's description from the docstring (Google, NumPy or reST style). Pass it
    (or the bare function) in `tools=` of `beta.conversations.run` (which also runs
    it when the model calls it) or of `chat.complete` / `chat.stream` (which only
    declare it). `definition()` is the request's tool entry; `arguments(raw)` the
    validated keyword arguments of a call (`ToolArgumentsError` when they do not fit).
    """

    __slots__ = ("_args", "description", "func", "is_async", "name", "parameters")

    origin = "Python function"
    requires_confirmation = False

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        if not callable(func):
            raise TypeError(f"a tool must be callable, got {type(func).__name__}")
        self.func = func
        self.name: str = name or str(getattr(func, "__name__", ""))
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", self.name):
            raise ValueError(f"tool name {self.name!r} must be 1-64 letters, digits, '_' or '-'")
        self.is_async = inspect.iscoroutinefunction(func)
        doc, param_docs = _parse_docstring(inspect.getdoc(func))
        self.description = description if description is not None else doc
        hints = typing.get_type_hints(func)
        fields: list[tuple[Any, ...]] = []
        for param in inspect.signature(func).parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                raise TypeError(
                    f"tool {self.name!r}: *{param.name} / **{param.name} cannot be described"
                    " to the model; use named parameters"
                )
            if param.kind is param.POSITIONAL_ONLY:
                raise TypeError(f"tool {self.name!r}: positional-only {param.name!r} not supported")
            hint = hints.get(param.name, Any)
            if param.default is param.empty:
                fields.append((param.name, hint))
            else:
                fields.append((param.name, hint, param.default))
        self._args = msgspec.defstruct(
            f"{self.name}_arguments", fields, kw_only=True, forbid_unknown_fields=True
        )
        try:
            schema = json_schema(self._args)
        except TypeError as exc:
            raise TypeError(f"tool {self.name!r}: {exc}") from None
        schema.pop("title", None)
        properties = schema.get("properties", {})
        for pname, text in param_docs.items():
            if pname in properties and text:
                properties[pname] = {**properties[pname], "description": text}
        self.parameters = schema

    @classmethod
    def from_callable(cls, func: Callable[..., Any] | FunctionTool) -> FunctionTool:
        return func if isinstance(func, FunctionTool) else cls(func)

    def definition(self) -> params.FunctionToolParam:
        """The `{"type": "function", "function": {...}}` entry of a request's `tools`."""
        return function_definition(self.name, self.description, self.parameters)

    def arguments(self, raw: str | bytes | Mapping[str, Any] | None) -> dict[str, Any]:
        """The keyword arguments of a call, validated against the signature."""
        try:
            if raw is None or raw == "" or raw == b"":
                value = msgspec.convert({}, self._args)
            elif isinstance(raw, (str, bytes)):
                value = msgspec.json.decode(raw, type=self._args)
            else:
                value = msgspec.convert(dict(raw), self._args)
        except msgspec.MsgspecError as exc:
            raise ToolArgumentsError(f"invalid arguments for {self.name}: {exc}") from None
        return {f: getattr(value, f) for f in value.__struct_fields__}

    def __repr__(self) -> str:
        return f"<FunctionTool {self.name}>"


class SourceTool:
    """One tool offered by a `ToolSource`: its JSON schema comes from the source, which
    also validates the arguments; `func(**arguments)` calls it (a coroutine function
    when the source was opened for an async run)."""

    __slots__ = (
        "description",
        "func",
        "is_async",
        "name",
        "origin",
        "parameters",
        "requires_confirmation",
    )

    def __init__(
        self,
        name: str,
        parameters: Mapping[str, Any],
        func: Callable[..., Any] | Callable[..., Awaitable[Any]],
        *,
        origin: str,
        description: str = "",
        requires_confirmation: bool = False,
    ) -> None:
        self.name = name
        self.parameters = dict(parameters)
        self.func = func
        self.is_async = inspect.iscoroutinefunction(func)
        self.origin = origin
        self.description = description
        self.requires_confirmation = requires_confirmation

    def definition(self) -> params.FunctionToolParam:
        """The `{"type": "function", "function": {...}}` entry of a request's `tools`."""
        return function_definition(self.name, self.description, self.parameters)

    def arguments(self, raw: str | bytes | Mapping[str, Any] | None) -> dict[str, Any]:
        """The call's arguments as a JSON object (the source checks them against its schema)."""
        if raw is None or raw == "" or raw == b"":
            return {}
        if isinstance(raw, Mapping):
            return dict(raw)
        try:
            value = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            raise ToolArgumentsError(f"invalid arguments for {self.name}: {exc}") from None
        if not isinstance(value, dict):
            raise ToolArgumentsError(
                f"invalid arguments for {self.name}: expected a JSON object, got {raw!r}"
            )
        return value

    def __repr__(self) -> str:
        return f"<SourceTool {self.name} from {self.origin}>"


class ToolSource:
    """Base class of what `tools=` accepts besides callables: a source of several tools
    (an MCP server) that is opened for a run and closed after it.

    `open_sync(client)` / `open_async(client)` return a context manager giving the tools
    (listed once per run); `client` is the Mistral client of the run, whose HTTP stack
    a source may use. A source the caller already holds open is only borrowed.
    Failures of the source as a whole raise `ToolSourceError`.
    """

    label: str = "tool source"

    def open_sync(self, client: Any = None) -> AbstractContextManager[Sequence[SourceTool]]:
        raise NotImplementedError

    def open_async(self, client: Any = None) -> AbstractAsyncContextManager[Sequence[SourceTool]]:
        raise NotImplementedError


def result_text(value: Any) -> str:
    """A tool's return value as the text sent back to the model (JSON unless a str)."""
    if isinstance(value, str):
        return value
    if isinstance(value, ToolOutput):
        return value.text
    try:
        return msgspec.json.encode(value).decode()
    except TypeError:
        return str(value)


def _is_function_tool(value: Any) -> bool:
    """A Python function (or `FunctionTool`) in `tools=`, as opposed to a tool definition."""
    if isinstance(value, FunctionTool):
        return True
    return callable(value) and not isinstance(value, (type, Mapping, msgspec.Struct))


def function_tools(tools: Any) -> Any:
    """`tools=` of a request with each Python callable or `FunctionTool` replaced by its
    definition (the same schema `beta.conversations.run` sends); definitions (dicts or
    models) stay as they are, and so does `tools` when it holds no callable."""
    if isinstance(tools, (str, bytes, Mapping)) or not isinstance(tools, Sequence):
        return tools  # UNSET, None, or a mistake the body's validation reports
    if not any(_is_function_tool(t) for t in tools):
        return tools
    out: list[Any] = []
    names: dict[str, int] = {}
    for i, tool in enumerate(tools):
        if not _is_function_tool(tool):
            out.append(tool)
            continue
        try:
            function_tool = FunctionTool.from_callable(tool)
        except (TypeError, ValueError) as exc:
            raise RequestValidationError(f"tools[{i}]: {exc}", field=f"tools[{i}]") from None
        if function_tool.name in names:
            raise RequestValidationError(
                f"tools[{i}]: two tools are named {function_tool.name!r}"
                f" (tools[{names[function_tool.name]}] too)",
                field=f"tools[{i}]",
            )
        names[function_tool.name] = i
        out.append(function_tool.definition())
    return out
