"""Every spec Mistral published (../shared/spec/history/) generates an SDK that imports
and exposes all of that spec's operations, counted independently of the generator, and
the surface diff of each consecutive pair adds and removes exactly the operations and
schemas that the YAML itself says were added and removed.

Between them these specs span OpenAPI 3.0 (`nullable`) and 3.1 (type lists), the
`#stream` path fragments, and discriminated unions; no code here or in the generator
is keyed on which spec or version it is."""

from __future__ import annotations

import functools
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gen_helpers import REPO

from generator import diff, surface
from generator.naming import identifier

HISTORY = REPO.parent / "shared" / "spec" / "history"
SPECS = sorted(HISTORY.glob("*.yaml")) if HISTORY.is_dir() else []
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}

CHECK = """
import json, sys
import msgspec
import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral, OPERATIONS, models
assert mistral_sdk.__file__.startswith(sys.argv[1]), mistral_sdk.__file__
for name in models.__all__:
    msgspec.json.Decoder(getattr(models, name))  # every annotation resolves
calls = 0
for client in (Mistral(api_key="k"), AsyncMistral(api_key="k")):
    for op in OPERATIONS.values():
        for call in filter(None, (op.call, op.stream_call)):
            target = client
            for part in call.split("."):
                target = getattr(target, part)
            assert callable(target), call
            calls += 1
print(json.dumps({"operations": sorted(OPERATIONS), "models": models.__all__}))
"""


def spec_counts(path: Path) -> tuple[set[str], set[str]]:
    """operationIds and component schema names, read straight from the YAML."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    ops = {
        op["operationId"]
        for item in doc["paths"].values()
        for verb, op in item.items()
        if verb in HTTP_METHODS
    }
    return ops, set((doc.get("components") or {}).get("schemas") or {})


@pytest.mark.skipif(not SPECS, reason="../shared/spec/history/ is not beside the checkout")
@pytest.mark.parametrize("spec", SPECS, ids=[p.name[:19] for p in SPECS])
def test_history_spec_generates_a_working_sdk(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    gen = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert gen.returncode == 0, gen.stderr
    run = subprocess.run(
        [sys.executable, "-c", CHECK, str(out)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout)
    operations, schemas = spec_counts(spec)
    assert set(seen["operations"]) == operations
    assert schemas <= set(seen["models"])  # plus hoisted inline definitions


# --- the diff of each consecutive pair, against counts taken straight from the YAML ----


def yaml_surface(path: Path) -> tuple[set[str], set[str], set[str]]:
    """`METHOD /path` of every operation, the component schema names, and the names of
    local `$defs` schemas anywhere in the document (the generator hoists those into
    the models, QUIRKS 1), read with PyYAML alone."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    ops = {
        f"{verb.upper()} {route}"
        for route, item in doc["paths"].items()
        for verb in item
        if verb in HTTP_METHODS
    }
    local: set[str] = set()
    todo = [doc]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            local.update(node.get("$defs") or {})
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return ops, set((doc.get("components") or {}).get("schemas") or {}), local


@functools.cache
def surface_of(path: Path) -> surface.Surface:
    return surface.read_spec(path)


PAIRS = list(itertools.pairwise(SPECS))


@pytest.mark.skipif(not PAIRS, reason="../shared/spec/history/ is not beside the checkout")
@pytest.mark.parametrize(
    ("old", "new"), PAIRS, ids=[f"{a.name[:10]}..{b.name[:10]}" for a, b in PAIRS]
)
def test_history_pair_diff_matches_an_independent_count(old: Path, new: Path) -> None:
    result = diff.diff(surface_of(old), surface_of(new))
    old_ops, old_schemas, old_local = yaml_surface(old)
    new_ops, new_schemas, new_local = yaml_surface(new)

    assert {op.key for op in result.ops_added} == new_ops - old_ops
    assert {gone.op.key for gone in result.ops_removed} == old_ops - new_ops
    assert not result.equal

    named = old_schemas | new_schemas  # the diff also sees hoisted inline definitions
    added = {d.name for d in result.defs_added}
    removed = {d.name for d in result.defs_removed}
    assert added & named <= new_schemas - old_schemas
    assert removed & named <= old_schemas - new_schemas
    # a component schema that came or went while the other spec had it under `$defs`
    # was a model on both sides: the only allowed gap between the two counts
    assert (new_schemas - old_schemas) - added <= old_local
    assert (old_schemas - new_schemas) - removed <= new_local

    report = diff.markdown(result, old.name, new.name)
    for title, count in (
        ("Operations added", len(new_ops - old_ops)),
        ("Operations removed", len(old_ops - new_ops)),
        ("Models added", len(added)),
        ("Models removed", len(removed)),
    ):
        assert (f"## {title} ({count})" in report) == bool(count), title
    for key in (new_ops - old_ops) | (old_ops - new_ops):
        assert f"`{key}` → `client." in report


@pytest.mark.skipif(not SPECS, reason="../shared/spec/history/ is not beside the checkout")
@pytest.mark.parametrize("spec", SPECS, ids=[p.name[:19] for p in SPECS])
def test_history_surface_reads_back(spec: Path) -> None:
    """`spec/surface.txt` can stand for the spec it came from (`diff` reads either)."""
    text = surface.to_text(surface_of(spec))
    assert surface.parse_text(text) == surface_of(spec)
    assert diff.diff(surface.parse_text(text), surface_of(spec)).equal


def _union_tags(surf: surface.Surface, type_text: str) -> set[str | None]:
    """Tags of the unions a field's type names (through `list[...]` and `| None`)."""
    inner = type_text.removeprefix("list[").removesuffix("]")
    defs = [surf.definitions.get(m) for m in surface.split_top(inner, " | ")]
    return {d.tag for d in defs if d is not None and d.kind == "union"}


@pytest.mark.skipif(not SPECS, reason="../shared/spec/history/ is not beside the checkout")
@pytest.mark.parametrize("spec", SPECS, ids=[p.name[:19] for p in SPECS])
def test_history_spec_eras_reach_the_surface(spec: Path) -> None:
    """3.0 `nullable: true` properties admit None; `#stream` operations stream; a
    discriminated union of two or more variants is a union tagged by its property."""
    doc = yaml.load(spec.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    surf = surface_of(spec)
    schemas = (doc.get("components") or {}).get("schemas") or {}
    seen = {"nullable": 0, "stream": 0, "discriminator": 0}

    def field_type(model: str, prop: str) -> str:
        d = surf.definitions[model]
        return next(f.type for f in d.fields if f.name == identifier(prop))

    for name, schema in schemas.items():
        discriminator = schema.get("discriminator") or {}
        variants = schema.get("oneOf") or schema.get("anyOf") or []
        if discriminator and len(variants) > 1:
            seen["discriminator"] += 1
            assert surf.definitions[name].tag == discriminator["propertyName"], name
        for prop, sub in (schema.get("properties") or {}).items():
            if sub.get("nullable") is True:
                seen["nullable"] += 1
                assert "None" in surface.split_top(field_type(name, prop), " | "), (name, prop)
            inner = sub.get("items") if isinstance(sub.get("items"), dict) else sub
            variants = inner.get("oneOf") or inner.get("anyOf") or []
            if inner.get("discriminator") and len(variants) > 1:
                seen["discriminator"] += 1
                tag = inner["discriminator"]["propertyName"]
                assert tag in _union_tags(surf, field_type(name, prop)), (name, prop)
    for key, op in surf.operations.items():
        if key.endswith("#stream"):
            seen["stream"] += 1
            assert all(call.streaming for call in op.calls), key
    print(spec.name, seen)
