"""Python callables as function tools: a JSON schema from the signature, and calls.

`FunctionTool.from_callable(fn)` reads the parameters, their type hints (str, int,
float, bool, lists, dicts, Optional, Literal, enums, msgspec Structs, dataclasses:
whatever msgspec can describe) and the docstring (first paragraph → description;
a Google-style `Args:` section → parameter descriptions). The arguments the model
sends are decoded and validated into those types by msgspec before the call.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from ._schema import json_schema

__all__ = ["FunctionTool", "ToolArgumentsError", "result_text"]

_SECTION = re.compile(r"^\s*(Args|Arguments|Parameters|Returns|Raises|Yields|Examples?)\s*:\s*$")
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


class ToolArgumentsError(ValueError):
    """The model's arguments do not fit the tool's signature (reported back to it)."""


def _parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """(description, {parameter: description}) from a Google-style docstring."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    description: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in lines:
        heading = _SECTION.match(line)
        if heading:
            section, current = heading.group(1), None
            continue
        if section is None:
            description.append(line)
        elif section in ("Args", "Arguments", "Parameters"):
            match = _ARG_LINE.match(line)
            indent = len(line) - len(line.lstrip())
            if match and indent <= 4:
                current = match.group(1).lstrip("*")
                params[current] = match.group(2).strip()
            elif current and line.strip():
                params[current] = f"{params[current]} {line.strip()}".strip()
    text = "\n".join(description).strip()
    return text.split("\n\n")[0].replace("\n", " ").strip(), params


class FunctionTool:
    """A Python callable exposed to the model as a function tool."""

    __slots__ = ("_args", "description", "func", "is_async", "name", "parameters")

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

    def definition(self) -> dict[str, Any]:
        """The `{"type": "function", "function": {...}}` entry of a request's `tools`."""
        function: dict[str, Any] = {"name": self.name, "parameters": self.parameters}
        if self.description:
            function["description"] = self.description
        return {"type": "function", "function": function}

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


def result_text(value: Any) -> str:
    """A tool's return value as the text sent back to the model (JSON unless a str)."""
    if isinstance(value, str):
        return value
    try:
        return msgspec.json.encode(value).decode()
    except TypeError:
        return str(value)
