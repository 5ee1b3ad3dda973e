"""The parser on small fixture specs: the IR it builds and the problems it reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from gen_helpers import field, model, operation, parse_ok, parse_spec, write_spec

from generator import ir
from generator.load import SpecError

# --- $ref ----------------------------------------------------------------------


def test_ref_resolves_to_named_definition(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            Owner:
              type: object
              properties:
                pet: {$ref: '#/components/schemas/Pet'}
                pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
            Pet:
              type: object
              required: [name]
              properties:
                name: {type: string}
    """,
    )
    assert field(api, "Owner", "pet").type == ir.Ref("Pet")
    assert field(api, "Owner", "pets").type == ir.ListOf(ir.Ref("Pet"))
    assert field(api, "Pet", "name").required


def test_dangling_ref_is_an_error_with_its_pointer(tmp_path: Path) -> None:
    body = """
        components:
          schemas:
            Owner:
              type: object
              properties:
                pet: {$ref: '#/components/schemas/Missing'}
    """
    _, problems = parse_spec(tmp_path, body)
    errors = [p for p in problems.errors if "Missing" in p.message]
    assert errors, [str(p) for p in problems.items]
    assert errors[0].pointer == "#/components/schemas/Owner/properties/pet/$ref"
    assert "dangling" in errors[0].message


