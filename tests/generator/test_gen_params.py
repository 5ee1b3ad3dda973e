"""The inputs pass and the `params` package: a typed dictionary for every request-side
model and union, keys and requiredness from the spec, used by the signatures."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from gen_helpers import generate, mypy_errors, parse_ok, parse_spec, run_sdk, write_spec

from generator import ir, read_api
from generator import overlay as overlays
from generator.render import Renderer

SPEC = """
paths:
  /v1/orders:
    post:
      operationId: create_order_v1_orders_post
      tags: [orders]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/OrderIn'}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}}
components:
  schemas:
    OrderIn:
      type: object
      required: [item, lines, note]
      properties:
        item: {$ref: '#/components/schemas/Item'}
        lines: {type: array, items: {$ref: '#/components/schemas/Line'}}
        note: {type: string, nullable: true}
        metadata: {$ref: '#/components/schemas/Meta'}
        extra: {type: object, additionalProperties: true}
        odd: {$ref: '#/components/schemas/Odd'}
    Item:
      type: object
      required: [sku]
      properties:
        sku: {type: string, description: The stock keeping unit.}
        sharingScope: {type: string}
        kind: {type: string, const: item}
    Line:
      oneOf: [{$ref: '#/components/schemas/Text'}, {$ref: '#/components/schemas/Image'}]
      discriminator: {propertyName: type}
    Text: {type: object, required: [text], properties: {type: {type: string, const: text}, text: {type: string}}}
    Image: {type: object, required: [url], properties: {type: {type: string, const: image}, url: {type: string}}}
    Meta: {type: object, properties: {}, additionalProperties: true}
    Odd:
      type: object
      properties:
        from: {type: string}
        $ref: {type: string}
        models: {type: integer}
    Order: {type: object, properties: {id: {type: string}, item: {$ref: '#/components/schemas/Item'}}}
