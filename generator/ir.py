"""The intermediate model between the OpenAPI document and the rendered SDK.

Every decision about names, types and union strategy is made while building this
model (in `generator/parse/`); the templates only walk it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# --- types -----------------------------------------------------------------


@dataclass(frozen=True)
class Prim:
    """A JSON primitive or a format-refined string."""

    kind: Literal[
        "str", "int", "float", "bool", "bytes", "datetime", "date", "time", "uuid", "any", "none"
    ]


@dataclass(frozen=True)
class Ref:
    """A reference to a named definition (model, enum, alias or union)."""

    name: str


@dataclass(frozen=True)
class ListOf:
    item: TypeExpr


@dataclass(frozen=True)
class TupleOf:
    items: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class MapOf:
    value: TypeExpr


@dataclass(frozen=True)
class Const:
    """A single-value type (`const` or a one-value `enum`): always sent."""

    value: str | int | float | bool


@dataclass(frozen=True)
class UnionOf:
    """A union msgspec can decode natively (at most one object-like and one array-like member)."""

    members: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class Nullable:
    inner: TypeExpr


TypeExpr = Prim | Ref | ListOf | TupleOf | MapOf | Const | UnionOf | Nullable


# --- definitions -------------------------------------------------------------


@dataclass
class Field:
    name: str  # Python name
    wire: str  # JSON name
    type: TypeExpr
    required: bool
    doc: str = ""
    deprecated: bool = False
    const: Const | None = None  # a single-value field: always sent, never asked for
    # a string const that tags no union: any string decodes (a new value from the
    # server is data, not an error); the Literal stays in the type hint
    open_const: bool = False

    @property
    def null_default(self) -> bool:
        """Required and nullable: servers often omit the null, so a missing value reads
        as None, and a request sends null when the caller gives nothing."""
        return self.required and self.const is None and isinstance(self.type, Nullable)


@dataclass
class Model:
    """An object schema: a msgspec Struct."""

    name: str
    fields: list[Field]
    doc: str = ""
    deprecated: bool = False
    pointer: str = ""
    tag: tuple[str, str] | None = None  # (field, value) when a native tagged-union variant
    # the class of mistral_sdk._model it derives from: `Model`, or one that adds a typed
    # convenience (`HasText`, `OutputText`; the overlay's `schemas.<name>.base`)
    base: str = "Model"
    kind: Literal["model"] = "model"


@dataclass
class Enum:
    """A named enum: a Literal alias statically, the plain base type at run time (open)."""

    name: str
    values: list[str | int | float | bool]
    base: Literal["str", "int", "float", "bool"]
    doc: str = ""
    pointer: str = ""
    kind: Literal["enum"] = "enum"


@dataclass
class Alias:
    """A named schema that is just another type (array, primitive, native union)."""

    name: str
    type: TypeExpr
    doc: str = ""
    pointer: str = ""
    kind: Literal["alias"] = "alias"


@dataclass
class Variant:
    type: TypeExpr
    tag_value: str | None = None  # the tag's value for tagged unions


@dataclass
class Union_:
    """A union msgspec cannot decode natively: decoded by the runtime's union hook.

    `strategy` is "tag" (dispatch on the value of `tag` in an object) or "shape"
    (first variant whose structure matches; see docs/unions.md).
    """

    name: str
    variants: list[Variant]
    strategy: Literal["tag", "shape"]
    tag: str | None = None
    doc: str = ""
    pointer: str = ""
    native: bool = False  # msgspec decodes it itself (tagged Structs); else the runtime hook
    kind: Literal["union"] = "union"


Definition = Model | Enum | Alias | Union_


# --- operations --------------------------------------------------------------


@dataclass
class Param:
    name: str  # Python name
    wire: str
    location: Literal["path", "query", "header", "body", "form"]
    type: TypeExpr
    required: bool
    doc: str = ""
    json_encoded: bool = False  # query parameter with `content: application/json`
    is_file: bool = False  # a multipart file field
    const: Const | None = None  # a single-value body field: always sent

    @property
    def null_default(self) -> bool:
        """A required, nullable body field: the argument defaults to None (sent as null)."""
        return (
            self.required and self.location in ("body", "form") and isinstance(self.type, Nullable)
        )


@dataclass
class Response:
    kind: Literal["json", "empty", "binary", "sse"]
    type: TypeExpr | None = None
    envelope: bool = False  # SSE: the schema describes the whole event
    done_marker: str | None = None
    # SSE: what ends the stream. A stream with any of these that is cut before one
    # arrives raises instead of ending quietly (generator/parse/streams.py)
    terminal: tuple[str, ...] = ()  # event names; "[DONE]" is the done marker
    errors: tuple[str, ...] = ()  # event names that report a failure
    run_param: str | None = None  # the (Python) path parameter whose workflow run ends it
    # the parameter through which the stream resumes from its last event id, when it
    # has one (the overlay's streams.resume_params)
    resume_param: Param | None = None


@dataclass
class Pagination:
    """How a list operation pages (see generator/pagination.py).

    `kind` is "cursor" (send `param` = the cursor found at `next` in the answer),
    "offset" (send `param` = items seen so far) or "page" (send `param` = page + 1,
    counting from `start`). `items` is the path of the list in the answer (empty
    when the answer is the list), `size` the page-size parameter, `total` the path
    of the total item count when the answer has one.
    """

    kind: Literal["cursor", "offset", "page"]
    param: str
    items: tuple[str, ...]
    item_type: TypeExpr
    size: str | None = None
    next: tuple[str, ...] = ()
    total: tuple[str, ...] = ()
    start: int = 0


@dataclass
class Method:
    """One Python method; an operation answering JSON and SSE has two."""

    name: str
    response: Response
    const_overrides: dict[str, Const] = field(default_factory=dict)  # body fields this method fixes
    pagination: Pagination | None = None


@dataclass
class Operation:
    operation_id: str
    method: str  # HTTP verb, upper case
    path: str  # spec path template, fragment included
    http_path: str  # what goes over the wire: fragment removed
    tag: str
    summary: str
    doc: str
    deprecated: bool
    params: list[Param]
    body_kind: Literal["none", "json", "multipart"]
    body_type: TypeExpr | None  # the body's type when it is not flattened
    flattened: bool  # body fields become keyword arguments
    methods: list[Method]
    pointer: str = ""
    # The header that carries the API key when the operation's only security is an
    # apiKey-in-header scheme (`x-api-key`); None: the client's Bearer Authorization.
    api_key_header: str | None = None
    # the flattened body field that `connectors=` merges into (overlay: connectors_field)
    connectors_field: str | None = None
    tools_field: str | None = None  # takes Python callables too (overlay: tools_field)
    # where it is described: "spec" (the public spec) or "supplement" (read from an
    # official SDK release, `API.supplement`; generator/merge.py)
    source: Literal["spec", "supplement"] = "spec"

    def sent(self, method: Method) -> list[Param]:
        """The parameters `method` sends: all but the body fields it fixes itself."""
        return [
            p
            for p in self.params
            if p.wire not in method.const_overrides or p.location not in ("body", "form")
        ]

    def arguments(self, method: Method) -> list[Param]:
        """What a caller passes to `method`, in signature order: the path parameters
        (positional), then the required and the optional keywords. A constant is
        sent without being passed."""
        sent = self.sent(method)
        keywords = [p for p in sent if p.location != "path" and p.const is None]
        return (
            [p for p in sent if p.location == "path"]
            + [p for p in keywords if p.required]
            + [p for p in keywords if not p.required]
        )


# --- the request side: typed dictionaries for type checkers --------------------


@dataclass
class Key:
    """A key of a typed dictionary: its wire name and type, and whether it must be given."""

    wire: str
    type: TypeExpr
    required: bool
    doc: str = ""


@dataclass
class DictParam:
    """An object a request may carry, as the `TypedDict` type checkers see
    (`params.UserMessageParam` for `models.UserMessage`). Nothing at run time reads it."""

    name: str
    source: str  # the model it mirrors
    keys: list[Key]
    doc: str = ""


@dataclass
class UnionParam:
    """A union a request may carry, as the union of its variants' typed dictionaries."""

    name: str
    source: str  # the union it mirrors
    variants: list[TypeExpr]
    doc: str = ""


