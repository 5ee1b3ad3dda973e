"""spec/supplement.yaml: the operations of the official SDK that the public spec lacks.

The committed document is checked for what it must be (valid OpenAPI 3.1, facts only,
every reference resolvable, nothing the public spec has); the extraction is checked
end to end against the installed official release (deterministic, and what is
committed), and its rules on small Speakeasy-style sources written here, so that they
are tested in a clone without the official package or the spec.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.spec_values import find_spec

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import extract_supplement as es  # noqa: E402
from schema_compare import Canonical, difference  # noqa: E402
from speakeasy_operations import read_operations  # noqa: E402
from speakeasy_types import Converter, Package, UnsupportedType  # noqa: E402

LOCK = json.loads((REPO / "spec" / "lock.json").read_text(encoding="utf-8"))
PIN = LOCK["supplement"]
SUPPLEMENT_PATH = REPO / "spec" / "supplement.yaml"
SUPPLEMENT = yaml.safe_load(SUPPLEMENT_PATH.read_text(encoding="utf-8"))
# the figure issue #25 states for mistralai 3.7.0 against the public spec 50c1afe7
# (keyed by the spec's sha256: a spec taken from a file keeps the lock's old commit)
ISSUE_COUNT = {("3.7.0", "61436a496404607a7c27f7d2d45989bc51bd699d2106690fd6cc76a3a6c9b692"): 78}


def _installed_version() -> str | None:
    try:
        return metadata.version(PIN["package"])
    except metadata.PackageNotFoundError:
        return None


def _public_spec() -> Path | None:
    """The tracked public spec, only if it is the one spec/lock.json pins."""
    path = find_spec()
    if path is None or hashlib.sha256(path.read_bytes()).hexdigest() != LOCK["sha256"]:
        return None
    return path


PUBLIC = _public_spec()
needs_public = pytest.mark.skipif(
    PUBLIC is None,
    reason="the public spec pinned by spec/lock.json is not available (make spec)",
)
needs_release = pytest.mark.skipif(
    _installed_version() != PIN["version"],
    reason=f"{PIN['package']}=={PIN['version']} (the dev extra) is not installed "
    f"(found: {_installed_version()})",
)


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


# keywords whose value maps names (of properties, paths, media types...) to objects
NAME_MAPS = {"properties", "paths", "schemas", "mapping", "securitySchemes", "responses", "content"}


def _walk(node: Any, pointer: str = "", names: bool = False) -> Iterator[tuple[str, str, Any]]:
    """(pointer, key, value) of every keyword in the document; the keys of a name map
    (`properties`, `paths`, ...) are names, not keywords, and are passed over."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not names:
                yield pointer, key, value
            yield from _walk(value, f"{pointer}/{key}", not names and key in NAME_MAPS)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


# --- the pin ---------------------------------------------------------------------


def test_the_lock_pins_one_official_release_and_the_dev_extra_installs_it() -> None:
    assert PIN["package"] == "mistralai"
    assert re.fullmatch(r"[0-9a-f]{64}", PIN["sha256"])
    assert PIN["wheel"] == f"{PIN['package']}-{PIN['version']}-py3-none-any.whl"
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    dev = pyproject.split("\ndev = [", 1)[1].split("\n]", 1)[0]
    assert f'"{PIN["package"]}=={PIN["version"]}"' in dev
    assert SUPPLEMENT["x-source"]["version"] == PIN["version"]
    assert SUPPLEMENT["x-source"]["wheel_sha256"] == PIN["sha256"]


def test_another_installed_version_is_refused_with_the_way_out() -> None:
    installed = metadata.version("mistral-sdk")
    with pytest.raises(es.ExtractionError) as caught:
        es.Release({**PIN, "package": "mistral-sdk", "version": "0.0.0"})
    message = str(caught.value)
    assert f"installed mistral-sdk is {installed}" in message and "pins 0.0.0" in message
    assert "pip install mistral-sdk==0.0.0" in message and "docs/spec.md" in message


