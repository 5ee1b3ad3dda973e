"""Errors of realtime sessions, in the SDK's hierarchy (`APIError` and below)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._errors import APIConnectionError, APIError

if TYPE_CHECKING:
    from ._protocol import RealtimeErrorEvent

__all__ = ["RealtimeConnectionClosed", "RealtimeError", "RealtimeProtocolError"]


class RealtimeError(APIError):
    """The server refused or ended a realtime session: an `error` event, or a close
    frame with a reason (an unknown voice, say).

    `.code` is the server's error code (or the close code), `.reason` its words,
    `.event` the typed `error` event when there was one, `.close_code` the
    WebSocket close code when the connection was closed.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        reason: str = "",
        event: Any = None,
        close_code: int | None = None,
        body: object = None,
    ) -> None:
        super().__init__(message, body=body)
        self.code = code
        self.reason = reason
        self.event = event
        self.close_code = close_code

    @classmethod
    def from_event(cls, event: RealtimeErrorEvent, kind: str, *, handshake: bool) -> RealtimeError:
        from ._protocol import error_message

        reason = error_message(event.error)
        stage = "refused the session" if handshake else "reported an error"
        code = event.error.code
        return cls(
            f"realtime {kind}: the server {stage}: {reason}"
            + (f" (code {code})" if code is not None else ""),
            code=code,
            reason=reason,
            event=event,
        )


class RealtimeProtocolError(RealtimeError):
    """A server message that is not JSON, or a known event with a broken payload.
    `.body` keeps the message as received."""


class RealtimeConnectionClosed(APIConnectionError):
    """The connection is gone: lost without a close frame (network failure, server
    crash), or a send to a session that has ended (the server closed it, or `close()`).
    `.events_received` says how many events arrived before."""

    def __init__(self, message: str, *, events_received: int = 0) -> None:
        super().__init__(message)
        self.events_received = events_received
