"""The overlay: what the generator knows about particular operations and schemas.

`spec/overlay.yaml` holds it as data (method names the rule gets wrong, streams the spec
omits, how streams end, the bodies the helpers fill, …); the generator holds only the
rules that read it. This module is its schema, as msgspec Structs, and its loader: an
invalid overlay raises `OverlayError` naming the file, the line and the place inside
it (`operations['x'].method`) with the problem. What the overlay names and the spec
lacks is not an error here but a warning of the generator (generator/parse/drift.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import msgspec
import yaml

# The project's overlay: the one every spec is generated with unless told otherwise.
DEFAULT = Path(__file__).resolve().parent.parent / "spec" / "overlay.yaml"

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
# each pattern, and how a value that does not match it is told
_PATTERNS = {
    f"^{_IDENT}$": "that is a Python identifier",
    rf"^{_IDENT}(\.{_IDENT})*$": "of Python identifiers joined by dots",
    r"^#/": "that is a JSON pointer into the spec (`#/...`)",
    r"^(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) /\S*$": (
        "like `POST /v1/path` (a method and the spec's path)"
    ),
    rf"^{_IDENT}(\.{_IDENT})*\.{_IDENT}$": "like `module.Class` (a module of mistral_sdk)",
    r"^[0-9]+(\.[0-9]+)*$": "that is a release number (`0.3.0`)",
}
_IDENTIFIER, _DOTTED, _POINTER, _ROUTE, _CLASS, _VERSION = _PATTERNS
Identifier = Annotated[str, msgspec.Meta(pattern=_IDENTIFIER)]
Dotted = Annotated[str, msgspec.Meta(pattern=_DOTTED)]
Pointer = Annotated[str, msgspec.Meta(pattern=_POINTER)]
# an operation as `METHOD /path` (the spec's path template, fragment included)
Route = Annotated[str, msgspec.Meta(pattern=_ROUTE)]
Text = Annotated[str, msgspec.Meta(min_length=1)]
ClassPath = Annotated[str, msgspec.Meta(pattern=_CLASS)]
Version = Annotated[str, msgspec.Meta(pattern=_VERSION)]


class OverlayError(Exception):
    """The overlay file cannot be read or does not follow its schema."""


class _Entry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class Naming(_Entry):
    # leading tokens of operationIds that name the service (the longest match is dropped)
    operation_id_prefixes: tuple[Text, ...] = ()
    # first tag segments that group resources without naming methods or schemas
    namespaces: tuple[Identifier, ...] = ()


class Tag(_Entry):
    resource: Dotted  # the resource path on the client (`batch.jobs`)


class Operation(_Entry):
    method: Identifier | None = None  # the Python method name, instead of the rule's
    # the event schema of the stream the API answers though the spec describes none
    stream_event: Text | None = None


class StreamEnds(_Entry):
    terminal: tuple[Text, ...] = ()  # events that end the stream
    errors: tuple[Text, ...] = ()  # events that report a failure


class Schema(_Entry):
    base: Identifier | None = None  # the mistral_sdk._model class a model derives from
    stream_ends: StreamEnds | None = None  # of the envelope whose `event` this enum types
    # the path parameter naming the workflow run whose end ends a stream of these events
    run_events: Identifier | None = None
    connectors_field: Text | None = None  # the body field `connectors=` merges into
    tools_field: Text | None = None  # the body field that also takes Python callables
    batch_endpoints: bool = False  # the enum of the endpoints a batch job runs
    # (on that enum) the body fields the batch runner's job fills in every request
    batch_job_fields: tuple[Text, ...] = ()


class InlineSchema(_Entry):
    name: Identifier  # the model name of the inline schema, instead of the rule's


class Resource(_Entry):
    mixin: ClassPath  # `module.Class` under mistral_sdk; the async resource takes `AsyncClass`
    # the mixin is the batch runner: its `run`/`submit`/`job` are overloaded on each
    # endpoint of the `batch_endpoints` enum, typed by that endpoint's answer
    batch_runner: bool = False


class Need(_Entry):
    call: Dotted  # the generated method, as `client.<call>`
    operation: Route  # the operation it must be


class Forwards(_Entry):
    call: Dotted  # the generated method the helper's `**kwargs` go to, as `client.<call>`
    name: Identifier  # of the TypedDict of those `**kwargs` (`params.<name>`)
    omit: tuple[Text, ...] = ()  # its arguments the helper takes itself or sets


class Helper(_Entry):
    needs: tuple[Need, ...] = ()
    connectors: tuple[Route, ...] = ()  # operations whose `connectors=` the helper passes
    forwards: Forwards | None = None


class Streams(_Entry):
    # wire names of the parameter a stream resumes through; the first an operation has wins
    resume_params: tuple[Text, ...] = ()


class Supplement(_Entry):
    """What the generator knows about the operations and schemas merged in from the
    supplement (spec/supplement.yaml): read like the top-level sections of the same
    names, and kept apart so that a spec generated without the supplement does not
    report them as drift. An entry stays when the public spec adopts its operation:
    that is what keeps the Python names stable."""

    tags: dict[Text, Tag] = {}
    operations: dict[Text, Operation] = {}
    schemas: dict[Text, Schema] = {}


class Renamed(_Entry):
    removed_in: Version  # the release without the former names
    # former model name -> its name now (`str`: an id that became a plain string)
    models: dict[Identifier, Identifier] = {}


class Overlay(_Entry):
    naming: Naming = msgspec.field(default_factory=Naming)
    tags: dict[Text, Tag] = {}
    operations: dict[Text, Operation] = {}
    schemas: dict[Text, Schema] = {}
    inline_schemas: dict[Pointer, InlineSchema] = {}
    resources: dict[Dotted, Resource] = {}
    streams: Streams = msgspec.field(default_factory=Streams)
    helpers: dict[Dotted, Helper] = {}
    supplement: Supplement = msgspec.field(default_factory=Supplement)
    renamed: Renamed | None = None

    def operation(self, operation_id: str) -> Operation:
        return self.operations.get(operation_id) or self.supplement.operations.get(
            operation_id, _NO_OPERATION
        )

    def schema(self, name: str) -> Schema:
        return self.schemas.get(name) or self.supplement.schemas.get(name, _NO_SCHEMA)

    def tag(self, tag: str) -> Tag | None:
        return self.tags.get(tag) or self.supplement.tags.get(tag)

    def schemas_with(self, key: str) -> dict[str, Any]:
        """`{schema name: value}` of the schema entries (of both sources) that set `key`."""
        return {
            name: getattr(entry, key)
            for name, entry in (*self.schemas.items(), *self.supplement.schemas.items())
            if getattr(entry, key) not in (None, False)
        }

    @property
    def batch_endpoints_enum(self) -> str | None:
        return next(iter(self.schemas_with("batch_endpoints")), None)

    @property
    def batch_job_fields(self) -> tuple[str, ...]:
        enum = self.batch_endpoints_enum
        return self.schema(enum).batch_job_fields if enum else ()

    def batch_runner(self, path: tuple[str, ...]) -> bool:
        """Whether the resource at `path` is the batch runner's (typed by endpoint)."""
        entry = self.resources.get(".".join(path))
        return entry is not None and entry.batch_runner

    def mixin(self, path: tuple[str, ...]) -> tuple[str, str] | None:
        """(module, class) of the mixin of the resource at `path`."""
        entry = self.resources.get(".".join(path))
        if entry is None:
            return None
        module, cls = entry.mixin.rsplit(".", 1)
        return module, cls


