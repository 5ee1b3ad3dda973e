"""One generator, two sources (generator/merge.py): the public spec and its supplement
(what the official SDK calls and the public spec lacks, docs/spec.md).

On small fixture documents: the supplement's operations are generated like the public
ones and say where they come from (IR, OPERATIONS, docstrings, the surface's own part);
the public spec wins by METHOD and path and by schema name; only the supplement schemas
its operations reach are added; an operation needing a public schema that is gone is
left out with a warning; a supplement beside the spec is read by default, `--supplement`
names one and `--no-supplement` reads none; when the public spec adopts an operation
its Python call stays and the surface diff says "now in the public spec"."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from gen_helpers import REPO, run_sdk

from generator import diff, ir, overlay, read_api, surface
from generator.__main__ import main
from generator.load import Problems
from generator.merge import load_merged, merge

PUBLIC = """\
openapi: 3.1.0
info: {title: Fixture API, version: "1.0"}
paths:
  /v1/things:
    get:
      operationId: list_things_v1_things_get
      tags: [things]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}}}}
components:
  schemas:
    Thing:
      type: object
      properties: {id: {type: string}, name: {type: string}}
      required: [id]
    HTTPValidationError:
      type: object
      properties: {detail: {type: string}}
"""

SUPPLEMENT = """\
openapi: 3.1.0
info: {title: officialsdk 9.9.0 supplement, version: 9.9.0}
x-source: {package: officialsdk, version: 9.9.0}
security: [{ApiKey: []}]
paths:
  /v1/hooks:
    post:
      operationId: create_hook_v1_hooks_post
      tags: [beta.hooks]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/CreateHook'}}}
      responses:
        "201": {description: '', content: {application/json: {schema: {$ref: '#/components/schemas/Hook'}}}}
        "422": {description: '', content: {application/json: {schema: {$ref: 'openapi.yaml#/components/schemas/HTTPValidationError'}}}}
      x-official: {call: beta.hooks.create, tags: [beta.hooks]}
  /v1/hooks/{hook_id}/secret:
    get:
      operationId: get_hook_secret_v1_hooks__hook_id__secret_get
      tags: [beta.hooks]
      parameters: [{name: hook_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: '', content: {application/json: {schema: {$ref: '#/components/schemas/HookSecret'}}}}
      x-official: {call: beta.hooks.get_secret, tags: [beta.hooks]}
  /v1/things/{thing_id}:
    get:
      operationId: get_thing_v1_things__thing_id__get
      tags: [things]
      parameters: [{name: thing_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: '', content: {application/json: {schema: {$ref: 'openapi.yaml#/components/schemas/Thing'}}}}
      x-official: {call: things.get, tags: [things]}
  /v1/gone:
    get:
      operationId: gone_v1_gone_get
      tags: [things]
      responses:
        "200": {description: '', content: {application/json: {schema: {$ref: 'openapi.yaml#/components/schemas/Vanished'}}}}
      x-official: {call: things.gone, tags: [things]}
components:
  schemas:
    CreateHook:
      type: object
      properties: {name: {type: string}, thing: {$ref: 'openapi.yaml#/components/schemas/Thing'}}
      required: [name]
    Hook:
      type: object
      properties: {id: {type: string}, name: {type: string}}
      required: [id, name]
    HookSecret:
      type: object
      properties: {secret: {type: string}}
      required: [secret]
    Thing:
      type: object
      properties: {id: {type: string}, kind: {type: string}}
      required: [id, kind]
      x-differs-from-public: {properties_only_here: [kind]}
    Unused:
      type: object
      properties: {x: {type: integer}}
  securitySchemes:
    ApiKey: {type: http, scheme: bearer}
"""

# the names the project's overlay would give them: `supplement.tags` puts `beta.hooks`
# at the top, `supplement.operations` renames one method
OVERLAY = overlay.parse(
    {
        "supplement": {
            "tags": {"beta.hooks": {"resource": "hooks"}},
            "operations": {
                "get_hook_secret_v1_hooks__hook_id__secret_get": {"method": "signing_secret"}
            },
        }
    }
)


def _write(folder: Path, public: str = PUBLIC, supplement: str | None = SUPPLEMENT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "openapi.yaml").write_text(public, encoding="utf-8")
    if supplement is not None:
        (folder / "supplement.yaml").write_text(supplement, encoding="utf-8")
    return folder / "openapi.yaml"


def _calls(api: ir.API) -> dict[str, tuple[str, str]]:
    """operationId → (Python call, source)."""
    return {
        op.operation_id: (
            surface.from_api(api).operations[f"{op.method} {op.path}"].calls[0].call,
            op.source,
        )
        for op in api.operations
    }


def test_supplement_operations_join_the_public_ones_under_the_overlays_names(
    tmp_path: Path,
) -> None:
    api, problems = read_api(_write(tmp_path), OVERLAY)
    assert _calls(api) == {
        "list_things_v1_things_get": ("things.list", "spec"),
        "create_hook_v1_hooks_post": ("hooks.create", "supplement"),
        "get_hook_secret_v1_hooks__hook_id__secret_get": ("hooks.signing_secret", "supplement"),
        "get_thing_v1_things__thing_id__get": ("things.get", "supplement"),
    }
    assert api.supplement is not None and api.supplement.release == "officialsdk 9.9.0"
    assert api.supplement.operations == 3
    # the public spec's Thing wins over the supplement's (which has `kind`)
    thing = api.definitions["Thing"]
    assert isinstance(thing, ir.Model) and [f.wire for f in thing.fields] == ["id", "name"]
    assert api.source_of(thing.pointer) == "spec"
    assert api.source_of(api.definitions["Hook"].pointer) == "supplement"
    # only what the kept operations reach: not `Unused`, nor what `/v1/gone` needed
    assert "Unused" not in api.definitions
    warned = [str(p) for p in problems.warnings]
    assert any("~1v1~1gone/get: left out: it needs Vanished" in w for w in warned), warned


def test_the_public_spec_wins_by_method_and_path(tmp_path: Path) -> None:
    """The public spec now has GET /v1/things/{id} (another parameter name, another id):
    its operation is used, and the supplement's is left out with a warning."""
    public = PUBLIC.replace(
        "components:",
        textwrap.dedent("""\
          /v1/things/{id}:
            get:
              operationId: read_thing
              tags: [things]
              parameters: [{name: id, in: path, required: true, schema: {type: string}}]
              responses:
                "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
        components:"""),
    )
    api, problems = read_api(_write(tmp_path, public), OVERLAY)
    sources = {op.operation_id: op.source for op in api.operations}
    assert sources["read_thing"] == "spec"
    assert "get_thing_v1_things__thing_id__get" not in sources
    assert any("is in the public spec now" in str(p) for p in problems.warnings)


def test_a_spec_alone_and_the_choice_of_supplement(tmp_path: Path) -> None:
    alone = _write(tmp_path / "alone", supplement=None)
    api, _ = read_api(alone, OVERLAY)
    assert api.supplement is None and len(api.operations) == 1
    beside = _write(tmp_path / "beside")
    assert len(read_api(beside, OVERLAY)[0].operations) == 4
    assert len(read_api(beside, OVERLAY, supplement=False)[0].operations) == 1
    assert (
        len(read_api(alone, OVERLAY, supplement=beside.with_name("supplement.yaml"))[0].operations)
        == 4
    )


def test_the_command_line_takes_a_supplement_or_none(tmp_path: Path) -> None:
    spec = _write(tmp_path / "spec")

    def surface_cli(*options: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "generator", "surface", "--spec", str(spec), *options]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True)

    merged, alone = surface_cli(), surface_cli("--no-supplement")
    assert f"{surface.SUPPLEMENT_MARK} officialsdk 9.9.0 (3 operations" in merged.stdout
    assert alone.returncode == 0 and surface.SUPPLEMENT_MARK not in alone.stdout
    missing = surface_cli("--supplement", "nope.yaml")
    assert missing.returncode == 2 and "cannot read the supplement nope.yaml" in missing.stderr


def test_the_surface_lists_the_supplement_apart_and_reads_back(tmp_path: Path) -> None:
    text = surface.to_text(surface.from_api(read_api(_write(tmp_path), OVERLAY)[0]))
    public, supplement = text.split(surface.SUPPLEMENT_MARK)
    assert "GET /v1/things -> things.list" in public and "model Thing(" in public
    assert supplement.startswith(" officialsdk 9.9.0 (3 operations, 3 models)")
    assert "POST /v1/hooks -> hooks.create(*, name: str, thing?: Thing) -> Hook" in supplement
    assert "model HookSecret(secret: str)" in supplement
    back = surface.parse_text(text)
    assert back.supplement == "officialsdk 9.9.0"
    assert back.operations["POST /v1/hooks"].source == "supplement"
    assert back.definitions["Hook"].source == "supplement"
    assert back.definitions["Thing"].source == "spec"
    assert surface.to_text(back) == text


def _adopting(public: str) -> str:
    """The public spec once it has POST /v1/hooks (the operationId and tag of the
    official SDK, as Mistral's own spec has them) and its schemas."""
    doc: dict[str, Any] = yaml.safe_load(public)
    supplement = yaml.safe_load(SUPPLEMENT)
    operation = supplement["paths"]["/v1/hooks"]["post"]
    del operation["x-official"]
    doc["paths"]["/v1/hooks"] = {"post": operation}
    for name in ("CreateHook", "Hook"):
        doc["components"]["schemas"][name] = supplement["components"]["schemas"][name]
    local = json.loads(json.dumps(doc).replace('"openapi.yaml#/', '"#/'))
    return yaml.safe_dump(local, sort_keys=False)


def test_an_operation_the_public_spec_adopts_keeps_its_call(tmp_path: Path) -> None:
    before = surface.from_api(read_api(_write(tmp_path / "before"), OVERLAY)[0])
    after_api, _ = read_api(_write(tmp_path / "after", _adopting(PUBLIC)), OVERLAY)
    after = surface.from_api(after_api)
    assert after.operations["POST /v1/hooks"].source == "spec"
    assert after.operations["POST /v1/hooks"].calls == before.operations["POST /v1/hooks"].calls
    result = diff.diff(before, after)
    assert [c.key for c in result.adopted] == ["POST /v1/hooks"]
    assert result.breaking == 0 and not result.ops_added and not result.ops_removed
    report = diff.markdown(result, "before", "after")
    assert "## Now in the public spec (1)" in report
    assert "- compatible — `POST /v1/hooks` → `client.hooks.create`" in report
    assert "now in the public spec (was from the supplement)" in report
    assert "(1 now in the public spec)" in diff.summary(result)
    entry = diff.changelog_entry(result, "Upstream spec")
    assert "- now in the public spec: `POST /v1/hooks` → `client.hooks.create`" in entry


def test_supplement_operations_say_where_they_come_from_at_run_time(tmp_path: Path) -> None:
    spec = _write(tmp_path / "spec")
    out = tmp_path / "sdk"
    assert main(["generate", "--spec", str(spec), "--out", str(out), "--quiet"]) == 0
    printed = run_sdk(
        out,
        """
        import inspect, mistral_sdk
        from mistral_sdk import _spec
        op = mistral_sdk.OPERATIONS["create_hook_v1_hooks_post"]
        print(op.source, op.release, repr(op))
        print(mistral_sdk.OPERATIONS["list_things_v1_things_get"].source)
        print(_spec.SUPPLEMENT, _spec.SUPPLEMENT_OPERATION_COUNT, _spec.OPERATION_COUNT)
        client = mistral_sdk.Mistral(api_key="k")
        print(inspect.getdoc(client.beta.hooks.create).splitlines()[0])
        print("official SDK" in inspect.getdoc(client.beta.hooks.create))
        print("official SDK" in inspect.getdoc(client.things.list))
        """,
    )
    lines = printed.splitlines()
    assert lines[0].startswith("supplement officialsdk 9.9.0 <Operation create_hook_v1_hooks_post")
    assert lines[0].endswith("[from officialsdk 9.9.0]: Create hook.>")
    assert lines[1:] == [
        "spec",
        "officialsdk 9.9.0 3 1",
        "Create hook.",
        "True",
        "False",
    ]


def test_merge_adds_the_supplements_security_where_it_is_not_the_publics() -> None:
    problems = Problems()
    public: dict[str, Any] = yaml.safe_load(PUBLIC)
    public["security"] = [{"Other": []}]
    public["components"]["securitySchemes"] = {"Other": {"type": "http", "scheme": "bearer"}}
    merged = merge(public, yaml.safe_load(SUPPLEMENT), problems)
    assert merged.operations == 3
    assert public["paths"]["/v1/hooks"]["post"]["security"] == [{"ApiKey": []}]
    assert public["components"]["securitySchemes"]["ApiKey"] == {"type": "http", "scheme": "bearer"}
    # references to the public spec are local to the merged document
    create = public["paths"]["/v1/hooks"]["post"]
    assert "openapi.yaml#" not in yaml.safe_dump(create)
    assert "openapi.yaml#" not in yaml.safe_dump(public["components"]["schemas"])


def test_load_merged_reads_the_file_beside(tmp_path: Path) -> None:
    problems = Problems()
    doc, merged = load_merged(_write(tmp_path), None, problems)
    assert merged is not None and merged.sha256
    assert "/v1/hooks" in doc["paths"] and "Hook" in doc["components"]["schemas"]
    assert merged.owns("#/paths/~1v1~1hooks/post/requestBody/content")
    assert not merged.owns("#/paths/~1v1~1things/get")


@pytest.mark.parametrize("section", ["operations", "tags"])
def test_an_overlay_entry_in_both_sections_is_refused(section: str) -> None:
    entry: dict[str, Any] = (
        {"x_op": {"method": "a"}} if section == "operations" else {"x": {"resource": "y"}}
    )
    with pytest.raises(overlay.OverlayError, match=rf"supplement\.{section}\['x(_op)?'\]"):
        overlay.parse({section: entry, "supplement": {section: entry}})


def test_a_supplement_method_named_like_a_public_one_is_left_out(tmp_path: Path) -> None:
    """An older public spec, say, names `things.list` for another route than the one
    the supplement's operation would take the name for: the public spec wins, the
    supplement's operation is left out and the warning says how to name it."""
    extra = textwrap.indent(
        textwrap.dedent("""\
            /v1/things/all:
              get:
                operationId: list_things_all_v1_things_all_get
                tags: [things]
                responses:
                  "200": {description: '', content: {application/json: {schema: {type: array, items: {type: string}}}}}
            """),
        "  ",
    )
    supplement = SUPPLEMENT.replace("paths:\n", "paths:\n" + extra, 1)
    overlay_ = overlay.parse(
        {"supplement": {"operations": {"list_things_all_v1_things_all_get": {"method": "list"}}}}
    )
    api, problems = read_api(_write(tmp_path, supplement=supplement), overlay_)
    assert "list_things_all_v1_things_all_get" not in {op.operation_id for op in api.operations}
    assert any(
        "left out: `things.list` is the public spec's list_things_v1_things_get" in str(p)
        for p in problems.warnings
    )
    from generator import render

    spec_module = render.Renderer(api).files()["mistral_sdk/_spec.py"]
    assert "SUPPLEMENT_OPERATION_COUNT = 3" in spec_module  # what was generated
