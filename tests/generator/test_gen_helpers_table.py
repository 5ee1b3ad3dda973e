"""generator/helpers.py and the overlay's helper entries: mixins, `connectors=` and
resumable streams in generated code."""

from __future__ import annotations

from pathlib import Path

from gen_helpers import generate, parse_spec, run_sdk

from generator import helpers, overlay

SPEC = """
paths:
  /v1/workflows/{workflow_identifier}/execute:
    post:
      operationId: execute_workflow
      tags: [workflows]
      parameters:
        - {name: workflow_identifier, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/WorkflowExecutionRequest"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, additionalProperties: true}
  /v1/things/{thing_id}/stream:
    get:
      operationId: stream_thing
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: Last-Event-ID, in: header, required: false, schema: {type: string}}
      responses:
        "200":
          description: events
          content:
            text/event-stream:
              schema: {type: object, properties: {n: {type: integer}}}
components:
  schemas:
    WorkflowExecutionRequest:
      type: object
      properties:
        input: {type: object, additionalProperties: true}
        extensions: {type: object, additionalProperties: true}
"""


def test_helpers_reach_the_generated_resources(tmp_path: Path) -> None:
    out = generate(tmp_path, SPEC)
    workflows = (out / "mistral_sdk/resources/workflows/__init__.py").read_text()
    assert "class Workflows(WorkflowsHelpers, SyncResource):" in workflows
    assert "class AsyncWorkflows(AsyncWorkflowsHelpers, AsyncResource):" in workflows
    assert "connectors: Sequence[ConnectorSlot | ConnectorSlotParam] | None = None" in workflows
    assert '"extensions": with_connectors(extensions, connectors)' in workflows
    things = (out / "mistral_sdk/resources/things/__init__.py").read_text()
    assert "return resume_stream(connect, last_event_id, self._client, max_retries)" in things
    assert "return await async_resume_stream(" in things
    assert "Helpers" not in things  # no mixin for resources outside the table
    printed = run_sdk(
        out,
        """
        import json, httpx2
        from mistral_sdk import Mistral, ConnectorSlot
        sent = []
        def handler(request):
            sent.append(json.loads(request.content))
            return httpx2.Response(200, json={"ok": True})
        client = Mistral(api_key="k", http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
        client.workflows.execute("wf", input={"a": 1}, connectors=[ConnectorSlot("gmail")])
        print(json.dumps(sent[0], sort_keys=True))
        print(callable(client.workflows.execute_and_wait))
        """,
    )
    body, has_helper = printed.splitlines()
    assert body == (
        '{"extensions": {"mistralai": {"connectors": {"bindings": [{"connector_name": "gmail"}]}}},'
        ' "input": {"a": 1}}'
    )
    assert has_helper == "True"


def _missing(tmp_path: Path, spec: str) -> list[str]:
    api, problems = parse_spec(tmp_path, spec)
    found = helpers.missing_operations(api.root, overlay.default())
    # the generator warns with the same messages
    assert [p.message for p in problems.warnings if p.message.startswith("helper ")] == found
    return found


def test_a_helper_whose_operation_is_gone_is_named_with_it(tmp_path: Path) -> None:
    missing = _missing(tmp_path, SPEC)
    execute = "POST /v1/workflows/{workflow_identifier}/execute"
    get = "GET /v1/workflows/executions/{execution_id}"
    assert (
        f"helper client.workflows.execute_and_wait needs {get} as "
        "client.workflows.executions.get: the spec lacks it"
    ) in missing
    assert not any(execute in m for m in missing), missing  # present, with connectors=
    assert any(m.startswith("helper client.beta.conversations.run needs") for m in missing)


def test_a_helper_whose_operation_moved_says_where(tmp_path: Path) -> None:
    moved = SPEC.replace("tags: [workflows]", "tags: [beta.workflows]")
    missing = _missing(tmp_path, moved)
    assert (
        "helper client.workflows.execute_and_wait needs POST "
        "/v1/workflows/{workflow_identifier}/execute as client.workflows.execute: "
        "the spec has it as client.beta.workflows.execute"
    ) in missing


def test_a_helper_whose_connectors_field_is_gone_is_named(tmp_path: Path) -> None:
    without = SPEC.replace("        extensions: {type: object, additionalProperties: true}\n", "")
    missing = _missing(tmp_path, without)
    assert any(
        m.startswith("helper client.workflows.execute_and_wait needs `connectors=` on POST")
        and "WorkflowExecutionRequest.extensions" in m
        for m in missing
    ), missing