_NO_OPERATION = Operation()
_NO_SCHEMA = Schema()


@functools.cache
def default() -> Overlay:
    """The project's overlay (`spec/overlay.yaml`), read once."""
    return load(DEFAULT)


def load(path: Path) -> Overlay:
    """Read and validate the overlay at `path`; raise OverlayError when it is invalid."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise OverlayError(f"cannot read the overlay {path}: {exc}") from exc
    return parse(data if data is not None else {}, text, str(path))


def parse(data: Any, text: str = "", source: str = "overlay") -> Overlay:
    """Validate `data` (the loaded YAML of `text`, read from `source`)."""
    try:
        overlay = msgspec.convert(data, Overlay)
    except msgspec.ValidationError as exc:
        problem, path = _locate(data, exc)
        raise OverlayError(_message(source, text, path, problem)) from None
    problems = _inconsistencies(overlay)
    if problems:
        path, problem = problems[0]
        raise OverlayError(_message(source, text, path, problem))
    return overlay


def _inconsistencies(overlay: Overlay) -> list[tuple[tuple[str | int, ...], str]]:
    """What the schema alone cannot say: entries that set nothing, an entry in both the
    top-level section and the supplement's, two batch enums or batch runners."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for section in ("operations", "schemas", "helpers"):
        entries: Mapping[str, Operation | Schema | Helper] = getattr(overlay, section)
        for key, entry in entries.items():
            if entry == type(entry)():
                out.append(((section, key), "the entry sets nothing"))
    for section in ("tags", "operations", "schemas"):
        own: Mapping[str, Tag | Operation | Schema] = getattr(overlay.supplement, section)
        for key, item in own.items():
            if isinstance(item, Operation | Schema) and item == type(item)():
                out.append((("supplement", section, key), "the entry sets nothing"))
            if key in getattr(overlay, section):
                out.append((("supplement", section, key), f"`{section}` names `{key}` already"))
    enums = list(overlay.schemas_with("batch_endpoints"))
    if len(enums) > 1:
        out.append(
            (("schemas", enums[1], "batch_endpoints"), f"`{enums[0]}` is the batch enum already")
        )
    runners = [path for path, entry in overlay.resources.items() if entry.batch_runner]
    if len(runners) > 1:
        out.append(
            (
                ("resources", runners[1], "batch_runner"),
                f"`{runners[0]}` is the batch runner already",
            )
        )
    return out


