"""Function tools from Python callables, and structured outputs (`chat.parse`)."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, Literal

import msgspec
import pytest
from spec_values import needs_helpers

from mistral_sdk import AsyncMistral, FunctionTool, Mistral, OutputValidationError
from mistral_sdk._structured import response_format_for
from mistral_sdk._tools import ToolArgumentsError

NEEDS_PARSE = needs_helpers("chat.parse")


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Point(msgspec.Struct):
    x: int
    y: int


@dataclasses.dataclass
class Box:
    label: str
    size: float = 1.0


def everything(
    s: str,
    i: int,
    f: float,
    b: bool,
    items: list[str],
    mapping: dict[str, int],
    maybe: int | None,
    mode: Literal["fast", "slow"],
    color: Color,
    point: Point,
    box: Box,
    anything: Any = None,
) -> None:
    """Take one of each.

    A second paragraph the model does not need.

    Args:
        s: a string.
        i: an integer
            spread over two lines.
    """


def test_schema_from_signature_hints_and_docstring() -> None:
    tool = FunctionTool(everything)
    params = tool.parameters
    props = params["properties"]
    assert tool.description == "Take one of each."
    assert props["s"] == {"type": "string", "description": "a string."}
    assert props["i"] == {"type": "integer", "description": "an integer spread over two lines."}
    assert props["f"] == {"type": "number"} and props["b"] == {"type": "boolean"}
    assert props["items"] == {"type": "array", "items": {"type": "string"}}
    assert props["mapping"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert props["maybe"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert props["mode"] == {"enum": ["fast", "slow"]}
    assert props["color"] == {"$ref": "#/$defs/Color"}
    assert params["$defs"]["Color"]["enum"] == ["blue", "red"]
    assert params["$defs"]["Point"]["required"] == ["x", "y"]
    assert params["$defs"]["Box"]["properties"]["size"] == {"type": "number", "default": 1.0}
    assert "anything" not in params["required"] and "s" in params["required"]
    assert params["additionalProperties"] is False


def test_arguments_are_validated_into_the_hinted_types() -> None:
    tool = FunctionTool(everything)
    args = tool.arguments(
        '{"s": "a", "i": 1, "f": 2, "b": true, "items": ["x"], "mapping": {"k": 1},'
        ' "maybe": null, "mode": "fast", "color": "red", "point": {"x": 1, "y": 2},'
        ' "box": {"label": "l"}}'
    )
    assert args["color"] is Color.RED and args["point"] == Point(1, 2)
    assert args["box"] == Box("l") and args["f"] == 2.0 and args["anything"] is None
    with pytest.raises(ToolArgumentsError, match=r"\$.i"):
        tool.arguments({"s": "a", "i": "one"})
    with pytest.raises(ToolArgumentsError, match="unknown field"):
        FunctionTool(lambda city: city, name="t").arguments({"city": "x", "extra": 1})


def test_callables_that_cannot_be_described_are_refused() -> None:
    def star(*args: int) -> None: ...

    with pytest.raises(TypeError, match=r"\*args"):
        FunctionTool(star)
    with pytest.raises(ValueError, match="tool name"):
        FunctionTool(lambda: None)  # "<lambda>"
    with pytest.raises(TypeError, match="callable"):
        FunctionTool("not a function")  # type: ignore[arg-type]


class Book(msgspec.Struct):
    """A book."""

    title: str
    authors: list[str]
    year: int


@dataclasses.dataclass
class City:
    name: str
    population: int


def test_response_format_is_a_strict_json_schema() -> None:
    assert response_format_for(Book) == {
        "type": "json_schema",
        "json_schema": {
            "name": "Book",
            "description": "A book.",
            "strict": True,
            "schema": {
                "title": "Book",
                "description": "A book.",
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "authors": {"type": "array", "items": {"type": "string"}},
                    "year": {"type": "integer"},
                },
                "required": ["title", "authors", "year"],
                "additionalProperties": False,
            },
        },
    }


@NEEDS_PARSE
@pytest.mark.parametrize("tp", [Book, City])
def test_parse_returns_the_object_and_the_response(client: Mistral, tp: Any) -> None:
    parsed = client.chat.parse(
        model="m", messages=[{"role": "user", "content": "a classic"}], response_format=tp
    )
    assert isinstance(parsed.parsed, tp)
    assert parsed.response.choices[0].message.content == parsed.text


@NEEDS_PARSE
def test_a_reply_that_does_not_match_raises_with_the_raw_text(client: Mistral) -> None:
    with pytest.raises(OutputValidationError) as info:
        client.chat.parse(
            model="m",
            messages=[{"role": "user", "content": "give me something malformed"}],
            response_format=Book,
        )
    assert info.value.raw == "Sorry, here is some prose instead of JSON."
    assert "does not match Book" in str(info.value) and info.value.raw in str(info.value)


def test_a_reply_of_the_wrong_shape_names_the_field() -> None:
    from mistral_sdk._structured import decode_output

    with pytest.raises(OutputValidationError, match=r"Expected `int`, got `str` - at `\$.year`"):
        decode_output('{"title": "t", "authors": [], "year": "1851"}', Book)
    with pytest.raises(OutputValidationError, match="cut off"):
        decode_output('{"title": "t", "auth', Book, finish_reason="length")
    with pytest.raises(OutputValidationError, match="no content"):
        decode_output(None, Book)


@NEEDS_PARSE
async def test_async_parse(aclient: AsyncMistral) -> None:
    parsed = await aclient.chat.parse(
        model="m", messages=[{"role": "user", "content": "a city"}], response_format=City
    )
    assert parsed.parsed == City(name="Ada", population=3)
