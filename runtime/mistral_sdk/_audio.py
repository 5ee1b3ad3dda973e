"""Hand-written additions to `client.audio`: the realtime (WebSocket) sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .realtime import AsyncRealtime, Realtime

__all__ = ["AsyncAudioHelpers", "AudioHelpers"]


class AudioHelpers:
    """`client.audio.realtime`: live transcription and speech (needs the `realtime` extra)."""

    __slots__ = ()

    @property
    def realtime(self) -> Realtime:
        """Live transcription and speech over WebSockets (`pip install 'mistral-sdk[realtime]'`)."""
        from .realtime import Realtime  # websockets itself loads when a session opens

        return Realtime(cast(Any, self)._client)


class AsyncAudioHelpers:
    """`AsyncMistral().audio.realtime`."""

    __slots__ = ()

    @property
    def realtime(self) -> AsyncRealtime:
        """Live transcription and speech over WebSockets (`pip install 'mistral-sdk[realtime]'`)."""
        from .realtime import AsyncRealtime

        return AsyncRealtime(cast(Any, self)._client)