def test_cli_stops_on_errors_and_names_the_pointer(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from generator.__main__ import build, main

    spec = write_spec(
        tmp_path,
        """
        components:
          schemas:
            Owner:
              type: object
              properties:
                pet: {$ref: '#/components/schemas/Missing'}
    """,
    )
    try:
        build(spec)
    except SpecError as exc:
        assert "#/components/schemas/Owner/properties/pet/$ref" in str(exc)
    else:
        raise AssertionError("build() accepted a dangling $ref")
    assert main(["generate", "--spec", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert "#/components/schemas/Owner/properties/pet/$ref" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- composition ------------------------------------------------------------------


def test_allof_merges_properties_and_required(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            Base:
              type: object
              required: [id]
              properties:
                id: {type: string}
                note: {type: string}
            Derived:
              description: A derived object.
              allOf:
                - $ref: '#/components/schemas/Base'
                - type: object
                  required: [extra]
                  properties:
                    extra: {type: integer}
                    note: {type: integer}
    """,
    )
    derived = model(api, "Derived")
    assert [f.wire for f in derived.fields] == ["id", "note", "extra"]
    assert field(api, "Derived", "id").required and field(api, "Derived", "extra").required
    assert field(api, "Derived", "note").type == ir.Prim("int")  # later members win
    assert derived.doc == "A derived object."


UNIONS = """
    components:
      schemas:
        Cat:
          type: object
          required: [type, meows]
          properties:
            type: {type: string, const: cat}
            meows: {type: boolean}
        Dog:
          type: object
          required: [type]
          properties:
            type: {type: string, const: dog}
            barks: {type: integer}
        Pet:
          oneOf:
            - $ref: '#/components/schemas/Cat'
            - $ref: '#/components/schemas/Dog'
          discriminator:
            propertyName: type
            mapping:
              cat: '#/components/schemas/Cat'
              dog: '#/components/schemas/Dog'
        Circle:
          type: object
          required: [kind, radius]
          properties:
            kind: {type: string, enum: [circle]}
            radius: {type: number}
        Square:
          type: object
          required: [kind, side]
          properties:
            kind: {type: string, const: square}
            side: {type: number}
        Shape:
          anyOf:
            - $ref: '#/components/schemas/Circle'
            - $ref: '#/components/schemas/Square'
        Text:
          type: object
          required: [text]
          properties:
            text: {type: string}
        Blob:
          type: object
          required: [blob]
          properties:
            blob: {type: string}
        Content:
          anyOf:
            - $ref: '#/components/schemas/Text'
            - $ref: '#/components/schemas/Blob'
            - type: string
"""


def test_oneof_with_discriminator_is_a_native_tagged_union(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, UNIONS)
    pet = api.definitions["Pet"]
    assert isinstance(pet, ir.Union_)
    assert pet.strategy == "tag" and pet.tag == "type" and pet.native
    assert {v.tag_value for v in pet.variants} == {"cat", "dog"}
    assert model(api, "Cat").tag == ("type", "cat")
    assert model(api, "Dog").tag == ("type", "dog")


def test_anyof_of_const_tagged_objects_infers_the_tag(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, UNIONS)
    shape = api.definitions["Shape"]
    assert isinstance(shape, ir.Union_)
    assert shape.strategy == "tag" and shape.tag == "kind"
    assert [v.tag_value for v in shape.variants] == ["circle", "square"]
    assert model(api, "Circle").tag == ("kind", "circle")  # a one-value enum counts as const


def test_untagged_union_uses_the_shape_strategy(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, UNIONS)
    content = api.definitions["Content"]
    assert isinstance(content, ir.Union_)
    assert content.strategy == "shape" and content.tag is None and not content.native
    assert [v.type for v in content.variants] == [ir.Ref("Text"), ir.Ref("Blob"), ir.Prim("str")]


def test_union_msgspec_can_decode_stays_inline(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            Stop:
              type: object
              properties:
                stop:
                  anyOf:
                    - {type: string}
                    - {type: array, items: {type: string}}
    """,
    )
    assert field(api, "Stop", "stop").type == ir.UnionOf(
        (ir.Prim("str"), ir.ListOf(ir.Prim("str")))
    )


# --- nullability, enums, consts ----------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        pytest.param('{type: [string, "null"]}', ir.Nullable(ir.Prim("str")), id="3.1-type-list"),
        pytest.param(
            '{anyOf: [{type: integer}, {type: "null"}]}',
            ir.Nullable(ir.Prim("int")),
            id="anyOf-null",
        ),
        pytest.param(
            "{type: boolean, nullable: true}", ir.Nullable(ir.Prim("bool")), id="3.0-nullable"
        ),
        pytest.param("{type: string}", ir.Prim("str"), id="not-nullable"),
    ],
)
def test_nullability_in_its_three_forms(tmp_path: Path, schema: str, expected: ir.TypeExpr) -> None:
    api = parse_ok(
        tmp_path,
        f"""
        components:
          schemas:
            N:
              type: object
              properties:
                value: {schema}
    """,
    )
    assert field(api, "N", "value").type == expected


def test_type_list_of_two_types(tmp_path: Path) -> None:
    """`type: [string, integer]` without null: a native union."""
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            N:
              type: object
              properties:
                value: {type: [string, integer]}
    """,
    )
    assert field(api, "N", "value").type == ir.UnionOf((ir.Prim("str"), ir.Prim("int")))


def test_enum_and_const(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            Color: {type: string, enum: [red, green]}
            Paint:
              type: object
              required: [color, object]
              properties:
                color: {$ref: '#/components/schemas/Color'}
                object: {type: string, const: paint}
                finish: {type: string, enum: [matte, gloss, null]}
    """,
    )
    color = api.definitions["Color"]
    assert isinstance(color, ir.Enum) and color.values == ["red", "green"] and color.base == "str"
    obj = field(api, "Paint", "object")
    assert obj.type == ir.Const("paint")
    assert obj.const == ir.Const("paint") and not obj.required  # always sent, never asked for
    finish = field(api, "Paint", "finish")
    assert isinstance(finish.type, ir.Nullable) and isinstance(finish.type.inner, ir.Ref)
    assert isinstance(api.definitions[finish.type.inner.name], ir.Enum)


def test_maps_arrays_and_formats(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            M:
              type: object
              properties:
                counts: {type: object, additionalProperties: {type: integer}}
                anything: {type: object, additionalProperties: true}
                tags: {type: array, items: {type: string}}
                pair: {type: array, prefixItems: [{type: string}, {type: number}]}
                when: {type: string, format: date-time}
                day: {type: string, format: date}
                id: {type: string, format: uuid}
                raw: {type: string, format: binary}
                free: {}
    """,
    )
    assert field(api, "M", "counts").type == ir.MapOf(ir.Prim("int"))
    assert field(api, "M", "anything").type == ir.MapOf(ir.Prim("any"))
    assert field(api, "M", "tags").type == ir.ListOf(ir.Prim("str"))
    assert field(api, "M", "pair").type == ir.TupleOf((ir.Prim("str"), ir.Prim("float")))
    assert field(api, "M", "when").type == ir.Prim("datetime")
    assert field(api, "M", "day").type == ir.Prim("date")
    assert field(api, "M", "id").type == ir.Prim("uuid")
    assert field(api, "M", "raw").type == ir.Prim("bytes")
    assert field(api, "M", "free").type == ir.Prim("any")


def test_deprecated_is_kept(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        paths:
          /old:
            get:
              operationId: old_get
              deprecated: true
              responses: {"204": {description: gone}}
        components:
          schemas:
            D:
              type: object
              deprecated: true
              properties:
                legacy: {type: string, deprecated: true}
    """,
    )
    assert operation(api, "old_get").deprecated
    assert model(api, "D").deprecated
    assert field(api, "D", "legacy").deprecated


