"""End to end: generate an SDK from a fixture spec, import it in a fresh interpreter
(joined with this checkout's runtime by the editable install) and call it through an
httpx2 MockTransport."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from gen_helpers import generate, run_sdk

SPEC = """
paths:
  /v1/items/{item_id}:
    get:
      operationId: get_item_v1_items__item_id__get
      tags: [items]
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
        - {name: since, in: query, schema: {type: string, format: date-time}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer, default: 10}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
    post:
      operationId: update_item_v1_items__item_id__post
      tags: [items]
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ItemUpdate'}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}
  /v1/items/{item_id}#stream:
    post:
      operationId: update_item_stream_v1_items__item_id__post
      tags: [items]
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ItemUpdateStream'}
      responses:
        "200":
          description: events
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/ItemEvents'}
  /v1/items/{item_id}/content:
    get:
      operationId: download_item_v1_items__item_id__content_get
      tags: [items]
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: bytes
          content: {application/octet-stream: {schema: {type: string, format: binary}}}
  /v1/uploads:
    post:
      operationId: upload_file_v1_uploads_post
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
  /v1/chat/completions:
    post:
      operationId: chat_completion_v1_chat_completions_post
      tags: [chat]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [prompt]
              properties:
                prompt: {type: string}
                stream: {type: boolean, default: false}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/Reply'}}
            text/event-stream: {schema: {$ref: '#/components/schemas/ReplyEvent'}}
  /v1/pets:
    post:
      operationId: create_pet_v1_pets_post
      tags: [pets]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Zoo'}}}
  /v1/tools:
    post:
      operationId: create_tool_v1_tools_post
      tags: [tools]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Tool'}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Tool'}}}
components:
  schemas:
    Color: {type: string, enum: [red, green]}
    Item:
      type: object
      required: [id, object, color, created_at, uid]
      properties:
        id: {type: string}
        object: {type: string, const: item}
        color: {$ref: '#/components/schemas/Color'}
        created_at: {type: string, format: date-time}
        uid: {type: string, format: uuid}
        labels: {type: object, additionalProperties: {type: integer}}
        note: {type: [string, "null"]}
        old: {type: string, deprecated: true}
    ItemUpdate:
      type: object
      required: [name]
      properties:
        name: {type: string}
        priority: {type: integer, default: 3}
        object: {type: string, const: item.update}
    ItemUpdateStream:
      type: object
      properties:
        name: {type: string}
        stream: {type: boolean, enum: [true]}
    ItemEvents:
      type: object
      required: [event, data]
      properties:
        event: {type: string}
        data: {$ref: '#/components/schemas/Item'}
    Reply:
      type: object
      required: [text]
      properties:
        text: {type: string}
    ReplyEvent:
      type: object
      required: [data]
      properties:
        data: {$ref: '#/components/schemas/Reply'}
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
        kind: {type: string, const: circle}
        radius: {type: number}
    Square:
      type: object
      required: [kind, side]
      properties:
        kind: {type: string, const: square}
        side: {type: number}
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
    Zoo:
      type: object
      properties:
        pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
        shapes:
          type: array
          items:
            anyOf:
              - $ref: '#/components/schemas/Circle'
              - $ref: '#/components/schemas/Square'
        contents:
          type: array
          items:
            anyOf:
              - $ref: '#/components/schemas/Text'
              - $ref: '#/components/schemas/Blob'
              - type: string
    Tool:
      type: object
      required: [schema]
      properties:
        schema: {type: object}
        $schema: {type: string}
        ai.mistral/turbine: {type: string}
"""

# the 3.1 type list in `Item.note` trips a known parser bug; the e2e SDK uses the
# 3.0 spelling until it is fixed (tests/generator/test_gen_parse.py covers both)
SPEC = SPEC.replace('note: {type: [string, "null"]}', "note: {type: string, nullable: true}")

MOCK = """
import json
import httpx2
import mistral_sdk
from mistral_sdk import models

