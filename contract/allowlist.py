"""Contract cases that fail for a reason outside the SDK, each with that reason.

Key: (operationId, "call" | "stream_call", "example" | "dynamic").
Value: (outcome kind, text the failure must contain, why). A case passes only when
it fails with that kind *and* that text, so an entry cannot hide another failure;
an entry whose case passes is reported as stale.

Kinds that can be allowed: `response` (Prism itself reports that the answer it
served, the spec's example, breaks the spec's schema, and it does not decode),
`no-stream` (no event stream to check: the spec declares none), `prism` (Prism
fails to build an answer), and `request` only where the spec contradicts itself
so that no request can satisfy it.
"""

from __future__ import annotations

ALLOWED_KINDS = ("response", "no-stream", "prism", "request")

# --- the spec's example breaks its own schema (Prism says so in sl-violations) -------
_TIMESTAMPS = 'createdAt: Response body property createdAt must match format "date-time"'
_LIST_TIMESTAMPS = (
    'data.0.createdAt: Response body property data.0.createdAt must match format "date-time"'
)
_BAD_EXAMPLES: dict[str, tuple[str, str]] = {
    "agents_completion_v1_agents_completions_post": (
        "usage.prompt_audio_seconds must match a schema in anyOf",
        "example has usage.prompt_audio_seconds = {} (schema: integer or null)",
    ),
    "embeddings_v1_embeddings_post": (
        "Response body must have required property 'id'",
        "example EmbeddingResponse has no `id`, which the schema requires",
    ),
    "files_api_routes_list_files": (
        'data.0.id must match format "uuid"',
        "example file ids are '<your_file_id>' (schema: uuid) and bytes is null (schema: int)",
    ),
    "files_api_routes_retrieve_file": (
        "bytes must be integer",
        "example has bytes = null (schema: integer)",
    ),
    "files_api_routes_upload_file": (
        "bytes must be integer",
        "example has bytes = null (schema: integer)",
    ),
    "get_workflow_execution_trace_summary": (
        "must have required property 'span_id'",
        "example span_tree children lack the required span_id / name / attributes",
    ),
    "get_workflow_metrics_v1_workflows__workflow_name__metrics_get": (
        "latency_over_time.value.0 must NOT have fewer than 2 items",
        "example latency_over_time.value is [[]] (schema: [int, value] pairs)",
    ),
    "list_models_v1_models_get": (
        "Response body must be object",
        "example is a bare list of models (schema: ModelList object with `data`)",
    ),
    "ocr_v1_ocr_post": (
        "must have required property 'dpi'",
        "example page dimensions lack the required dpi / height",
    ),
    **{
        op: (_TIMESTAMPS, "example timestamps are '1s' (schema: date-time)")
        for op in (
            "prompts_create",
            "prompts_get",
            "prompts_get_version",
            "prompts_update",
            "prompts_update_version_metadata",
            "skills_create",
            "skills_get",
            "skills_get_version",
            "skills_update",
            "skills_update_version_metadata",
        )
    },
    **{
        op: (_LIST_TIMESTAMPS, "example timestamps are '1s' (schema: date-time)")
        for op in ("prompts_list", "prompts_list_versions", "skills_list", "skills_list_versions")
    },
}

ALLOWED: dict[tuple[str, str, str], tuple[str, str, str]] = {
    **{
        (op, "stream_call", answer): (
            "no-stream",
            "Unable to find content for text/event-stream",
            "the spec declares only application/json for POST /v1/agents/completions; the "
            "generator adds the event stream the API sends for stream=true (like chat)",
        )
        for op in ("agents_completion_v1_agents_completions_post",)
        for answer in ("example", "dynamic")
    },
    **{
        (op, "call", "example"): ("response", match, why)
        for op, (match, why) in _BAD_EXAMPLES.items()
    },
    ("get_workflow_metrics_v1_workflows__workflow_name__metrics_get", "call", "dynamic"): (
        "prism",
        "missing items for",
        "Prism's data generator cannot build the `prefixItems` tuples of latency_over_time",
    ),
    # --- the supplement (docs/spec.md) ---------------------------------------------------
    **{
        ("connector_delete_credentials", "call", answer): (
            "request",
            "credentials_name must match pattern",
            "the supplement's DELETE /v1/connectors/{id}/{consumer_scope}/credentials/{name} is,"
            " for each scope, the public spec's DELETE …/organization|workspace|user/credentials/"
            "{name}, which Prism routes the request to: that one constrains credentials_name by a"
            " pattern the official SDK does not declare, and the test value (made to need"
            " percent-encoding, x/y) breaks it",
        )
        for answer in ("example", "dynamic")
    },
    **{
        (op, which, "dynamic"): (
            "prism",
            "Cannot read properties of undefined (reading 'items')",
            "Prism's data generator (json-schema-faker) crashes building this answer of the"
            " supplement (the official SDK's evaluation runs v2 and Responses API schemas)",
        )
        for op, which in (
            ("create_response_v1_responses_post", "stream_call"),
            (
                "get_evaluation_run_record_v2_v1_observability_evaluation_runs_v2__run_id__records__record_id__get",
                "call",
            ),
            ("get_evaluation_run_v2_v1_observability_evaluation_runs_v2__run_id__get", "call"),
            (
                "list_optimization_trials_v1_observability_optimizations__optimization_id__trials_get",
                "call",
            ),
            (
                "search_all_evaluation_runs_v2_v1_observability_evaluation_runs_v2_search_post",
                "call",
            ),
            (
                "search_evaluation_run_records_v2_v1_observability_evaluation_runs_v2__run_id__records_search_post",
                "call",
            ),
            (
                "search_evaluation_runs_v2_v1_observability_evaluations_v2__evaluation_slug__runs_search_post",
                "call",
            ),
        )
    },
    **{
        ("libraries_share_delete_v1", "call", answer): (
            "request",
            "Request body must have required property 'level'",
            "QUIRKS 3: SharingDelete requires `level` but defines no such property, so no "
            "value is known to send",
        )
        for answer in ("example", "dynamic")
    },
}
