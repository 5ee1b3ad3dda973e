"""Python names for spec names: identifiers, classes, modules and method names.

Method names are derived from the operationId by one rule (below); the few
operations the rule names badly are named in the overlay (spec/overlay.yaml,
`operations.<operationId>.method`), the single override table.
"""

from __future__ import annotations

import keyword
import re

from .overlay import Naming, Overlay

# Names that would shadow builtins or typing names used by generated modules.
_RESERVED = set(keyword.kwlist) | set(keyword.softkwlist) | {"self", "cls", "models", "body"}
_KEYWORDS = set(keyword.kwlist)

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_IDENT = re.compile(r"[^0-9a-zA-Z]+")


def snake(name: str) -> str:
    """`sharingScope` → `sharing_scope`, `ai.mistral/turbine` → `ai_mistral_turbine`."""
    text = _CAMEL_1.sub(r"\1_\2", name)
    text = _CAMEL_2.sub(r"\1_\2", text)
    text = _NON_IDENT.sub("_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text:
        text = "value"
    if text[0].isdigit():
        text = f"_{text}"
    return text


def identifier(name: str) -> str:
    """A Python-safe attribute or argument name for a wire name."""
    text = snake(name)
    if text in _RESERVED:
        text = f"{text}_"
    return text


def attribute(name: str) -> str:
    """A resource attribute on the client: only keywords are escaped (`client.models`)."""
    text = snake(name)
    return f"{text}_" if text in _KEYWORDS else text


def pascal(name: str) -> str:
    """`chat_completion` → `ChatCompletion`; keeps existing inner capitals."""
    parts = [p for p in _NON_IDENT.split(name) if p]
    out = "".join(p[0].upper() + p[1:] for p in parts)
    if not out:
        out = "Value"
    if out[0].isdigit():
        out = f"_{out}"
    return out


def module_name(name: str) -> str:
    """The private module a definition lives in: `ChatCompletionResponse` → `_chat_completion_response`."""
    return f"_{snake(name)}"


# --- method names --------------------------------------------------------------

_FASTAPI = re.compile(r"^(?P<name>.+?)_v\d+_.*_(get|post|put|patch|delete)$")
_VERSION_SUFFIX = re.compile(r"_v\d+$")


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def method_name(operation_id: str, resource: tuple[str, ...], overlay: Overlay) -> str:
    """The Python method of an operation on `resource`: the overlay's name for it,
    else the rule's (`derive_method_name`)."""
    chosen = overlay.operation(operation_id).method
    return chosen or derive_method_name(operation_id, resource, overlay.naming)


def derive_method_name(operation_id: str, resource: tuple[str, ...], naming: Naming) -> str:
    """Shorten an operationId into a verb-first method name for its resource.

    1. FastAPI ids (`list_models_v1_models_get`) keep what precedes the version.
    2. Service prefixes (`naming.operation_id_prefixes`: `agents_api_v1_`,
       `files_api_routes_`, …; the longest that matches) and version suffixes (`_v1`)
       are dropped.
    3. Words naming the resource itself (`files` in `upload_file` on `files`) are
       dropped, unless nothing would remain; a namespace (`beta`) names nothing.
    """
    name = operation_id
    match = _FASTAPI.match(name)
    if match:
        name = match.group("name")
    for prefix in sorted(naming.operation_id_prefixes, key=len, reverse=True):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
            break
    name = _VERSION_SUFFIX.sub("", name)
    words = name.split("_")
    resource_words: set[str] = set()
    plural_words: set[str] = set()
    named = resource[1:] if resource[:1] and resource[0] in naming.namespaces else resource
    for part in named:
        for w in part.split("_"):
            resource_words.update({w, _singular(w)})
            if _singular(w) != w:
                plural_words.add(w)
    # a leading word is a verb (`judge_conversation` on `judges`) unless it is the
    # resource's own plural name (`conversations_list` on `conversations`)
    kept = [
        w
        for i, w in enumerate(words)
        if w not in resource_words or (i == 0 and w not in plural_words)
    ]
    if kept:
        # `get_workflows` on `workflows` lists; `get_workflow` gets one
        if kept == ["get"] and words[-1] in plural_words:
            kept = ["list"]
        words = kept
    return identifier("_".join(words))


def sentence(operation_id: str, naming: Naming) -> str:
    """What an operation does, said by its operationId, for one that has no summary:
    `list_trigger_events_v1_triggers__trigger_id__events_get` → "List trigger events."
    (what precedes the version of a FastAPI id, else the id without its service
    prefix and version)."""
    match = _FASTAPI.match(operation_id)
    name = match.group("name") if match else operation_id
    for prefix in sorted(naming.operation_id_prefixes, key=len, reverse=True):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
            break
    words = " ".join(w for w in _VERSION_SUFFIX.sub("", name).split("_") if w)
    return f"{words[:1].upper()}{words[1:]}." if words else ""


# Words ending in `s` that are not plurals.
_NOT_PLURAL = ("ss", "us", "is", "ics")
_ES_PLURALS = ("sses", "xes", "ches", "shes", "uses", "zes")
_IRREGULAR = {"aliases": "alias", "biases": "bias", "data": "data", "canvases": "canvas"}


def singular_noun(word: str) -> str | None:
    """The singular of a lower-case English plural, or None when `word` is not one."""
    if word in _IRREGULAR:
        return _IRREGULAR[word] if _IRREGULAR[word] != word else None
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(_ES_PLURALS):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_NOT_PLURAL) and len(word) > 2:
        return word[:-1]
    return None


def item_name(hint: str) -> str:
    """The name of one item of the array named `hint`: `ChatTools` → `ChatTool`.

    A hint whose last word is no plural (`ModelListData`, `FilterGroupAND`) gets `Item`.
    """
    match = re.search(r"([A-Z][a-z]+)$", hint)
    if match:
        single = singular_noun(match.group(1).lower())
        if single:
            return hint[: match.start()] + single[0].upper() + single[1:]
    return f"{hint}Item"