SEEN = []
ITEM = {"id": "i1", "object": "item", "color": "red", "created_at": "2024-01-02T03:04:05Z",
        "uid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "labels": {"a": 1}, "note": None}

def handler(request):
    SEEN.append(request)
    path = request.url.path
    if path.endswith("/content"):
        return httpx2.Response(200, content=b"BYTES", headers={"content-type": "application/octet-stream"})
    if path == "/v1/uploads":
        return httpx2.Response(204)
    if path == "/v1/chat/completions":
        if json.loads(request.content).get("stream"):
            body = 'data: {"text": "a"}\\n\\ndata: {"text": "b"}\\n\\ndata: [DONE]\\n\\n'
            return httpx2.Response(200, text=body, headers={"content-type": "text/event-stream"})
        return httpx2.Response(200, json={"text": "hi"})
    if path == "/v1/pets":
        return httpx2.Response(200, json={
            "pets": [{"type": "cat", "meows": True}, {"type": "dog"}],
            "shapes": [{"kind": "circle", "radius": 1.0}, {"kind": "square", "side": 2.0}],
            "contents": [{"text": "t"}, {"blob": "b"}, "plain"],
        })
    if path == "/v1/tools":
        return httpx2.Response(200, content=request.content)
    if request.method == "POST" and json.loads(request.content).get("stream"):
        event = json.dumps(ITEM)
        body = f"event: item.updated\\ndata: {event}\\n\\nevent: item.done\\ndata: {event}\\n\\n"
        return httpx2.Response(200, text=body, headers={"content-type": "text/event-stream"})
    return httpx2.Response(200, json=dict(ITEM, color="purple"))

client = mistral_sdk.Mistral(api_key="k", base_url="https://x",
                             http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
"""


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("e2e"), SPEC)


def check(sdk: Path, code: str) -> str:
    return run_sdk(sdk, MOCK + textwrap.dedent(code))


def test_generated_package_is_the_fixture_sdk(sdk: Path) -> None:
    out = check(
        sdk,
        """
        import mistral_sdk._operations as ops
        assert mistral_sdk.__path__[0].startswith(sys.path[0]), mistral_sdk.__path__
        assert ops.__file__.startswith(sys.path[0]), ops.__file__
        print(sorted((o.call, o.stream_call) for o in mistral_sdk.OPERATIONS.values()))
    """,
    )
    assert "('items.get', None)" in out and "('chat.complete', 'chat.stream')" in out, out
    assert "('items.update_stream', None)" in out and "('items.download', None)" in out, out


def test_path_query_header_params_and_json_response(sdk: Path) -> None:
    check(
        sdk,
        """
        import datetime
        item = client.items.get("a b/c", since=datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
                                tags=["x", "y"], x_trace="t-1")
        req = SEEN[-1]
        assert req.method == "GET"
        assert req.url.raw_path.decode().split("?")[0] == "/v1/items/a%20b%2Fc", req.url.raw_path
        assert req.url.params.multi_items() == [("since", "2024-01-02T00:00:00Z"), ("tags", "x"), ("tags", "y")], req.url.params
        assert req.headers["x-trace"] == "t-1"
        assert req.headers["authorization"] == "Bearer k"
        assert isinstance(item, models.Item)
        assert isinstance(item.created_at, datetime.datetime)
        # ids are strings (`format: uuid` too): comparable with str, JSON-serialisable
        assert item.uid == "3fa85f64-5717-4562-b3fc-2c963f66afa6" and type(item.uid) is str
        assert item.labels == {"a": 1} and item.note is None
        # enums are open at run time: an unknown value decodes as a plain str
        assert item.color == "purple" and type(item.color) is str
        assert models.Color is str
    """,
    )


def test_defaults_not_sent_consts_always_sent(sdk: Path) -> None:
    check(
        sdk,
        """
        import inspect
        client.items.update("i1", name="n")
        body = json.loads(SEEN[-1].content)
        assert body == {"name": "n", "object": "item.update"}, body  # no `priority` default
        client.items.update("i1", name="n", priority=3)
        assert json.loads(SEEN[-1].content) == {"name": "n", "priority": 3, "object": "item.update"}
        assert "object" not in inspect.signature(client.items.update).parameters
        assert models.ItemUpdate(name="x").object == "item.update"
        assert json.loads(mistral_sdk.encode(models.ItemUpdate(name="x"))) == {"name": "x", "object": "item.update"}
    """,
    )


def test_stream_fragment_and_sse(sdk: Path) -> None:
    check(
        sdk,
        """
        stream = client.items.update_stream("i1", name="n")
        assert isinstance(stream, mistral_sdk.Stream)
        events = list(stream)
        req = SEEN[-1]
        assert req.url.path == "/v1/items/i1" and "#" not in str(req.url), req.url
        assert req.headers["accept"] == "text/event-stream"
        assert json.loads(req.content) == {"name": "n", "stream": True}
        assert [e.event for e in events] == ["item.updated", "item.done"], events
        assert all(isinstance(e.data, models.Item) for e in events)
    """,
    )


def test_json_and_sse_methods_of_one_operation(sdk: Path) -> None:
    check(
        sdk,
        """
        reply = client.chat.complete(prompt="p")
        assert isinstance(reply, models.Reply) and reply.text == "hi"
        assert json.loads(SEEN[-1].content) == {"prompt": "p", "stream": False}
        chunks = [e.data.text for e in client.chat.stream(prompt="p")]
        assert json.loads(SEEN[-1].content) == {"prompt": "p", "stream": True}
        assert chunks == ["a", "b"], chunks
    """,
    )


def test_multipart_upload_and_binary_download(sdk: Path) -> None:
    check(
        sdk,
        """
        assert client.uploads.upload_file(file=("a.txt", b"hello", "text/plain"), purpose="ocr") is None
        req = SEEN[-1]
        ctype = req.headers["content-type"]
        assert ctype.startswith("multipart/form-data"), ctype
        body = req.content
        assert b'name="file"; filename="a.txt"' in body and b"hello" in body
        assert b'name="purpose"' in body and b"ocr" in body
        content = client.items.download("i1")
        assert isinstance(content, mistral_sdk.BinaryContent)
        assert content.read() == b"BYTES"
    """,
    )


def test_unions_tagged_inferred_and_untagged(sdk: Path) -> None:
    check(
        sdk,
        """
        import msgspec
        zoo = client.pets.create(body={"type": "dog", "barks": 2})
        assert json.loads(SEEN[-1].content) == {"type": "dog", "barks": 2}
        cat, dog = zoo.pets
        # native tagged union: the variant Structs carry msgspec's tag config and a `.type`
        assert isinstance(cat, models.Cat) and cat.meows is True and cat.type == "cat"
        assert isinstance(dog, models.Dog) and dog.type == "dog"
        info = msgspec.inspect.type_info(models.Cat)
        assert (info.tag_field, info.tag) == ("type", "cat"), info
        circle, square = zoo.shapes
        assert isinstance(circle, models.Circle) and circle.radius == 1.0
        assert isinstance(square, models.Square) and square.side == 2.0
        text, blob, plain = zoo.contents
        assert isinstance(text, models.Text) and isinstance(blob, models.Blob) and plain == "plain"
        again = mistral_sdk.decode(mistral_sdk.encode(zoo), models.Zoo)
        assert again == zoo
    """,
    )


def test_unknown_tag_of_native_tagged_union_decodes_as_unknown(sdk: Path) -> None:
    check(
        sdk,
        """
        pets = mistral_sdk.decode(b'[{"type": "cat", "meows": true}, {"type": "fish", "fins": 2}]',
                                  list[models.Pet])
        assert isinstance(pets[0], models.Cat)
        assert isinstance(pets[1], mistral_sdk.Unknown) and pets[1].raw == {"type": "fish", "fins": 2}
        assert json.loads(mistral_sdk.encode(pets))[1] == {"type": "fish", "fins": 2}
        shapes = mistral_sdk.decode(b'[{"kind": "hexagon"}]', list[models.ZooShape])
        assert isinstance(shapes[0], mistral_sdk.Unknown)
    """,
    )


def test_untagged_union_is_a_runtime_union_type(sdk: Path) -> None:
    source = (sdk / "mistral_sdk" / "models" / "_zoo_content.py").read_text()
    assert "union_type(" in source and "tag=None" in source, source
    check(
        sdk,
        """
        items = mistral_sdk.decode(b'[{"blob": "b"}, {"text": "t"}, "s"]', list[models.ZooContent])
        assert [type(i).__name__ for i in items] == ["Blob", "Text", "str"], items
        assert all(isinstance(i, models.ZooContent) for i in items)
    """,
    )


def test_python_safe_names_round_trip(sdk: Path) -> None:
    check(
        sdk,
        """
        wire = {"schema": {"type": "object"}, "$schema": "https://json-schema.org", "ai.mistral/turbine": "t"}
        tool = mistral_sdk.decode(json.dumps(wire), models.Tool)
        import msgspec
        fields = {f.name: f.encode_name for f in msgspec.structs.fields(models.Tool)}
        assert all(n.isidentifier() for n in fields), fields
        assert sorted(fields.values()) == sorted(wire), fields
        assert json.loads(mistral_sdk.encode(tool)) == wire
        for name, wire_name in fields.items():
            assert getattr(tool, name) == wire[wire_name]
        # flattened keyword arguments use the Python names, the body the wire names
        kwargs = {name: wire[wire_name] for name, wire_name in fields.items()}
        echoed = client.tools.create(**kwargs)
        assert json.loads(SEEN[-1].content) == wire
        assert echoed == tool
    """,
    )


def test_plain_dicts_validated_before_sending(sdk: Path) -> None:
    check(
        sdk,
        """
        try:
            client.pets.create(body={"type": "cat", "meows": "not a bool"})
        except mistral_sdk.RequestValidationError as exc:
            assert "meows" in str(exc), exc
        else:
            raise AssertionError("invalid body was sent")
        assert SEEN == [], SEEN
    """,
    )
