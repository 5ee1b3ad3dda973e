"""`mistral workflows run | watch`: the live view, results and exit codes."""

from __future__ import annotations

import io
import json

import pytest
from cli_helpers import Mistral

from mistral_sdk.cli import EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT


def test_run_watch_to_completion_shows_auth_prompt_and_prints_result(mistral: Mistral) -> None:
    r = mistral(
        "workflows",
        "run",
        "triage",
        "--input",
        '{"q": "today"}',
        "--connector",
        "gmail",
        "--watch",
        "--plain",
    )
    assert r.code == EXIT_OK, r.err
    assert r.json() == {
        "input": {"q": "today"},
        "connectors": ["gmail"],
        "summary": "3 unread messages",
    }
    err = r.err.splitlines()
    auth = [line for line in err if "authorize at" in line]
    assert len(auth) == 1 and "https://auth.mock.local/oauth/gmail?state=" in auth[0]
    assert any(line.endswith("connector gmail: connected") for line in err)
    assert any(line.endswith("llm_call triage: completed") for line in err)
    assert "COMPLETED after" in err[-1] and "(5 events)" in err[-1]


def test_run_watch_to_failure_exits_1_with_the_failure(mistral: Mistral) -> None:
    r = mistral("workflows", "run", "will-fail", "--watch")
    assert r.code == EXIT_FAILED
    assert r.json() == {"error": "mock failure: the workflow raised ValueError"}
    assert "run failed: mock failure: the workflow raised ValueError" in r.err
    assert "FAILED after" in r.err


def test_run_without_watch_waits_and_json_output_parses(mistral: Mistral) -> None:
    r = mistral("workflows", "run", "quiet", "--connector", "gmail:work", "--json")
    assert r.code == EXIT_OK
    execution = r.json()
    assert execution["status"] == "COMPLETED" and execution["workflow_name"] == "quiet"
    assert execution["result"]["connectors"] == ["gmail"]
    assert r.err == ""  # no view without --watch


