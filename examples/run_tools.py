#!/usr/bin/env python3
"""Let the model call local Python functions: `conversations.run` loops until it answers.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

The tools' JSON schemas come from their signatures and docstrings; a tool that raises
is reported back to the model as the call's result.

    .venv/bin/python examples/run_tools.py
"""

from __future__ import annotations

import enum
import sys

from _connect import connect


class Unit(enum.Enum):
    CELSIUS = "celsius"
    FAHRENHEIT = "fahrenheit"


def get_weather(city: str, unit: Unit = Unit.CELSIUS) -> dict[str, object]:
    """Current weather in a city.

    Args:
        city: the city's name, e.g. "Paris".
        unit: temperature unit.
    """
    temperature = 21.5 if unit is Unit.CELSIUS else 70.7
    return {"city": city, "temperature": temperature, "unit": unit.value, "sky": "clear"}


def main() -> int:
    with connect() as client:
        print("== conversations.run with a local tool")
        result = client.beta.conversations.run(
            "What's the weather in Paris? Answer in one sentence.",
            model="mistral-medium-latest",
            tools=[get_weather],
            max_turns=4,
        )
        for tool_result in result.tool_results:
            print(f"   {tool_result.name} -> {tool_result.result}")
        print(f"   {result.output_text}")
        print(f"   {result.turns} turns, {result.usage.total_tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
