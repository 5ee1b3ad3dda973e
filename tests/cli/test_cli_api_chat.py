"""`mistral api`, `mistral chat`, `mistral conversations`, and the command line itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import Mistral

from mistral_sdk.cli import EXIT_API, EXIT_CONNECTION, EXIT_OK, EXIT_USAGE, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_api_list_names_every_operation(mistral: Mistral) -> None:
    from mistral_sdk import OPERATIONS

    r = mistral("api", "--list", "--jsonl")
    assert r.code == EXIT_OK
    listed = {row["operation_id"]: row for row in r.lines()}
    assert set(listed) == set(OPERATIONS)
    assert (
        listed[next(k for k, o in OPERATIONS.items() if o.call == "chat.complete")]["stream_call"]
        == "chat.stream"
    )
    plain = mistral("api", "--list")
    assert plain.out.splitlines()[0].split("\t")[:3] == ["call", "method", "path"]
    assert len(plain.out.splitlines()) == len(OPERATIONS) + 1


def test_api_call_with_flags_prints_json(mistral: Mistral) -> None:
    r = mistral("api", "models.list")
    assert r.code == EXIT_OK
    assert r.json()["data"][0]["id"] == "mistral-medium-latest" or r.json()["data"]


def test_api_stream_prints_json_lines(mistral: Mistral) -> None:
    messages = json.dumps([{"role": "user", "content": "hi there"}])
    r = mistral("api", "chat.stream", "--model", "m", "--messages", messages)
    assert r.code == EXIT_OK, r.err
    chunks = r.lines()
    text = "".join(c["data"]["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "(mock) You said: hi there"


def test_api_body_and_flags(mistral: Mistral, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"model": "m", "messages": [{"role": "user", "content": "a"}]}))
    r = mistral("api", "chat.complete", "--body", f"@{body}", "--max-tokens", "5", "--json")
    assert r.code == EXIT_OK, r.err
    assert r.json()["choices"][0]["message"]["content"] == "(mock) You said: a"


def test_api_upload_takes_a_path_and_download_writes_bytes(
    mistral: Mistral, tmp_path: Path
) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text('{"custom_id": "a"}\n')
    r = mistral("api", "files.upload", "--file", str(data), "--purpose", "batch", "--json")
    assert r.code == EXIT_OK, r.err
    uploaded = r.json()
    assert uploaded["filename"] == "data.jsonl" and uploaded["bytes"] == data.stat().st_size
    r = mistral("api", "files.download", uploaded["id"])
    assert (r.code, r.out) == (EXIT_OK, data.read_text())
    r = mistral("api", "files.upload", "--file", str(tmp_path / "nope"))
    assert r.code == EXIT_USAGE and "--file: no such file" in r.err


def test_api_error_prints_status_type_message_and_exits_3(mistral: Mistral) -> None:
    # the mock fails any call on request: here a 422 with the API's `detail` list
    fault = ("--extra-headers", '{"x-mock-fault": "422"}')
    r = mistral("api", "files.retrieve", "file-1", *fault)
    assert r.code == EXIT_API
    assert r.err.startswith("error: UnprocessableEntityError: ") and "status 422" in r.err
    r = mistral(
        "api",
        "files.retrieve",
        "file-1",
        "--extra-headers",
        '{"x-mock-fault": "503"}',
        "--max-retries",
        "0",
        "--json",
    )
    assert r.code == EXIT_API
    error = json.loads(r.err)["error"]
    assert error["class"] == "InternalServerError" and error["status"] == 503
    assert error["type"] == "mock_fault" and error["message"] == "mock fault 503"
    assert error["request_id"]


def test_api_usage_errors_exit_2(mistral: Mistral) -> None:
    r = mistral("api", "files.lits")
    assert r.code == EXIT_USAGE and "unknown operation 'files.lits'" in r.err
    assert "files.list" in r.err  # the neighbours are suggested
    r = mistral("api", "files.list", "--colour", "red")
    assert r.code == EXIT_USAGE and "unknown argument --colour" in r.err
    r = mistral("api", "files.retrieve")
    assert r.code == EXIT_USAGE and "missing path argument(s): file_id" in r.err
    r = mistral("api", "chat.complete", "--model", "m", "--messages", '[{"role": 3}]')
    assert r.code == EXIT_USAGE and "messages" in r.err  # the SDK's validation, naming the field


def test_api_help_of_one_operation(mistral: Mistral) -> None:
    r = mistral("api", "files.retrieve", "--help")
    assert r.code == EXIT_OK
    assert r.out.startswith("files.retrieve: GET /v1/files/{file_id}")


def test_chat(mistral: Mistral) -> None:
    r = mistral("chat", "hello")
    assert (r.code, r.out) == (EXIT_OK, "(mock) You said: hello\n")
    r = mistral("chat", "hello", "--stream")
    assert (r.code, r.out) == (EXIT_OK, "(mock) You said: hello\n")
    r = mistral("chat", "hello", "--json", "--model", "mistral-large-latest")
    assert r.json()["choices"][0]["message"]["content"] == "(mock) You said: hello"


def test_verbose_logs_each_call_to_stderr(mistral: Mistral) -> None:
    r = mistral("chat", "hello", "-v")
    assert r.code == EXIT_OK and r.out == "(mock) You said: hello\n"
    assert "INFO mistral_sdk: HTTP POST " in r.err and "/v1/chat/completions -> 200" in r.err
    quiet = mistral("chat", "hello")
    assert quiet.err == ""  # the handler of the first call is gone


def test_conversations_start_and_append(mistral: Mistral) -> None:
    r = mistral("conversations", "start", "hi", "--stream")
    assert r.code == EXIT_OK
    assert r.out.strip() == "(mock) You said: hi"
    conversation_id = r.err.split("conversation ")[1].split()[0]
    r = mistral("conversations", "append", conversation_id, "again", "--json")
    assert r.code == EXIT_OK
    assert r.json()["conversation_id"] == conversation_id
    r = mistral("conversations", "append", conversation_id, "more", "--stream", "--jsonl")
    kinds = [e["data"]["type"] for e in r.lines()]
    assert kinds[0] == "conversation.response.started" and kinds[-1] == "conversation.response.done"


def test_conversation_with_an_mcp_servers_tools(mistral: Mistral) -> None:
    pytest.importorskip("mcp")
    server = f"{sys.executable} {EXAMPLES / '_mcp_weather_server.py'}"
    r = mistral("conversations", "start", "weather in Paris?", "--tool", server)
    assert r.code == EXIT_OK, r.err
    assert "[tool get_weather]" in r.err  # the model called the server's first tool
    assert r.out.strip()


def test_no_answer_exits_4_and_no_key_exits_2(
    mistral: Mistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = mistral("chat", "x", "--base-url", "http://127.0.0.1:9", "--max-retries", "0")
    assert r.code == EXIT_CONNECTION and "APIConnectionError" in r.err
    monkeypatch.delenv("MISTRAL_API_KEY")
    r = mistral("chat", "x")
    assert r.code == EXIT_USAGE and "MISTRAL_API_KEY" in r.err


def test_service_account_token_file_configures_the_command(
    mistral: Mistral, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("sa-token\n")
    monkeypatch.delenv("MISTRAL_API_KEY")
    monkeypatch.setenv("MISTRAL_SA_TOKEN_PATH", str(token))
    r = mistral("chat", "hello")
    assert (r.code, r.out) == (EXIT_OK, "(mock) You said: hello\n")


def test_help_usage_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for word in ("workflows", "chat", "conversations", "api", "exit codes"):
        assert word in text
    assert main([]) == EXIT_USAGE
    assert main(["workflows", "run"]) == EXIT_USAGE  # argparse: NAME is missing
    assert main(["version"]) == 0
    assert capsys.readouterr().out.startswith("mistral-sdk ")


def test_import_has_no_side_effects_and_help_needs_no_client() -> None:
    code = (
        "import sys; import mistral_sdk.cli as c; "
        "from mistral_sdk.cli._app import build_parser; build_parser(); "
        "print(sorted(m for m in ('rich', 'mistral_sdk._client', 'httpx2') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_output_mode_follows_the_terminal_and_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from mistral_sdk.cli import _output

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert _output.choose_mode(None, io.StringIO()) == "plain"
    assert _output.choose_mode("json", Tty()) == "json"
    monkeypatch.setattr(_output, "_have_rich", lambda: True)
    assert _output.choose_mode(None, Tty()) == "rich"
    monkeypatch.setattr(_output, "_have_rich", lambda: False)
    assert _output.choose_mode(None, Tty()) == "plain"
    with pytest.raises(_output.RichMissing, match=r"mistral-sdk\[cli\]"):
        _output.choose_mode("rich", Tty())


def test_without_rich_the_command_prints_plain_text() -> None:
    # rich made unimportable: the terminal default falls back to plain lines
    code = (
        "import sys; sys.modules['rich'] = None\n"
        "from mistral_sdk.cli import _output\n"
        "class Tty:\n"
        "    def isatty(self): return True\n"
        "print(_output.choose_mode(None, Tty()))\n"
        "from mistral_sdk.cli import main\n"
        "sys.exit(main(['api', '--list']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "plain" and lines[1].startswith("call\tmethod\tpath")


def test_api_all_follows_every_page(mistral: Mistral, tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl"):  # at least two files, whatever ran before
        (tmp_path / name).write_text("{}\n")
        assert mistral("api", "files.upload", "--file", str(tmp_path / name)).code == EXIT_OK
    one_page = mistral("api", "files.list", "--page-size", "100", "--json")
    assert one_page.code == EXIT_OK
    ids = [f["id"] for f in one_page.json()["data"]]
    assert len(ids) >= 2
    paged = mistral("api", "files.list", "--page-size", "1", "--all", "--jsonl")
    assert paged.code == EXIT_OK
    assert [f["id"] for f in paged.lines()] == ids  # one item a page, to the last page
    first = mistral("api", "files.list", "--page-size", "1")
    assert len(first.json()["data"]) == 1  # without --all: the first page as the API sent it
    as_list = mistral("api", "files.list", "--page-size", "1", "--all", "--json")
    assert [f["id"] for f in as_list.json()] == ids
