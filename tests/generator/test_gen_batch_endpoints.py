"""generator/helpers.py `batch_endpoints`: the batch endpoint table comes from the spec,
and file operations take `progress=`."""

from __future__ import annotations

from pathlib import Path

from gen_helpers import generate, run_sdk

SPEC = """
paths:
  /v1/echo:
    post:
      operationId: echo_json
      tags: [echo]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/EchoRequest"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/EchoResponse"}
    get:
      operationId: echo_list
      tags: [echo]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /v1/files:
    post:
      operationId: upload
      tags: [files]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /v1/files/{file_id}/content:
    get:
      operationId: download
      tags: [files]
      parameters:
        - {name: file_id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
components:
  schemas:
    ApiEndpoint:
      type: string
      enum: [/v1/echo, /v1/nowhere]
    EchoRequest:
      type: object
      required: [text]
      properties: {text: {type: string}}
    EchoResponse:
      type: object
      properties: {text: {type: string}}
"""


def test_batch_endpoints_are_read_from_the_enum_and_the_operations(tmp_path: Path) -> None:
    out = generate(tmp_path, SPEC)
    table = run_sdk(
        out,
        "from mistral_sdk._batch_endpoints import BATCH_ENDPOINTS\n"
        "print(sorted(BATCH_ENDPOINTS.items()))",
    )
    assert table.strip() == (
        "[('/v1/echo', ('echo_json', 'EchoRequest', 'EchoResponse')),"
        " ('/v1/nowhere', ('', None, None))]"
    )


def test_file_operations_take_a_progress_callback(tmp_path: Path) -> None:
    out = generate(tmp_path, SPEC)
    files = (out / "mistral_sdk/resources/files/__init__.py").read_text()
    assert '"file": with_progress(file, progress)' in files
    assert "response=BinaryResponse(progress)" in files
    assert files.count("progress: ProgressCallback | None = None") == 4  # 2 ops, sync + async
    echo = (out / "mistral_sdk/resources/echo/__init__.py").read_text()
    assert "progress" not in echo
