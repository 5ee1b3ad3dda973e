"""Names of the schemas a spec leaves unnamed (issue 21, point 1).

The rule: `<Owner><Field>`; no branch index when only one branch of a union is not
null; singular names for array items; the operation's short Python name (not its
operationId) for what an operation defines; equal schemas share a name; and no two
schemas ever need a number to tell them apart, in the tracked spec and in every spec
Mistral published (../shared/spec/history/).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml
from gen_helpers import REPO

from generator import ir, overlay
from generator.load import Problems, load
from generator.naming import item_name, pascal, singular_noun
from generator.parse import Parse

TRACKED = REPO / "spec" / "openapi.yaml"
HISTORY = REPO.parent / "shared" / "spec" / "history"
SPECS = ([TRACKED] if TRACKED.is_file() else []) + (
    sorted(HISTORY.glob("*.yaml")) if HISTORY.is_dir() else []
)


def parse_doc(doc: dict[str, object]) -> tuple[ir.API, Parse]:
    problems = Problems()
    parser = Parse(doc, problems)
    assert not problems.errors, problems.errors
    return parser.api, parser


@functools.cache
def parse_spec(path: Path) -> tuple[ir.API, Parse]:
    problems = Problems()
    return parse_doc(load(path, problems))


def inline(api: ir.API) -> dict[str, str]:
    """Name → JSON pointer of every definition the spec does not name."""
    exposed = set(api.exposed)
    return {
        name: getattr(d, "pointer", "")
        for name, d in api.definitions.items()
        if name not in exposed
    }


FIXTURE = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /v1/things:
    get:
      operationId: list_things_v1_things_get
      tags: [things]
      parameters:
        - {name: sort_order, in: query, schema: {type: string, enum: [asc, desc]}}
        - {name: order, in: query, schema: {type: string, enum: [asc, desc]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  anyOf:
                    - {$ref: '#/components/schemas/Cat'}
                    - {$ref: '#/components/schemas/Dog'}
  /v1/things/{thing_id}:
    get:
      operationId: get_thing_v1_things__thing_id__get
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: sort_order, in: query, schema: {type: string, enum: [asc, desc]}}
        - {name: order, in: query, schema: {type: string, enum: [up, down]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Cat'}
components:
  schemas:
    Cat:
      type: object
      properties:
        kind: {const: cat}
        tools:
          anyOf:
            - type: array
              items:
                oneOf:
                  - {$ref: '#/components/schemas/Cat'}
                  - {$ref: '#/components/schemas/Dog'}
                discriminator: {propertyName: kind}
            - type: 'null'
        entries:
          type: array
          items: {type: object, properties: {a: {type: string}}}
        status:
          type: array
          items: {type: object, properties: {b: {type: string}}}
        data:
          type: array
          items: {type: object, properties: {c: {type: string}}}
        mode:
          anyOf:
            - {type: string, enum: [fast, slow]}
            - {type: 'null'}
        output:
          oneOf:
            - {$ref: '#/components/schemas/Cat'}
            - {$ref: '#/components/schemas/Dog'}
          discriminator: {propertyName: kind}
    CatOutput: {type: object, properties: {x: {type: string}}}
    Dog:
      type: object
      properties:
        kind: {const: dog}
    Kitten:
      allOf:
        - {$ref: '#/components/schemas/Cat'}
        - {type: object, properties: {age: {type: integer}}}
"""


@pytest.fixture(scope="module")
def fixture_api() -> ir.API:
    return parse_doc(yaml.safe_load(FIXTURE))[0]


def test_no_branch_index_when_one_branch_is_not_null(fixture_api: ir.API) -> None:
    names = inline(fixture_api)
    assert "CatMode" in names and "CatMode0" not in names
    assert "CatTool" in names and "CatTools0Item" not in names


def test_array_items_are_singular(fixture_api: ir.API) -> None:
    names = inline(fixture_api)
    assert {"CatTool", "CatEntry", "CatStatusItem", "CatDataItem"} <= set(names)


