"""Readable in the REPL and the IDE: `help()` on any method lists every argument with
the spec's description (or where the value goes), every public class and function
has a docstring, and `OPERATIONS` entries print as one readable line."""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral

CALL_OPTIONS = {"extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}


def _methods(resource: Any, prefix: str) -> list[tuple[str, Any]]:
    out = []
    for name in dir(type(resource)):
        if name.startswith("_") or name == "with_raw_response":
            continue
        attr = getattr(resource, name)
        if inspect.ismethod(attr):
            out.append((prefix + name, attr))
        elif hasattr(attr, "_client"):
            out += _methods(attr, f"{prefix}{name}.")
    return out


@pytest.mark.parametrize("client_type", [Mistral, AsyncMistral])
def test_help_on_every_method_lists_every_argument(client_type: Any) -> None:
    methods = _methods(client_type(api_key="k"), "")
    assert len(methods) > len(mistral_sdk.OPERATIONS)  # every operation, and the helpers
    for call, method in methods:
        doc = inspect.getdoc(method)
        assert doc, f"{call} has no docstring"
        if call in ("get", "post", "put", "patch", "delete", "request"):
            # the escape hatch is documented on SyncVerb.__call__; `request` is the
            # core's building block for generated code (docs/internals.md)
            continue
        for name in inspect.signature(method).parameters:
            if name in CALL_OPTIONS or name == "kwargs":
                continue
            assert f"{name}:" in doc or f"`{name}`" in doc, f"{call}: {name} undocumented"


def test_every_public_name_and_its_public_methods_have_docstrings() -> None:
    missing = []
    for name in mistral_sdk.__all__:
        value = getattr(mistral_sdk, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        if not inspect.getdoc(value):
            missing.append(name)
        if inspect.isclass(value):
            for attr, member in vars(value).items():
                if attr.startswith("_") or not (
                    inspect.isfunction(member) or isinstance(member, property)
                ):
                    continue
                if not (member.__doc__ or "").strip():
                    missing.append(f"{name}.{attr}")
    assert missing == []


def test_every_model_has_a_docstring() -> None:
    structs = [
        c
        for n in dir(mistral_sdk.models)
        if inspect.isclass(c := getattr(mistral_sdk.models, n)) and issubclass(c, msgspec.Struct)
    ]
    assert len(structs) > 500
    assert [c.__name__ for c in structs if not c.__doc__] == []


def test_operations_print_readably() -> None:
    op = mistral_sdk.OPERATIONS["chat_completion_v1_chat_completions_post"]
    assert repr(op) == (
        "<Operation chat_completion_v1_chat_completions_post POST /v1/chat/completions"
        " -> client.chat.complete / client.chat.stream: Chat Completion>"
    )
    assert all(repr(o).startswith(f"<Operation {k} ") for k, o in mistral_sdk.OPERATIONS.items())