@pytest.fixture
def longer_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mock runs last 1 s, so that `watch` attaches while the run still goes on."""
    from mistral_sdk.testing import _flows

    monkeypatch.setattr(_flows, "RUN_SECONDS", 1.0)


@pytest.mark.usefixtures("longer_runs")
def test_dropped_stream_during_watch_resumes_without_repeats(mistral: Mistral) -> None:
    # `flaky`: the first event stream of the run breaks after two events
    started = mistral("workflows", "run", "flaky", "--connector", "gmail", "--detach", "--json")
    assert started.code == EXIT_OK and started.json()["status"] == "RUNNING"
    execution_id = started.json()["execution_id"]
    r = mistral("workflows", "watch", execution_id, "--jsonl")
    assert r.code == EXIT_OK, r.err
    *events, final = r.lines()
    kinds = [e["data"]["data"]["event_type"] for e in events]
    assert kinds == [
        "WORKFLOW_EXECUTION_STARTED",
        "CUSTOM_TASK_IN_PROGRESS",
        "CUSTOM_TASK_IN_PROGRESS",
        "CUSTOM_TASK_COMPLETED",
        "WORKFLOW_EXECUTION_COMPLETED",
    ]
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids)
    assert final["execution_id"] == execution_id and final["status"] == "COMPLETED"


@pytest.mark.usefixtures("longer_runs")
def test_watch_plain_counts_the_reconnect(mistral: Mistral) -> None:
    execution_id = mistral("workflows", "run", "flaky", "--detach", "--json").json()["execution_id"]
    r = mistral("workflows", "watch", execution_id)
    assert r.code == EXIT_OK
    assert "1 reconnects" in r.err.splitlines()[-1]
    assert json.loads(r.out)["summary"] == "3 unread messages"


def test_watch_a_finished_failed_run_exits_1(mistral: Mistral) -> None:
    started = mistral("workflows", "run", "fail-fast", "--detach", "--json").json()
    r = mistral("workflows", "watch", started["execution_id"], "--json")
    assert r.code == EXIT_FAILED
    assert r.json()["status"] == "FAILED"


def test_timeout_exits_5_and_can_cancel(mistral: Mistral) -> None:
    r = mistral(
        "workflows", "run", "slow", "--watch", "--timeout", "0.3", "--cancel-on-timeout", "--json"
    )
    assert r.code == EXIT_TIMEOUT
    error = json.loads(r.err.splitlines()[-1])["error"]
    assert (
        error["class"] == "WorkflowWaitTimeout" and "cancellation was requested" in error["message"]
    )
    watched = mistral("workflows", "watch", error["execution_id"], "--json")
    assert watched.code == EXIT_FAILED and watched.json()["status"] == "CANCELED"


def test_bad_input_and_connector_are_usage_errors(mistral: Mistral) -> None:
    r = mistral("workflows", "run", "x", "--input", "{not json")
    assert r.code == 2 and "--input: not valid JSON" in r.err
    r = mistral("workflows", "run", "x", "--connector", ":creds")
    assert r.code == 2 and "--connector ':creds'" in r.err


def test_rich_view_draws_the_tree_and_the_auth_url(mistral: Mistral) -> None:
    pytest.importorskip("rich", reason="the cli extra: make test-extras")
    r = mistral("workflows", "run", "triage", "--connector", "gmail", "--watch", "--rich")
    assert r.code == EXIT_OK, r.err
    assert json.loads(r.out)["connectors"] == ["gmail"]  # rich JSON off a terminal: plain JSON
    assert "authorize at https://auth.mock.local/oauth/gmail?state=" in r.err  # kept above
    # the last frame of the live tree
    assert "COMPLETED" in r.err
    assert "gmail authorization  connected" in r.err
    assert "llm_call triage  completed" in r.err


def test_run_view_while_waiting_for_auth() -> None:
    pytest.importorskip("rich", reason="the cli extra: make test-extras")
    from rich.console import Console

    from mistral_sdk import decode, models
    from mistral_sdk.cli._watch import RunView

    def event(seq: int, event_type: str, attributes: dict[str, object]) -> object:
        data = {
            "event_type": event_type,
            "event_id": f"e{seq}",
            "event_timestamp": seq,
            "root_workflow_exec_id": "ex1",
            "workflow_exec_id": "ex1",
            "workflow_run_id": "r1",
            "workflow_name": "triage",
            "attributes": attributes,
        }
        context = {"namespace": "default", "workflow_name": "triage", "workflow_exec_id": "ex1"}
        envelope = {
            "stream": "s",
            "timestamp": "2026-01-01T00:00:00Z",
            "data": data,
            "workflow_context": context,
            "broker_sequence": seq,
        }
        return decode(
            json.dumps({"event": "workflow_event", "id": str(seq), "data": envelope}),
            models.WorkflowEvent,
        )

    view = RunView("ex1")
    url = "https://auth.example/oauth?state=1"
    payload = {
        "type": "json",
        "value": {"connector_name": "gmail", "status": "waiting_for_auth", "auth_url": url},
    }
    lines = view.feed(
        event(
            1,
            "WORKFLOW_EXECUTION_STARTED",
            {"task_id": "t", "workflow_name": "triage", "input": {"type": "json", "value": None}},
        )
    )
    lines += view.feed(
        event(
            2,
            "ACTIVITY_TASK_STARTED",
            {
                "task_id": "a1",
                "activity_name": "fetch_mail",
                "input": {"type": "json", "value": None},
            },
        )
    )
    lines += view.feed(
        event(
            3,
            "ACTIVITY_TASK_RETRYING",
            {
                "task_id": "a1",
                "activity_name": "fetch_mail",
                "attempt": 2,
                "failure": {"message": "rate limited"},
            },
        )
    )
    lines += view.feed(
        event(
            4,
            "CUSTOM_TASK_IN_PROGRESS",
            {"custom_task_id": "auth", "custom_task_type": "connector-auth", "payload": payload},
        )
    )
    text = [line.split("] ", 1)[1] for line in lines]
    assert text == [
        "run running",
        "activity fetch_mail: running",
        "activity fetch_mail: retrying (rate limited)",
        f"connector gmail: authorize at {url}",
    ]
    console = Console(record=True, width=120, file=io.StringIO())
    console.print(view)
    frame = console.export_text()
    assert "workflow triage  execution ex1  RUNNING" in frame
    assert "activity fetch_mail  retrying  rate limited" in frame
    assert "connector-auth gmail authorization  waiting_for_auth" in frame
    assert f"connector gmail waits for you: open {url}" in frame


def test_logs_pages_and_follow(mistral: Mistral) -> None:
    execution_id = mistral("workflows", "run", "quiet", "--detach", "--json").json()["execution_id"]
    r = mistral("workflows", "logs", execution_id, "--jsonl")
    assert r.code == EXIT_OK
    records = r.lines()
    assert len(records) >= 2 and all("severity_text" in x and "body" in x for x in records)
    plain = mistral("workflows", "logs", execution_id, "--limit", "2")
    lines = plain.out.splitlines()
    assert len(lines) == 2
    assert lines[0] == " ".join(str(records[0][k]) for k in ("timestamp", "severity_text", "body"))
    follow = mistral("workflows", "logs", execution_id, "--follow", "--jsonl")
    assert follow.code == EXIT_OK
    events = follow.lines()
    assert events and all(e["event"] == "log" and "id" in e for e in events)