def test_a_missing_release_says_how_to_install_it() -> None:
    with pytest.raises(es.ExtractionError, match=r"not installed.*pip install no-such-pkg==1\.0"):
        es.Release({**PIN, "package": "no-such-pkg", "version": "1.0"})


@needs_release
def test_a_file_that_differs_from_the_record_is_refused() -> None:
    release = es.Release(PIN)
    path = release.client_dir / "triggers.py"
    assert "class Triggers" in release.read(path)
    release.hashes[path.relative_to(release.root).as_posix()] = "not-the-hash"
    with pytest.raises(es.ExtractionError, match=r"triggers\.py differs from mistralai"):
        release.read(path)


# --- the committed document ------------------------------------------------------------

PROSE = {"description", "summary", "title", "example", "examples", "externalDocs"}


def test_the_supplement_holds_facts_only() -> None:
    found = []
    for pointer, key, value in _walk(SUPPLEMENT):
        if key not in PROSE:
            continue
        if pointer == "/info" and key == "title":
            continue  # required by OpenAPI: the package and version
        if (
            key == "description"
            and value == ""
            and re.fullmatch(r"/paths/.*/responses/\d+", pointer)
        ):
            continue  # required by OpenAPI on a response: empty
        found.append(f"{pointer}/{key}")
    assert found == []
    assert SUPPLEMENT["info"]["title"] == f"{PIN['package']} {PIN['version']} supplement"


def test_every_operation_says_what_a_client_needs() -> None:
    operation_ids = set()
    for method, path, operation in _operations(SUPPLEMENT):
        where = f"{method} {path}"
        assert operation["operationId"] not in operation_ids, where
        operation_ids.add(operation["operationId"])
        assert len(operation["tags"]) == 1 and re.fullmatch(
            r"[a-z_]+(\.[a-z_]+)*", operation["tags"][0]
        )
        assert operation["x-official"]["call"].split(".")[-1].isidentifier()
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"\{([^}]*)\}", path)), where
        assert any(code.startswith("2") for code in operation["responses"]), where


def test_streaming_operations_declare_their_event_frames() -> None:
    streams = {
        f"{method} {path}": response["content"]["text/event-stream"]["schema"]
        for method, path, operation in _operations(SUPPLEMENT)
        for response in operation["responses"].values()
        if "text/event-stream" in response.get("content", {})
    }
    # the Responses API streams (other streams the public spec lacks would join it: an
    # older public spec, say); each declares the frame type it reads
    assert streams["POST /v1/responses"] == {"$ref": "#/components/schemas/ResponsesStreamFrame"}
    for schema in streams.values():
        ref = schema.get("$ref", "")
        assert schema and (not ref or ref.split("/")[-1] in SUPPLEMENT["components"]["schemas"])
    frame = SUPPLEMENT["components"]["schemas"]["ResponsesStreamFrame"]
    assert frame["required"] == ["event", "data"]
    data = SUPPLEMENT["components"]["schemas"]["ResponsesStreamFrameData"]
    mapping = data["discriminator"]["mapping"]
    assert len(mapping) == len(data["oneOf"]) and "response.completed" in mapping


def test_the_lead_areas_are_there_under_their_own_resources() -> None:
    """The supplement keeps the official tags; the overlay's `supplement.tags` puts them
    on our client (spec/overlay.yaml), which the generated OPERATIONS show."""
    import mistral_sdk

    tags = {(method, path): op["tags"][0] for method, path, op in _operations(SUPPLEMENT)}
    for method, path, operation in _operations(SUPPLEMENT):
        assert operation["tags"] == operation["x-official"]["tags"], (method, path)
    calls = {(op.method, op.path): op.call for op in mistral_sdk.OPERATIONS.values()}
    expected = {
        ("POST", "/v1/triggers"): ("beta.triggers", "triggers.create"),
        ("GET", "/v1/webhooks/{webhook_id}/signing-secret"): (
            "beta.webhooks",
            "webhooks.get_signing_secret",
        ),
        ("PUT", "/v1/service-accounts/{service_account_id}/roles"): (
            "beta.service_accounts",
            "service_accounts.set_roles",
        ),
        ("POST", "/v1/responses/input_tokens"): ("responses", "responses.count_input_tokens"),
    }
    for route, (tag, call) in expected.items():
        assert (tags[route], calls[route]) == (tag, call)
    trigger = SUPPLEMENT["components"]["schemas"]["CreateTrigger"]
    assert set(trigger["required"]) == {
        "event_source_id",
        "handler",
        "action",
        "owner_type",
        "title",
    }
    assert trigger["properties"]["filters"] == {"type": ["string", "null"]}


