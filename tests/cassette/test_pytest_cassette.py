"""The `mistral_cassette` fixture in a pytest run of its own (pytester): record with
`--mistral-record` against the mock server, replay with it stopped, the mode from
`$MISTRAL_RECORD`, where the files go, and what a changed test shows."""

from __future__ import annotations

import json

import pytest
from cassette_server import FAKE_KEY, PLUGIN_ARGS, MockProcess

pytest_plugins = ["pytester"]


TESTS = """
import os

import pytest

PROMPT = os.environ.get("PROMPT", "hello")


def ask(client, text=PROMPT):
    reply = client.chat.complete(model="m", messages=[{"role": "user", "content": text}])
    return reply.choices[0].message.content


def test_chat(mistral_cassette):
    assert ask(mistral_cassette.client) == "(mock) You said: " + PROMPT


async def test_async_chat(mistral_cassette):
    reply = await mistral_cassette.async_client.chat.complete(
        model="m", messages=[{"role": "user", "content": "async"}]
    )
    assert reply.choices[0].message.content == "(mock) You said: async"


class TestGroup:
    @pytest.mark.parametrize("word", ["a b", "c"])
    def test_param(self, mistral_cassette, word):
        assert ask(mistral_cassette.client, word) == "(mock) You said: " + word


@pytest.mark.mistral_cassette("shared/named.jsonl", allow_repeats=True)
def test_marked(mistral_cassette):
    assert ask(mistral_cassette.client) == ask(mistral_cassette.client)
"""

INI = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
FILES = [
    "test_chat.jsonl",
    "test_async_chat.jsonl",
    "TestGroup.test_param-a_b.jsonl",
    "TestGroup.test_param-c.jsonl",
    "shared/named.jsonl",
]


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(test_app=TESTS)
    pytester.makeini(INI)
    monkeypatch.delenv("MISTRAL_RECORD", raising=False)
    return pytester


def test_record_then_replay_offline(
    project: pytest.Pytester, mock_process: MockProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", FAKE_KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", mock_process.url)
    project.runpytest(*PLUGIN_ARGS, "--mistral-record").assert_outcomes(passed=5)
    folder = project.path / "cassettes" / "test_app"
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.jsonl")) == sorted(FILES)
    for name in FILES:
        data = (folder / name).read_bytes()
        assert FAKE_KEY.encode() not in data
        assert json.loads(data.splitlines()[1])["response"]["status"] == 200

    mock_process.stop()
    monkeypatch.delenv("MISTRAL_API_KEY")  # CI: no key, no server
    project.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=5)

    monkeypatch.setenv("PROMPT", "changed")
    result = project.runpytest(*PLUGIN_ARGS, "-k", "test_chat and not async")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*UnmatchedRequestError: POST /v1/chat/completions is not in cassette *test_chat.jsonl*"]
    )


def test_mode_from_the_environment(
    project: pytest.Pytester, mock_process: MockProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", FAKE_KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", mock_process.url)
    monkeypatch.setenv("MISTRAL_RECORD", "once")
    project.runpytest(*PLUGIN_ARGS, "-k", "test_chat and not async").assert_outcomes(passed=1)
    recorded = project.path / "cassettes" / "test_app" / "test_chat.jsonl"
    first = recorded.read_bytes()
    mock_process.stop()
    # once: the cassette exists, so it is replayed (and left as it was)
    project.runpytest(*PLUGIN_ARGS, "-k", "test_chat and not async").assert_outcomes(passed=1)
    assert recorded.read_bytes() == first


def test_replay_is_the_default_and_never_sends(project: pytest.Pytester) -> None:
    result = project.runpytest(*PLUGIN_ARGS, "-k", "test_chat and not async")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_chat.jsonl does not exist; record it with*"])


def test_cassette_dir_from_the_ini(
    project: pytest.Pytester, mock_process: MockProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", FAKE_KEY)
    monkeypatch.setenv("MISTRAL_BASE_URL", mock_process.url)
    project.makeini(f"{INI}mistral_cassette_dir = recorded/here\n")
    project.runpytest(
        *PLUGIN_ARGS, "--mistral-record=record", "-k", "test_chat and not async"
    ).assert_outcomes(passed=1)
    assert (project.path / "recorded" / "here" / "test_app" / "test_chat.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "env", "error"),
    [
        (
            ["--mistral-record=always"],
            None,
            "--mistral-record: expected one of record, replay, once, got 'always'",
        ),
        ([], "yes", "$MISTRAL_RECORD: expected one of record, replay, once, got 'yes'"),
    ],
)
def test_a_bad_mode_is_a_usage_error(
    project: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: str | None,
    error: str,
) -> None:
    if env is not None:
        monkeypatch.setenv("MISTRAL_RECORD", env)
    result = project.runpytest(*PLUGIN_ARGS, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert error in result.stderr.str()
