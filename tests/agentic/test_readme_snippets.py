"""The README's code runs: its snippets, executed against the local mock (no key).

Snippets are the README's ```python blocks, found by a line they contain; each runs
in a namespace holding `client` (a `Mistral` on the mock) and `models`, as the
README's Quick start sets them up.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
from pathlib import Path
from typing import Any

from mistral_sdk import Mistral, models

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def snippet(marker: str) -> str:
    """The one README python block containing `marker`."""
    found = [b for b in BLOCKS if marker in b]
    assert len(found) == 1, f"{len(found)} README blocks contain {marker!r}"
    return found[0]


def run(code: str, client: Mistral, **names: Any) -> tuple[str, dict[str, Any]]:
    namespace: dict[str, Any] = {"client": client, "models": models, **names}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), namespace)
    return out.getvalue(), namespace


def test_streaming_conversation_snippet_confirms_a_call_split_across_events(
    client: Mistral,
) -> None:
    code = snippet("tool_confirmations(response.outputs")
    output, namespace = run(code, client)
    (call,) = [o for o in namespace["response"].outputs if isinstance(o, models.FunctionCallEntry)]
    # the mock sends these arguments in pieces of 12 characters: the snippet saw them whole
    assert len(call.arguments) > 24 and call.confirmation_status == "pending"
    assert "Draft sent." in output  # allowed: the mock answers a denial differently


def test_readme_chat_example_is_the_type_checked_example() -> None:
    """examples/chat_basics.py (under mypy and pyright --strict in `make types`) holds
    the README's chat block verbatim, so the README's example type-checks."""
    example = (README.parent / "examples" / "chat_basics.py").read_text(encoding="utf-8")
    body = example.split("# --- README: chat completion (begin)\n")[1]
    body = body.split("    # --- README: chat completion (end)")[0]
    code = textwrap.dedent(body)
    assert code == snippet("print(response.output_text, response.usage.total_tokens)")


def test_readme_chat_snippet_runs(client: Mistral) -> None:
    output, namespace = run(snippet("stream.final()  # the whole"), client)
    assert namespace["final"].choices[0].finish_reason == "stop"
    assert namespace["response"].output_text in output
