"""Generator output: determinism, and `generated/` matching the tracked spec."""

from __future__ import annotations

import filecmp
import sys
import textwrap
import time
from pathlib import Path

import pytest
from gen_helpers import REPO, generate, mypy_errors

sys.path.insert(0, str(REPO / "tests"))
from spec_values import SPEC_MISSING_REASON, find_spec, supplement_file

FIXTURE = """
paths:
  /v1/things/{thing_id}:
    get:
      operationId: get_thing_v1_things__thing_id__get
      tags: [things]
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {anyOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}
        color: {type: string, enum: [red, green, blue]}
    A: {type: object, properties: {a: {type: string}}}
    B: {type: object, properties: {b: {type: integer}}}
"""


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generating_twice_gives_identical_trees(tmp_path: Path) -> None:
    first = tree(generate(tmp_path, FIXTURE, "one"))
    second = tree(generate(tmp_path, FIXTURE, "two"))
    assert first and first == second


def test_regenerating_into_the_same_directory_is_stable(tmp_path: Path) -> None:
    out = generate(tmp_path, FIXTURE, "same")
    before = tree(out)
    stale = out / "mistral_sdk" / "models" / "_stale.py"
    stale.write_text((out / "mistral_sdk" / "models" / "_a.py").read_text().splitlines()[0] + "\n")
    generate(tmp_path, FIXTURE, "same")
    assert tree(out) == before  # and a generated file no longer produced is removed


def _diff(a: Path, b: Path) -> list[str]:
    out: list[str] = []

    def walk(cmp: filecmp.dircmp[str], rel: str) -> None:
        out.extend(f"only in generated/: {rel}{n}" for n in cmp.left_only if n != "__pycache__")
        out.extend(f"only in regenerated: {rel}{n}" for n in cmp.right_only if n != "__pycache__")
        out.extend(f"differs: {rel}{n}" for n in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            if name != "__pycache__":
                walk(sub, f"{rel}{name}/")

    walk(filecmp.dircmp(a, b, ignore=["__pycache__"]), "")
    return out


def test_generated_is_what_the_generator_produces(tmp_path: Path) -> None:
    """Mirrors `make check-generated`."""
    spec = find_spec()
    if spec is None:
        pytest.skip(SPEC_MISSING_REASON)
    from generator.__main__ import main

    started = time.perf_counter()
    supplement = supplement_file(spec)
    extra = ["--supplement", str(supplement)] if supplement is not None else []
    assert main(["generate", "--spec", str(spec), *extra, "--out", str(tmp_path), "--quiet"]) == 0
    print(f"regenerated from {spec} in {time.perf_counter() - started:.2f}s")
    differences = _diff(REPO / "generated", tmp_path)
    assert not differences, (
        "generated/ is out of date with the spec and generator/ (run `make generate`):\n"
        + "\n".join(differences[:30])
    )


SHADOWING = """
paths:
  /v1/things:
    get:
      operationId: list_things_v1_things_get
      tags: [things]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}
  /v1/things/recent:
    get:
      operationId: recent_things_v1_things_recent_get
      tags: [things]
      parameters:
        - {name: type, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}}
components:
  schemas:
    Thing: {type: object, required: [id], properties: {id: {type: string}}}
"""


def test_a_method_named_like_a_builtin_does_not_hide_it_from_annotations(
    tmp_path: Path,
) -> None:
    """`things.list` is a method: in its class an annotation `list[Thing]` would name
    the method (mypy: "not valid as a type", the call typed Any); the generator names
    the builtin through `builtins`, and a parameter named `type` stays as it is."""
    pytest.importorskip("mypy")
    out = generate(tmp_path, SHADOWING)
    module = (out / "mistral_sdk" / "resources" / "things" / "__init__.py").read_text()
    assert "def list(" in module and "import builtins\n" in module
    assert ") -> builtins.list[models.Thing]:" in module
    assert "type: str | UnsetType = UNSET" in module
    user = tmp_path / "user.py"
    user.write_text(
        textwrap.dedent(
            """
            from mistral_sdk import Mistral

            def calls(client: Mistral) -> None:
                wrong: int = client.things.recent(type="new")
            """
        )
    )
    errors, output = mypy_errors(out, user)
    assert len(errors) == 1, output
    assert 'expression has type "list[Thing]"' in errors[0], errors[0]
