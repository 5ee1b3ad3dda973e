"""The method-name rule of generator/naming.py, on real operationIds of the spec."""

from __future__ import annotations

import pytest
from gen_helpers import REPO  # noqa: F401 - puts the repository on sys.path

from generator import overlay
from generator.naming import identifier, method_name, snake


@pytest.mark.parametrize(
    ("operation_id", "resource", "expected"),
    [
        # FastAPI ids keep what precedes the version, minus the resource's words
        ("list_models_v1_models_get", ("models",), "list"),
        (
            "get_workflow_execution_v1_workflows_executions__execution_id__get",
            ("workflows", "executions"),
            "get",
        ),
        ("get_workflows_v1_workflows_get", ("workflows",), "list"),  # a plural `get` lists
        (
            "stop_deployment_v1_workflows_deployments__name__stop_post",
            ("workflows", "deployments"),
            "stop",
        ),
        # service prefixes go, and so does the resource's plural name in front
        ("files_api_routes_upload_file", ("files",), "upload"),
        ("agents_api_v1_conversations_start", ("beta", "conversations"), "start"),
        ("agents_api_v1_agents_list_versions", ("beta", "agents"), "list_versions"),
        ("connector_list_tools_v1", ("beta", "connectors"), "list_tools"),
        # a leading verb that is also the resource's singular stays
        (
            "judge_conversation_v1_observability_judges__judge_id__live_judging_post",
            ("beta", "observability", "judges"),
            "judge_conversation",
        ),
        # the overlay's name wins
        ("chat_completion_v1_chat_completions_post", ("chat",), "complete"),
    ],
)
def test_derive_method_name(operation_id: str, resource: tuple[str, ...], expected: str) -> None:
    assert method_name(operation_id, resource, overlay.default()) == expected


def test_identifiers_are_python_safe() -> None:
    assert snake("sharingScope") == "sharing_scope"
    assert identifier("ai.mistral/turbine") == "ai_mistral_turbine"
    assert identifier("$schema") == "schema"
    assert identifier("class") == "class_"
    assert identifier("2fa") == "_2fa"
