"""Python names for spec names: identifiers, classes, modules and method names.

Method names are derived from the operationId by one rule (below); the few
operations the rule names badly are listed in `METHOD_NAMES`, the single override
table.
"""

from __future__ import annotations

import keyword
import re

# Names that would shadow builtins or typing names used by generated modules.
_RESERVED = set(keyword.kwlist) | set(keyword.softkwlist) | {"self", "cls", "models", "body"}
_KEYWORDS = set(keyword.kwlist)

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_IDENT = re.compile(r"[^0-9a-zA-Z]+")


def snake(name: str) -> str:
    """`sharingScope` → `sharing_scope`, `ai.mistral/turbine` → `ai_mistral_turbine`."""
    text = _CAMEL_1.sub(r"\1_\2", name)
    text = _CAMEL_2.sub(r"\1_\2", text)
    text = _NON_IDENT.sub("_", text).strip("_").lower()
    text = re.sub(r"_+", "_", text)
    if not text:
        text = "value"
    if text[0].isdigit():
        text = f"_{text}"
    return text


def identifier(name: str) -> str:
    """A Python-safe attribute or argument name for a wire name."""
    text = snake(name)
    if text in _RESERVED:
        text = f"{text}_"
    return text


def attribute(name: str) -> str:
    """A resource attribute on the client: only keywords are escaped (`client.models`)."""
    text = snake(name)
    return f"{text}_" if text in _KEYWORDS else text


def pascal(name: str) -> str:
    """`chat_completion` → `ChatCompletion`; keeps existing inner capitals."""
    parts = [p for p in _NON_IDENT.split(name) if p]
    out = "".join(p[0].upper() + p[1:] for p in parts)
    if not out:
        out = "Value"
    if out[0].isdigit():
        out = f"_{out}"
    return out


def module_name(name: str) -> str:
    """The private module a definition lives in: `ChatCompletionResponse` → `_chat_completion_response`."""
    return f"_{snake(name)}"


# --- method names --------------------------------------------------------------