# --- where a problem is ------------------------------------------------------------

# the sections keyed by what the spec calls things (the others are fixed records)
_KEYED = ("tags", "operations", "schemas", "inline_schemas", "resources", "helpers")
_AT = re.compile(r"^(?P<problem>.*) - at `(?P<path>[^`]*)`(?: in `(?P<outer>[^`]*)`)?$", re.S)
_TOKEN = re.compile(r"\.(\w+)|\[(\d+)\]|\[\.\.\.\]")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]*)`$")


def _locate(data: Any, exc: msgspec.ValidationError) -> tuple[str, tuple[str | int, ...]]:
    """msgspec's message, and the path of the value it is about.

    msgspec writes a mapping's keys as `[...]`; the key is the first entry that, alone
    in its mapping, gives the same error (msgspec stops at the first problem, in the
    file's order)."""
    message = str(exc)
    match = _AT.match(message)
    problem = match["problem"] if match else str(exc)  # no path: the top level
    bad_key = match is not None and match["outer"] is not None  # "at `key` in `$.section`"
    raw = (match["outer"] if bad_key else match["path"]) if match else "$"
    path: list[str | int] = []
    node = data
    for token in _TOKEN.finditer(raw.removeprefix("$")):
        name, index = token.group(1), token.group(2)
        if name is not None:
            path.append(name)
            node = node[name] if isinstance(node, dict) else None
        elif index is not None:
            path.append(int(index))
            node = node[int(index)] if isinstance(node, list) else None
        else:
            key = _failing_key(data, path, node, message)
            path.append(key)
            node = node.get(key) if isinstance(node, dict) else None
    if bad_key:
        path.append(_failing_key(data, path, node, message))
        problem = f"invalid key: {problem}"
    unknown = _UNKNOWN.match(problem)
    if unknown:
        path.append(unknown["field"])
        problem = "unknown key (a typo? generator/overlay.py lists the keys)"
    for pattern, words in _PATTERNS.items():
        problem = problem.replace(f"matching regex {pattern!r}", words)
    return problem, tuple(path)


def _failing_key(data: Any, path: list[str | int], mapping: Any, message: str) -> str:
    if not isinstance(mapping, dict):
        return "?"
    for key, value in mapping.items():
        try:
            msgspec.convert(_replace(data, path, {key: value}), Overlay)
        except msgspec.ValidationError as exc:
            if str(exc) == message:
                return str(key)
    return "?"


def _replace(data: Any, path: list[str | int], new: Any) -> Any:
    """A copy of `data` with the value at `path` replaced by `new`."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], rest, new)}
    copy = list(data)
    copy[int(head)] = _replace(copy[int(head)], rest, new)
    return copy


def _message(source: str, text: str, path: tuple[str | int, ...], problem: str) -> str:
    line = _line(text, path)
    where = f"{source}:{line}" if line else source
    return f"invalid overlay: {where}: {_dotted(path) or '(the whole file)'}: {problem}"


def _dotted(path: tuple[str | int, ...]) -> str:
    """`operations['list_v1'].method`: sections and fields by name, keys quoted (also in
    the supplement's sections: `supplement.operations['list_v1'].method`)."""
    out = ""
    section = 1 if path[:1] == ("supplement",) else 0  # where the section's name is
    for i, part in enumerate(path):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i == 0:
            out = part
        elif i == section + 1 and path[section] in _KEYED:
            out += f"[{part!r}]"
        else:
            out += f".{part}"
    return out


def _line(text: str, path: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the value at `path` in the YAML `text`, when it is there."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next((kv for kv in node.value if kv[0].value == str(part)), None)
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
