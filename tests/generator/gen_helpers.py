"""Helpers for generator tests: fixture specs written to tmp_path, parsed or generated."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from generator import ir  # noqa: E402
from generator.load import Problems, load  # noqa: E402
from generator.parse import parse  # noqa: E402

HEADER = """\
openapi: 3.1.0
info:
  title: Fixture API
  version: "1.0"
"""

# A small spec with one of each thing the surface shows (3.0 `nullable`, a `#stream`
# path, an operation answering JSON and SSE, a discriminated union, constants,
# deprecation): the surface, diff and spec-update tests use it.
FIXTURE = """\
openapi: 3.0.3
info: {title: Fixture API, version: "1.0"}
paths:
  /v1/things/{thing_id}:
    get:
      operationId: get_thing_v1_things__thing_id__get
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean, nullable: true}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
    delete:
      operationId: delete_thing_v1_things__thing_id__delete
      tags: [things]
      deprecated: true
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses: {"204": {description: gone}}
  /v1/things:
    post:
      operationId: create_thing_v1_things_post
      tags: [things]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingIn'}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
  /v1/chat:
    post:
      operationId: chat_v1_chat_post
      tags: [chat]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ChatIn'}}}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/ChatOut'}}
            text/event-stream: {schema: {$ref: '#/components/schemas/ChatOut'}}
  /v1/runs#stream:
    post:
      operationId: run_stream_v1_runs_post
      tags: [runs]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/ThingIn'}}}
      responses:
        "200": {description: ok, content: {text/event-stream: {schema: {$ref: '#/components/schemas/Shape'}}}}
components:
  schemas:
    Thing:
      type: object
      required: [id, color]
      properties:
        id: {type: string}
        color: {$ref: '#/components/schemas/Color'}
        shape: {$ref: '#/components/schemas/Shape'}
        note: {type: string, nullable: true}
    ThingIn:
      type: object
      required: [name]
      properties:
        name: {type: string}
        size: {type: integer}
    ChatIn:
      type: object
      required: [prompt]
      properties:
        prompt: {type: string}
        stream: {type: boolean, default: false}
    ChatOut: {type: object, properties: {text: {type: string}}}
    Color: {type: string, enum: [red, green]}
    Shape:
      oneOf: [{$ref: '#/components/schemas/Circle'}, {$ref: '#/components/schemas/Square'}]
      discriminator: {propertyName: kind}
    Circle: {type: object, required: [kind], properties: {kind: {type: string, enum: [circle]}, r: {type: number}}}
    Square: {type: object, required: [kind], properties: {kind: {type: string, enum: [square]}, side: {type: number}}}
    Tags: {type: array, items: {type: string}}
"""


def write_spec(tmp_path: Path, body: str, name: str = "openapi.yaml") -> Path:
    """Write a fixture spec: `body` is the YAML after `info` (paths, components)."""
    text = textwrap.dedent(body)
    if "openapi:" not in text:
        text = HEADER + text
    if "paths:" not in text:
        text += "\npaths: {}\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parse_spec(tmp_path: Path, body: str) -> tuple[ir.API, Problems]:
    problems = Problems()
    doc = load(write_spec(tmp_path, body), problems)
    return parse(doc, problems), problems


def parse_ok(tmp_path: Path, body: str) -> ir.API:
    api, problems = parse_spec(tmp_path, body)
    assert not problems.errors, [str(p) for p in problems.errors]
    return api


def generate(tmp_path: Path, body: str, out_name: str = "sdk") -> Path:
    """Run the generator CLI on a fixture spec; return the output directory."""
    from generator.__main__ import main

    spec = write_spec(tmp_path, body)
    out = tmp_path / out_name
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--quiet"]) == 0
    return out


def run_sdk(out: Path, code: str) -> str:
    """Run `code` in a fresh interpreter with `out` first on sys.path (so `import
    mistral_sdk` loads the fixture SDK, joined with this checkout's runtime by the
    editable install: scripts/editable_finder.py)."""
    prelude = f"import sys\nsys.path.insert(0, {str(out)!r})\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    proc = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=out,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


def model(api: ir.API, name: str) -> ir.Model:
    d = api.definitions[name]
    assert isinstance(d, ir.Model), d
    return d


def field(api: ir.API, model_name: str, wire: str) -> ir.Field:
    for f in model(api, model_name).fields:
        if f.wire == wire:
            return f
    raise KeyError(wire)


def operation(api: ir.API, op_id: str) -> ir.Operation:
    return next(o for o in api.operations if o.operation_id == op_id)


def mypy_errors(out: Path, user: Path) -> tuple[list[str], str]:
    """mypy --strict's error lines on a user's file `user` against the generated package
    in `out` (joined with this checkout's runtime), and its whole output."""
    env = {**os.environ, "MYPYPATH": os.pathsep.join([str(out), str(REPO / "runtime")])}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--explicit-package-bases",
         "--python-version", "3.11", "--no-error-summary", str(user)],
        capture_output=True, text=True, cwd=user.parent, env=env, check=False,
    )  # fmt: skip
    # the blocking twins of the runtime's code (generator/unasync.py) name the real spec's
    # models, as the runtime does: a fixture SDK lacks them
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    twin = re.compile(r"[^:]*mistral_sdk[/\\]_blocking[/\\]")
    return [line for line in errors if not twin.match(line)], done.stdout
