"""The errors of the MCP capability (none of them needs the `mcp` package)."""

from __future__ import annotations

from .._errors import MistralError
from .._tools import ToolSourceError

__all__ = [
    "MCPAuthenticationError",
    "MCPExtraMissing",
    "MCPPermissionDeniedError",
    "MCPServerError",
    "MCPStatusError",
    "MCPToolError",
    "require_mcp",
]

EXTRA_HINT = "pip install mistral-sdk[mcp]"


class MCPExtraMissing(MistralError, ImportError):
    """MCP was used without the `mcp` package: install the extra."""


class MCPServerError(ToolSourceError):
    """An MCP server failed as a whole: it could not be started or reached, it exited,
    or the connection broke. A run that uses it stops with this error (after
    closing its sessions)."""

    def __init__(self, message: str, *, server: str) -> None:
        super().__init__(message)
        self.server = server


class MCPStatusError(MCPServerError):
    """An MCP server over HTTP answered with an error status: it could not be opened,
    or (401, 403) it refused the credentials during the run.

    `status_code`, `url`, `www_authenticate` (the challenge of a 401, if any) and
    `body` (the start of what the server said) describe the answer; the message
    names the server, the status and what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        server: str,
        status_code: int,
        url: str,
        www_authenticate: str | None = None,
        body: str = "",
    ) -> None:
        super().__init__(message, server=server)
        self.status_code = status_code
        self.url = url
        self.www_authenticate = www_authenticate
        self.body = body


class MCPAuthenticationError(MCPStatusError):
    """401: the MCP server wants credentials it did not get (none, wrong or expired)."""


class MCPPermissionDeniedError(MCPStatusError):
    """403: the MCP server knows the credentials but does not allow what was asked."""


class MCPToolError(MistralError):
    """The server answered a tool call with a protocol error, or with an HTTP error
    status other than 401/403 (`status_code`): reported to the model as the call's
    error, like an `isError` result."""

    def __init__(
        self, message: str, *, code: int | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status_code = status_code


def require_mcp() -> None:
    """Raise `MCPExtraMissing` unless the `mcp` package can be imported."""
    try:
        import mcp  # noqa: F401
    except ImportError as exc:
        raise MCPExtraMissing(
            f"MCP support needs the optional `mcp` package: {EXTRA_HINT} ({exc})"
        ) from exc