def _all_refs(node: Any) -> set[str]:
    found: set[str] = set()
    for _, key, value in _walk(node):
        if key == "$ref":
            found.add(value)
        elif key == "discriminator":
            found.update(value.get("mapping", {}).values())
    return found


def test_local_references_resolve_and_every_schema_is_used() -> None:
    schemas = SUPPLEMENT["components"]["schemas"]
    local = {r for r in _all_refs(SUPPLEMENT) if r.startswith("#/")}
    assert {r.removeprefix("#/components/schemas/") for r in local} == set(schemas)
    outside = {r for r in _all_refs(SUPPLEMENT) if not r.startswith(("#/", es.PUBLIC_REF))}
    assert outside == set()


@needs_public
def test_references_to_the_public_spec_resolve_to_the_same_structure() -> None:
    assert PUBLIC is not None
    public = yaml.load(PUBLIC.read_bytes(), Loader=yaml.CSafeLoader)
    names = {
        r.removeprefix(es.PUBLIC_REF) for r in _all_refs(SUPPLEMENT) if r.startswith(es.PUBLIC_REF)
    }
    assert names and names <= set(public["components"]["schemas"])
    assert SUPPLEMENT["x-source"]["public_schemas_referred"] == len(names)
    # a schema kept here under a public name is one that differs, and says how
    for name, schema in SUPPLEMENT["components"]["schemas"].items():
        if name in public["components"]["schemas"]:
            assert schema["x-differs-from-public"], name
        else:
            assert "x-differs-from-public" not in schema, name


@needs_public
def test_the_supplement_is_valid_openapi_3_1(tmp_path: Path) -> None:
    from openapi_spec_validator import validate

    assert PUBLIC is not None
    shutil.copy(SUPPLEMENT_PATH, tmp_path / "supplement.yaml")
    (tmp_path / "openapi.yaml").symlink_to(PUBLIC)  # what its references name
    validate(SUPPLEMENT, base_uri=(tmp_path / "supplement.yaml").as_uri())


@needs_public
def test_no_operation_of_the_supplement_is_in_the_public_spec() -> None:
    assert PUBLIC is not None
    public = yaml.load(PUBLIC.read_bytes(), Loader=yaml.CSafeLoader)
    known = es.public_routes(public)
    routes = [es.route(method, path) for method, path, _ in _operations(SUPPLEMENT)]
    assert len(set(routes)) == len(routes) == SUPPLEMENT["x-source"]["operations_here"]
    assert [r for r in routes if r in known] == []
    expected = ISSUE_COUNT.get((PIN["version"], LOCK["sha256"]))
    if expected is not None:
        assert len(routes) == expected


# --- the extraction against the installed release ----------------------------------


@needs_release
@needs_public
def test_extraction_is_deterministic_and_what_is_committed(tmp_path: Path) -> None:
    assert PUBLIC is not None
    first = es.extract(public_path=PUBLIC)
    second = es.extract(public_path=PUBLIC)
    assert first == second
    assert first == SUPPLEMENT_PATH.read_text(encoding="utf-8"), (
        "spec/supplement.yaml is stale: run `make spec-supplement` and commit it"
    )


@needs_release
@needs_public
def test_the_operations_are_every_route_the_package_sends_and_the_public_spec_lacks() -> None:
    """Counted again with a plain text search of the package, not the AST reader."""
    assert PUBLIC is not None
    public = yaml.load(PUBLIC.read_bytes(), Loader=yaml.CSafeLoader)
    release = es.Release(PIN)
    sent = set()
    for path in release.client_dir.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for method, route_path in re.findall(r'method="([A-Z]+)",\s+path="([^"]+)"', text):
            sent.add(es.route(method, route_path))
    missing = sent - es.public_routes(public)
    assert {es.route(m, p) for m, p, _ in _operations(SUPPLEMENT)} == missing
    calls = read_operations(release.client_dir, release.read)
    assert len(calls) == SUPPLEMENT["x-source"]["operations_in_package"]