# --- operations -------------------------------------------------------------------------


OPS = """
    paths:
      /v1/items/{item_id}:
        parameters:
          - {name: item_id, in: path, required: true, schema: {type: string}}
        get:
          operationId: items_get
          tags: [items]
          parameters:
            - {name: page, in: query, schema: {type: integer, default: 0}}
            - {name: filter, in: query, content: {application/json: {schema: {type: object}}}}
            - {name: Last-Event-ID, in: header, schema: {type: string}}
            - {name: last_event_id, in: query, schema: {type: string}}
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
        post:
          operationId: items_update
          tags: [items]
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [item_id]
                  properties:
                    item_id: {type: string}
                    stream: {type: boolean, enum: [false]}
          responses:
            "200":
              description: ok
              content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
      /v1/items/{item_id}#stream:
        post:
          operationId: items_update_stream
          tags: [items]
          parameters:
            - {name: item_id, in: path, required: true, schema: {type: string}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    stream: {type: boolean, enum: [true]}
          responses:
            "200":
              description: events
              content:
                text/event-stream:
                  schema:
                    type: object
                    properties:
                      event: {type: string}
                      data: {$ref: '#/components/schemas/Item'}
      /v1/items/{item_id}/content:
        get:
          operationId: items_download
          tags: [items]
          parameters:
            - {name: item_id, in: path, required: true, schema: {type: string}}
          responses:
            "200":
              description: bytes
              content: {application/octet-stream: {schema: {type: string, format: binary}}}
      /v1/uploads:
        post:
          operationId: uploads_create
          tags: [uploads]
          requestBody:
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [file]
                  properties:
                    file: {type: string, format: binary}
                    purpose: {type: string}
          responses:
            "204": {description: done}
    components:
      schemas:
        Item:
          type: object
          required: [id]
          properties:
            id: {type: string}
"""


def test_parameters_by_location(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, OPS)
    op = operation(api, "items_get")
    params = {p.name: p for p in op.params}
    assert params["item_id"].location == "path" and params["item_id"].required
    assert op.params[0].name == "item_id"  # path parameters first
    assert params["page"].location == "query" and not params["page"].required
    assert params["filter"].json_encoded
    # `Last-Event-ID` (header) and `last_event_id` (query) map to one Python name: one is renamed
    header = next(p for p in op.params if p.wire == "Last-Event-ID")
    query = next(p for p in op.params if p.wire == "last_event_id")
    assert header.location == "header" and query.location == "query"
    assert header.name != query.name and {header.name, query.name} >= {"last_event_id"}


def test_body_field_colliding_with_a_path_parameter_is_renamed(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, OPS)
    op = operation(api, "items_update")
    assert op.flattened and op.body_kind == "json"
    names = [p.name for p in op.params]
    assert names.count("item_id") == 1 and "item_id_body" in names
    assert next(p for p in op.params if p.name == "item_id_body").wire == "item_id"


def test_stream_fragment_is_not_sent_and_warns(tmp_path: Path) -> None:
    api, problems = parse_spec(tmp_path, OPS)
    assert not problems.errors
    op = operation(api, "items_update_stream")
    assert op.path == "/v1/items/{item_id}#stream" and op.http_path == "/v1/items/{item_id}"
    warning = next(p for p in problems.warnings if "fragment" in p.message)
    assert warning.pointer == "#/paths/~1v1~1items~1{item_id}#stream/post"
    (method,) = op.methods
    assert method.response.kind == "sse" and method.response.envelope
    assert method.name != operation(api, "items_update").methods[0].name


def test_response_kinds(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, OPS)
    assert operation(api, "items_get").methods[0].response == ir.Response("json", ir.Ref("Item"))
    assert operation(api, "items_download").methods[0].response.kind == "binary"
    assert operation(api, "uploads_create").methods[0].response.kind == "empty"


