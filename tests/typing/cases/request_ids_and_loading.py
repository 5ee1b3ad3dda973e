"""Public request ids, loading models back, and the escape hatch (issue 26, points 2, 4)."""
# pyright: strict
# The comment at the end of a line says what the checkers find there:
# fmt: off

from __future__ import annotations

from typing import reveal_type

import mistral_sdk
from mistral_sdk import Mistral, models


def usage(client: Mistral) -> None:
    reply = client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])
    reveal_type(mistral_sdk.request_id(reply))  # R: str | None
    print(reply._request_id)  # E: pyright
    with client.chat.stream(model="m", messages=[]) as stream:
        reveal_type(mistral_sdk.request_id(stream.final()))  # R: str | None
    reveal_type(models.ChatCompletionResponse.from_dict(reply.to_dict()))  # R: ChatCompletionResponse
    reveal_type(models.ChatCompletionResponse.from_json(reply.to_json()))  # R: ChatCompletionResponse
    reveal_type(mistral_sdk.from_dict(reply.to_dict(), models.ChatCompletionResponse))  # R: ChatCompletionResponse
    reveal_type(mistral_sdk.decode(reply.to_json(), models.ChatCompletionResponse))  # R: ChatCompletionResponse
    message = mistral_sdk.with_extra_fields({"role": "user", "content": "hi"}, cache_hint="long")
    client.chat.complete(model="m", messages=[message])
    reveal_type(message)  # R: Any
    # the escape hatches go where the typed value goes (docs/typing.md)
    client.chat.complete(model="m", messages=[mistral_sdk.Unknown({"role": "critic"})])
