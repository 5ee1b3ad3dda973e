"""The batch runner's sans-I/O half: input validation and splitting, result parsing,
polling decisions, the endpoint table, progress bars, and import isolation."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import msgspec
import pytest

from mistral_sdk import OPERATIONS, Progress, Unknown, models
from mistral_sdk._batch_endpoints import BATCH_ENDPOINTS, JOB_FIELDS
from mistral_sdk.batch import BatchInputError, BatchLimits, endpoint, progress_bar
from mistral_sdk.batch._plan import InputWriter, LineSplitter, Poller, ResultParser

CHAT = endpoint("/v1/chat/completions")


def writer(
    tmp_path: Path, limits: BatchLimits | None = None, model: str | None = "m"
) -> InputWriter:
    return InputWriter(CHAT, tmp_path, limits or BatchLimits(), model=model)


def ok(text: str = "hi") -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


# --- endpoints -----------------------------------------------------------------------


def test_every_api_endpoint_maps_to_its_operations_models() -> None:
    assert len(BATCH_ENDPOINTS) == 10
    for path, (operation_id, request, response) in BATCH_ENDPOINTS.items():
        assert OPERATIONS[operation_id].path == path
        info = endpoint(path)
        assert info.request is getattr(models, request or "")
        assert info.response is getattr(models, response or "")
    assert CHAT.request is models.ChatCompletionRequest
    assert CHAT.response is models.ChatCompletionResponse
    assert endpoint("/v1/embeddings").response is models.EmbeddingResponse
    unknown = endpoint("/v1/brand/new")
    assert (unknown.request, unknown.response, unknown.operation_id) == (None, None, None)


# --- input -----------------------------------------------------------------------------


def test_lines_are_validated_and_written_as_jsonl(tmp_path: Path) -> None:
    w = writer(tmp_path)
    w.add("a", ok("one"))
    w.add(
        "b", models.ChatCompletionRequest(model="x", messages=[models.UserMessage(content="two")])
    )
    w.add_line(b'{"custom_id": "c", "body": {"messages": [{"role": "user", "content": "3"}]}}\n')
    groups = w.finish()
    assert [len(g.paths) for g in groups] == [1] and groups[0].requests == 3
    lines = [msgspec.json.decode(line) for line in groups[0].paths[0].read_bytes().splitlines()]
    assert [line["custom_id"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["body"] == ok("one") and "model" not in lines[0]["body"]  # the job's model
    assert lines[1]["body"]["messages"][0]["content"] == "two"


def test_an_unknown_body_is_written_as_given_for_any_endpoint(tmp_path: Path) -> None:
    """`Unknown(body)`: the typed way to send a body the SDK cannot check (docs/typing.md)."""
    (tmp_path / "new").mkdir()
    for w in (writer(tmp_path), InputWriter(endpoint("/v1/new"), tmp_path / "new", BatchLimits())):
        w.add("a", Unknown({"prompt": "any", "n": [1]}))
        (group,) = w.finish()
        line = msgspec.json.decode(group.paths[0].read_bytes())
        assert line == {"custom_id": "a", "body": {"prompt": "any", "n": [1]}}


def test_a_batch_job_fills_the_generated_job_fields() -> None:
    assert sorted(JOB_FIELDS) == ["agent_id", "model"]
    assert CHAT.job_fields == {"model"}  # the fields of JOB_FIELDS the request has


def test_an_invalid_request_names_the_custom_id_the_line_and_the_field(tmp_path: Path) -> None:
    w = writer(tmp_path)
    w.add("fine", ok())
    with pytest.raises(BatchInputError) as caught:
        w.add("bad", {"messages": [{"role": "user", "content": 5}]})
    error = caught.value
    assert (error.custom_id, error.line) == ("bad", 2)
    assert error.field is not None and error.field.startswith("messages[0]")
    assert "'bad'" in str(error) and "line 2" in str(error)
    with pytest.raises(BatchInputError, match=r"'no-messages'.*messages"):
        w.add("no-messages", {"max_tokens": 3})
    with pytest.raises(
        BatchInputError, match=r"expected ChatCompletionRequest or a dict.*EmbeddingRequest"
    ):
        w.add("wrong", models.EmbeddingRequest(model="e", input="x"))
    with pytest.raises(BatchInputError, match="custom_id must be a non-empty string"):
        w.add(7, ok())
    with pytest.raises(BatchInputError, match="line 2: not a batch request line"):
        w.add_line(b'{"custom_id": "x"')


def test_sources_are_pairs_mappings_or_jsonl_paths(tmp_path: Path) -> None:
    from mistral_sdk.batch._run import feed

    w = writer(tmp_path)
    feed(w, {"a": ok(), "b": ok()})
    feed(w, iter([("c", ok())]))
    with pytest.raises(BatchInputError, match=r"line 4: expected a \(custom_id, request\) pair"):
        feed(w, [["d", ok()]])
    source = tmp_path / "in.jsonl"
    source.write_text('{"custom_id": "e", "body": {"messages": []}}\n\n')
    feed(w, source)
    assert w.finish()[0].requests == 4


def test_model_is_required_when_the_job_does_not_give_one(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="model"):
        writer(tmp_path, model=None).add("a", ok())
    w = writer(tmp_path, model=None)
    w.add("a", {**ok(), "model": "per-request"})
    assert w.finish()[0].requests == 1


def test_duplicate_custom_ids_are_an_error_naming_both_lines(tmp_path: Path) -> None:
    w = writer(tmp_path)
    for custom_id in ["a", "b", "c", "b"]:
        w.add(custom_id, ok())
    with pytest.raises(BatchInputError, match=r"duplicate custom_id 'b': lines 2 and 4") as caught:
        w.finish()
    assert caught.value.custom_id == "b"


def test_input_is_split_by_bytes_by_lines_and_by_job(tmp_path: Path) -> None:
    w = writer(tmp_path, BatchLimits(max_file_bytes=250))
    for i in range(6):
        w.add(f"id{i}", ok("x" * 20))
    groups = w.finish()
    sizes = [p.stat().st_size for g in groups for p in g.paths]
    assert len(sizes) > 1 and all(s <= 250 for s in sizes)
    w = writer(tmp_path / "b", BatchLimits(max_requests_per_file=2, max_requests_per_job=3))
    (tmp_path / "b").mkdir()
    for i in range(7):
        w.add(f"id{i}", ok())
    groups = w.finish()
    assert [g.requests for g in groups] == [3, 3, 1]
    assert [[len(p.read_bytes().splitlines()) for p in g.paths] for g in groups] == [
        [2, 1],
        [2, 1],
        [1],
    ]
    with pytest.raises(BatchInputError, match="more than a batch file may hold"):
        writer(tmp_path / "b", BatchLimits(max_file_bytes=10)).add("big", ok())
    with pytest.raises(ValueError, match="max_requests_per_job"):
        BatchLimits(max_requests_per_job=0)
    with pytest.raises(BatchInputError, match="empty"):
        writer(tmp_path).finish()


# --- output ----------------------------------------------------------------------------


def response_line(custom_id: str, text: str) -> bytes:
    body = {
        "id": "r", "object": "chat.completion", "model": "m", "created": 1,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
    }  # fmt: skip
    return msgspec.json.encode(
        {"custom_id": custom_id, "response": {"status_code": 200, "body": body}}
    )


def test_every_line_becomes_a_result_and_parsing_never_stops() -> None:
    parser: ResultParser[models.ChatCompletionResponse] = ResultParser(CHAT)
    lines = [
        response_line("ok", "hello"),
        b"",
        b'{"custom_id": "cut", "response": {"sta',
        b'{"custom_id": "odd", "something": 1}',
        b'{"custom_id": "err", "response": {"status_code": 429, "body": {"message": "slow down"}}}',
        b'{"custom_id": "err2", "error": {"message": "boom"}}',
        b'{"custom_id": "bad", "response": {"status_code": 200, "body": {"choices": 3}}}',
        b"[1, 2]",
        response_line("ok2", "again"),
    ]
    results = list(parser.parse_lines(iter(lines), "file-1"))
    assert [r.custom_id for r in results] == ["ok", "cut", "odd", "err", "err2", "bad", None, "ok2"]
    assert results[0].unwrap().choices[0].message.content == "hello"
    assert results[-1].ok
    kinds = [r.error.kind if r.error else None for r in results]
    assert kinds == [None, "malformed", "shape", "request", "request", "decode", "shape", None]
    cut = results[1].error
    assert cut is not None and (cut.file_id, cut.line) == ("file-1", 3) and "'cut'" in str(cut)
    err = results[3].error
    assert err is not None and err.status_code == 429 and "slow down" in str(err)
    assert results[4].error is not None and "boom" in str(results[4].error)


def test_an_unknown_endpoint_gives_plain_json() -> None:
    parser: ResultParser[Any] = ResultParser(endpoint("/v1/new"))
    result = parser.parse(
        b'{"custom_id": "a", "response": {"status_code": 200, "body": {"x": [1]}}}', "f", 1
    )
    assert result is not None and result.unwrap() == {"x": [1]}


def test_lines_split_across_chunks_are_joined() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b'{"a"') == []
    assert splitter.feed(b': 1}\n{"b": 2}\n{"c"') == [b'{"a": 1}', b'{"b": 2}']
    assert splitter.close() == [b'{"c"']


# --- waiting ---------------------------------------------------------------------------


def job(completed: int) -> models.BatchJob:
    return models.BatchJob(
        id="j", input_files=[], endpoint="/v1/chat/completions", errors=[], status="RUNNING",
        created_at=0, total_requests=10, completed_requests=completed, succeeded_requests=completed,
        failed_requests=0,
    )  # fmt: skip


def test_polling_backs_off_while_nothing_moves_and_stops_at_the_timeout() -> None:
    now = [0.0]
    poller = Poller(timeout=100.0, initial=1.0, factor=2.0, maximum=5.0, clock=lambda: now[0])
    delays = [poller.next_delay([job(0)]) for _ in range(5)]
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert poller.next_delay([job(3)]) == 5.0  # progress: the pace stays
    now[0] = 98.0
    assert poller.next_delay([job(3)]) == 2.0  # never past the deadline
    now[0] = 100.0
    assert poller.next_delay([job(3)]) is None
    with pytest.raises(ValueError):
        Poller(initial=0)


# --- progress --------------------------------------------------------------------------


def test_the_text_progress_bar_prints_a_line_per_tenth() -> None:
    out = io.StringIO()
    with progress_bar("text", stream=out) as bar:
        for done in range(0, 101, 5):
            bar(Progress("upload", done, 100))
        bar(Progress("job", 3, 10, succeeded=3, failed=0, status="RUNNING"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "upload: 0/100" and lines[10] == "upload: 100/100" and len(lines) == 12
    assert "ok 3 failed 0" in lines[-1]
    assert Progress("download", 5, 0).fraction is None and Progress("x", 1, 4).fraction == 0.25


def test_a_missing_bar_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(Exception, match="needs the tqdm package: pip install tqdm"):
        progress_bar("tqdm")
    assert progress_bar().backend == "text"


def test_importing_the_sdk_loads_no_batch_code() -> None:
    # httpx2 imports rich for its own command line (httpx2._main) when rich, click and
    # pygments are all installed, as in the dev environment: keep that one out
    code = (
        "import sys\n"
        "sys.modules['httpx2._main'] = None\n"
        "import mistral_sdk\n"
        "c = mistral_sdk.Mistral(api_key='k')\n"
        "c.files; c.chat\n"
        "print(sorted(m for m in sys.modules if m.startswith(('mistral_sdk.batch', 'sqlite3', 'rich', 'tqdm'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


class _FakeBar:
    """Stands in for rich's Progress and tqdm's bar (neither is a dependency)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: list[tuple[str, Any]] = [("new", kwargs)]
        self.n = 0
        self.total = kwargs.get("total")
        _FakeBar.made.append(self)

    made: ClassVar[list[_FakeBar]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self.calls.append((name, kwargs or args)) or len(self.calls)


@pytest.mark.parametrize("backend", ["rich", "tqdm"])
def test_rich_and_tqdm_bars_when_installed(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import types

    _FakeBar.made.clear()
    rich_progress = types.ModuleType("rich.progress")
    rich_progress.Progress = _FakeBar  # type: ignore[attr-defined]
    tqdm_module = types.ModuleType("tqdm")
    tqdm_module.tqdm = _FakeBar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rich", types.ModuleType("rich"))
    monkeypatch.setitem(sys.modules, "rich.progress", rich_progress)
    monkeypatch.setitem(sys.modules, "tqdm", tqdm_module)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    with progress_bar(backend) as bar:
        bar(Progress("upload", 50, 100))
        bar(Progress("upload", 100, 100))
        bar(Progress("job", 4, 10, succeeded=3, failed=1, status="RUNNING"))
    assert progress_bar().backend == "rich"
    if backend == "rich":
        (rich,) = _FakeBar.made  # one display, a task per stage
        names = [name for name, _ in rich.calls]
        assert names.count("add_task") == 2 and names.count("update") == 3 and "stop" in names
        assert rich.calls[-2][1]["completed"] == 4
    else:
        upload, job_bar = _FakeBar.made  # a bar per stage
        assert (upload.n, upload.total, job_bar.n) == (100, 100, 4)
        assert ("close", ()) in job_bar.calls
