"""A small, strictly typed program against mistral-sdk's public API.

Needs: mistral-sdk only (`make venv`); `make types` checks it, nothing runs it.

`make types` runs mypy --strict over this file: it checks that the generated signatures,
models, streams and errors are precise enough for fully typed user code. Nothing here
touches the network unless `main()` is called.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import msgspec

from mistral_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ChatChunk,
    ConversationEvent,
    Mistral,
    MistralError,
    RateLimitError,
    RequestValidationError,
    Stream,
    WorkflowEvent,
    models,
)

CONNECTORS = {"mistralai": {"connectors": {"bindings": [{"connector_name": "gmail"}]}}}


def make_client(api_key: str, base_url: str | None = None) -> Mistral:
    return Mistral(
        api_key=api_key,
        base_url=base_url,
        timeout=httpx2.Timeout(30.0, connect=5.0),
        max_retries=3,
        default_headers={"x-app": "typed-usage"},
    )


def ask(client: Mistral, question: str) -> str:
    response: models.ChatCompletionResponse = client.chat.complete(
        model="mistral-small-latest",
        messages=[{"role": "user", "content": question}],
        temperature=0.2,
        max_tokens=200,
    )
    choice: models.ChatCompletionChoice = response.choices[0]
    usage: models.UsageInfo = response.usage
    total: int = usage.total_tokens
    message = choice.message  # optional in the spec: an AssistantMessage or UNSET
    text = ""
    if isinstance(message, models.AssistantMessage) and isinstance(message.content, str):
        text = message.content
    return f"{response.id} ({response.model}, {total} tokens): {text}"


def stream_text(client: Mistral, question: str) -> Iterator[str]:
    stream: Stream[ConversationEvent] = client.beta.conversations.start_stream(
        inputs=question, model="mistral-medium-latest"
    )
    with stream:
        for event in stream:
            if isinstance(event.data, models.MessageOutputEvent):
                yield event.data.text
        final: models.ConversationResponse = stream.final()
        yield f" ({final.usage.total_tokens} tokens)"


def chat_chunks(client: Mistral, question: str) -> tuple[list[str], str | None]:
    """The short names annotate streams; `final()` gives the whole response."""
    stream: Stream[ChatChunk] = client.chat.stream(
        model="mistral-small-latest", messages=[{"role": "user", "content": question}]
    )
    with stream:
        texts = [chunk.data.output_text for chunk in stream]
        whole: models.ChatCompletionResponse = stream.final()
    return texts, whole.id


def on_workflow_event(event: WorkflowEvent) -> None:
    print(event.event, event.to_json())


def confirm_tool_call(client: Mistral, conversation_id: str, tool_call_id: str) -> list[str]:
    kinds: list[str] = []
    confirmation = models.ToolCallConfirmation(tool_call_id=tool_call_id, confirmation="allow")
    with client.beta.conversations.append_stream(
        conversation_id, tool_confirmations=[confirmation]
    ) as stream:
        for event in stream:
            kinds.append(str(event.event))
    return kinds


def run_workflow(client: Mistral, workflow: str) -> str:
    execution = client.workflows.execute(
        workflow, input={"query": "unread mail"}, extensions=CONNECTORS
    )
    if isinstance(execution, models.WorkflowExecutionResponse):
        return f"{execution.execution_id}: {execution.status}"
    return f"{execution.execution_id}: done"  # a WorkflowExecutionSyncResponse


def model_ids(client: Mistral) -> list[str]:
    page: models.ModelList = client.models.list()
    return [card.id for card in page.data or []]


class NewThing(msgspec.Struct):
    """A response of an endpoint the public spec does not describe yet."""

    id: str
    status: str


def call_unlisted_endpoint(client: Mistral, thing_id: str) -> tuple[NewThing, list[NewThing]]:
    """The escape hatch: typed results from paths the generated methods do not cover."""
    one: NewThing = client.get(f"/v1/things/{thing_id}", cast_to=NewThing)
    many: list[NewThing] = client.post("/v1/things/search", body={"q": "x"}, cast_to=list[NewThing])
    events: Stream[NewThing] = client.post("/v1/things", body={}, cast_to=NewThing, stream=True)
    events.close()
    return one, many


def describe_error(exc: MistralError) -> str:
    if isinstance(exc, RequestValidationError):
        return f"bad input: {exc}"
    if isinstance(exc, RateLimitError):
        return f"slow down (request {exc.request_id})"
    if isinstance(exc, APIStatusError):
        status: int = exc.status_code
        return f"HTTP {status}: {exc.body!r} (request {exc.request_id})"
    if isinstance(exc, APITimeoutError):
        return "timed out"
    if isinstance(exc, APIConnectionError):
        return "network problem"
    return str(exc)


def main(api_key: str) -> None:
    with make_client(api_key) as client:
        try:
            print(ask(client.with_options(max_retries=0), "Hello?"))
            print("".join(stream_text(client, "Tell me a joke")))
            print(run_workflow(client, "email-triage"))
            print(model_ids(client))
        except MistralError as exc:
            print(describe_error(exc))
