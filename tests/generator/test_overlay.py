"""spec/overlay.yaml: what the generator knows about particular operations and schemas.

The overlay is data the rules read: an entry changes the generated API, an invalid
file stops the generator with the place inside it, and an entry naming what the spec
lacks is a warning (spec drift) with its pointer."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
import yaml
from gen_helpers import write_spec

from generator import ir, overlay
from generator.__main__ import main
from generator.load import Problems, load
from generator.parse import parse

SPEC = """
paths:
  /v1/things:
    get:
      operationId: list_things_v1_things_get
      tags: [things]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
    post:
      operationId: lab_api_make_thing
      tags: [lab.things]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingIn'}}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {ok: {type: boolean}}}}}
  /v1/things/{thing_id}/events:
    get:
      operationId: thing_events
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: cursor_after, in: query, schema: {type: string}}
        - {name: Resume-From, in: header, schema: {type: string}}
      responses:
        "200": {description: ok, content: {text/event-stream: {schema: {$ref: '#/components/schemas/ThingEvent'}}}}
components:
  schemas:
    Thing:
      type: object
      properties: {id: {type: string}, note: {type: object, properties: {text: {type: string}}}}
    ThingIn:
      type: object
      properties:
        name: {type: string}
        bindings: {type: object, additionalProperties: true}
        helpers: {type: array, items: {type: object, additionalProperties: true}}
    ThingEventType: {type: string, enum: [thing.created, thing.done, thing.failed]}
    ThingEvent:
      type: object
      properties:
        event: {$ref: '#/components/schemas/ThingEventType'}
        data: {$ref: '#/components/schemas/Thing'}
"""

OVERLAY = """
naming:
  operation_id_prefixes: [lab_, lab_api_]
  namespaces: [lab]
tags:
  things: {resource: stock.things}
operations:
  list_things_v1_things_get: {method: everything}
schemas:
  Thing: {base: HasText, run_events: thing_id}
  ThingEventType:
    stream_ends: {terminal: [thing.done, thing.failed], errors: [thing.failed]}
  ThingIn: {connectors_field: bindings, tools_field: helpers}
inline_schemas:
  "#/components/schemas/Thing/properties/note": {name: Memo}
resources:
  stock.things: {mixin: _stock.ThingsHelpers}
streams:
  resume_params: [resume-from, cursor_after]
