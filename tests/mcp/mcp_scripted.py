"""A scripted conversations API for the MCP tests (an httpx2 transport, no sockets).

Each scripted turn is the list of function calls the "model" makes; once the script
is used up, it answers with a message quoting the function results it was sent.
Every request body is kept (`requests`), so tests see the tool definitions the run
offered and the results it sent back. Streamed requests get the same turns as
conversation events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2

USAGE = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}


def call(name: str, arguments: dict[str, Any], *, pending: bool = False) -> dict[str, Any]:
    """A function call the scripted model makes."""
    return {"name": name, "arguments": arguments, "pending": pending}


class Script:
    def __init__(self, *turns: list[dict[str, Any]]) -> None:
        self.turns = list(turns)
        self.requests: list[dict[str, Any]] = []
        self._calls = 0

    # what tests read
    @property
    def offered(self) -> list[str]:
        """Names of the function tools the run's first request offered."""
        return [t["function"]["name"] for t in self.requests[0].get("tools") or []]

    def definition(self, name: str) -> dict[str, Any]:
        return next(
            t["function"] for t in self.requests[0]["tools"] if t["function"]["name"] == name
        )

    def results(self) -> list[dict[str, Any]]:
        """Every function result the run sent back, in order."""
        return [
            entry
            for body in self.requests
            for entry in (body.get("inputs") if isinstance(body.get("inputs"), list) else [])
            if entry.get("type") == "function.result"
        ]

    def mounts(self) -> dict[str, httpx2.MockTransport]:
        """`mounts=` of a client whose calls to the API (https://api.test) the script
        answers; MCP servers on loopback are reached through the same client for real
        (an MCP session sends through the run's client: mistral_sdk/mcp/_via.py)."""
        return {"https://api.test": httpx2.MockTransport(self.handler)}

    # the API
    def _outputs(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        if self.turns:
            outputs = []
            for spec in self.turns.pop(0):
                self._calls += 1
                outputs.append(
                    {
                        "object": "entry",
                        "type": "function.call",
                        "id": f"fc_{self._calls}",
                        "tool_call_id": f"call_{self._calls}",
                        "name": spec["name"],
                        "arguments": json.dumps(spec["arguments"]),
                        **({"confirmation_status": "pending"} if spec["pending"] else {}),
                    }
                )
            return outputs
        inputs = body.get("inputs") if isinstance(body.get("inputs"), list) else []
        said = " | ".join(e["result"] for e in inputs if e.get("type") == "function.result")
        return [
            {
                "object": "entry",
                "type": "message.output",
                "id": "msg_1",
                "role": "assistant",
                "content": f"done: {said}",
            }
        ]

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        response = {
            "object": "conversation.response",
            "conversation_id": "conv_1",
            "outputs": self._outputs(body),
            "usage": USAGE,
        }
        if not body.get("stream"):
            return httpx2.Response(200, json=response)
        return httpx2.Response(
            200,
            headers={"content-type": "text/event-stream"},
            content="".join(
                f"event: {kind}\ndata: {json.dumps(data)}\n\n" for kind, data in _events(response)
            ).encode(),
        )


def _events(response: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield (
        "conversation.response.started",
        {
            "type": "conversation.response.started",
            "conversation_id": response["conversation_id"],
        },
    )
    for index, entry in enumerate(response["outputs"]):
        if entry["type"] == "message.output":
            yield (
                "message.output.delta",
                {
                    "type": "message.output.delta",
                    "output_index": index,
                    "id": entry["id"],
                    "content_index": 0,
                    "role": "assistant",
                    "content": entry["content"],
                },
            )
        else:
            yield (
                "function.call.delta",
                {
                    "type": "function.call.delta",
                    "output_index": index,
                    "id": entry["id"],
                    "name": entry["name"],
                    "tool_call_id": entry["tool_call_id"],
                    "arguments": entry["arguments"],
                    "confirmation_status": entry.get("confirmation_status"),
                },
            )
    yield (
        "conversation.response.done",
        {
            "type": "conversation.response.done",
            "usage": response["usage"],
        },
    )
