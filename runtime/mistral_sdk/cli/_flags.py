"""An operation's arguments as command-line flags, for `mistral api`.

One description per argument (`Flag`), read from the method's signature, type hints
and docstring: what a value on the command line becomes (`Flag.read`), which flags
are missing, and what `mistral api CALL --help` prints (name, type, required, a
one-line description, an example), without a client or an API key.
"""

from __future__ import annotations

import datetime
import inspect
import json
import os
import re
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from .._codec import CHECKER_ONLY_NAMES
from ._app import CommandError, read_json_value

__all__ = [
    "CALL_OPTIONS",
    "Flag",
    "example",
    "flags_of",
    "help_data",
    "help_text",
    "unbound",
]

# What every method takes besides the operation's own arguments.
CALL_OPTIONS = {
    "extra_headers": "more HTTP headers, as a JSON object",
    "extra_query": "more query parameters, as a JSON object",
    "extra_body": "more fields for the JSON body, as a JSON object",
    "timeout": "seconds this call may take",
    "max_retries": "retries of this call (default 2)",
}
# Arguments a shell cannot give (a Python callback): not flags.
_PYTHON_ONLY = frozenset({"progress"})

_SCALARS: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true|false",
    datetime.datetime: "date-time",
    datetime.date: "date",
    uuid.UUID: "text",  # an id: its text
}
_TEXT_KINDS = frozenset({"text", "date-time", "date"})
_JSON_SCALARS: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "true|false": (bool,),
}
_EXAMPLE_SCALARS: dict[str, Any] = {
    "integer": 1,
    "number": 0.5,
    "true|false": True,
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
}
# the spec's links are relative to its documentation site
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_DOCS_SITE = "https://docs.mistral.ai"
_WIDTH = 100  # longest description shown on a help line


@dataclass(frozen=True)
class Flag:
    """One argument of an operation, as the command line takes it."""

    name: str  # the keyword argument (`page_size`)
    kinds: tuple[str, ...]  # "text", "integer", "JSON", "path", ... (a union: several)
    required: bool
    positional: bool  # a path argument, given without a flag
    description: str  # one line
    type: Any = None  # the evaluated type hint, for the example

    @property
    def flag(self) -> str:
        return self.name.upper() if self.positional else "--" + self.name.replace("_", "-")

    @property
    def kind(self) -> str:
        return " or ".join(self.kinds).upper() if self.kinds else "JSON"

    @property
    def json(self) -> bool:
        """Whether a value is read as JSON (inline, `@file` or `-` for stdin)."""
        return "JSON" in self.kinds or not self.kinds

    def read(self, value: str | None) -> Any:
        """The Python value of `--flag value` (None: the flag alone, which is `true`)."""
        if value is None:
            return True
        kinds = set(self.kinds)
        if "path" in kinds:  # a file to send: its path (`--file data.jsonl`)
            path = Path(value.removeprefix("@"))
            if not path.is_file():
                raise CommandError(f"{self.flag}: no such file {str(path)!r}")
            return path
        if kinds and kinds <= _TEXT_KINDS:
            return value
        if value.startswith("@") or value == "-":
            return read_json_value(value, self.flag)
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            if kinds & _TEXT_KINDS or not kinds:
                return value  # text (an enum value, a date): the method checks it
            raise CommandError(f"{self.flag}: expected {self.kind}, got {value!r}") from None
        if kinds & _TEXT_KINDS and not isinstance(parsed, (dict, list)):
            return value  # `--name 42` is the text "42"
        scalars = kinds & _JSON_SCALARS.keys()
        if scalars == kinds and type(parsed) not in {t for k in scalars for t in _JSON_SCALARS[k]}:
            raise CommandError(f"{self.flag}: expected {self.kind}, got {value!r}")
        return parsed


