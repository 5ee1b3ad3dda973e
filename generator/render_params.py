"""IR → the `params` package: the request side's typed dictionaries (parse/inputs.py).

They are for type checkers only. Nothing in the SDK imports `mistral_sdk.params` at run
time; each of its modules imports what its annotations name only under TYPE_CHECKING
(a union's members are a quoted alias), so a user's `from mistral_sdk.params import
UserMessageParam` costs that one small module. Modules follow the models' (the
typed dictionary of `models._user_message.UserMessage` is in `params._user_message`).
"""

from __future__ import annotations

import keyword
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ir
from .types import Imports, render

if TYPE_CHECKING:
    from .render import Renderer

# Where the runtime names a forwarded method's annotations use come from.
_RUNTIME_NAMES = {
    "UnsetType": "msgspec",
    "FunctionTool": ".._tools",
    "ConnectorSlot": ".._connectors",
    "ConnectorSlotParam": ".._connectors",
    "ProgressCallback": ".._progress",
    "Body": ".._types",
    "FileInput": ".._types",
    "Headers": ".._types",
    "NotGiven": ".._types",
    "Query": ".._types",
    "TimeoutTypes": ".._types",
}
_NAMES = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")
_STRINGS = re.compile(r"'[^']*'|\"[^\"]*\"")


def _names(annotation: str) -> set[str]:
    """The names an annotation refers to: not attributes (`models.X` names `models`),
    not the strings of a `Literal`."""
    return set(_NAMES.findall(_STRINGS.sub("", annotation)))


@dataclass
class KeyView:
    wire: str
    annotation: str  # `Required[...]` when the key must be given
    doc: str


@dataclass
class ParamView:
    name: str
    doc: str
    keys: list[KeyView] = field(default_factory=list)
    # keys that cannot be class attributes (not identifiers, or names the annotations
    # use): `Name = TypedDict("Name", {...})`, its annotations quoted
    functional: bool = False
    union: str = ""  # a union's members: the alias's (quoted) value


class ParamsRenderer:
    def __init__(self, renderer: Renderer) -> None:
        self.base = renderer
        self.api = renderer.api
        self.inputs = renderer.inputs.at("")  # in the package itself, names are bare
        self.module_of = {
            p.name: renderer.module_of[p.source] for p in self.api.inputs.params.values()
        }
        for forward in self.api.inputs.forwards:
            self.module_of[forward.name] = renderer.arguments_module

    def files(self) -> dict[str, str]:
        grouped: dict[str, list[ir.DictParam | ir.UnionParam]] = {}
        for param in self.api.inputs.params.values():
            grouped.setdefault(self.module_of[param.name], []).append(param)
        out: dict[str, str] = {}
        for module, params in sorted(grouped.items()):
            imports = Imports()
            views = [self.view(p, imports) for p in sorted(params, key=lambda p: p.name)]
            out[f"mistral_sdk/params/{module}.py"] = self.module(module, views, imports)
        forwards = self.api.inputs.forwards
        if forwards:
            module = self.base.arguments_module
            imports = Imports()
            views = [self.forward_view(f, imports) for f in forwards]
            out[f"mistral_sdk/params/{module}.py"] = self.module(module, views, imports)
        entries = sorted(self.module_of.items())
        out["mistral_sdk/params/__init__.py"] = self.base.env.get_template(
            "params_init.py.j2"
        ).render(header=self.base.header, entries=entries)
        return out

    # --- views -------------------------------------------------------------------

    def view(self, param: ir.DictParam | ir.UnionParam, imports: Imports) -> ParamView:
        source = f"`models.{param.source}`"
        if isinstance(param, ir.UnionParam):
            members: list[str] = []
            for texpr in param.variants:
                for part in self.member(texpr, imports).split(" | "):
                    if part not in members:
                        members.append(part)
            doc = param.doc or f"A value for {source}: one of its variants, objects as dicts."
            return ParamView(param.name, doc, union=" | ".join(members))
        keys = []
        for key in param.keys:
            annotation = render(key.type, imports, "models.", self.inputs, argument=True)
            if key.required:
                imports.typing.add("Required")
                annotation = f"Required[{annotation}]"
            keys.append(KeyView(key.wire, annotation, key.doc))
        doc = (
            f"{param.doc}\n\nA dict in place of {source}." if param.doc else f"{source} as a dict."
        )
        return self.dict_view(param.name, doc, keys)

    def member(self, texpr: ir.TypeExpr, imports: Imports) -> str:
        """A union's variant as a dict: its typed dictionary alone (the model is in the
        signatures beside it), else what it renders as an argument."""
        if isinstance(texpr, ir.Ref) and texpr.name in self.inputs.param_of:
            name = self.inputs.param_of[texpr.name]
            imports.params.add(name)
            return name
        return render(texpr, imports, "models.", self.inputs, argument=True)

    def forward_view(self, forward: ir.Forward, imports: Imports) -> ParamView:
        keys = []
        omitted = []
        for name, annotation, default in self.base.signature(
            forward.operation, forward.method, imports, self.inputs
        ):
            if name in forward.omit:
                omitted.append(f"`{name}`")
                continue
            if default is None:
                imports.typing.add("Required")
                annotation = f"Required[{annotation}]"
            keys.append(KeyView(name, annotation, ""))
        call = ".".join((*self.base.resource_path(forward.operation), forward.method.name))
        doc = textwrap.fill(
            f"The keyword arguments `client.{forward.helper}` passes on to `client.{call}`"
            + (f": all of them but {', '.join(omitted)}." if omitted else "."),
            88,
        )
        return self.dict_view(forward.name, doc, keys)

    @staticmethod
    def dict_view(name: str, doc: str, keys: list[KeyView]) -> ParamView:
        used = {n for k in keys for n in _names(k.annotation)}
        functional = any(
            not k.wire.isidentifier() or keyword.iskeyword(k.wire) or k.wire in used for k in keys
        )
        return ParamView(name, doc, keys, functional=functional)

    # --- modules -----------------------------------------------------------------

    def module(self, module: str, views: list[ParamView], imports: Imports) -> str:
        local = {v.name for v in views}
        siblings: dict[str, list[str]] = {}
        for name in sorted(imports.params - local):
            siblings.setdefault(self.module_of[name], []).append(name)
        runtime: dict[str, list[str]] = {}
        used = {n for v in views for k in v.keys for n in _names(k.annotation)}
        for name in sorted(used & set(_RUNTIME_NAMES)):
            runtime.setdefault(_RUNTIME_NAMES[name], []).append(name)
        extensions = sorted(imports.typing & {"Required", "NotRequired"})
        typing = sorted(imports.typing - {"Required", "NotRequired"})
        checking = bool(
            imports.collections
            or imports.datetime
            or typing
            or imports.uuid
            or extensions
            or runtime
            or imports.models
            or imports.unknown
            or siblings
        )
        return self.base.env.get_template("params_module.py.j2").render(
            header=self.base.header,
            views=views,
            imports=imports,
            typing=typing,
            extensions=extensions,
            collections=sorted(imports.collections),
            siblings=siblings,
            runtime=dict(sorted(runtime.items())),
            checking=checking,
            uses_models=bool(imports.models),
            uses_dict=any(not v.union for v in views),
            uses_alias=any(v.union for v in views),
        )
