"""The batch runner's results are typed by endpoint (issue 26, point 3)."""
# pyright: strict
# The comment at the end of a line says what the checkers find there:
# fmt: off

from __future__ import annotations

from typing import Any, reveal_type

from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.batch import BatchResults
from mistral_sdk.params import ChatCompletionRequestBatchParam

CHAT: list[tuple[str, ChatCompletionRequestBatchParam]] = [
    ("q1", {"messages": [{"role": "user", "content": "hi"}]})
]


def sync_usage(client: Mistral, endpoint: str) -> None:
    results = client.batch.run(CHAT, endpoint="/v1/chat/completions", model="m")
    reveal_type(results)  # R: BatchResults[ChatCompletionResponse]
    reveal_type(results["q1"].unwrap())  # R: ChatCompletionResponse
    print(results["q1"].unwrap().choises)  # E
    reveal_type(client.batch.run({"e1": {"input": "hi"}}, endpoint="/v1/embeddings", model="e"))  # R: BatchResults[EmbeddingResponse]
    reveal_type(client.batch.run("ocr.jsonl", endpoint="/v1/ocr", model="o", timeout=5.0))  # R: BatchResults[OCRResponse]
    run = client.batch.submit([("c1", {"inputs": "hi"})], endpoint="/v1/conversations", agent_id="a")
    reveal_type(run)  # R: BatchRun[ConversationResponse]
    reveal_type(run.results())  # R: BatchResults[ConversationResponse]
    for result in run.stream_results():
        reveal_type(result.response)  # R: ConversationResponse | None
    reveal_type(client.batch.job("job-1", endpoint="/v1/fim/completions"))  # R: BatchRun[FIMCompletionResponse]
    reveal_type(client.batch.job("job-1"))  # R: BatchRun[Any]
    reveal_type(client.batch.run(CHAT, endpoint=endpoint))  # R: BatchResults[Any]
    client.batch.run(CHAT, endpoint="/v1/chat/completions", modle="m")  # E
    client.batch.submit(CHAT, endpoint="/v1/chat/completions", timeout=5.0)  # E
    # the requests are typed too: a misspelt key is an error, in any form
    client.batch.run({"q1": {"mesages": []}}, endpoint="/v1/chat/completions")  # E
    client.batch.run([("q1", {"messages": [], "temprature": 0.2})], endpoint="/v1/chat/completions")  # E
    reveal_type(client.batch.run(iter(CHAT), endpoint="/v1/chat/completions"))  # R: BatchResults[ChatCompletionResponse]


async def async_usage(client: AsyncMistral) -> None:
    results = await client.batch.run(CHAT, endpoint="/v1/chat/completions", model="m")
    reveal_type(results)  # R: BatchResults[ChatCompletionResponse]
    async for result in results:
        reveal_type(result.unwrap())  # R: ChatCompletionResponse
    run = await client.batch.submit({"c1": {"input": "hi"}}, endpoint="/v1/classifications", model="c")
    reveal_type(run)  # R: AsyncBatchRun[ClassificationResponse]
    reveal_type(await run.results())  # R: BatchResults[ClassificationResponse]
    reveal_type(await client.batch.job("job-1", endpoint="/v1/moderations"))  # R: AsyncBatchRun[ModerationResponse]


def annotated(results: BatchResults[Any]) -> None:
    for result in results:
        reveal_type(result)  # R: BatchResult[Any]