def unbound(call: str) -> Any:
    """The method `call` names, on a client that was never configured: enough for its
    signature and docstring, so usage errors and help need no API key."""
    from .. import Mistral

    target: Any = Mistral.__new__(Mistral)
    for part in call.split("."):
        target = getattr(target, part)
    return target


def flags_of(method: Callable[..., Any]) -> list[Flag]:
    """The operation's arguments, in signature order, then the call options."""
    params = inspect.signature(method).parameters
    hints = typing.get_type_hints(method, localns=CHECKER_ONLY_NAMES, include_extras=True)
    docs = _arg_docs(inspect.getdoc(method) or "")
    flags = []
    for name, p in params.items():
        if name in _PYTHON_ONLY or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        hint = hints.get(name, Any)
        kinds = tuple(dict.fromkeys(_kinds(hint)))
        description = CALL_OPTIONS.get(name) or _one_line(docs.get(name, ""))
        flags.append(
            Flag(
                name,
                kinds,
                required=p.default is p.empty,
                positional=p.kind is p.POSITIONAL_OR_KEYWORD,
                description=description,
                type=hint,
            )
        )
    return flags


def _kinds(hint: Any) -> list[str]:
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _kinds(typing.get_args(hint)[0])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if any(a is os.PathLike or typing.get_origin(a) is os.PathLike for a in args):
            return ["path"]  # FileInput: a path, bytes, a file object, ...
        return [k for a in args for k in _kinds(a)]
    if hint in (type(None), msgspec.UnsetType) or getattr(hint, "__name__", "") == "NotGiven":
        return []
    if hint in _SCALARS:
        return [_SCALARS[hint]]
    if origin is typing.Literal:
        return ["text"]
    if origin is Callable or (isinstance(hint, type) and not _is_data(hint)):
        return []  # a Python function or object (a tool): no shell spelling
    return ["JSON"]


def _is_data(cls: type) -> bool:
    return issubclass(cls, (msgspec.Struct, Mapping, list, tuple, dict))


def _arg_docs(doc: str) -> dict[str, str]:
    """`name: text` entries of the docstring's `Args:` block (continuations joined;
    `a, b: text` documents both)."""
    out: dict[str, str] = {}
    names: list[str] = []
    inside = False
    for line in doc.splitlines():
        if line.strip() == "Args:":
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside and (entry := re.match(r"    (\w+(?:, \w+)*): (.*)", line)):
            names = entry.group(1).split(", ")
            out.update(dict.fromkeys(names, entry.group(2)))
        elif inside and line.strip():
            for name in names:
                out[name] += " " + line.strip()
    return out


