"""Short names for the types user code annotates with most, at the top of the package
(`mistral_sdk.ConversationEvent` for `models.ConversationEvents`). Each is the very
same class, so `isinstance` and `Stream[...]` work with either name."""

from __future__ import annotations

# `WorkflowEvent`, an event of a workflow run (`workflows.executions.stream`;
# `execute_and_wait`'s `on_event`), is already short in `models`: the generator names it.
from .models import CompletionEvent, ConversationEvents, WorkflowEvent

__all__ = ["ChatChunk", "ConversationEvent", "WorkflowEvent"]

# An event of `chat.stream`, `fim.stream` and `agents.stream` (`.data`: the chunk).
ChatChunk = CompletionEvent
# An event of the conversation streams (`start_stream`, `append_stream`, ...).
ConversationEvent = ConversationEvents
