"""The README's code runs: its snippets, executed against the local mock (no key).

Snippets are the README's ```python blocks, found by a line they contain; each runs
in a namespace holding `client` (a `Mistral` on the mock) and `models`, as the
README's Quick start sets them up.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import textwrap
from pathlib import Path
from typing import Any

import msgspec
import pytest

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


class MyState(msgspec.Struct):
    """The README's `run_query(..., type=MyState)`: the mock's query answer."""

    status: str


def test_every_readme_snippet_runs_in_order(mock_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """All the README's python blocks, in order, in one namespace, as a reader runs
    them: `Mistral()` reads the key and base URL from the environment (the mock's)."""
    monkeypatch.setenv("MISTRAL_API_KEY", "mock-key")
    monkeypatch.setenv("MISTRAL_BASE_URL", mock_url)
    namespace: dict[str, Any] = {"MyState": MyState, "log": logging.getLogger("readme")}
    out = io.StringIO()
    for index, code in enumerate(BLOCKS):
        if "for event in stream:\n    if isinstance(event.data, mistral_sdk.Unknown)" in code:
            client = namespace["client"]  # a stream to look at, as the text around it says
            namespace["stream"] = client.beta.conversations.start_stream(inputs="hi", model="m")
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"README.md python block {index}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"README block {index} failed:\n{code}") from exc
        client = namespace.get("client")
        if isinstance(client, Mistral) and client.base_url != mock_url:
            # the Configuration block builds a client for the real API: back to the mock
            client.close()
            namespace["client"] = Mistral()
    printed = out.getvalue()
    assert "COMPLETED" in printed  # the workflow ran to its end
    assert "Draft sent." in printed  # the confirmed tool call went through
    assert isinstance(namespace["book"], namespace["Book"])  # parse_stream parsed
    assert namespace["thing"].status == "ready"  # the escape hatch reached /v1/things


def test_snippets_not_run_here_say_what_runs_them() -> None:
    """A README block that needs something the local mock cannot stand in for (a
    microphone, a cloud deployment, a mounted token, a user's MCP server) is fenced
    ```python no-run``` and names, in its first line, the example or test that runs
    the same flow against a local stand-in; that file must exist."""
    text = README.read_text(encoding="utf-8")
    not_run = re.findall(r"```python no-run\n(.*?)```", text, re.S)
    assert not_run, "no README block is marked no-run: drop this test"
    for block in not_run:
        first = block.splitlines()[0]
        assert first.startswith("# (needs "), block
        named = re.findall(r"((?:examples|tests)/[\w/]+\.py)", first + block.splitlines()[1])
        assert named, block
        for path in named:
            assert (README.parent / path).is_file(), path