"""


def read(tmp_path: Path, text: str = OVERLAY) -> overlay.Overlay:
    path = tmp_path / "overlay.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return overlay.load(path)


def parsed(tmp_path: Path, spec: str, ov: overlay.Overlay) -> tuple[ir.API, Problems]:
    problems = Problems()
    api = parse(load(write_spec(tmp_path, spec), problems), problems, ov)
    assert not problems.errors, [str(p) for p in problems.errors]
    return api, problems


def resources(api: ir.API) -> Iterator[tuple[str, ir.Operation]]:
    """(resource path, operation) of every operation."""
    todo = [api.root]
    while todo:
        node = todo.pop()
        todo.extend(node.children.values())
        for op in node.operations:
            yield ".".join(node.path), op


def calls(api: ir.API) -> dict[str, str]:
    return {f"{r}.{m.name}": op.operation_id for r, op in resources(api) for m in op.methods}


def test_every_entry_changes_what_is_generated(tmp_path: Path) -> None:
    api, _ = parsed(tmp_path, SPEC, read(tmp_path))
    plain, _ = parsed(tmp_path, SPEC, overlay.Overlay())
    assert calls(plain) == {
        "things.list": "list_things_v1_things_get",
        "things.thing_events": "thing_events",
        "lab.things.lab_api_make": "lab_api_make_thing",
    }
    # names: the method, the tag's resource, the prefix (the longest that matches)
    assert calls(api) == {
        "stock.things.everything": "list_things_v1_things_get",
        "stock.things.thing_events": "thing_events",
        "lab.things.make": "lab_api_make_thing",
    }
    # a namespace does not name inline schemas
    assert "LabThingsLabApiMakeResponse" in plain.definitions
    assert "ThingsMakeResponse" in api.definitions
    assert api.root.children["stock"].children["things"].mixin == ("_stock", "ThingsHelpers")
    thing = api.definitions["Thing"]
    assert isinstance(thing, ir.Model) and thing.base == "HasText"
    assert "Memo" in api.definitions and "ThingNote" in plain.definitions
    make = next(o for o in api.operations if o.operation_id == "lab_api_make_thing")
    assert (make.connectors_field, make.tools_field) == ("bindings", "helpers")
    events = next(o for o in api.operations if o.operation_id == "thing_events")
    stream = events.methods[0].response
    assert stream.terminal == ("thing.done", "thing.failed")
    assert stream.errors == ("thing.failed",)
    assert stream.run_param == "thing_id"
    assert stream.resume_param is not None and stream.resume_param.wire == "Resume-From"
    plain_stream = next(o for o in plain.operations if o.operation_id == "thing_events")
    response = plain_stream.methods[0].response
    assert (response.terminal, response.run_param, response.resume_param) == ((), None, None)


def test_a_stream_the_spec_omits(tmp_path: Path) -> None:
    ov = read(tmp_path, "operations:\n  lab_api_make_thing: {stream_event: ThingEvent}\n")
    api, problems = parsed(tmp_path, SPEC, ov)
    make = next(o for o in api.operations if o.operation_id == "lab_api_make_thing")
    assert [m.response.kind for m in make.methods] == ["json", "sse"]
    assert make.methods[1].response.type == ir.Ref("ThingEvent")
    assert any("spec has no event-stream response" in p.message for p in problems.warnings)


def test_the_batch_enum_gives_the_endpoint_table(tmp_path: Path) -> None:
    spec = SPEC + "    Endpoints: {type: string, enum: [/v1/things, /v1/none]}\n"
    text = """
    schemas:
      Endpoints: {batch_endpoints: true}
    resources:
      things: {mixin: _stock.Runner, batch_runner: true}
      lab.things: {mixin: _stock.ThingsHelpers}
    """
    api, _ = parsed(tmp_path, spec, read(tmp_path, text))
    assert api.batch_enum == "Endpoints"
    assert api.batch_endpoints == [
        ("/v1/things", "lab_api_make_thing", "ThingIn", "LabThingsLabApiMakeResponse"),
        ("/v1/none", "", None, None),
    ]
    # the runner's resource gets the methods typed by endpoint; a mixin alone does not
    things, lab = api.root.children["things"], api.root.children["lab"].children["things"]
    assert (things.mixin, things.batch_runner) == (("_stock", "Runner"), True)
    assert (lab.mixin, lab.batch_runner) == (("_stock", "ThingsHelpers"), False)


def test_renamed_models_become_aliases_of_the_models_here(tmp_path: Path) -> None:
    text = 'renamed:\n  removed_in: "2.0"\n  models: {OldThing: Thing, ThingRef: str}\n'
    api, _ = parsed(tmp_path, SPEC, read(tmp_path, text))
    assert api.renamed == [
        ir.Renamed("OldThing", "Thing", "2.0", is_class=True),
        ir.Renamed("ThingRef", "str", "2.0", is_class=False),
    ]
    assert parsed(tmp_path, SPEC, overlay.Overlay())[0].renamed == []


DRIFT = """
naming: {namespaces: [gone]}
tags:
  gone: {resource: gone.things}
operations:
  gone_v1_gone_get: {method: gone}
schemas:
  Gone: {base: HasText}
  ThingEventType: {stream_ends: {terminal: [thing.vanished]}}
inline_schemas:
  "#/components/schemas/Gone/properties/x": {name: GoneX}
resources:
  gone.things: {mixin: _gone.Helpers}
helpers:
  things.tidy:
    needs:
      - {call: things.tidy_up, operation: "POST /v1/things/tidy"}
      - {call: things.make, operation: "POST /v1/things"}
renamed:
  removed_in: "2.0"
  models: {GoneThing: Gone, Thing: ThingIn}