@needs_release
def test_every_operation_of_the_package_converts_not_only_the_missing_ones() -> None:
    """The rules cover the whole release (a new idiom would stop the run, not hide)."""
    release = es.Release(PIN)
    builder = es.Builder(Package(release.client_dir, release.read))
    built = {
        op.call: builder.operation(op) for op in read_operations(release.client_dir, release.read)
    }
    assert len(built) == SUPPLEMENT["x-source"]["operations_in_package"]
    upload = built["files.upload"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["file"] == {"type": "string", "format": "binary"}
    assert upload["required"] == ["file"]
    chat = built["chat.stream"]["responses"]["200"]["content"]["text/event-stream"]
    assert chat == {
        "schema": {"$ref": "#/components/schemas/CompletionEvent"},
        "x-sse-sentinel": "[DONE]",
    }


# --- the conversion rules, on sources written here ------------------------------------

MODELS = {
    "models/thing.py": '''
        from __future__ import annotations
        import pydantic
        from pydantic import ConfigDict, Field
        from typing import Any, Dict, List, Literal, Optional, Union
        from typing_extensions import Annotated, TypeAliasType

        Color = Union[Literal["red", "blue"], UnrecognizedStr]
        Size = Literal[1, 2]

        class Thing(BaseModel):
            model_config = ConfigDict(populate_by_name=True, extra="allow")
            __pydantic_extra__: Dict[str, Any] = pydantic.Field(init=False)
            r"""The thing."""
            name: str
            color: Nullable[Color]
            size: Optional[Size] = None
            count: Optional[int] = 3
            note: OptionalNullable[str] = UNSET
            cut: OptionalNullable[float] = None
            wire: Annotated[Optional[datetime], pydantic.Field(alias="wire-name")] = None
            kind: Annotated[
                Annotated[Optional[Literal["thing"]], AfterValidator(validate_const("thing"))],
                pydantic.Field(alias="kind"),
            ] = "thing"
            tags: Dict[str, List[int]]

            @model_serializer(mode="wrap")
            def serialize_model(self, handler):
                null_default_fields = set(["cut"])
                return handler(self)
    ''',
    "models/shapes.py": """
        class Circle(BaseModel):
            type: Annotated[Literal["circle"], AfterValidator(validate_const("circle"))] = "circle"
            radius: float

        class Square(BaseModel):
            type: Literal["square"] = "square"
            side: float

        class UnknownShape(BaseModel):
            type: Literal["UNKNOWN"] = "UNKNOWN"
            raw: Any

        _SHAPE_VARIANTS: dict[str, Any] = {"circle": Circle, "square": Square}

        Shape = Annotated[
            Union[Circle, Square, UnknownShape],
            BeforeValidator(partial(parse_open_union, disc_key="type", variants=_SHAPE_VARIANTS,
                                    unknown_cls=UnknownShape, union_name="Shape")),
        ]
        Tagged = Annotated[
            Union[Annotated[Circle, Tag("c")], Annotated[Square, Tag("s")]],
            Discriminator(lambda m: get_discriminator(m, "type", "type")),
        ]
        ByField = Annotated[Union[Circle, Square], Field(discriminator="type")]
        Either = TypeAliasType("Either", Union[str, List[Circle]])
        Same = Circle
    """,
    "models/get_thingop.py": """
        class GetThingRequest(BaseModel):
            thing_id: Annotated[str, FieldMetadata(path=PathParamMetadata(style="simple", explode=False))]
            page: Annotated[Optional[int], FieldMetadata(query=QueryParamMetadata(style="form", explode=True))] = 0
            ids: Annotated[Optional[List[str]], FieldMetadata(query=QueryParamMetadata(style="form", explode=False))] = None
            trace: Annotated[Optional[str], pydantic.Field(alias="x-trace"), FieldMetadata(header=HeaderMetadata(style="simple", explode=False))] = None
            thing: Annotated[Thing, FieldMetadata(request=RequestMetadata(media_type="application/json"))]
    """,
    "errors/thingerror.py": """
        class ThingErrorData(BaseModel):
            detail: Optional[str] = None

        @dataclass(unsafe_hash=True)
        class ThingError(MistralError):
            data: ThingErrorData = field(hash=False)
    """,
}

SDK = {
    "sdk.py": """
        class Mistral(BaseSDK):
            things: "Things"
    """,
    "things.py": """
        class Things(BaseSDK):
            @overload
            def put(self, *, stream: Literal[True]) -> None: ...

            def put(self, *, thing_id: str, thing: models.Thing, page: int = 0):
                request = models.GetThingRequest(thing_id=thing_id, thing=thing, page=page)
                req = self._build_request(
                    method="PUT",
                    path="/v1/things/{thing_id}",
                    request=request,
                    request_body_required=True,
                    get_serialized_body=lambda: utils.serialize_request_body(
                        request.thing, False, False, "json", models.Thing
                    ),
                )
                http_res = self.do_request(
                    hook_ctx=HookContext(operation_id="put_thing", tags=["beta.things"]),
                    request=req,
                )
                if utils.match_response(http_res, "200", "application/json"):
                    return unmarshal_json_response(List[models.Shape], http_res)
                if utils.match_response(http_res, "200", "text/event-stream"):
                    return eventstreaming.EventStream(
                        http_res, lambda raw: unmarshal_json_response(models.Circle, http_res, raw),
                        sentinel="[DONE]",
                    )
                if utils.match_response(http_res, "404", "application/json"):
                    response_data = unmarshal_json_response(errors.ThingErrorData, http_res)
                    raise errors.ThingError(response_data, http_res)
                if utils.match_response(http_res, ["409", "4XX"], "*"):
                    raise errors.SDKError("API error occurred", http_res)
                if utils.match_response(http_res, "204", "*"):
                    return None
                raise errors.SDKError("Unexpected response received", http_res)

            async def put_async(self):
                pass
    """,
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def converter(tmp_path: Path) -> Converter:
    return Converter(Package(_write(tmp_path / "client", MODELS), _read))


def test_a_model_becomes_an_object_of_its_wire_facts(converter: Converter) -> None:
    assert converter.ref("Thing") == {"$ref": "#/components/schemas/Thing"}
    assert converter.components["Thing"] == {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "color": {"anyOf": [{"$ref": "#/components/schemas/Color"}, {"type": "null"}]},
            "size": {"$ref": "#/components/schemas/Size"},
            "count": {"type": "integer", "default": 3},
            "note": {"type": ["string", "null"]},
            "cut": {"type": ["number", "null"], "default": None},
            "wire-name": {"type": "string", "format": "date-time"},
            "kind": {"type": "string", "const": "thing", "default": "thing"},
            "tags": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "integer"}},
            },
        },
        "required": ["name", "color", "tags"],
        "additionalProperties": True,
    }
    assert converter.components["Color"] == {"type": "string", "enum": ["red", "blue"]}
    assert converter.components["Size"] == {"type": "integer", "enum": [1, 2]}


