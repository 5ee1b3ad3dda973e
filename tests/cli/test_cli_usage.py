"""What a shell user meets first: usage errors, `mistral api CALL --help`, messages
that speak of flags and files rather than Python (issue 28, "Command line")."""

from __future__ import annotations

import inspect
import json
import re
import shlex
from pathlib import Path

import pytest
from cli_helpers import Mistral

from mistral_sdk import OPERATIONS
from mistral_sdk.cli import EXIT_OK, EXIT_USAGE, main
from mistral_sdk.cli._api import parse_call_arguments
from mistral_sdk.cli._app import CommandError
from mistral_sdk.cli._flags import example, flags_of, help_text, unbound

MESSAGES = json.dumps([{"role": "user", "content": "hi"}])


def calls() -> list[str]:
    return sorted(c for op in OPERATIONS.values() for c in (op.call, op.stream_call) if c)


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["chat.complete", "--messages", MESSAGES], "--model"),
        (["chat.complete", "--model", "m"], "--messages"),
        (["embeddings.create", "--input", "a text"], "--model"),
        (["beta.agents.create", "--model", "m"], "--name"),
    ],
)
def test_a_missing_required_flag_is_a_usage_error_naming_it(
    mistral: Mistral, argv: list[str], flag: str
) -> None:
    r = mistral("api", *argv)
    assert r.code == EXIT_USAGE, r.err
    assert f"missing required argument(s): {flag} (" in r.err
    assert f"mistral api {argv[0]} --help" in r.err
    assert "Traceback" not in r.err and "TypeError" not in r.err and "keyword" not in r.err


