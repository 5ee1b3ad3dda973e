"""`RequestValidationError.field` names the body field at fault with its full path
(issue 21, point 3): `messages[2].content[0].image_url`, not None or `messages`."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from spec_values import needs_calls

from mistral_sdk import AsyncMistral, Mistral, RequestValidationError


def _never_sent(request: httpx2.Request) -> httpx2.Response:
    raise AssertionError(f"sent {request.method} {request.url} despite a bad body")


@pytest.fixture
def client() -> Mistral:
    return Mistral(
        api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(_never_sent))
    )


CONVERSATION: list[Any] = [
    {"role": "user", "content": "look"},
    {"role": "assistant", "content": "at what?"},
]


@needs_calls("chat.complete")
@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        # the issue's own example: a required field missing deep in a message
        (
            {"messages": [*CONVERSATION, {"role": "user", "content": [{"type": "image_url"}]}]},
            "messages[2].content[0].image_url",
        ),
        # a wrong type there
        (
            {
                "messages": [
                    *CONVERSATION,
                    {"role": "user", "content": [{"type": "image_url", "image_url": 3}]},
                ]
            },
            "messages[2].content[0].image_url",
        ),
        # an unknown tag names the tag field
        ({"messages": [{"role": "usr", "content": "a"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": "hi"}, "messages"),
        (
            {
                "messages": CONVERSATION,
                "tools": [{"type": "function", "function": {"nam": "x"}}],
            },
            "tools[0].function.nam",  # the key that misspells the missing `name` (#26)
        ),
        (
            {"messages": CONVERSATION, "tools": [{"type": "function", "function": {}}]},
            "tools[0].function.name",
        ),
        ({"messages": CONVERSATION, "temperature": "hot"}, "temperature"),
    ],
)
def test_flattened_body_errors_name_the_full_path(
    client: Mistral, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestValidationError) as info:
        client.chat.complete(model="m", **arguments)
    assert info.value.field == field
    assert info.value.field.split("[")[0].split(".")[0] in str(info.value)


@needs_calls("beta.admin.users.create")
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"email": 3}], "body[0].email"),
        ([{}], "body[0].email"),
        ([3], "body[0]"),
        ("x", "body"),
    ],
)
def test_a_body_argument_s_errors_start_at_body(client: Mistral, body: Any, field: str) -> None:
    # `beta.admin.users.create` takes a list as `body=` (not flattened)
    with pytest.raises(RequestValidationError) as info:
        client.beta.admin.users.create(body=body)
    assert info.value.field == field
    assert field.removesuffix(".email") in str(info.value)


@needs_calls("chat.complete")
async def test_async_errors_name_the_same_path() -> None:
    client = AsyncMistral(
        api_key="k", http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(_never_sent))
    )
    messages = [*CONVERSATION, {"role": "user", "content": [{"type": "image_url"}]}]
    with pytest.raises(RequestValidationError) as info:
        await client.chat.complete(model="m", messages=messages)
    assert info.value.field == "messages[2].content[0].image_url"