def test_unions_keep_their_discriminators_and_drop_the_sdk_fallback(converter: Converter) -> None:
    for name in ("Shape", "Tagged", "ByField", "Either", "Same"):
        converter.ref(name)
    converter.complete_discriminators()
    schemas = converter.components
    circle, square = "#/components/schemas/Circle", "#/components/schemas/Square"
    variants = [{"$ref": circle}, {"$ref": square}]
    assert schemas["Shape"] == {
        "oneOf": variants,
        "discriminator": {"propertyName": "type", "mapping": {"circle": circle, "square": square}},
    }
    assert schemas["Tagged"]["discriminator"]["mapping"] == {"c": circle, "s": square}
    assert schemas["ByField"]["discriminator"]["mapping"] == {"circle": circle, "square": square}
    assert schemas["Either"] == {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": circle}}]
    }
    assert "Same" not in schemas and "UnknownShape" not in schemas  # an alias; the SDK's fallback


def test_an_unknown_idiom_is_an_error_naming_the_definition(tmp_path: Path) -> None:
    files = {"models/odd.py": "class Odd(BaseModel):\n    when: Deque[int]\n"}
    converter = Converter(Package(_write(tmp_path / "client", files), _read))
    with pytest.raises(UnsupportedType, match=r"Odd\.when: type Deque\[int\]"):
        converter.ref("Odd")


