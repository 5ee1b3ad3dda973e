"""Dict requests are checked like typed ones (issue 26, point 2): an unknown key or a
missing required field is a `RequestValidationError` naming the full path (and the key
a misspelled one most likely means) before anything is sent; the ways to send what
the spec does not describe yet stay: `extra_body=`, `mistral_sdk.Unknown(...)`, and
`mistral_sdk.with_extra_fields(...)` for a field inside a nested object."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from answers import CHAT_COMPLETION
from tolerance_helpers import Api

import mistral_sdk
from mistral_sdk import RequestValidationError, models

REPLY = CHAT_COMPLETION
CONVERSATION = {
    "object": "conversation.response",
    "conversation_id": "c1",
    "outputs": [],
    "usage": {},
}
USER = {"role": "user", "content": "hi"}


def _api(mode: str, reply: dict[str, Any] = REPLY) -> Api:
    return Api(mode, lambda r: httpx2.Response(200, json=reply, headers={"x-request-id": "q1"}))


def _refused(api: Api, call: str, **kwargs: Any) -> RequestValidationError:
    with pytest.raises(RequestValidationError) as caught:
        api.call(call, **kwargs)
    assert api.sent == []  # refused before anything was sent
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "message", "field"),
    [
        # the issue's examples
        (
            {"messages": [{"role": "user", "contnet": "hi"}]},
            "`messages[0].contnet`: unknown field; did you mean 'content'?",
            "messages[0].contnet",
        ),
        (
            {"messages": [{"role": "user"}]},
            "`messages[0]`: Object missing required field `content`",
            "messages[0].content",
        ),
        (
            {"messages": [USER], "tools": [{"function": {"name": "f", "paramters": {}}}]},
            "`tools[0].function.paramters`: unknown field; did you mean 'parameters'?",
            "tools[0].function.paramters",
        ),
        # deeper: a content chunk, a tool call of an assistant message
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "txt": "a"}]}]},
            "`messages[0].content[0].txt`: unknown field; did you mean 'text'?",
            "messages[0].content[0].txt",
        ),
        (
            {
                "messages": [
                    USER,
                    {
                        "role": "assistant",
                        "content": "",
                        "tool_calls": [{"id": "1", "function": {"name": "f", "argument": "{}"}}],
                    },
                ]
            },
            "`messages[1].tool_calls[0].function.argument`: unknown field; did you mean"
            " 'arguments'?",
            "messages[1].tool_calls[0].function.argument",
        ),
        # a key that looks like nothing the model declares: the known keys are listed
        (
            {"messages": [{"role": "user", "content": "hi", "zzz": 1}]},
            "`messages[0].zzz`: unknown field (`UserMessage` has content, role); if the API"
            " takes it",
            "messages[0].zzz",
        ),
    ],
)
def test_a_mistake_in_a_dict_is_refused_naming_it(
    mode: str, kwargs: dict[str, Any], message: str, field: str
) -> None:
    error = _refused(_api(mode), "chat.complete", model="m", **kwargs)
    assert message in str(error)
    assert error.field == field


def test_a_misspelled_key_inside_an_untagged_union_names_the_closest_variant(mode: str) -> None:
    api = _api(mode, CONVERSATION)
    error = _refused(
        api, "beta.conversations.start", model="m", inputs=[{"role": "user", "contnet": "hi"}]
    )
    assert (
        "`inputs[0]`: value matches no variant of `InputEntry`; closest to `MessageInputEntry`:"
        " unknown field `contnet` (did you mean `content`?), missing required field `content`"
    ) in str(error)
    assert error.field == "inputs[0].contnet"


def test_an_unknown_key_in_a_variant_matched_by_structure(mode: str) -> None:
    api = _api(mode, CONVERSATION)
    entry = {"role": "user", "content": "hi", "prefx": True}
    error = _refused(api, "beta.conversations.start", model="m", inputs=[entry])
    assert "`inputs[0].prefx`: unknown field; did you mean 'prefix'?" in str(error)


def test_a_body_argument_names_the_path_from_body(mode: str) -> None:
    api = _api(mode, {"users": []})
    member = {"email": "a@b.c", "first_name": "A", "last_name": "B", "rol": "user"}
    with pytest.raises(RequestValidationError) as caught:
        api.call("beta.admin.users.create", body=[member])
    assert caught.value.field == "body[0].rol"
    assert "did you mean 'role'?" in str(caught.value)
    assert api.sent == []


def test_valid_dicts_and_models_are_sent_unchanged(mode: str) -> None:
    api = _api(mode)
    api.call("chat.complete", model="m", messages=[USER], temperature=0.1)
    api.call("chat.complete", model="m", messages=[models.UserMessage(content="hi")])
    first, second = (json.loads(r.content) for r in api.sent)
    assert first["messages"] == second["messages"] == [USER]
    # a model built without a required nullable field is the caller's choice: sent as null
    api.call("chat.complete", model="m", messages=[models.UserMessage()])
    assert json.loads(api.sent[-1].content)["messages"] == [{"role": "user", "content": None}]


# --- the ways to send what the spec does not describe yet ----------------------------


def test_with_extra_fields_sends_an_undeclared_field_inside_a_nested_object(mode: str) -> None:
    api = _api(mode)
    message = mistral_sdk.with_extra_fields(USER, cache_hint="long")
    tool = mistral_sdk.with_extra_fields(
        models.Tool(function=models.Function(name="f", parameters={})), {"x-strict": True}
    )
    reply = api.call("chat.complete", model="m", messages=[message], tools=[tool])
    assert reply.choices[0].message.content == "ok"
    sent = json.loads(api.sent[-1].content)
    assert sent["messages"] == [{"role": "user", "content": "hi", "cache_hint": "long"}]
    assert sent["tools"] == [
        {"type": "function", "function": {"name": "f", "parameters": {}}, "x-strict": True}
    ]


def test_with_extra_fields_still_checks_the_declared_fields(mode: str) -> None:
    message = mistral_sdk.with_extra_fields({"role": "user", "contnet": "hi"}, cache_hint="long")
    error = _refused(_api(mode), "chat.complete", model="m", messages=[message])
    assert error.field == "messages[0].contnet"


def test_with_extra_fields_takes_a_dict_or_a_model_and_at_least_one_field() -> None:
    with pytest.raises(ValueError, match="at least one"):
        mistral_sdk.with_extra_fields(USER)
    with pytest.raises(TypeError, match="a dict or a model"):
        mistral_sdk.with_extra_fields(["role"], x=1)  # type: ignore[arg-type]


def test_extra_body_and_unknown_still_send_as_is(mode: str) -> None:
    api = _api(mode)
    api.call("chat.complete", model="m", messages=[USER], extra_body={"new_top_level": 1})
    assert json.loads(api.sent[-1].content)["new_top_level"] == 1
    future = {"role": "critic", "content": "hmm", "score": 3}
    api.call("chat.complete", model="m", messages=[USER, mistral_sdk.Unknown(future)])
    assert json.loads(api.sent[-1].content)["messages"][1] == future


def test_the_hint_names_the_ways_out_when_nothing_is_close(mode: str) -> None:
    error = _refused(
        _api(mode), "chat.complete", model="m", messages=[{**USER, "cache_control": {}}]
    )
    assert "mistral_sdk.with_extra_fields(...)" in str(error)
    assert "extra_body=" in str(error)


@pytest.mark.parametrize("first", ["_check", "_extras", "_codec"])
def test_the_check_and_the_codec_import_in_either_order(first: str) -> None:
    """They import each other: whichever comes first, both are whole before use."""
    import subprocess
    import sys

    code = (
        f"import mistral_sdk.{first}, mistral_sdk\n"
        "mistral_sdk.with_extra_fields({'role': 'user'}, x=1)\n"
        "from mistral_sdk._codec import convert_body\n"
        "from mistral_sdk import models\n"
        "convert_body(models.UserMessage, {'content': 'hi'})"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
