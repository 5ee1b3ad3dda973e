"""OpenTelemetry tracing for mistral-sdk (`pip install mistral-sdk[otel]`).

    from mistral_sdk.otel import instrument

    instrument(client)   # this client
    instrument()         # every client created from now on
    uninstrument(client) # undone (the same order)

or, without code, `MISTRAL_TRACING=otel` in the environment. Spans go to the
application's tracer provider (or the one passed); nothing is exported anywhere the
application did not configure. What is traced:

- one `CLIENT` span per API call, named and attributed per the OpenTelemetry GenAI
  semantic conventions for chat, FIM, agents, embeddings, OCR, conversations and
  audio (`chat mistral-large-latest`; a conversation's later calls, which name no
  model, after the model or agent it started with), a plain HTTP span
  (`GET /v1/models`) for the rest; retries are `retry` events on it; the W3C trace context goes to the server
  in `traceparent`;
- a streamed call's span ends when the stream does, with the time to the first
  event, the event count, the final usage and finish reasons (read event by event,
  nothing buffered);
- `conversations.run`: an `invoke_agent` span, a `turn N` span per model turn and
  an `execute_tool` span per tool call; `workflows.execute_and_wait`: an
  `invoke_workflow` span; all `INTERNAL`, children of the caller's current span;
- prompts, completions, tool arguments and results only when content capture is on
  (`capture_content=True` or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`);
  request headers, and so the API key, never.

See docs/observability.md.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, overload

try:
    from opentelemetry import trace as _trace  # noqa: F401  # the extra is installed
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "mistral_sdk.otel needs OpenTelemetry: pip install 'mistral-sdk[otel]'"
    ) from exc

from .._deprecation import deprecated, warn_deprecated
from .._hooks import HooksMixin, global_hooks, register_global_hooks, unregister_global_hooks
from ._conventions import CAPTURE_CONTENT_ENV
from ._tracer import TracingHooks

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

__all__ = ["CAPTURE_CONTENT_ENV", "TracingHooks", "instrument", "uninstrument"]


_OLD_ORDER = (
    "uninstrument(hooks, client) is deprecated: pass the client first, as to instrument:"
    " uninstrument(client) or uninstrument(client, hooks)"
)


def _capture_from_env() -> bool:
    return os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() == "true"


def instrument(
    client: HooksMixin | None = None,
    *,
    tracer_provider: TracerProvider | None = None,
    capture_content: bool | None = None,
) -> TracingHooks:
    """Trace `client` (a `Mistral` or `AsyncMistral`), or every client created from
    now on when `client` is None. Returns the hooks (`uninstrument(client)` removes
    them).

    Args:
        tracer_provider: default, the application's global tracer provider.
        capture_content: record message content; default from
            `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (off unless "true").
    """
    hooks = TracingHooks(
        tracer_provider=tracer_provider,
        capture_content=_capture_from_env() if capture_content is None else capture_content,
    )
    if client is None:
        register_global_hooks(hooks)
    else:
        client.add_hooks(hooks)
    return hooks


@overload
def uninstrument(client: HooksMixin | None = None, hooks: TracingHooks | None = None) -> None: ...


@overload
@deprecated("uninstrument(hooks, client) is deprecated: use uninstrument(client, hooks)")
def uninstrument(hooks: TracingHooks, client: HooksMixin | None = None, /) -> None: ...


def uninstrument(client: object = None, hooks: object = None) -> None:
    """Undo `instrument`: stop tracing `client`, or (None) the clients created from now
    on (clients built meanwhile keep their hooks).

    Args:
        client: the `Mistral` or `AsyncMistral` given to `instrument`, or None.
        hooks: the `TracingHooks` that `instrument` returned; default, every
            `TracingHooks` of that client (or registered for new clients).

    The order of `instrument(client)`; the old order, `uninstrument(hooks, client)`,
    still works, with a `DeprecationWarning` (a client is never a `TracingHooks`).
    """
    if isinstance(client, TracingHooks):
        warn_deprecated(_OLD_ORDER)
        client, hooks = hooks, client
    if client is not None and not isinstance(client, HooksMixin):
        raise TypeError(f"client: expected a Mistral or AsyncMistral client, got {client!r}")
    if hooks is not None and not isinstance(hooks, TracingHooks):
        raise TypeError(f"hooks: expected the TracingHooks instrument() returned, got {hooks!r}")
    current = client.hooks if client is not None else global_hooks()
    found = (
        (hooks,) if hooks is not None else tuple(h for h in current if isinstance(h, TracingHooks))
    )
    if client is None:
        unregister_global_hooks(*found)
    else:
        client.remove_hooks(*found)