def _one_line(text: str) -> str:
    """The first sentence, links written out (`text <https://...>`), at most _WIDTH wide."""

    def link(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith("/"):
            url = _DOCS_SITE + url
        return f"{match.group(1)} <{url}>" if url.startswith("http") else match.group(1)

    text = _LINK.sub(link, text.strip())
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z`])", text, maxsplit=1)[0]
    if len(sentence) > _WIDTH:
        sentence = sentence[: _WIDTH - 1].rsplit(" ", 1)[0] + "…"
    return sentence


# --- help ----------------------------------------------------------------------------


def example(call: str, flags: list[Flag]) -> str:
    """A command line with every required argument (placeholders in capitals)."""
    words = ["mistral", "api", call]
    for f in flags:
        if not f.required:
            continue
        value = _example_value(f.type, f.name)
        if f.positional:
            words.append(str(value))
            continue
        words.append(f.flag)
        if isinstance(value, str):
            words.append(_quote(value))
        elif value is not True:  # a boolean flag alone is `true`
            words.append(_quote(json.dumps(value, ensure_ascii=False)))
    return " ".join(words)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'" if re.search(r"[^\w@%+=:,./-]", text) else text


def _example_value(hint: Any, name: str, depth: int = 0) -> Any:
    """A value of `hint` for an example: the placeholder NAME for text, a skeleton of
    the required fields for JSON (a union: its smallest variant)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _example_value(args[0], name, depth)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if _kinds(a)]
        if not options:
            return None
        if any(a is os.PathLike or typing.get_origin(a) is os.PathLike for a in args):
            return name.upper()
        structs = [a for a in options if isinstance(a, type) and issubclass(a, msgspec.Struct)]
        if len(structs) == len(options) > 1:  # a tagged union: the variant asking least
            return _example_value(min(structs, key=_required_count), name, depth)
        return _example_value(options[0], name, depth)
    if hint in _SCALARS:
        kind = _SCALARS[hint]
        if kind in _EXAMPLE_SCALARS:
            return _EXAMPLE_SCALARS[kind]
        return name.upper() if depth == 0 else "..."
    if origin is typing.Literal:
        return args[0]
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
        return _struct_example(hint, depth)
    if origin in (list, tuple, set, frozenset) or _is_abc(origin, "Sequence"):
        item = args[0] if args else Any
        return [_example_value(item, name, depth + 1)] if depth < 4 else []
    return {}


def _is_abc(origin: Any, name: str) -> bool:
    import collections.abc

    target = getattr(collections.abc, name)
    return isinstance(origin, type) and issubclass(origin, target)


def _required_count(struct: type[msgspec.Struct]) -> int:
    return sum(1 for f in msgspec.structs.fields(struct) if f.required)


def _struct_example(struct: type[msgspec.Struct], depth: int) -> dict[str, Any]:
    config = struct.__struct_config__
    out: dict[str, Any] = {}
    if isinstance(config.tag_field, str) and config.tag is not None:
        out[config.tag_field] = config.tag
    fields = msgspec.structs.fields(struct)
    shown = [f for f in fields if f.required] or list(fields[:1])  # at least one field
    if depth >= 4:
        return out
    hints = typing.get_type_hints(struct, include_extras=True)
    for f in shown:
        out[f.encode_name] = _example_value(hints.get(f.name, Any), f.name, depth + 1)
    return out


def help_data(call: str, op: Any, method: Callable[..., Any]) -> dict[str, Any]:
    """What `--help` says about an operation, as data (`--json` prints it)."""
    flags = flags_of(method)
    return {
        "call": call,
        "method": op.method,
        "path": op.path,
        "streaming": op.streaming,
        "summary": op.summary,
        "arguments": [
            {
                "flag": f.flag,
                "type": f.kind,
                "required": f.required,
                "json": f.json,
                "description": f.description,
            }
            for f in flags
        ],
        "example": example(call, flags),
    }


def help_text(call: str, op: Any, method: Callable[..., Any]) -> str:
    """`mistral api CALL --help`: the operation, its flags in a table, an example."""
    data = help_data(call, op, method)
    lines = [f"{call}: {op.method} {op.path}" + (" (stream)" if op.streaming else "")]
    if op.summary:
        lines.append(op.summary)
    rows = data["arguments"]
    width = max((len(r["flag"]) for r in rows), default=0)
    kinds = max((len(r["type"]) for r in rows), default=0)
    sections = (
        ("arguments", [r for r in rows if r["flag"][2:].replace("-", "_") not in CALL_OPTIONS]),
        (
            "options of every call",
            [r for r in rows if r["flag"][2:].replace("-", "_") in CALL_OPTIONS],
        ),
    )
    for title, section in sections:
        if not section:
            continue
        lines += ["", f"{title}:"]
        for r in section:
            need = "required" if r["required"] else "        "
            lines.append(
                f"  {r['flag']:<{width}}  {r['type']:<{kinds}}  {need}  {r['description']}".rstrip()
            )
    several = (
        ""
        if any(r["flag"] == "--body" for r in rows)
        else ("; --body JSON|@FILE|- gives several arguments at once (flags win)")
    )
    lines += [
        "",
        f"JSON values are inline, @FILE or - (stdin){several}.",
        "",
        "example:",
        f"  {data['example']}",
    ]
    return "\n".join(lines)