"""


def test_request_side_models_and_unions_get_a_typed_dictionary(tmp_path: Path) -> None:
    inputs = parse_ok(tmp_path, SPEC).inputs
    assert sorted(inputs.params) == [
        "ImageParam",
        "ItemParam",
        "LineParam",
        "OddParam",
        "OrderInParam",
        "TextParam",
    ]  # not Order: answers only
    assert inputs.free_form == {"Meta"}  # any key, none declared: a mapping
    item = inputs.params["ItemParam"]
    assert isinstance(item, ir.DictParam) and item.source == "Item"
    keys = {k.wire: k for k in item.keys}
    assert keys["sku"].required and keys["sku"].doc == "The stock keeping unit."
    assert not keys["kind"].required  # a constant: the SDK sends it
    assert not keys["sharingScope"].required  # keys are the wire names
    order = {k.wire: k.required for k in inputs.params["OrderInParam"].keys}  # type: ignore[union-attr]
    assert order == {
        "item": True,
        "lines": True,
        "note": False,  # required and nullable: left out, it is sent as null
        "metadata": False,
        "extra": False,
        "odd": False,
    }
    line = inputs.params["LineParam"]
    assert isinstance(line, ir.UnionParam)
    assert line.variants == [ir.Ref("Text"), ir.Ref("Image")]


def test_signatures_take_the_model_or_its_typed_dictionary(tmp_path: Path) -> None:
    out = generate(tmp_path, SPEC)
    orders = (out / "mistral_sdk/resources/orders/__init__.py").read_text()
    assert "item: models.Item | params.ItemParam," in orders
    assert "lines: Sequence[models.Line | params.LineParam | Unknown]," in orders
    assert "metadata: models.Meta | Mapping[str, Any] | UnsetType = UNSET," in orders
    assert "extra: Mapping[str, Any] | UnsetType = UNSET," in orders
    assert "    from mistral_sdk import params\n" in orders  # under TYPE_CHECKING
    item = (out / "mistral_sdk/params/_item.py").read_text()
    assert "class ItemParam(TypedDict, total=False):" in item
    assert '    sku: Required[str]\n    """The stock keeping unit."""' in item
    assert '    kind: Literal["item"]\n' in item
    assert "    sharingScope: str\n" in item
    line = (out / "mistral_sdk/params/_line.py").read_text()
    assert 'LineParam: TypeAlias = "TextParam | ImageParam"' in line
    # keys that cannot be class attributes: the functional form, annotations quoted
    odd = (out / "mistral_sdk/params/_odd.py").read_text()
    assert 'OddParam = TypedDict(\n    "OddParam",\n' in odd
    assert '"from": "str",' in odd and '"$ref": "str",' in odd and '"models": "int",' in odd


def test_the_typed_dictionaries_cost_nothing_until_imported(tmp_path: Path) -> None:
    out = generate(tmp_path, SPEC)
    printed = run_sdk(
        out,
        """
        import sys
        import mistral_sdk
        from mistral_sdk import models
        models.OrderIn(item={"sku": "a"}, lines=[{"type": "text", "text": "hi"}])
        print(sorted(m for m in sys.modules if m.startswith("mistral_sdk.params")))
        from mistral_sdk.params import OddParam, LineParam
        print(OddParam({"from": "x"}), LineParam)
        """,
    )
    assert printed.splitlines() == ["[]", "{'from': 'x'} TextParam | ImageParam"]


def test_mistakes_in_dicts_are_type_errors_of_the_fixture_sdk(tmp_path: Path) -> None:
    """mypy --strict on a user's file against the generated fixture package (the
    functional form included): the mistakes are reported, the correct calls are not."""
    pytest.importorskip("mypy")
    out = generate(tmp_path, SPEC)
    user = tmp_path / "user.py"
    user.write_text(
        textwrap.dedent(
            """
            from mistral_sdk import Mistral, Unknown
            from mistral_sdk.params import OddParam

            def calls(client: Mistral) -> None:
                client.orders.create(item={"sku": "a"}, lines=[{"type": "text", "text": "x"}])
                client.orders.create(item={"sku": "a"}, lines=[Unknown({"type": "video"})])
                client.orders.create(item={"sku": "a"}, lines=[], odd={"from": "x", "$ref": "y"})
                client.orders.create(item={"skew": "a"}, lines=[])  # 1
                client.orders.create(item={"sku": "a"}, lines=[{"type": "txt"}])  # 2
                odd: OddParam = {"models": "many"}  # 3
                client.orders.create(item={"sku": "a"}, lines=[], metadata={"any": 1}, odd=odd)
            """
        )
    )
    errors, output = mypy_errors(out, user)
    lines = sorted(int(line.split(":")[1]) for line in errors)
    assert lines == [9, 10, 11], output


def test_forwarded_arguments_are_the_methods_keywords_but_the_omitted(tmp_path: Path) -> None:
    overlay = overlays.parse(
        {
            "helpers": {
                "orders.place": {
                    "forwards": {
                        "call": "orders.create",
                        "omit": ["odd", "nope"],
                        "name": "PlaceArgs",
                    }
                }
            }
        }
    )
    api, problems = read_api(write_spec(tmp_path, SPEC), overlay)
    assert any("omits ['nope']" in str(w) for w in problems.warnings)
    (forward,) = api.inputs.forwards
    assert (forward.name, forward.helper, forward.omit) == (
        "PlaceArgs",
        "orders.place",
        ("odd", "nope"),
    )
    text = Renderer(api).files()["mistral_sdk/params/_arguments.py"]
    assert "class PlaceArgs(TypedDict, total=False):" in text
    assert "item: Required[models.Item | ItemParam]" in text
    assert "    odd:" not in text and "but `odd`." in " ".join(text.split())
    assert "extra_body: Body | None" in text and "from .._types import Body" in text


def test_a_free_form_body_field_stays_any_mapping(tmp_path: Path) -> None:
    api, _ = parse_spec(tmp_path, SPEC)
    assert "Meta" not in api.inputs.param_of and "Meta" in api.inputs.free_form