"""


def test_what_the_spec_lacks_is_a_warning_with_its_pointer(tmp_path: Path) -> None:
    api, problems = parsed(tmp_path, SPEC, read(tmp_path, DRIFT))
    warnings = {(p.pointer, p.message) for p in problems.warnings}
    events = "#/paths/~1v1~1things~1{thing_id}~1events/get"
    assert warnings >= {
        ("#/paths", "overlay naming.namespaces names `gone`, which begins no tag"),
        ("#/paths", "overlay tags names `gone`, a tag no operation has"),
        ("#/paths", "overlay operations names `gone_v1_gone_get`, an operation not here"),
        ("#/components/schemas/Gone", "overlay schemas names `Gone`, a definition not here"),
        (
            "#/components/schemas/Gone/properties/x",
            "overlay inline_schemas names `GoneX` for a schema not here",
        ),
        ("#/paths", "overlay resources names `client.gone.things`, a resource not here"),
        (events, "stream end `thing.vanished` is not a value of `ThingEventType` any more"),
        (
            "#/components/schemas/Gone",
            "overlay renamed `GoneThing` to `Gone`, a definition not here: no alias",
        ),
        (
            "#/components/schemas/Thing",
            "overlay renamed `Thing` is a model of this spec again: no alias",
        ),
        (
            "#/paths",
            "helper client.things.tidy needs POST /v1/things/tidy as client.things.tidy_up: "
            "the spec lacks it",
        ),
        (
            "#/paths",
            "helper client.things.tidy needs POST /v1/things as client.things.make: "
            "the spec has it as client.lab.things.lab_api_make",
        ),
    }
    # what applies is applied all the same
    assert calls(api)["things.list"] == "list_things_v1_things_get"


def test_an_omitted_stream_whose_event_schema_is_gone_is_a_warning(tmp_path: Path) -> None:
    ov = read(tmp_path, "operations:\n  lab_api_make_thing: {stream_event: Gone}\n")
    api, problems = parsed(tmp_path, SPEC, ov)
    make = next(o for o in api.operations if o.operation_id == "lab_api_make_thing")
    assert [m.response.kind for m in make.methods] == ["json"]
    assert any("`Gone` is not in the spec" in p.message for p in problems.warnings)


@pytest.mark.parametrize(
    ("text", "line", "where", "problem"),
    [
        ("operations:\n  x: {method: 3}\n", 2, "operations['x'].method", "got `int`"),
        (
            "operations:\n  x:\n    method: list\n    metod: get\n",
            4,
            "operations['x'].metod",
            "unknown key",
        ),
        ("operations:\n  x: {method: two words}\n", 2, "operations['x'].method", "identifier"),
        ("operations:\n  x: {}\n", 2, "operations['x']", "the entry sets nothing"),
        ("inline_schemas:\n  paths/x: {name: X}\n", 2, "inline_schemas['paths/x']", "pointer"),
        ("resources:\n  a-b: {mixin: m.C}\n", 2, "resources['a-b']", "invalid key"),
        ("resources:\n  a.b: {mixin: Helpers}\n", 2, "resources['a.b'].mixin", "module.Class"),
        (
            "helpers:\n  a.b:\n    needs:\n      - {call: c.d, operation: 'FETCH /x'}\n",
            4,
            "helpers['a.b'].needs[0].operation",
            "like `POST /v1/path`",
        ),
        ("naming:\n  namespaces: [be-ta]\n", 2, "naming.namespaces[0]", "identifier"),
        (
            "schemas:\n  X:\n    stream_ends: {terminal: done}\n",
            3,
            "schemas['X'].stream_ends.terminal",
            "got `str`",
        ),
        ("stream:\n  resume_params: []\n", 1, "stream", "unknown key"),
        (
            "schemas:\n  A: {batch_endpoints: true}\n  B: {batch_endpoints: true}\n",
            3,
            "schemas['B'].batch_endpoints",
            "`A` is the batch enum already",
        ),
        (
            "resources:\n  a: {mixin: m.A, batch_runner: true}\n"
            "  b: {mixin: m.B, batch_runner: true}\n",
            3,
            "resources['b'].batch_runner",
            "`a` is the batch runner already",
        ),
        ('renamed:\n  removed_in: "next"\n', 2, "renamed.removed_in", "release number"),
        ("- a list\n", 1, "(the whole file)", "got `array`"),
        # the first problem is named, whatever follows it
        (
            "operations:\n  a: {method: a}\n  b: {method: 2}\nschemas:\n  S: {base: 3}\n",
            3,
            "operations['b'].method",
            "got `int`",
        ),
    ],
)
def test_an_invalid_overlay_names_the_place_and_the_problem(
    tmp_path: Path, text: str, line: int, where: str, problem: str
) -> None:
    with pytest.raises(overlay.OverlayError) as info:
        read(tmp_path, text)
    message = str(info.value)
    assert message.startswith(f"invalid overlay: {tmp_path / 'overlay.yaml'}:{line}: {where}: ")
    assert problem in message


def test_yaml_that_does_not_parse_is_an_overlay_error(tmp_path: Path) -> None:
    with pytest.raises(overlay.OverlayError, match=r"cannot read the overlay .*overlay\.yaml"):
        read(tmp_path, "operations: {x: [}\n")


def test_the_command_line_stops_on_an_invalid_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("operations:\n  x: {method: 3}\n", encoding="utf-8")
    spec = write_spec(tmp_path, SPEC)
    assert main(["--overlay", str(bad), "surface", "--spec", str(spec)]) == 2
    assert f"error: invalid overlay: {bad}:2: operations['x'].method" in capsys.readouterr().err
    good = tmp_path / "good.yaml"
    good.write_text(textwrap.dedent(OVERLAY), encoding="utf-8")
    assert main(["--overlay", str(good), "surface", "--spec", str(spec)]) == 0
    assert "-> stock.things.everything()" in capsys.readouterr().out


def test_the_project_overlay_is_valid_and_says_why() -> None:
    ov = overlay.default()
    assert ov == overlay.load(overlay.DEFAULT)
    text = overlay.DEFAULT.read_text(encoding="utf-8")
    assert set(yaml.safe_load(text)) == set(overlay.Overlay.__struct_fields__)
    # a method name says, just above it, its route and what the rule would say
    lines = text.splitlines()
    for op_id in ov.operations:
        at = lines.index(next(s for s in lines if s.startswith(f"  {op_id}:")))
        assert lines[at - 1].startswith("  # ") and "the rule" in "".join(lines[at - 2 : at]), op_id


TRACKED = overlay.DEFAULT.parent / "openapi.yaml"


@pytest.mark.skipif(not TRACKED.is_file(), reason="no tracked spec: run `make spec`")
def test_what_the_comments_say_the_rule_gives_is_what_it_gives() -> None:
    """`<resource>: <route>; the rule says X` above a method name stays true, and the
    entry is still needed: the rule's name depends only on the operationId and the
    resource, so this fails on a change of the rule, not of the spec (an operation the
    spec moved to another resource, or dropped, is spec drift, warned about instead)."""
    ov = overlay.default()
    lines = overlay.DEFAULT.read_text(encoding="utf-8").splitlines()
    api = parse(load(TRACKED, Problems()), Problems(), msgspec.structs.replace(ov, operations={}))
    ruled = {op.operation_id: (r, op.methods[0].name) for r, op in resources(api)}
    checked = 0
    for op_id, entry in ov.operations.items():
        at = lines.index(next(s for s in lines if s.startswith(f"  {op_id}:")))
        start = at
        while lines[start - 1].startswith("  #") and not lines[start - 1].startswith("  # ---"):
            start -= 1
        comment = " ".join(s.strip().lstrip("# ") for s in lines[start:at])
        said = re.match(r"([\w.]+): .*the rule says\s+`(\w+)`", comment)
        assert said is not None, f"{op_id}: no `<resource>: …; the rule says …` above it"
        if entry.method is None or op_id not in ruled or ruled[op_id][0] != said.group(1):
            continue
        assert ruled[op_id][1] == said.group(2), op_id
        assert ruled[op_id][1] != entry.method, f"{op_id}: the rule gives {entry.method} itself"
        checked += 1
    if not checked:
        pytest.skip("no operation the overlay names is on the same resource in the spec under test")