@dataclass
class Forward:
    """The `**kwargs` of a hand-written helper that forwards them to a generated method:
    that method's keyword arguments but `omit`, as a `TypedDict` (`params.<name>`)."""

    name: str
    helper: str  # `chat.parse`
    operation: Operation
    method: Method
    omit: tuple[str, ...] = ()


@dataclass
class Inputs:
    """What callers may give as plain dicts, typed (the inputs pass, parse/inputs.py)."""

    params: dict[str, DictParam | UnionParam] = field(default_factory=dict)  # by name
    param_of: dict[str, str] = field(default_factory=dict)  # definition → its param's name
    # models whose schema takes any key and declares none: `Mapping[str, Any]`
    free_form: set[str] = field(default_factory=set)
    forwards: list[Forward] = field(default_factory=list)
    # the body of each batch endpoint's requests (job fields need not be given):
    # the union of the request models and their `…BatchParam`s
    batch: list[str] = field(default_factory=list)


@dataclass
class Resource:
    """A node of the client's resource tree (`beta` → `beta.conversations`)."""

    path: tuple[str, ...]
    operations: list[Operation] = field(default_factory=list)
    children: dict[str, Resource] = field(default_factory=dict)
    # (module under mistral_sdk, class) of the runtime mixin that adds hand-written
    # helpers to this resource (`Async` + class for the async one)
    mixin: tuple[str, str] | None = None
    # the mixin is the batch runner: `run`/`submit`/`job` typed by endpoint (overlay
    # `resources.<path>.batch_runner`, templates/batch_typed.py.j2)
    batch_runner: bool = False

    @property
    def attr(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Supplement:
    """The operations the public spec lacks, merged in from spec/supplement.yaml."""

    release: str  # the official SDK release they are read from: "mistralai 3.7.0"
    sha256: str  # of the supplement file
    operations: int  # how many were merged (those the public spec has are left out)
    # JSON pointers, in the merged document, of its operations and schemas
    pointers: frozenset[str]

    def owns(self, pointer: str) -> bool:
        """Whether the definition or operation at `pointer` comes from the supplement
        (an inline schema is where its owner is)."""
        # `#/components/schemas/X/...` or `#/paths/P/verb/...`: the first four tokens
        return "/".join(pointer.split("/")[:4]) in self.pointers


@dataclass(frozen=True)
class Renamed:
    """A model's former name, kept as a deprecated alias (overlay `renamed`,
    generator/parse/renamed.py)."""

    old: str
    new: str  # a model's name, or "str"
    removed_in: str  # the release without the old name
    is_class: bool  # the new name is a model class (not a union, enum or alias)


@dataclass
class API:
    title: str
    version: str
    definitions: dict[str, Definition]
    operations: list[Operation]
    root: Resource
    exposed: list[str]  # component schema names, exposed under their spec name
    # the enum of the endpoints a batch job runs, and for each of its values:
    # (endpoint, operationId, request model, response model) (helpers.batch_endpoints)
    batch_enum: str = ""
    batch_endpoints: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    # the body fields a batch job fills in every request (overlay: batch_job_fields)
    batch_job_fields: tuple[str, ...] = ()
    inputs: Inputs = field(default_factory=Inputs)
    supplement: Supplement | None = None  # what was merged in besides the public spec
    renamed: list[Renamed] = field(default_factory=list)  # deprecated aliases, by old name

    def source_of(self, pointer: str) -> Literal["spec", "supplement"]:
        """Where the definition at `pointer` is described."""
        return "supplement" if self.supplement and self.supplement.owns(pointer) else "spec"
