"""Testing your own code that calls Mistral, offline: four functions of an application and
their tests against `mistral_sdk.testing` (docs/testing.md walks through them).

Needs: mistral-sdk[testing] (pytest); no key, no network.

    pytest examples/test_with_mock.py        # or: python examples/test_with_mock.py

The `mistral_mock` fixture comes with the package (a pytest plugin): its `client` is a
`Mistral` answered in process; `on(...)` scripts a call; `calls(...)` is what was sent.
"""

from __future__ import annotations

import sys
from typing import Any

from _connect import SDK, needs

with needs("pip install 'mistral-sdk[testing]'", "pytest"):
    import pytest

with needs(SDK, "mistral_sdk"):
    from mistral_sdk import Mistral, RateLimitError, models, testing
    from mistral_sdk.testing import Mock

# --- the application under test ---------------------------------------------------------


def summarize(client: Mistral, text: str) -> str:
    """One chat completion."""
    reply = client.chat.complete(
        model="mistral-small-latest",
        messages=[
            {"role": "system", "content": "Summarize in one sentence."},
            {"role": "user", "content": text},
        ],
    )
    return reply.output_text


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def weather_agent(client: Mistral, question: str) -> str:
    """A conversation that may call a local tool."""
    result = client.beta.conversations.run(
        question, model="mistral-medium-latest", tools=[get_weather]
    )
    return result.output_text


def nightly_report(client: Mistral) -> Any:
    """Runs a workflow and waits for its result."""
    execution = client.workflows.execute_and_wait("nightly-report", input={"day": "today"})
    return execution.result


def summarize_or_later(client: Mistral, text: str) -> str | None:
    """Gives up politely when the API keeps rate-limiting after the client's retries."""
    try:
        return summarize(client, text)
    except RateLimitError:
        return None


# --- its tests --------------------------------------------------------------------------


def test_summarize_sends_the_text_and_returns_the_answer(mistral_mock: Mock) -> None:
    mistral_mock.on("chat.complete").reply(testing.chat_completion("It is short."))

    assert summarize(mistral_mock.client, "A long text.") == "It is short."

    sent = mistral_mock.calls("chat.complete")[-1].body  # a models.ChatCompletionRequest
    assert sent.model == "mistral-small-latest"
    assert isinstance(sent.messages[-1], models.UserMessage)
    assert sent.messages[-1].content == "A long text."


def test_weather_agent_runs_the_tool_the_model_calls(mistral_mock: Mock) -> None:
    mistral_mock.on("beta.conversations.start").reply(
        testing.conversation_turn(testing.tool_call("get_weather", {"city": "Paris"}))
    )
    mistral_mock.on("beta.conversations.append").reply(
        testing.conversation_turn("It is sunny in Paris.")
    )

    assert weather_agent(mistral_mock.client, "Weather in Paris?") == "It is sunny in Paris."

    tool_result = mistral_mock.calls("beta.conversations.append")[-1].body.inputs[0]
    assert tool_result.result == "sunny in Paris"


def test_nightly_report_waits_for_the_run(mistral_mock: Mock) -> None:
    run = mistral_mock.workflow(["RUNNING", "RUNNING", "COMPLETED"], result={"rows": 42})

    assert nightly_report(mistral_mock.client) == {"rows": 42}
    assert run.state == "COMPLETED"


def test_a_429_is_retried_after_retry_after(mistral_mock: Mock) -> None:
    mistral_mock.on("chat.complete", times=1).fail(429, retry_after=0.01)

    assert summarize_or_later(mistral_mock.client, "text") is not None
    assert len(mistral_mock.calls("chat.complete")) == 2  # the 429, then the retry


def test_a_429_that_lasts_gives_up_politely(mistral_mock: Mock) -> None:
    mistral_mock.on("chat.complete").fail(429, retry_after=0.01)

    assert summarize_or_later(mistral_mock.client, "text") is None
    assert len(mistral_mock.calls("chat.complete")) == 3  # the first try and 2 retries


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
