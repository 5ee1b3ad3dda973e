"""mistral_sdk.testing: the in-process mock a user's tests run against (the
`mistral_mock` fixture, `testing.mock()`), sync and async."""

from __future__ import annotations

import asyncio
import inspect
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

import mistral_sdk
from mistral_sdk import models, testing
from mistral_sdk.testing import Mock

USER = [{"role": "user", "content": "hi"}]


def call(mode: str, mock: Mock, fn: Callable[[Any], Any]) -> Any:
    """`fn(client)` with the mock's sync client, or awaited with its async one."""
    if mode == "sync":
        return fn(mock.client)

    async def run() -> Any:
        value = fn(mock.async_client)
        return await value if inspect.isawaitable(value) else value

    return asyncio.run(run())


def chat(client: Any) -> Any:
    return client.chat.complete(model="mistral-small-latest", messages=USER)


# --- the plugin -------------------------------------------------------------------------


def test_every_public_name_of_the_kit_loads() -> None:
    """`__all__`, the lazy table and what each name is agree (the record-and-replay
    names included): a name added to one list only fails here."""
    import mistral_sdk.testing as kit

    assert set(kit.__all__) == set(kit._EXPORTS) | {"mock"}
    aliases = {"cassette": kit.Cassette, "CassetteMode": kit._cassette.CassetteMode}
    for name in kit.__all__:
        value = getattr(kit, name)
        assert value is aliases[name] if name in aliases else value.__name__ == name, name


