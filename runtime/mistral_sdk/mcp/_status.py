"""HTTP error statuses of MCP servers, kept until they reach the caller as typed errors.

An MCP server over HTTP that answers a request with an error status and no JSON-RPC
error in the body (a 401 from its auth layer, a 502 from a proxy) reaches the `mcp`
package's client as JSON-RPC -32603 "Server returned an error response": the status
is gone. The session's HTTP client (`StatusClient`) sees the final answer, after any
auth flow (an OAuth 401 that the flow answers never gets here), and turns such an
answer into the JSON-RPC error of the request it answered, with the status, the
`WWW-Authenticate` challenge and the start of the body in the error's `data`: the
`mcp` package delivers it to that request, the session goes on, and `refusal` finds
it again in the exception. A 401 or 403 is turned over even when the body holds a
JSON-RPC error (its text is kept): credentials are the caller's to fix, whatever the
server calls them.

`status_error` then builds the typed error (`MCPAuthenticationError` 401,
`MCPPermissionDeniedError` 403, `MCPStatusError` otherwise), naming the server, the
status and what to do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

import httpx2

from ._errors import MCPAuthenticationError, MCPPermissionDeniedError, MCPStatusError

if TYPE_CHECKING:
    from ._server import MCPToolSource

__all__ = ["Refusal", "StatusClient", "refusal", "status_error"]

# The key of the JSON-RPC error data that carries the HTTP answer.
DATA_KEY = "mistral_sdk.http_status"
_INTERNAL_ERROR = -32603
_BODY_KEPT = 300  # characters of an error body that reach the message
_BODY_READ = 64 * 1024  # bytes read of an error body at most

CREDENTIAL_STATUSES = frozenset({401, 403})
# headers that described the body the answer had (it gets a new one)
_BODY_HEADERS = frozenset(
    {"content-length", "content-type", "content-encoding", "transfer-encoding"}
)


class Refusal(NamedTuple):
    """An HTTP error answer of an MCP server, as far as the caller needs it."""

    status_code: int
    reason: str
    www_authenticate: str | None
    body: str


class StatusClient(httpx2.AsyncClient):
    """The HTTP client of an MCP session: error statuses reach the caller (above)."""

    async def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        response = await super().send(request, **kwargs)
        if response.status_code < 400 or request.method != "POST":
            return response
        message_id = _request_id(request)
        if message_id is None:  # a notification or a reply: nothing waits for an answer
            return response
        try:
            body = await _read_start(response)
        finally:
            await response.aclose()
        if response.status_code not in CREDENTIAL_STATUSES and _is_jsonrpc_error(body):
            content = body  # the server's own protocol error: the `mcp` package's to read
        else:
            content = json.dumps(_as_jsonrpc_error(message_id, response, body)).encode()
        headers = [
            (k, v) for k, v in response.headers.multi_items() if k.lower() not in _BODY_HEADERS
        ]
        headers.append(("content-type", "application/json"))
        return httpx2.Response(
            response.status_code,
            headers=headers,
            content=content,
            request=request,
            extensions=response.extensions,
        )


def _request_id(request: httpx2.Request) -> Any:
    """The id of the JSON-RPC request a POST carries; None for anything else."""
    try:
        message = json.loads(request.content)
    except (ValueError, httpx2.RequestNotRead):
        return None
    if isinstance(message, dict) and "method" in message and "id" in message:
        return message["id"]
    return None


async def _read_start(response: httpx2.Response) -> bytes:
    """The body, or its first `_BODY_READ` bytes (an error page may be long)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= _BODY_READ:
            break
    return b"".join(chunks)[:_BODY_READ]


def _is_jsonrpc_error(body: bytes) -> bool:
    try:
        message = json.loads(body)
    except ValueError:
        return False
    return (
        isinstance(message, dict)
        and isinstance(message.get("error"), dict)
        and isinstance(message["error"].get("code"), int)
    )


def _as_jsonrpc_error(message_id: Any, response: httpx2.Response, body: bytes) -> dict[str, Any]:
    text = body.decode("utf-8", errors="replace").strip()
    data = {
        "status_code": response.status_code,
        "reason": response.reason_phrase,
        "www_authenticate": response.headers.get("www-authenticate"),
        "body": text[:_BODY_KEPT] + ("…" if len(text) > _BODY_KEPT else ""),
    }
    message = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
    return {
        "jsonrpc": "2.0",
        "id": message_id,
        "error": {"code": _INTERNAL_ERROR, "message": message, "data": {DATA_KEY: data}},
    }


def refusal(exc: BaseException) -> Refusal | None:
    """The HTTP error answer behind an exception of an MCP session, if it is one: the
    JSON-RPC error `StatusClient` made of it, or the `httpx2.HTTPStatusError` of a
    refused SSE event stream."""
    data = getattr(getattr(exc, "error", None), "data", None)
    if isinstance(data, dict) and isinstance(data.get(DATA_KEY), dict):
        found = data[DATA_KEY]
        return Refusal(
            int(found["status_code"]),
            str(found.get("reason") or ""),
            found.get("www_authenticate"),
            str(found.get("body") or ""),
        )
    if isinstance(exc, httpx2.HTTPStatusError):
        response = exc.response
        return Refusal(
            response.status_code,
            response.reason_phrase,
            response.headers.get("www-authenticate"),
            "",  # a refused event stream: its body was never read
        )
    return None


def _advice(server: MCPToolSource, status: int) -> str:
    if status == 401:
        return server.auth_advice
    if status == 403:
        return (
            "the server knows the credentials but does not allow this: the token may lack"
            " a scope or a role"
        )
    if status in (404, 405):
        return (
            f"is {server.target} the server's MCP endpoint? (streamable HTTP endpoints"
            " often end in /mcp, HTTP+SSE ones in /sse)"
        )
    if status == 429 or status >= 500:
        return "the server is failing or overloaded: try again later"
    return ""


def status_error(server: MCPToolSource, refused: Refusal, what: str) -> MCPStatusError:
    """The typed error of an HTTP error answer: `{server} {what}: HTTP 401 … — advice`."""
    status = refused.status_code
    parts = [f"{server.label} {what}: HTTP {status} {refused.reason}".rstrip()]
    if server.target.startswith(("http://", "https://")) and server.target != server.name:
        parts.append(f" from {server.target}")
    if refused.www_authenticate:
        parts.append(f" (WWW-Authenticate: {refused.www_authenticate})")
    if refused.body:
        parts.append(f"; it said: {refused.body}")
    advice = _advice(server, status)
    if advice:
        parts.append(f". {advice[0].upper()}{advice[1:]}")
    cls = {401: MCPAuthenticationError, 403: MCPPermissionDeniedError}.get(status, MCPStatusError)
    return cls(
        "".join(parts),
        server=server.name,
        status_code=status,
        url=server.target,
        www_authenticate=refused.www_authenticate,
        body=refused.body,
    )
