"""Generator rules of issue 11: ids are strings, required+nullable fields, DELETE answers."""

from __future__ import annotations

from pathlib import Path

from gen_helpers import field, operation, parse_ok

from generator import ir, surface
from generator.render import Renderer

SPEC = """
paths:
  /v1/files/{file_id}:
    delete:
      operationId: delete_file
      tags: [files]
      parameters: [{name: file_id, in: path, required: true, schema: {type: string, format: uuid}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Deleted'}}}}
  /v1/jobs:
    post:
      operationId: create_job
      tags: [jobs]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/JobIn'}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}
components:
  schemas:
    Deleted: {type: object, required: [id], properties: {id: {type: string, format: uuid}}}
    JobIn:
      type: object
      required: [input_files, model]
      properties:
        input_files: {type: array, items: {type: string, format: uuid}}
        model: {anyOf: [{type: string}, {type: "null"}]}
        owner: {anyOf: [{type: string, format: uuid}, {type: string}]}
    Job:
      type: object
      required: [id, end_time]
      properties:
        id: {type: string, format: uuid}
        end_time: {anyOf: [{type: string, format: date-time}, {type: "null"}]}
"""


def _files(tmp_path: Path) -> tuple[ir.API, dict[str, str]]:
    api = parse_ok(tmp_path, SPEC)
    return api, Renderer(api).files()


def test_uuid_is_str_in_models_and_str_or_uuid_in_arguments(tmp_path: Path) -> None:
    api, files = _files(tmp_path)
    job = next(text for name, text in files.items() if name.endswith("/_job.py"))
    assert "    id: str\n" in job and "UUID" not in job
    resource = files["mistral_sdk/resources/jobs/__init__.py"]
    assert "input_files: Sequence[str | UUID]" in resource
    assert "owner: str | UUID | UnsetType = UNSET" in resource  # uuid-or-string: one member
    assert "file_id: str | UUID" in files["mistral_sdk/resources/files/__init__.py"]
    assert field(api, "JobIn", "owner").type == ir.Prim("uuid")  # rendered `str` in models


def test_required_nullable_defaults_to_none(tmp_path: Path) -> None:
    api, files = _files(tmp_path)
    assert field(api, "Job", "end_time").null_default
    assert not field(api, "Job", "id").null_default
    job = next(text for name, text in files.items() if name.endswith("/_job.py"))
    assert "    end_time: datetime.datetime | None = None\n" in job
    resource = files["mistral_sdk/resources/jobs/__init__.py"]
    assert "model: str | None = None," in resource  # sent as null when not given
    assert '"model": model' in resource
    text = surface.to_text(surface.from_api(api))
    assert "end_time?: datetime | None" in text and "model?: str | None" in text


def test_delete_returns_optional(tmp_path: Path) -> None:
    api, files = _files(tmp_path)
    (method,) = operation(api, "delete_file").methods
    assert method.response.type == ir.Nullable(ir.Ref("Deleted"))
    assert "-> models.Deleted | None:" in files["mistral_sdk/resources/files/__init__.py"]