def test_usage_errors_need_no_api_key(mistral: Mistral, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY")
    r = mistral("api", "chat.complete", "--messages", MESSAGES)
    assert r.code == EXIT_USAGE and "--model" in r.err
    r = mistral("api", "chat.complete", "--help")
    assert r.code == EXIT_OK and r.out.startswith("chat.complete: POST /v1/chat/completions")


def test_a_value_of_the_wrong_kind_names_the_flag(mistral: Mistral) -> None:
    r = mistral("api", "files.list", "--page-size", "ten")
    assert r.code == EXIT_USAGE and "--page-size: expected INTEGER, got 'ten'" in r.err
    r = mistral("api", "files.list", "--page-size", "1.5")
    assert r.code == EXIT_USAGE and "--page-size: expected INTEGER, got '1.5'" in r.err
    r = mistral("api", "chat.complete", "--model", "m", "--messages", "[]", "--safe-prompt", "1")
    assert r.code == EXIT_USAGE and "--safe-prompt: expected TRUE|FALSE, got '1'" in r.err


@pytest.mark.parametrize("call", calls())
def test_every_operation_checks_its_required_arguments_and_its_example_runs(
    call: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    method = unbound(call)
    flags = flags_of(method)
    required = [f for f in flags if f.required]
    if required:
        with pytest.raises(CommandError) as info:
            parse_call_arguments(flags, [], call)
        for f in required:
            assert (f.name if f.positional else f"{f.flag} (") in str(info.value)
    else:
        assert parse_call_arguments(flags, [], call)[0] == {}
    # the help's example gives every required argument, in a form the method accepts
    monkeypatch.chdir(tmp_path)
    for f in flags:
        if "path" in f.kinds:
            (tmp_path / f.name.upper()).write_text("{}\n")
    tokens = shlex.split(example(call, flags))
    assert tokens[:3] == ["mistral", "api", call]
    kwargs, _ = parse_call_arguments(flags, tokens[3:], call)
    inspect.signature(method).bind(**kwargs)  # no missing argument, no unknown one


def test_help_lists_each_flag_its_type_whether_required_and_an_example(
    mistral: Mistral,
) -> None:
    r = mistral("api", "chat.complete", "--help")
    assert r.code == EXIT_OK
    rows = {line.split()[0]: line for line in r.out.splitlines() if line.startswith("  --")}
    assert re.match(r"  --model +TEXT +required +ID of the model to use\.$", rows["--model"])
    assert re.match(r"  --messages +JSON +required +The prompt", rows["--messages"])
    assert re.match(r"  --temperature +NUMBER +What sampling", rows["--temperature"])
    assert re.match(r"  --max-tokens +INTEGER +The maximum", rows["--max-tokens"])
    assert re.match(r"  --safe-prompt +TRUE\|FALSE +Whether to inject", rows["--safe-prompt"])
    assert "--extra-body" in rows and "--timeout" in rows
    assert "--progress" not in rows  # a Python callback is not a flag
    lines = r.out.splitlines()
    assert lines[lines.index("example:") + 1] == (
        "  mistral api chat.complete --model MODEL"
        """ --messages '[{"role": "user", "content": "..."}]'"""
    )
    data = mistral("api", "chat.complete", "--help", "--json").json()
    model = next(a for a in data["arguments"] if a["flag"] == "--model")
    assert model == {
        "flag": "--model",
        "type": "TEXT",
        "required": True,
        "json": False,
        "description": "ID of the model to use.",
    }
    assert data["example"].startswith("mistral api chat.complete --model MODEL --messages ")
    path = mistral("api", "files.retrieve", "--help").out
    assert re.search(r"^  FILE_ID +TEXT +required +the `file_id` path parameter\.$", path, re.M)


@pytest.mark.parametrize("call", calls())
def test_no_help_shows_python_types_or_site_relative_links(call: str) -> None:
    text = help_text(call, OPERATIONS_BY_CALL[call], unbound(call))
    for python in (
        "UnsetType",
        "Mapping[",
        "Sequence[",
        "| models.",
        "[models.",
        " = UNSET",
        "NOT_GIVEN",
    ):
        assert python not in text
    assert "](" not in text and "(/" not in text and "</" not in text
    assert "extra_headers, extra_query" not in text  # the docstring's Python wording
    for line in text.splitlines():  # one line per flag (the example may be long)
        assert len(line) < 200 or line.startswith("  mistral api "), line


OPERATIONS_BY_CALL = {c: op for op in OPERATIONS.values() for c in (op.call, op.stream_call) if c}


def test_a_link_is_written_out_absolute(mistral: Mistral) -> None:
    from mistral_sdk.cli._flags import _one_line

    assert _one_line("See [the list](/api/#tag/models). More.") == (
        "See the list <https://docs.mistral.ai/api/#tag/models>."
    )
    doc = inspect.getdoc(unbound("chat.complete")) or ""
    assert "](/" not in doc and "](https://docs.mistral.ai/api/#tag/models/" in doc


def test_no_key_names_the_flag_and_the_variable(
    mistral: Mistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY")
    r = mistral("chat", "hello")
    assert r.code == EXIT_USAGE
    assert "--api-key" in r.err and "MISTRAL_API_KEY" in r.err and "api_key=" not in r.err


def test_a_bad_value_gets_advice_for_where_it_was_written(mistral: Mistral, tmp_path: Path) -> None:
    bad = [{"role": "robot", "content": "beep"}]
    r = mistral("api", "chat.complete", "--model", "m", "--messages", json.dumps(bad))
    assert r.code == EXIT_USAGE and "unknown `role` 'robot'" in r.err
    assert "--extra-body" in r.err
    assert "mistral_sdk.Unknown" not in r.err and "extra_body=" not in r.err
    requests = tmp_path / "requests.jsonl"
    good = {"custom_id": "a", "body": {"messages": [{"role": "user", "content": "x"}]}}
    requests.write_text(
        json.dumps(good) + "\n" + json.dumps({"custom_id": "b", "body": {"messages": bad}}) + "\n"
    )
    r = mistral("batch", "run", str(requests), "--endpoint", "/v1/chat/completions", "--model", "m")
    assert r.code == EXIT_USAGE and "(line 2)" in r.err and "'robot'" in r.err
    assert "input_files" in r.err and "upload the file as it is" in r.err
    assert "mistral_sdk.Unknown" not in r.err and "extra_body=" not in r.err


def test_python_callers_keep_the_python_advice(tmp_path: Path) -> None:
    from mistral_sdk import RequestValidationError
    from mistral_sdk._codec import convert_body
    from mistral_sdk.batch import BatchInputError, BatchLimits, endpoint
    from mistral_sdk.batch._plan import InputWriter
    from mistral_sdk.models import ChatCompletionRequest

    bad = {"model": "m", "messages": [{"role": "robot", "content": "beep"}]}
    with pytest.raises(RequestValidationError, match=r"mistral_sdk\.Unknown\(value\)"):
        convert_body(ChatCompletionRequest, bad)
    writer = InputWriter(endpoint("/v1/chat/completions"), tmp_path, BatchLimits())
    with pytest.raises(BatchInputError, match=r"mistral_sdk\.Unknown\(value\)") as info:
        writer.add("a", bad)
    assert "extra_body" not in str(info.value)  # a batch request has none
    writer.close()


@pytest.mark.parametrize("command", ["workflows", "batch", "conversations", "api"])
def test_command_help_shows_no_internal_name(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == EXIT_OK
    text = capsys.readouterr().out
    assert not re.search(r"`_\w+|\b_\w+\.[A-Z]", text), text


def test_the_list_header_names_every_column(mistral: Mistral) -> None:
    header = mistral("api", "--list").out.splitlines()[0].split("\t")
    assert header == ["call", "method", "path", "stream", "summary"]


def test_batch_results_in_the_input_order(mistral: Mistral, tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    ids = [f"q{i}" for i in range(4)]
    requests.write_text(
        "".join(
            json.dumps({"custom_id": c, "body": {"messages": [{"role": "user", "content": c}]}})
            + "\n"
            for c in ids
        )
    )
    out = tmp_path / "results.jsonl"
    r = mistral(
        "batch", "run", str(requests), "--endpoint", "/v1/chat/completions", "--model", "m",
        "-o", str(out), "--input-order", "--poll-interval", "0.05",
    )  # fmt: skip
    assert r.code == EXIT_OK, r.err
    assert [json.loads(line)["custom_id"] for line in out.read_text().splitlines()] == ids
