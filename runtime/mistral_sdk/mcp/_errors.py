"""The errors of the MCP capability (none of them needs the `mcp` package)."""

from __future__ import annotations

from .._errors import MistralError
from .._tools import ToolSourceError

__all__ = ["MCPExtraMissing", "MCPServerError", "MCPToolError", "require_mcp"]

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


class MCPToolError(MistralError):
    """The server answered a tool call with a protocol error (reported to the model
    as the call's error, like an `isError` result)."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


def require_mcp() -> None:
    """Raise `MCPExtraMissing` unless the `mcp` package can be imported."""
    try:
        import mcp  # noqa: F401
    except ImportError as exc:
        raise MCPExtraMissing(
            f"MCP support needs the optional `mcp` package: {EXTRA_HINT} ({exc})"
        ) from exc