def test_an_operation_is_read_from_its_method(tmp_path: Path) -> None:
    client = _write(tmp_path / "client", {**MODELS, **SDK})
    (op,) = read_operations(client, _read)
    assert (op.call, op.method, op.path, op.operation_id, op.tags) == (
        "things.put",
        "PUT",
        "/v1/things/{thing_id}",
        "put_thing",
        ["beta.things"],
    )
    builder = es.Builder(Package(client, _read))
    built = builder.operation(op)
    assert built["parameters"] == [
        {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "default": 0},
        },
        {
            "name": "ids",
            "in": "query",
            "required": False,
            "explode": False,
            "schema": {"type": "array", "items": {"type": "string"}},
        },
        {"name": "x-trace", "in": "header", "required": False, "schema": {"type": "string"}},
    ]
    assert built["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
        "required": True,
    }
    assert built["responses"] == {
        "200": {
            "description": "",
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Shape"}}
                },
                "text/event-stream": {
                    "schema": {"$ref": "#/components/schemas/Circle"},
                    "x-sse-sentinel": "[DONE]",
                },
            },
        },
        "204": {"description": ""},
        "404": {
            "description": "",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ThingError"}}
            },
        },
        "409": {"description": ""},
    }
    assert built["x-official"] == {"call": "things.put", "tags": ["beta.things"]}


# --- comparing with the public spec ----------------------------------------------------


def test_the_same_structure_in_another_spelling_compares_equal() -> None:
    ours: dict[str, Any] = {
        "A": {
            "type": "object",
            "properties": {
                "x": {"type": ["string", "null"]},
                "k": {"type": "string", "const": "a", "default": "a"},
                "b": {"$ref": "#/components/schemas/B"},
            },
            "required": ["x"],
        },
        "B": {"type": "string", "enum": ["p", "q"]},
    }
    public: dict[str, Any] = {
        "A": {
            "title": "A",
            "type": "object",
            "description": "An A.",
            "properties": {
                "x": {
                    "anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}],
                    "title": "X",
                },
                "k": {"type": "string", "enum": ["a"]},
                "b": {"type": "string", "enum": ["q", "p"], "format": "whatever"},
            },
            "required": ["x"],
            "additionalProperties": True,
        },
    }
    prefix = ("#/components/schemas/",)
    assert Canonical(ours, prefix).of_name("A") == Canonical(public, prefix).of_name("A")


def test_a_difference_is_named_by_property_and_value() -> None:
    prefix = ("#/components/schemas/",)
    ours = Canonical(
        {
            "A": {
                "type": "object",
                "properties": {"x": {"type": "integer"}, "y": {"type": "string"}},
                "required": ["x", "y"],
            }
        },
        prefix,
    ).of_name("A")
    public = Canonical(
        {
            "A": {
                "type": "object",
                "properties": {"x": {"type": "string"}, "z": {"type": "string"}},
                "required": ["x"],
            }
        },
        prefix,
    ).of_name("A")
    assert difference(ours, public) == {
        "properties_only_here": ["y"],
        "properties_only_public": ["z"],
        "properties_changed": ["x"],
        "required_only_here": ["y"],
    }
    enum = Canonical({"E": {"enum": ["a", "b"]}, "F": {"enum": ["b", "c"]}}, prefix)
    assert difference(enum.of_name("E"), enum.of_name("F")) == {
        "enum_only_here": ["a"],
        "enum_only_public": ["c"],
    }
