"""Renamed models as deprecated aliases: the overlay's `renamed` → models/_deprecated.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from gen_helpers import FIXTURE, REPO, run_sdk, write_spec

from generator import deprecations, overlay
from generator.__main__ import main
from generator.load import Problems, load
from generator.parse import parse

RENAMES = """\
renamed:
  removed_in: "9.0.0"
  models:
    ThingOld: Thing
    ShapeOld: Shape
    ThingIdOld: str
    Gone: NotInThisSpec
    Color: Shape
"""


def _overlay(tmp_path: Path, text: str) -> overlay.Overlay:
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    return overlay.load(path)


def _resolve(tmp_path: Path) -> tuple[list[tuple[str, str, bool]], set[tuple[str, str]]]:
    problems = Problems()
    api = parse(
        load(write_spec(tmp_path, FIXTURE), problems), problems, _overlay(tmp_path, RENAMES)
    )
    assert not problems.errors
    kept = [(r.old, r.new, r.is_class) for r in api.renamed]
    return kept, {(p.pointer, p.message) for p in problems.warnings}


def test_only_renames_that_apply_to_the_spec_are_kept(tmp_path: Path) -> None:
    kept, warnings = _resolve(tmp_path)
    assert kept == [("ShapeOld", "Shape", False), ("ThingIdOld", "str", False),
                    ("ThingOld", "Thing", True)]  # fmt: skip
    # a new name the spec lacks, and an old name the spec has again, are drift warnings
    # with the pointer where the spec would have the name
    assert warnings >= {
        (
            "#/components/schemas/NotInThisSpec",
            "overlay renamed `Gone` to `NotInThisSpec`, a definition not here: no alias",
        ),
        (
            "#/components/schemas/Color",
            "overlay renamed `Color` is a model of this spec again: no alias",
        ),
    }


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("renamed:\n  removed_in: 1\n", "renamed.removed_in", "got `int`"),
        ('renamed:\n  removed_in: "soon"\n', "renamed.removed_in", "release number"),
        ("renamed:\n  models: {A: B}\n", "renamed", "missing required field `removed_in`"),
        (
            'renamed:\n  removed_in: "1"\n  models: {"not a name": Thing}\n',
            "renamed.models",
            "identifier",
        ),
        ('renamed:\n  removed_in: "1"\n  models: {A: "B C"}\n', "renamed.models", "identifier"),
    ],
)
def test_a_malformed_section_is_refused(
    tmp_path: Path, text: str, where: str, problem: str
) -> None:
    with pytest.raises(overlay.OverlayError) as info:
        _overlay(tmp_path, text)
    assert f": {where}" in str(info.value) and problem in str(info.value)


def test_the_tracked_renames_all_apply_to_the_tracked_spec() -> None:
    spec = REPO / "spec" / "openapi.yaml"
    if not spec.is_file():
        pytest.skip("spec/openapi.yaml is not here (make spec)")
    from generator import read_api

    api, problems = read_api(spec)
    renamed = overlay.default().renamed
    assert renamed is not None
    assert {r.old: r.new for r in api.renamed} == renamed.models
    assert not [p for p in problems.warnings if "overlay renamed" in p.message]


def test_the_docs_list_every_renamed_name() -> None:
    page = (REPO / "docs" / "deprecations.md").read_text(encoding="utf-8")
    assert deprecations.with_table(page, deprecations.markdown()) == page, (
        "docs/deprecations.md is stale: python -m generator.deprecations --docs docs/deprecations.md"
    )


def test_the_docs_table_is_written_from_the_overlay_given(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Page\n<!-- deprecated-names:start -->\n<!-- deprecated-names:end -->\n")
    (tmp_path / "overlay.yaml").write_text(RENAMES, encoding="utf-8")
    argv = ["--docs", str(page), "--overlay", str(tmp_path / "overlay.yaml")]
    assert deprecations.main(argv) == 0
    text = page.read_text()
    assert "Removed in **9.0.0** (5 names):" in text
    assert "| `ThingIdOld` | `str` |" in text and "| `ThingOld` | `Thing` |" in text


def test_generated_aliases_warn_and_are_the_new_model(tmp_path: Path) -> None:
    data = tmp_path / "overlay.yaml"
    data.write_text(
        'renamed:\n  removed_in: "9.0.0"\n  models:\n    ThingOld: Thing\n    ShapeOld: Shape\n'
    )
    out = tmp_path / "sdk"
    spec = str(write_spec(tmp_path, FIXTURE))
    assert (
        main(["--overlay", str(data), "generate", "--spec", spec, "--out", str(out), "--quiet"])
        == 0
    )
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
