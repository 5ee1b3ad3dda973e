"""`Operation`: one entry of `mistral_sdk.OPERATIONS`, describing a spec operation."""

from __future__ import annotations

import msgspec

__all__ = ["Operation"]


class Operation(msgspec.Struct, frozen=True):
    """A spec operation and where it lives on the client.

    `call` is the dotted path from the client (`"beta.conversations.start_stream"`);
    `stream_call` names the second method of an operation that answers both
    JSON and SSE (`"chat.stream"` next to `call="chat.complete"`). `source` says where
    it is described: `"spec"`, the public spec, or `"supplement"`, an operation the
    public spec lacks, whose shape is read from the official SDK `release`
    (`"mistralai 3.7.0"`; docs/spec.md).
    """

    operation_id: str
    method: str
    path: str
    call: str
    streaming: bool
    tag: str
    summary: str = ""
    deprecated: bool = False
    stream_call: str | None = None
    source: str = "spec"
    release: str | None = None

    def __repr__(self) -> str:
        # One readable line per operation: what `print(OPERATIONS["..."])` shows.
        calls = f"client.{self.call}"
        if self.stream_call:
            calls += f" / client.{self.stream_call}"
        notes = [
            n for n, on in (("streams", self.streaming), ("deprecated", self.deprecated)) if on
        ]
        if self.release:
            notes.append(f"from {self.release}")
        tail = f" [{', '.join(notes)}]" if notes else ""
        summary = f": {self.summary}" if self.summary else ""
        return (
            f"<Operation {self.operation_id} {self.method} {self.path} -> {calls}{tail}{summary}>"
        )
