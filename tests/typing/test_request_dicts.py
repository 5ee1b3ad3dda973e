"""Dict requests are typed: mypy --strict and pyright strict over request_dicts.py report
every mistake marked `# error` there, on its line, and nothing else (docs/typing.md).

The checkers read the package as a user's editable install does: mypy through the
project's `mypy_path`, pyright through the type checkers' view of both halves that
scripts/editable_tree.py builds (as `make types` does). Each takes a few seconds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKED = Path(__file__).with_name("request_dicts.py")
sys.path.insert(0, str(REPO / "scripts"))

import editable_tree  # noqa: E402


def marked() -> set[int]:
    lines = CHECKED.read_text(encoding="utf-8").splitlines()
    return {i for i, line in enumerate(lines, 1) if line.rstrip().endswith("# error")}


def test_the_file_holds_each_mistake_of_the_issue_sync_and_async() -> None:
    text = CHECKED.read_text(encoding="utf-8")
    for mistake in ('"contnet": "hi"', '"role": "usr"', '"paramters": {}'):
        assert text.count(mistake) >= 2, mistake  # the sync and the async client
    assert "conversations.start(" in text and "await client.beta.conversations.start(" in text
    assert len(marked()) >= 15


def test_mypy_reports_every_mistake_on_its_line_and_nothing_else() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(CHECKED)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    errors = {
        int(m[1])
        for m in re.finditer(r"^[^:\n]*request_dicts\.py:(\d+): error:", done.stdout, re.M)
    }
    assert errors, done.stdout + done.stderr
    assert sorted(errors) == sorted(marked()), done.stdout


def test_pyright_strict_reports_every_mistake_on_its_line_and_nothing_else() -> None:
    pyright = Path(sys.executable).with_name("pyright")
    if not pyright.exists():
        pytest.skip("pyright is not installed (the dev extra installs it)")
    editable_tree.build()  # modules the generator added since the install
    done = subprocess.run(
        [str(pyright), "--outputjson", "--pythonpath", sys.executable, str(CHECKED)],
        capture_output=True,
        text=True,
        cwd=REPO,  # pyproject.toml: strict mode
        check=False,
    )
    report = json.loads(done.stdout)
    errors = {
        d["range"]["start"]["line"] + 1
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    }
    assert errors, done.stdout[-2000:]
    assert sorted(errors) == sorted(marked()), json.dumps(report["generalDiagnostics"])[-4000:]


RUNTIME = """
import json, sys
import httpx
import mistral_sdk

def answer(request):
    if request.url.path == "/v1/chat/completions":
        return httpx.Response(200, json={"id": "c", "object": "chat.completion", "model": "m",
            "created": 1, "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1,
            "total_tokens": 2}})
    return httpx.Response(200, json={"object": "conversation.response", "conversation_id": "c",
        "outputs": [], "usage": {}})

client = mistral_sdk.Mistral(api_key="x", http_client=httpx.Client(transport=httpx.MockTransport(answer)))
client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}],
                     tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}])
client.beta.conversations.start(model="m", inputs=[{"role": "user", "content": "hi"}])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("mistral_sdk.params"))))
"""


def test_calls_import_no_typed_dictionary() -> None:
    """The typed dictionaries are for type checkers: calls never load `mistral_sdk.params`."""
    done = subprocess.run(
        [sys.executable, "-c", RUNTIME], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_each_typed_dictionary_imports_at_run_time_alone() -> None:
    """`from mistral_sdk.params import X` works outside TYPE_CHECKING, and loads X's module
    only; a TypedDict called builds a plain dict."""
    code = """
import json, sys
import mistral_sdk.params as params
from mistral_sdk.params import UserMessageParam
loaded = sorted(m for m in sys.modules if m.startswith("mistral_sdk.params."))
names = [n for n in params.__all__ if getattr(params, n) is None]
print(json.dumps([loaded, names, UserMessageParam(role="user", content="hi")]))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded, unresolved, built = json.loads(done.stdout)
    assert loaded == ["mistral_sdk.params._user_message"]
    assert unresolved == []
    assert built == {"role": "user", "content": "hi"}