# The only table of hand-picked method names, keyed by operationId. Everything else
# follows `derive_method_name`.
METHOD_NAMES: dict[str, str] = {
    # familiar names kept from the official SDK
    "chat_completion_v1_chat_completions_post": "complete",
    "fim_completion_v1_fim_completions_post": "complete",
    "agents_completion_v1_agents_completions_post": "complete",
    "embeddings_v1_embeddings_post": "create",
    "moderations_v1_moderations_post": "moderate",
    "chat_moderations_v1_chat_moderations_post": "moderate_chat",
    "classifications_v1_classifications_post": "classify",
    "chat_classifications_v1_chat_classifications_post": "classify_chat",
    "ocr_v1_ocr_post": "process",
    "speech_v1_audio_speech_post": "complete",
    "audio_api_v1_transcriptions_post": "complete",
    "audio_api_v1_transcriptions_post_stream": "stream",
    "agents_api_v1_conversations_history": "get_history",
    "agents_api_v1_conversations_messages": "get_messages",
    "jobs_api_routes_fine_tuning_update_fine_tuned_model": "update",
    "jobs_api_routes_fine_tuning_archive_fine_tuned_model": "archive",
    "jobs_api_routes_fine_tuning_unarchive_fine_tuned_model": "unarchive",
    # conversations and agents (beta): the official SDK's verbs
    "agents_api_v1_conversations_get": "get",
    "agents_api_v1_conversations_delete": "delete",
    "agents_api_v1_agents_get": "get",
    "agents_api_v1_agents_delete": "delete",
    # observability: searches are POSTs, single gets by id
    "get_chat_completion_events_v1_observability_chat_completion_events_search_post": "search",
    "get_chat_completion_event_ids_v1_observability_chat_completion_events_search_ids_post": "search_ids",
    "get_judge_by_id_v1_observability_judges__judge_id__get": "get",
    "get_campaign_by_id_v1_observability_campaigns__campaign_id__get": "get",
    "get_campaign_status_by_id_v1_observability_campaigns__campaign_id__status_get": "get_status",
    "get_dataset_by_id_v1_observability_datasets__dataset_id__get": "get",
    "get_dataset_records_v1_observability_datasets__dataset_id__records_get": "list_records",
    "post_dataset_records_from_campaign_v1_observability_datasets__dataset_id__imports_from_campaign_post": "import_from_campaign",
    "post_dataset_records_from_explorer_v1_observability_datasets__dataset_id__imports_from_explorer_post": "import_from_explorer",
    "post_dataset_records_from_file_v1_observability_datasets__dataset_id__imports_from_file_post": "import_from_file",
    "post_dataset_records_from_playground_v1_observability_datasets__dataset_id__imports_from_playground_post": "import_from_playground",
    "post_dataset_records_from_dataset_v1_observability_datasets__dataset_id__imports_from_dataset_post": "import_from_dataset",
    "get_dataset_import_tasks_v1_observability_datasets__dataset_id__tasks_get": "list_import_tasks",
    "delete_dataset_records_v1_observability_dataset_records_bulk_delete_post": "bulk_delete",
    "get_trace_by_id_v1_observability_traces__trace_id__get": "get",
    "get_span_by_id_v1_observability_traces__trace_id__spans__span_id__get": "get_span",
    "get_configs_v1_rag_ingestion_pipeline_configurations_get": "list",
    "register_config_v1_rag_ingestion_pipeline_configurations_put": "register",
    "get_deployment_summaries_v1_rag_deployments_get": "list",
    "register_deployment_v1_rag_deployments_put": "register",
    "unregister_deployment_v1_rag_deployments__deployment_id__delete": "unregister",
    "update_index_metrics_v1_rag_deployments__deployment_id__metrics_put": "update_metrics",
    # admin
    "users_api_admin_users_get_invite": "list_invites",
    "users_api_admin_roles_get_roles": "list_roles",
    "get_by_user_stats_v1_admin_analytics_vibe_work_usage_by_user_stats": "by_user",
    "get_by_agent_stats_v1_admin_analytics_vibe_work_usage_by_agent_stats": "by_agent",
    "get_by_time_stats_v1_admin_analytics_vibe_work_usage_by_time_stats": "by_time",
    "get_workspace_stats_v1_admin_analytics_vibe_code_usage_by_workspace": "by_workspace",
    "get_organization_stats_v1_admin_analytics_vibe_code_usage_by_organization": "by_organization",
    # workflows
    "get_workflow_metrics_v1_workflows__workflow_name__metrics_get": "get",
    "schedule_workflow_v1_workflows_schedules_post": "create",
    "unschedule_workflow_v1_workflows_schedules__schedule_id__delete": "delete",
    "get_stream_events_v1_workflows_events_stream_get": "stream",
}

# Tags whose resource path differs from the spec's tag (the official SDK's names).
TAG_PATHS: dict[str, str] = {"batch": "batch.jobs"}

# Leading tokens of operationIds that name the service, not the action.
_PREFIXES = [
    "agents_api_v1_",
    "files_api_routes_",
    "jobs_api_routes_batch_",
    "jobs_api_routes_fine_tuning_",
    "users_api_admin_user_groups_",
    "users_admin_user_groups_",
    "users_api_admin_users_",
    "users_api_admin_workspaces_",
    "users_api_admin_rate_limits_",
    "users_api_admin_spend_limits_",
    "users_api_admin_usage_",
    "users_api_admin_audit_logs_",
    "users_api_admin_api_keys_",
    "users_api_admin_scim_sync_",
    "users_api_admin_roles_",
    "users_api_",
    "audio_api_v1_",
    "libraries_documents_",
    "libraries_share_",
    "libraries_",
    "connector_",
    "prompts_",
    "skills_",
]