def test_operation_names_come_from_the_python_call(fixture_api: ir.API) -> None:
    names = inline(fixture_api)
    # `things.list` answers a list: its item is `ThingsListItem`, not
    # `ListThingsV1ThingsGetResponseItem`
    assert "ThingsListItem" in names
    assert not [n for n in names if "V1" in n]
    # a two-word parameter says enough alone, and equal schemas share it
    assert "SortOrder" in names
    # a one-word one is qualified by the operation; different schemas, different names
    assert {"ThingsListOrder", "ThingsGetOrder"} <= set(names)


def test_inherited_inline_schemas_share_one_name(fixture_api: ir.API) -> None:
    kitten = fixture_api.definitions["Kitten"]
    cat = fixture_api.definitions["Cat"]
    assert isinstance(kitten, ir.Model) and isinstance(cat, ir.Model)
    kitten_tools = next(f for f in kitten.fields if f.wire == "tools")
    cat_tools = next(f for f in cat.fields if f.wire == "tools")
    assert kitten_tools.type == cat_tools.type
    assert not [n for n in inline(fixture_api) if n.startswith("Kitten")]


def test_a_name_taken_by_a_component_moves_on_without_a_number(fixture_api: ir.API) -> None:
    # `Cat.output` would be `CatOutput`, which the spec names for another schema
    assert "CatOutputUnion" in inline(fixture_api)
    assert isinstance(fixture_api.definitions["CatOutput"], ir.Model)


@pytest.mark.parametrize(
    ("word", "single"),
    [
        ("tools", "tool"),
        ("entries", "entry"),
        ("statuses", "status"),
        ("aliases", "alias"),
        ("boxes", "box"),
        ("status", None),
        ("analysis", None),
        ("address", None),
        ("data", None),
        ("metrics", None),
        ("content", None),
    ],
)
def test_singular_noun(word: str, single: str | None) -> None:
    assert singular_noun(word) == single


def test_item_name() -> None:
    assert item_name("ChatCompletionRequestTools") == "ChatCompletionRequestTool"
    assert item_name("FilterGroupAND") == "FilterGroupANDItem"
    assert item_name("ModelListData") == "ModelListDataItem"
    assert item_name("Input0") == "Input0Item"


@pytest.mark.skipif(not SPECS, reason="no spec: run `make spec` (and ../shared/spec/history)")
@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_no_inline_name_collides_or_leaks_an_operation_id(path: Path) -> None:
    api, parser = parse_spec(path)
    assert parser.schemas.names.numbered == [], (
        "two inline schemas could only be told apart by a number"
    )
    names = inline(api)
    assert not set(names) & set(api.exposed)
    # an operation's schemas are named after its call (`beta.conversations.list` →
    # `ConversationsList…`), never after an operationId that differs from it
    long_ids = set()
    for op in api.operations:
        words = [w for w in op.tag.split(".") if w != "beta"] + [op.methods[0].name]
        if pascal(op.operation_id) != pascal("_".join(words)):
            long_ids.add(pascal(op.operation_id))
    assert sorted(n for n in names if any(n.startswith(i) for i in long_ids)) == []


@pytest.mark.skipif(not TRACKED.is_file(), reason="no tracked spec: run `make spec`")
def test_what_users_annotate_gets_a_short_name() -> None:
    api, parser = parse_spec(TRACKED)
    names = inline(api)
    # the hand-picked names (a conversation event's data, a workflow event, a list item)
    given = parser.schemas.names.by_pointer
    chosen = {p: entry.name for p, entry in overlay.default().inline_schemas.items()}
    applied = {p: n for p, n in chosen.items() if p in given}
    if not applied:
        pytest.skip(
            "the spec under test has none of the schemas the overlay's inline_schemas names"
        )
    assert {p: given[p] for p in applied} == applied
    assert all(len(name) <= 25 for name in applied.values())
    # a chat tool, by the rule alone
    chat = api.definitions.get("ChatCompletionRequest")
    if isinstance(chat, ir.Model) and any(f.wire == "tools" for f in chat.fields):
        assert "ChatCompletionRequestTool" in names
