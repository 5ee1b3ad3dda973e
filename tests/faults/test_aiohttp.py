"""`mistral_sdk.aiohttp.AiohttpClient` (the `aiohttp` extra): the SDK's calls, streams,
retries and errors over aiohttp's transport, against the real loopback server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest
from fault_helpers import CHUNK, COMPLETION
from fault_server import FaultServer, reply, sse

import mistral_sdk

pytest.importorskip("httpx_aiohttp.httpx2")

from mistral_sdk.aiohttp import AiohttpClient

MESSAGES = [{"role": "user", "content": "hi"}]


def test_calls_streams_and_retries_go_over_aiohttp(server: FaultServer) -> None:
    server.queue(reply(503, {"message": "busy"}, headers={"retry-after": "0"}))
    server.queue(reply(200, COMPLETION))
    server.queue(sse([CHUNK, CHUNK, b"data: [DONE]\n\n"]))

    async def main() -> tuple[str, list[str]]:
        async with AiohttpClient() as http:
            client = mistral_sdk.AsyncMistral(api_key="k", base_url=server.url, http_client=http)
            assert client.timeout == mistral_sdk.Mistral(api_key="k").timeout  # the SDK's
            reply_ = await client.chat.complete(model="m", messages=MESSAGES)
            async with await client.chat.stream(model="m", messages=MESSAGES) as stream:
                texts = [e.data.choices[0].delta.content async for e in stream]
            return str(reply_.choices[0].message.content), [str(t) for t in texts]

    assert asyncio.run(main()) == ("hi", ["t", "t"])
    assert len(server.received) == 3  # the 503 was retried once
    assert server.received[0].headers["authorization"] == "Bearer k"


def test_errors_are_the_sdks(server: FaultServer) -> None:
    server.queue(reply(404, {"message": "no such model"}))

    async def main() -> None:
        async with AiohttpClient() as http:
            client = mistral_sdk.AsyncMistral(
                api_key="k", base_url=server.url, http_client=http, max_retries=0
            )
            with pytest.raises(mistral_sdk.NotFoundError):
                await client.models.retrieve("nope")
            closed = mistral_sdk.AsyncMistral(
                api_key="k", base_url="http://127.0.0.1:9", http_client=http, max_retries=0
            )
            with pytest.raises(mistral_sdk.APIConnectionError):
                await closed.models.list()

    asyncio.run(main())


def test_without_the_extra_the_error_names_it() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["httpx_aiohttp"] = None  # not installed
        try:
            import mistral_sdk.aiohttp
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'mistral-sdk[aiohttp]'" in out.stdout
