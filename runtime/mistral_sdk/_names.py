"""Short names for the types user code annotates with most (the spec's own names are
long: `models.StreamV1WorkflowsExecutionsExecutionIdStreamGetEvent`). Each is the very
same class, so `isinstance` and `Stream[...]` work with either name."""

from __future__ import annotations

from .models import (
    CompletionEvent,
    ConversationEvents,
    StreamV1WorkflowsExecutionsExecutionIdStreamGetEvent,
)

__all__ = ["ChatChunk", "ConversationEvent", "WorkflowEvent"]

# An event of `chat.stream`, `fim.stream` and `agents.stream` (`.data`: the chunk).
ChatChunk = CompletionEvent
# An event of the conversation streams (`start_stream`, `append_stream`, ...).
ConversationEvent = ConversationEvents
# An event of a workflow run (`workflows.executions.stream`; `execute_and_wait`'s `on_event`).
WorkflowEvent = StreamV1WorkflowsExecutionsExecutionIdStreamGetEvent
