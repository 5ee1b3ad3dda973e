"""Renamed models as deprecated aliases: spec/deprecated_names.yaml → models/_deprecated.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from gen_helpers import FIXTURE, REPO, generate, parse_ok, run_sdk

from generator import deprecations
from generator.load import Problems

RENAMES = """\
removed_in: "9.0.0"
renamed:
  ThingOld: Thing
  ShapeOld: Shape
  ThingIdOld: str
  Gone: NotInThisSpec
  Color: Shape
"""


def _resolve(tmp_path: Path) -> tuple[list[tuple[str, str, bool]], list[str]]:
    api = parse_ok(tmp_path, FIXTURE)
    data = tmp_path / "deprecated_names.yaml"
    data.write_text(RENAMES)
    problems = Problems()
    kept = deprecations.resolve(api, problems, data)
    return [(r.old, r.new, r.is_class) for r in kept], [p.message for p in problems.warnings]


def test_only_renames_that_apply_to_the_spec_are_kept(tmp_path: Path) -> None:
    kept, warnings = _resolve(tmp_path)
    assert kept == [("ShapeOld", "Shape", False), ("ThingIdOld", "str", False),
                    ("ThingOld", "Thing", True)]  # fmt: skip
    # a new name the spec lacks, and an old name the spec has again, are warnings
    assert any("`Gone` was renamed `NotInThisSpec`" in w for w in warnings)
    assert any("`Color` is a model of this spec again" in w for w in warnings)


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "deprecated_names.yaml"
    data.write_text("removed_in: 1\nrenamed: []\n")
    with pytest.raises(ValueError, match="removed_in"):
        deprecations.load(data)
    data.write_text('removed_in: "1"\nrenamed: {"not a name": Thing}\n')
    with pytest.raises(ValueError, match="Python names"):
        deprecations.load(data)


def test_the_tracked_renames_all_apply_to_the_tracked_spec() -> None:
    spec = REPO / "spec" / "openapi.yaml"
    if not spec.is_file():
        pytest.skip("spec/openapi.yaml is not here (make spec)")
    from generator import read_api

    api, problems = read_api(spec)
    _, renamed = deprecations.load()
    assert {r.old: r.new for r in api.renamed} == renamed
    assert not [p for p in problems.warnings if "deprecated_names" in p.pointer]


def test_the_docs_list_every_renamed_name() -> None:
    page = (REPO / "docs" / "deprecations.md").read_text(encoding="utf-8")
    assert deprecations.with_table(page, deprecations.markdown()) == page, (
        "docs/deprecations.md is stale: python -m generator.deprecations --docs docs/deprecations.md"
    )


def test_generated_aliases_warn_and_are_the_new_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "deprecated_names.yaml"
    data.write_text('removed_in: "9.0.0"\nrenamed:\n  ThingOld: Thing\n  ShapeOld: Shape\n')
    monkeypatch.setattr(deprecations, "FILE", data)
    out = generate(tmp_path, FIXTURE)
    source = (out / "mistral_sdk" / "models" / "_deprecated.py").read_text()
    assert "class ThingOld(Thing): ..." in source  # a class: a deprecated subclass
    assert "ShapeOld: TypeAlias = Shape" in source  # an alias: the same alias
    printed = run_sdk(
        out,
        """
        import warnings
        from mistral_sdk import models
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            print(models.ThingOld is models.Thing)
        print(caught[0].category.__name__, caught[0].message)
        try:
            models.Nope
        except AttributeError as exc:
            print("AttributeError", exc)
        print("ThingOld" in dir(models))
        """,
    )
    lines = printed.splitlines()
    assert lines[0] == "True"
    assert lines[1] == (
        "DeprecationWarning mistral_sdk.models.ThingOld is deprecated: use"
        " mistral_sdk.models.Thing (the old name goes away in 9.0.0; docs/deprecations.md)"
    )
    assert lines[2] == "AttributeError module 'mistral_sdk.models' has no attribute 'Nope'"
    assert lines[3] == "False"  # star-imports and dir() show the current names only