_FASTAPI = re.compile(r"^(?P<name>.+?)_v\d+_.*_(get|post|put|patch|delete)$")
_VERSION_SUFFIX = re.compile(r"_v\d+$")


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def derive_method_name(operation_id: str, resource: tuple[str, ...]) -> str:
    """Shorten an operationId into a verb-first method name for its resource.

    1. FastAPI ids (`list_models_v1_models_get`) keep what precedes the version.
    2. Service prefixes (`agents_api_v1_`, `files_api_routes_`, …) and version
       suffixes (`_v1`) are dropped.
    3. Words naming the resource itself (`files` in `upload_file` on `files`) are
       dropped, unless nothing would remain.
    """
    if operation_id in METHOD_NAMES:
        return METHOD_NAMES[operation_id]
    name = operation_id
    match = _FASTAPI.match(name)
    if match:
        name = match.group("name")
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
            break
    name = _VERSION_SUFFIX.sub("", name)
    words = name.split("_")
    resource_words: set[str] = set()
    plural_words: set[str] = set()
    for part in resource[1:] if resource[:1] == ("beta",) else resource:
        for w in part.split("_"):
            resource_words.update({w, _singular(w)})
            if _singular(w) != w:
                plural_words.add(w)
    # a leading word is a verb (`judge_conversation` on `judges`) unless it is the
    # resource's own plural name (`conversations_list` on `conversations`)
    kept = [
        w
        for i, w in enumerate(words)
        if w not in resource_words or (i == 0 and w not in plural_words)
    ]
    if kept:
        # `get_workflows` on `workflows` lists; `get_workflow` gets one
        if kept == ["get"] and words[-1] in plural_words:
            kept = ["list"]
        words = kept
    return identifier("_".join(words))


# --- names of schemas the spec leaves unnamed ----------------------------------

# The only table of hand-picked model names, keyed by the JSON pointer of an inline
# schema: the few types users annotate often get a short name. Everything else
# follows the rule in `parse.Parser.inline_name` (owner + field, the operation's
# short Python name, singular array items). Two pointers may share a name when their
# schemas are identical (both workflow event streams).
MODEL_NAMES: dict[str, str] = {
    "#/components/schemas/ConversationEvents/properties/data": "ConversationEventData",
    "#/paths/~1v1~1workflows~1events~1stream/get/responses/200/content/text~1event-stream/schema": (
        "WorkflowEvent"
    ),
    "#/paths/~1v1~1workflows~1executions~1{execution_id}~1stream/get/responses/200/content/"
    "text~1event-stream/schema": "WorkflowEvent",
    "#/components/schemas/StreamEventSsePayload/properties/data": "WorkflowEventPayload",
    "#/components/schemas/ListWorkflowEventResponse/properties/events/items": (
        "WorkflowEventPayload"
    ),
    "#/paths/~1v1~1conversations/get/responses/200/content/application~1json/schema/items": (
        "ConversationsListItem"
    ),
    "#/components/schemas/ModelList/properties/data/items": "ModelCard",
}

# Words ending in `s` that are not plurals.
_NOT_PLURAL = ("ss", "us", "is", "ics")
_ES_PLURALS = ("sses", "xes", "ches", "shes", "uses", "zes")
_IRREGULAR = {"aliases": "alias", "biases": "bias", "data": "data", "canvases": "canvas"}


def singular_noun(word: str) -> str | None:
    """The singular of a lower-case English plural, or None when `word` is not one."""
    if word in _IRREGULAR:
        return _IRREGULAR[word] if _IRREGULAR[word] != word else None
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(_ES_PLURALS):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_NOT_PLURAL) and len(word) > 2:
        return word[:-1]
    return None


def item_name(hint: str) -> str:
    """The name of one item of the array named `hint`: `ChatTools` → `ChatTool`.

    A hint whose last word is no plural (`ModelListData`, `FilterGroupAND`) gets `Item`.
    """
    match = re.search(r"([A-Z][a-z]+)$", hint)
    if match:
        single = singular_noun(match.group(1).lower())
        if single:
            return hint[: match.start()] + single[0].upper() + single[1:]
    return f"{hint}Item"
