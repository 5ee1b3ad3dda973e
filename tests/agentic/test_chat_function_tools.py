"""Python functions as tools in chat (issue 21, point 4): `chat.complete` and
`chat.stream` take callables and `FunctionTool`s in `tools=`, declared with the schema
code of `beta.conversations.run`; docstrings in Google, NumPy and reST style describe
the parameters. Against the kit's in-process mock (`mistral_mock`, mistral_sdk.testing)."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from spec_values import needs_calls

from mistral_sdk import FunctionTool, Mistral, RequestValidationError, testing
from mistral_sdk.testing import Mock


def get_weather(city: str, unit: Literal["c", "f"] = "c") -> str:
    """Get the weather in a city.

    Args:
        city: The city, e.g. Paris.
        unit: Celsius or Fahrenheit.
    """
    return f"sunny in {city}"


def numpy_style(city: str, days: int = 1) -> str:
    """Forecast for a city.

    Parameters
    ----------
    city : str
        The city,
        e.g. Paris.
    days : int, optional
        How many days ahead.

    Returns
    -------
    str
        The forecast.
    """
    return city


def rest_style(city: str, days: int = 1) -> str:
    """Forecast for a city.

    :param city: The city,
        e.g. Paris.
    :param int days: How many days ahead.
    :returns: the forecast
    """
    return city


@pytest.fixture
def mock(mistral_mock: Mock) -> Mock:
    """The kit's mock (mistral_sdk.testing): chat.stream answers "ok"."""
    mistral_mock.on("chat.stream").reply(testing.chat_stream("ok"))
    return mistral_mock


@pytest.fixture
def client(mock: Mock) -> Mistral:
    return mock.client


def bodies(mock: Mock) -> list[Any]:
    return [call.json for call in mock.calls()]


MESSAGES = [{"role": "user", "content": "weather in Paris?"}]


@needs_calls("chat.complete")
def test_chat_complete_declares_a_python_function(client: Mistral, mock: Mock) -> None:
    client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather])
    (tool,) = bodies(mock)[0]["tools"]
    assert tool == FunctionTool(get_weather).definition()  # conversations.run's schema
    function = tool["function"]
    assert function["name"] == "get_weather"
    assert function["description"] == "Get the weather in a city."
    props = function["parameters"]["properties"]
    assert props["city"] == {"type": "string", "description": "The city, e.g. Paris."}
    assert props["unit"]["enum"] == ["c", "f"]
    assert function["parameters"]["required"] == ["city"]


@needs_calls("chat.stream")
def test_chat_stream_and_mixed_tools(client: Mistral, mock: Mock) -> None:
    definition = {"type": "function", "function": {"name": "lookup", "parameters": {}}}
    named = FunctionTool(numpy_style, name="forecast", description="Days ahead.")
    with client.chat.stream(
        model="m", messages=MESSAGES, tools=[definition, named, rest_style]
    ) as stream:
        assert [e.data.choices[0].delta.content for e in stream] == ["ok", ""]
    tools = bodies(mock)[0]["tools"]
    assert tools[0] == definition  # definitions are sent as given, in place
    assert tools[1]["function"]["name"] == "forecast"
    assert tools[1]["function"]["description"] == "Days ahead."
    assert tools[2]["function"]["name"] == "rest_style"


@pytest.mark.parametrize("func", [get_weather, numpy_style, rest_style])
def test_each_docstring_style_describes_the_parameters(func: Any) -> None:
    props = FunctionTool(func).parameters["properties"]
    assert props["city"]["description"] == "The city, e.g. Paris."
    other = "unit" if func is get_weather else "days"
    assert props[other]["description"] in ("Celsius or Fahrenheit.", "How many days ahead.")
    assert FunctionTool(func).description in ("Get the weather in a city.", "Forecast for a city.")


@needs_calls("chat.complete")
def test_bad_function_tools_name_the_entry(client: Mistral, mock: Mock) -> None:
    def variadic(*cities: str) -> str:
        return ""

    with pytest.raises(RequestValidationError) as info:
        client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather, variadic])
    assert info.value.field == "tools[1]" and "*cities" in str(info.value)
    with pytest.raises(RequestValidationError, match="two tools are named 'get_weather'"):
        client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather, get_weather])
    assert mock.calls() == []


@needs_calls("chat.complete", "chat.stream")
async def test_async_chat_takes_python_functions(mock: Mock) -> None:
    client = mock.async_client
    await client.chat.complete(model="m", messages=MESSAGES, tools=[get_weather])
    stream = await client.chat.stream(model="m", messages=MESSAGES, tools=[get_weather])
    async with stream:
        assert [e.data.choices[0].delta.content async for e in stream] == ["ok", ""]
    assert [b["tools"] for b in bodies(mock)] == [[FunctionTool(get_weather).definition()]] * 2