def test_multipart_binary_field_is_a_file_upload(tmp_path: Path) -> None:
    api = parse_ok(tmp_path, OPS)
    op = operation(api, "uploads_create")
    assert op.body_kind == "multipart" and op.flattened
    params = {p.name: p for p in op.params}
    assert params["file"].location == "form" and params["file"].is_file and params["file"].required
    assert params["purpose"].location == "form" and not params["purpose"].is_file


def test_json_and_sse_answers_give_two_methods(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        paths:
          /v1/chat/completions:
            post:
              operationId: chat_completion_v1_chat_completions_post
              tags: [chat]
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties:
                        stream: {type: boolean, default: false}
                        prompt: {type: string}
              responses:
                "200":
                  description: ok
                  content:
                    application/json: {schema: {type: object, properties: {text: {type: string}}}}
                    text/event-stream: {schema: {type: object, properties: {data: {type: string}}}}
    """,
    )
    op = operation(api, "chat_completion_v1_chat_completions_post")
    complete, stream = op.methods
    assert (complete.name, stream.name) == ("complete", "stream")
    assert complete.response.kind == "json" and stream.response.kind == "sse"
    assert complete.const_overrides == {"stream": ir.Const(False)}
    assert stream.const_overrides == {"stream": ir.Const(True)}
    assert "stream" not in [p.wire for p in op.params]


# --- spec defects --------------------------------------------------------------------


def test_phantom_required_name_is_a_warning(tmp_path: Path) -> None:
    api, problems = parse_spec(
        tmp_path,
        """
        components:
          schemas:
            Reply:
              type: object
              required: [id, data]
              properties:
                id: {type: string}
    """,
    )
    assert not problems.errors
    warning = next(p for p in problems.warnings if "data" in p.message)
    assert warning.pointer == "#/components/schemas/Reply/required"
    assert [f.wire for f in model(api, "Reply").fields] == ["id"]


def test_local_defs_are_hoisted_and_renamed_on_conflict(tmp_path: Path) -> None:
    api, problems = parse_spec(
        tmp_path,
        """
        paths:
          /v1/speech:
            post:
              operationId: speech
              responses:
                "200":
                  description: ok
                  content:
                    application/json:
                      schema:
                        $defs:
                          Usage:
                            type: object
                            properties: {seconds: {type: number}}
                          Delta:
                            type: object
                            properties: {audio: {type: string}}
                        type: object
                        properties:
                          usage: {$ref: '#/$defs/Usage'}
                          delta: {$ref: '#/$defs/Delta'}
        components:
          schemas:
            Usage:
              type: object
              properties: {tokens: {type: integer}}
            Transcript:
              type: object
              $defs:
                Granularity: {type: string, enum: [word, segment]}
              properties:
                granularity: {$ref: '#/$defs/Granularity'}
    """,
    )
    assert not problems.errors, [str(p) for p in problems.errors]
    # no conflict: hoisted under its own name
    assert isinstance(api.definitions["Granularity"], ir.Enum)
    assert field(api, "Transcript", "granularity").type == ir.Ref("Granularity")
    assert "Delta" in api.definitions
    # conflict with components/schemas/Usage: renamed `<Context>Usage`, the original kept
    assert [f.wire for f in model(api, "Usage").fields] == ["tokens"]
    renamed = [n for n in api.definitions if n.endswith("Usage") and n != "Usage"]
    assert renamed == ["SpeechUsage"], renamed
    assert [f.wire for f in model(api, "SpeechUsage").fields] == ["seconds"]
    pointers = {p.pointer for p in problems.warnings if "hoisted" in p.message}
    assert "#/components/schemas/Transcript/$defs/Granularity" in pointers
    assert (
        "#/paths/~1v1~1speech/post/responses/200/content/application~1json/schema/$defs/Usage"
        in pointers
    )


def test_unsupported_keyword_is_an_error_with_its_pointer(tmp_path: Path) -> None:
    _, problems = parse_spec(
        tmp_path,
        """
        components:
          schemas:
            Odd:
              type: object
              properties:
                value:
                  type: string
                  not: {const: forbidden}
    """,
    )
    errors = [p for p in problems.errors if "not" in p.message]
    assert errors, [str(p) for p in problems.items]
    assert errors[0].pointer == "#/components/schemas/Odd/properties/value/not"


def test_two_operations_deriving_one_method_name_is_an_error(tmp_path: Path) -> None:
    _, problems = parse_spec(
        tmp_path,
        """
        paths:
          /v1/things:
            get:
              operationId: list_things_v1_things_get
              tags: [things]
              responses: {"204": {description: ok}}
          /v1/things/all:
            get:
              operationId: list_things_v1_things_all_get
              tags: [things]
              responses: {"204": {description: ok}}
    """,
    )
    errors = [p for p in problems.errors if "name one of them in the overlay" in p.message]
    assert len(errors) == 1, [str(p) for p in problems.items]
    assert errors[0].pointer.startswith("#/paths/~1v1~1things")


def test_inline_schema_names_do_not_collide_with_components(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            OwnerPet:
              type: object
              properties: {component: {type: string}}
            Owner:
              type: object
              properties:
                pet:
                  type: object
                  properties: {inline: {type: string}}
    """,
    )
    inline = field(api, "Owner", "pet").type
    assert isinstance(inline, ir.Ref) and inline.name != "OwnerPet"
    assert [f.wire for f in model(api, inline.name).fields] == ["inline"]
    assert [f.wire for f in model(api, "OwnerPet").fields] == ["component"]


