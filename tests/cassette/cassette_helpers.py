"""The calls the cassette tests record and replay, each written once for both clients:
a blocking `Mistral` is called directly, an `AsyncMistral` awaited."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import Cassette, CassetteMode, cassette

MODEL = "mistral-small-latest"


async def _value(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


class Calls:
    """What an application does with a client, the same way for both kinds."""

    def __init__(self, client: Mistral | AsyncMistral) -> None:
        self.client: Any = client

    async def chat(self, text: str, **options: Any) -> str:
        reply = await _value(
            self.client.chat.complete(
                model=MODEL, messages=[{"role": "user", "content": text}], **options
            )
        )
        return str(reply.choices[0].message.content)

    async def _stream_items(self, stream: Any) -> list[Any]:
        if isinstance(self.client, Mistral):
            return list(stream)
        return [item async for item in stream]

    async def chat_stream(self, text: str, **options: Any) -> tuple[list[str], str]:
        """The deltas as they came, and `final()`'s message after them."""
        stream = await _value(
            self.client.chat.stream(
                model=MODEL, messages=[{"role": "user", "content": text}], **options
            )
        )
        try:
            first = await _value(
                stream.__next__() if isinstance(self.client, Mistral) else stream.__anext__()
            )
            rest = await _value(stream.final())
        finally:
            await _value(stream.close())
        return [str(first.data.choices[0].delta.content)], str(rest.choices[0].message.content)

    async def conversation_stream(self, text: str) -> tuple[list[str], str]:
        """The event types of a streamed conversation turn, and its answer."""
        stream = await _value(self.client.beta.conversations.start_stream(inputs=text, model=MODEL))
        try:
            events = await self._stream_items(stream)
        finally:
            await _value(stream.close())
        kinds = [type(event.data).__name__ for event in events]
        deltas = [event.data.content for event in events if hasattr(event.data, "content")]
        return kinds, "".join(str(delta) for delta in deltas)

    async def upload(self, path: Path) -> tuple[str, str, int, bytes]:
        """A file uploaded, then downloaded: its id, name, size and content."""
        created = await _value(self.client.files.upload(file=path, purpose="batch"))
        content = await _value(self.client.files.download(created.id))
        data = await _value(content.read())
        return str(created.id), str(created.filename), int(created.bytes), bytes(data)


@asynccontextmanager
async def calls_through(
    kind: str, path: Path, mode: CassetteMode, base_url: str, **options: Any
) -> AsyncIterator[tuple[Calls, Cassette]]:
    """`Calls` on the `kind` ("sync"/"async") client of a cassette at `path`."""
    async with cassette(path, mode=mode, base_url=base_url, **options) as tape:
        client = tape.client if kind == "sync" else tape.async_client
        yield Calls(client), tape


def assert_no_secret(path: Path, *secrets: str) -> None:
    """The proof that a secret never reached the file: its bytes, searched for each one."""
    data = path.read_bytes()
    for secret in secrets:
        assert secret.encode() not in data, f"{secret!r} is in {path}"