def test_import_mistral_sdk_loads_neither_the_kit_nor_pytest() -> None:
    code = (
        "import sys, mistral_sdk\n"
        "mistral_sdk.Mistral(api_key='k').close()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('mistral_sdk.testing', 'pytest', '_pytest'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_plugin_is_a_pytest11_entry_point_that_serves_the_fixture(tmp_path: Path) -> None:
    found = {e.value for e in entry_points(group="pytest11")}
    assert "mistral_sdk.testing._pytest" in found
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            from mistral_sdk import testing

            def test_it(mistral_mock):
                mistral_mock.on("chat.complete").reply(testing.chat_completion("From a user's test"))
                reply = mistral_mock.client.chat.complete(model="m", messages=[{"role": "user", "content": "x"}])
                assert reply.choices[0].message.content == "From a user's test"
            """
        )
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout


# --- answers ----------------------------------------------------------------------------


def test_unscripted_calls_get_the_mocks_own_answers(mistral_mock: Mock, mode: str) -> None:
    reply = call(mode, mistral_mock, chat)
    assert reply.choices[0].message.content == "(mock) You said: hi"
    assert [c.call for c in mistral_mock.calls()] == ["chat.complete"]


def test_reply_answers_in_order_then_repeats_the_last(mistral_mock: Mock, mode: str) -> None:
    mistral_mock.on("chat.complete").reply(
        testing.chat_completion("one"), {"id": "c2", "object": "chat.completion", "model": "m",
        "created": 1, "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "two"},
                     "finish_reason": "stop"}]},
    )  # fmt: skip
    texts = [call(mode, mistral_mock, chat).choices[0].message.content for _ in range(3)]
    assert texts == ["one", "two", "two"]


def test_newest_route_wins_and_nth_times_when_narrow_it(mistral_mock: Mock) -> None:
    m = mistral_mock
    m.on("chat.complete").reply(testing.chat_completion("default"))
    m.on("chat.complete", nth=2).reply(testing.chat_completion("second"))
    m.on("chat.complete", times=1).reply(testing.chat_completion("first"))
    m.on("chat.complete", when=lambda c: c.body.model == "other").reply(
        testing.chat_completion("other model")
    )
    got = [chat(m.client).choices[0].message.content for _ in range(4)]
    other = m.client.chat.complete(model="other", messages=USER).choices[0].message.content
    assert got == ["first", "second", "default", "default"] and other == "other model"


def test_reply_with_a_function_of_the_call(mistral_mock: Mock, mode: str) -> None:
    mistral_mock.on("chat.complete").reply_with(
        lambda c: testing.chat_completion(c.body.messages[-1].content.upper(), model=c.body.model)
    )
    reply = call(mode, mistral_mock, chat)
    assert reply.choices[0].message.content == "HI" and reply.model == "mistral-small-latest"


def test_calls_are_typed_by_the_operations_request_model(mistral_mock: Mock, mode: str) -> None:
    call(mode, mistral_mock, lambda c: c.chat.complete(model="m", messages=USER, temperature=0.2))
    sent = mistral_mock.calls("chat.complete")[-1]
    assert isinstance(sent.body, models.ChatCompletionRequest)
    assert isinstance(sent.body.messages[0], models.UserMessage)
    assert sent.body.messages[0].content == "hi" and sent.body.temperature == 0.2
    assert sent.json["messages"] == USER and sent.method == "POST"
    assert sent.path == "/v1/chat/completions" and sent.index == 1
    call(mode, mistral_mock, lambda c: c.models.retrieve("ministral-8b-latest"))
    assert mistral_mock.calls("models.retrieve")[-1].path_params == {
        "model_id": "ministral-8b-latest"
    }


def test_an_unknown_call_name_is_a_clear_error(mistral_mock: Mock) -> None:
    with pytest.raises(
        ValueError,
        match=r"'chat.completes' is not a method of the client; did you mean chat.complete",
    ):
        mistral_mock.on("chat.completes")
    with pytest.raises(ValueError, match="nth counts calls from 1"):
        mistral_mock.on("chat.complete", nth=0)


def test_a_stream_answer_ends_in_final(mistral_mock: Mock, mode: str) -> None:
    mistral_mock.on("chat.stream").reply(testing.chat_stream("Hel", "lo", "!"))

    def stream(client: Any) -> Any:
        if mode == "sync":
            with client.chat.stream(model="m", messages=USER) as s:
                pieces = [e.data.choices[0].delta.content for e in s]
                return pieces, s.final()

        async def run() -> Any:
            async with await client.chat.stream(model="m", messages=USER) as s:
                pieces = [e.data.choices[0].delta.content async for e in s]
                return pieces, await s.final()

        return run()

    pieces, final = call(mode, mistral_mock, stream)
    assert pieces == ["Hel", "lo", "!", ""]
    assert final.choices[0].message.content == "Hello!" and final.usage.completion_tokens == 3


def test_tool_calls_in_a_chat_completion(mistral_mock: Mock) -> None:
    mistral_mock.on("chat.complete").reply(
        testing.chat_completion(tool_calls=[testing.tool_call("get_weather", {"city": "Paris"})])
    )
    choice = chat(mistral_mock.client).choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls[0].function.name == "get_weather"
    assert json.loads(choice.message.tool_calls[0].function.arguments) == {"city": "Paris"}


# --- faults -----------------------------------------------------------------------------


def test_a_429_with_retry_after_is_retried(mistral_mock: Mock, mode: str) -> None:
    mistral_mock.on("chat.complete", times=1).fail(429, retry_after=0.01)
    assert call(mode, mistral_mock, chat).choices[0].message.content == "(mock) You said: hi"
    assert [c.index for c in mistral_mock.calls("chat.complete")] == [1, 2]


def test_a_fault_on_every_call_raises_the_sdks_error(mistral_mock: Mock, mode: str) -> None:
    mistral_mock.on("chat.complete").fail(429, retry_after=0.01, message="slow down")
    with pytest.raises(mistral_sdk.RateLimitError, match="slow down") as caught:
        call(mode, mistral_mock, chat)
    assert (
        caught.value.status_code == 429 and caught.value.response.headers["retry-after"] == "0.01"
    )
    assert len(mistral_mock.calls("chat.complete")) == 3  # max_retries=2


def test_only_the_nth_call_fails(mistral_mock: Mock) -> None:
    client = mistral_mock.client.with_options(max_retries=0)
    mistral_mock.on("chat.complete", nth=2).fail(503)
    chat(client)
    with pytest.raises(mistral_sdk.InternalServerError):
        chat(client)
    chat(client)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (lambda r: r.timeout(), mistral_sdk.APITimeoutError),
        (lambda r: r.disconnect(), mistral_sdk.APIConnectionError),
        (lambda r: r.malformed(), mistral_sdk.APIResponseValidationError),
        (lambda r: r.cut(), mistral_sdk.APIConnectionError),
    ],
)
def test_faults_become_the_sdks_errors(
    mistral_mock: Mock, mode: str, fault: Callable[[Any], Any], error: type[Exception]
) -> None:
    fault(mistral_mock.on("chat.complete"))
    mistral_mock_client = mistral_mock.client if mode == "sync" else mistral_mock.async_client
    del mistral_mock_client
    with pytest.raises(error):
        call(
            mode,
            mistral_mock,
            lambda c: c.with_options(max_retries=0).chat.complete(model="m", messages=USER),
        )


def test_a_cut_stream_is_an_incomplete_stream(mistral_mock: Mock) -> None:
    mistral_mock.on("chat.stream").reply(testing.chat_stream("a", "b", "c", "d"))
    mistral_mock.on("chat.stream").cut(after=2)  # newer: it cuts what the older route answers
    seen = []
    client = mistral_mock.client.with_options(max_retries=0)
    with (
        pytest.raises(mistral_sdk.APIConnectionError),
        client.chat.stream(model="m", messages=USER) as s,
    ):
        seen.extend(e.data.choices[0].delta.content for e in s)
    assert seen == ["a", "b"]


# --- the agentic helpers ------------------------------------------------------------------


def test_execute_and_wait_through_given_states(mistral_mock: Mock, mode: str) -> None:
    run = mistral_mock.workflow(["RUNNING", "RUNNING", "COMPLETED"], result={"labels": 3})
    done = call(
        mode, mistral_mock, lambda c: c.workflows.execute_and_wait("triage", input={"q": 1})
    )
    assert done.status == "COMPLETED" and done.result == {"labels": 3}
    assert done.execution_id == run.execution_id and run.state == "COMPLETED"
    assert mistral_mock.calls("workflows.execute")[0].body.input == {"q": 1}


def test_execute_and_wait_by_polling_sees_each_state(mistral_mock: Mock) -> None:
    mistral_mock.workflow(["RUNNING", "RUNNING", "FAILED"], failure="boom")
    mistral_mock.on("workflows.executions.stream").fail(404)  # no stream: the SDK polls
    with pytest.raises(mistral_sdk.WorkflowExecutionError) as caught:
        mistral_mock.client.workflows.execute_and_wait("triage")
    assert caught.value.execution.status == "FAILED"
    assert len(mistral_mock.calls("workflows.executions.get")) >= 2


def test_execute_and_wait_with_events(mistral_mock: Mock) -> None:
    mistral_mock.workflow(["RUNNING", "COMPLETED"], result="ok", events=[{"step": "fetch"}])
    seen: list[str] = []
    done = mistral_mock.client.workflows.execute_and_wait(
        "triage", on_event=lambda e: seen.append(str(e.data.data.event_type))
    )
    assert done.result == "ok"
    assert seen == [
        "WORKFLOW_EXECUTION_STARTED",
        "CUSTOM_TASK_IN_PROGRESS",
        "WORKFLOW_EXECUTION_COMPLETED",
    ]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def test_conversations_run_with_local_tools(mistral_mock: Mock, mode: str) -> None:
    m = mistral_mock
    m.on("beta.conversations.start").reply(
        testing.conversation_turn(
            testing.tool_call("get_weather", {"city": "Paris"}), conversation_id="conv_1"
        )
    )
    m.on("beta.conversations.append").reply(
        testing.conversation_turn("It is sunny.", conversation_id="conv_1")
    )
    result = call(
        mode, m, lambda c: c.beta.conversations.run("Weather?", model="m", tools=[get_weather])
    )
    assert result.output_text == "It is sunny." and result.conversation_id == "conv_1"
    sent = m.calls("beta.conversations.append")[-1]
    assert sent.path_params == {"conversation_id": "conv_1"}
    assert sent.body.inputs[0].result == "sunny in Paris"


def test_a_batch_run_against_the_mock(mistral_mock: Mock, mode: str) -> None:
    requests = [
        (f"q{i}", {"messages": [{"role": "user", "content": f"question {i}"}]}) for i in range(3)
    ]
    results = call(
        mode, mistral_mock,
        lambda c: c.batch.run(requests, endpoint="/v1/chat/completions", model="m", poll_interval=0.01),
    )  # fmt: skip
    texts = sorted(r.response.choices[0].message.content for r in results)
    assert texts == ["(mock) question 0", "(mock) question 1", "(mock) question 2"]


def test_a_scripted_batch_job_and_its_results(mistral_mock: Mock) -> None:
    job = testing.batch_job("SUCCESS", total=2, output_file="out-1")
    mistral_mock.on("batch.jobs.get").reply(job)
    mistral_mock.on("files.download").reply(
        testing.batch_results(
            {"a": testing.chat_completion("A"), "b": testing.chat_completion("B")}
        )
    )
    run = mistral_mock.client.batch.job(job.id)
    texts = {r.custom_id: r.response.choices[0].message.content for r in run.results()}
    assert texts == {"a": "A", "b": "B"}


def test_embedding_builder(mistral_mock: Mock) -> None:
    mistral_mock.on("embeddings.create").reply(testing.embedding("a", "b", size=8))
    answer = mistral_mock.client.embeddings.create(model="mistral-embed", input=["a", "b"])
    assert [len(d.embedding) for d in answer.data] == [8, 8]
    assert answer.data[0].embedding == testing.embedding("a", size=8).data[0].embedding


# --- outside pytest -----------------------------------------------------------------------


def test_mock_as_a_context_manager_and_over_http() -> None:
    with testing.mock() as m:
        m.on("chat.complete").reply(testing.chat_completion("over HTTP"))
        url = m.serve()
        with mistral_sdk.Mistral(api_key="k", base_url=url) as client:
            assert chat(client).choices[0].message.content == "over HTTP"
        assert m.calls("chat.complete")[-1].headers["authorization"] == "Bearer k"


def test_the_first_call_reads_only_the_called_operation() -> None:
    """The mock's routes come from `OPERATIONS`; a method is described (its resource
    module imported and read) when a request reaches it, so a test's first mocked call
    does not pay for the ~370 others."""
    code = textwrap.dedent(
        """
        import json, sys
        from mistral_sdk import testing
        from mistral_sdk.testing import _samples
        with testing.mock() as mock:
            mock.client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])
            mock.client.models.list()
        print(json.dumps({
            "endpoints": _samples.endpoint.cache_info().currsize,
            "all": _samples.endpoints.cache_info().currsize,
            "resources": sorted(m for m in sys.modules if m.startswith("mistral_sdk.resources.")),
        }))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["all"] == 0
    assert 1 <= found["endpoints"] <= 4  # chat.complete / chat.stream, models.list
    assert found["resources"] == ["mistral_sdk.resources.chat", "mistral_sdk.resources.models"]