def test_python_safe_field_names(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            Tool:
              type: object
              properties:
                schema: {type: object}
                $schema: {type: string}
                ai.mistral/turbine: {type: string}
                class: {type: string}
                camelCase: {type: integer}
    """,
    )
    names = {f.wire: f.name for f in model(api, "Tool").fields}
    assert all(n.isidentifier() for n in names.values()), names
    assert len(set(names.values())) == len(names), names
    assert names["class"] == "class_" and names["camelCase"] == "camel_case"
    assert names["ai.mistral/turbine"] == "ai_mistral_turbine"


# --- security --------------------------------------------------------------------


def test_api_key_header_only_where_no_bearer_alternative(tmp_path: Path) -> None:
    api = parse_ok(
        tmp_path,
        """
        security: [{Bearer: []}]
        paths:
          /default: {get: {operationId: uses_default, responses: {"204": {description: ok}}}}
          /header:
            get:
              operationId: uses_header
              security: [{Dashboard: []}]
              responses: {"204": {description: ok}}
          /either:
            get:
              operationId: uses_either
              security: [{Dashboard: []}, {Bearer: []}]
              responses: {"204": {description: ok}}
        components:
          securitySchemes:
            Bearer: {type: http, scheme: bearer}
            Dashboard: {type: apiKey, in: header, name: x-api-key}
        """,
    )
    assert operation(api, "uses_default").api_key_header is None
    assert operation(api, "uses_header").api_key_header == "x-api-key"
    assert operation(api, "uses_either").api_key_header is None


def test_a_model_that_stands_for_several_tag_values(tmp_path: Path) -> None:
    """A discriminator mapping several values to one model (its tag field an enum, as the
    official SDK's `Statistic` has it): each value finds the model, so the union is
    decoded by the runtime's hook (msgspec gives a Struct one tag), and the surface
    names the model once."""
    api = parse_ok(
        tmp_path,
        """
        components:
          schemas:
            Numeric:
              type: object
              properties: {kind: {type: string, enum: [avg, sum]}, goal: {type: number}}
              required: [kind]
            Ratio:
              type: object
              properties: {kind: {type: string, const: ratio}}
              required: [kind]
            Stat:
              oneOf: [{$ref: '#/components/schemas/Numeric'}, {$ref: '#/components/schemas/Numeric'}, {$ref: '#/components/schemas/Ratio'}]
              discriminator:
                propertyName: kind
                mapping:
                  avg: '#/components/schemas/Numeric'
                  sum: '#/components/schemas/Numeric'
                  ratio: '#/components/schemas/Ratio'
        """,
    )
    stat = api.definitions["Stat"]
    assert isinstance(stat, ir.Union_) and stat.tag == "kind" and not stat.native
    assert [(v.type, v.tag_value) for v in stat.variants] == [
        (ir.Ref("Numeric"), "avg"),
        (ir.Ref("Numeric"), "sum"),
        (ir.Ref("Ratio"), "ratio"),
    ]
    from generator import surface

    line = surface.definition_line(surface.from_api(api).definitions["Stat"])
    assert line == 'union Stat (tag "kind") = Numeric | Ratio'
