"""Every union of the tracked spec, decoded through `mistral_sdk.decode`:

- each known variant decodes to that variant (values built from the spec: its
  examples for scalars, the schema's structure for objects; plus the variant
  schema's own `example` where the spec gives one);
- an unknown tag decodes to `Unknown<Union>` keeping the raw value, which
  `encode` writes back unchanged, at the top level and nested in a list;
- a known variant with an invalid field raises, naming the field's JSON path,
  and never becomes an `Unknown` or another variant.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from spec_values import SPEC_MISSING_REASON, Values, find_spec, load_api, raw_spec

import mistral_sdk
from generator import ir
from mistral_sdk import models

UNKNOWN_TAG = "zz.not.a.known.tag"

_path = find_spec()
if _path is None:
    pytest.skip(SPEC_MISSING_REASON, allow_module_level=True)
DOC, API, _ = load_api(str(_path))
VALUES = Values(DOC, API)
UNIONS = sorted(
    (d for d in API.definitions.values() if isinstance(d, ir.Union_)), key=lambda d: d.name
)
TAGGED = [u for u in UNIONS if u.strategy == "tag"]


def union_type(union: ir.Union_) -> Any:
    return getattr(models, union.name)


def variant_value(union: ir.Union_, variant: ir.Variant) -> Any:
    value = VALUES.wire(variant.type, 1)
    if union.tag and variant.tag_value is not None and isinstance(value, dict):
        value[union.tag] = variant.tag_value
    return value


def expected_class(variant: ir.Variant) -> type | None:
    if isinstance(variant.type, ir.Ref):
        d = API.definitions[variant.type.name]
        if isinstance(d, ir.Model):
            return getattr(models, d.name)  # type: ignore[no-any-return]
    return None


def object_variants(union: ir.Union_) -> list[ir.Variant]:
    return [v for v in union.variants if expected_class(v) is not None]


def needs(*names: str) -> None:
    """Skip the test, naming what is missing, when the spec lacks one of `names`."""
    missing = [name for name in names if name not in API.definitions]
    if missing:
        pytest.skip(f"the spec has no schema {', '.join(missing)}")


def test_the_unions_under_test_are_the_specs() -> None:
    """Every schema the spec discriminates is a union these tests cover, and every
    union is a model: the parametrized tests below are not vacuous."""
    schemas = (raw_spec(str(_path)).get("components") or {}).get("schemas") or {}
    discriminated = {
        name
        for name, schema in schemas.items()
        if isinstance(schema, dict)
        and schema.get("discriminator")
        and len(schema.get("oneOf") or schema.get("anyOf") or []) > 1
    }
    names = {u.name for u in UNIONS}
    assert discriminated <= names
    assert all(hasattr(models, name) for name in names)
    assert {u.name for u in TAGGED} == {u.name for u in UNIONS if u.tag}


def structural_choice(union: ir.Union_, value: Any) -> ir.Variant | None:
    """The object variant docs/unions.md (1.5) picks for a dict in a union without a
    tag: of the variants whose required fields are all present, the most required
    fields, then the most of the value's keys declared, then spec order. None when
    the rule does not apply (a tagged union, a value that is not an object)."""
    if union.strategy == "tag" or not isinstance(value, dict):
        return None
    ranked = []
    for index, variant in enumerate(object_variants(union)):
        model = API.definitions[variant.type.name]  # type: ignore[union-attr]
        assert isinstance(model, ir.Model)
        required = {f.wire for f in model.fields if f.required}
        if required <= value.keys():
            covered = sum(1 for f in model.fields if f.wire in value)
            ranked.append(((-len(required), -covered, index), variant))
    return min(ranked, key=lambda item: item[0])[1] if ranked else None


@pytest.mark.parametrize("union", UNIONS, ids=lambda u: u.name)
def test_each_known_variant_decodes_as_the_rule_says(union: ir.Union_) -> None:
    """Each variant's value decodes to that variant; in a union without a tag, a value
    that two variants accept (`{}` where both have only optional fields) decodes to
    the one the documented rule picks (docs/unions.md, "Ambiguous values")."""
    t = union_type(union)
    for variant in union.variants:
        value = variant_value(union, variant)
        decoded = mistral_sdk.decode(json.dumps(value), t)
        assert not isinstance(decoded, mistral_sdk.Unknown), (variant, value)
        cls = expected_class(structural_choice(union, value) or variant)
        if cls is not None:
            assert isinstance(decoded, cls), (variant, value, decoded)
        # what the SDK writes back decodes to the same value
        assert mistral_sdk.decode(mistral_sdk.encode(decoded), t) == decoded


def schema_violation(op: ir.Operation, code: str, example: Any) -> str | None:
    """Where `example` breaks the spec's own schema for that response, checked by
    jsonschema against the raw spec (independent of the generator), or None."""
    import jsonschema

    from generator.load import escape

    doc = raw_spec(str(_path))
    response = f"#/paths/{escape(op.path)}/{op.method.lower()}/responses/{escape(code)}"
    pointer = f"{response}/content/application~1json/schema"
    validator = jsonschema.Draft202012Validator({**doc, "$ref": pointer})
    errors = sorted(validator.iter_errors(example), key=lambda e: list(map(str, e.path)))
    found = [
        f"at {'/'.join(map(str, e.absolute_path)) or 'the top'}: {e.message[:120]}"
        for e in errors[:3]
    ]
    return "; ".join(found) or None


def _response_examples() -> list[Any]:
    """(operation, status, example) for every JSON response example the spec gives
    (the spec has no `example` on any union variant's schema; these hold unions)."""
    cases = []
    for op in API.operations:
        raw = DOC["paths"][op.path][op.method.lower()]
        for code, resp in sorted((raw.get("responses") or {}).items()):
            media = ((resp or {}).get("content") or {}).get("application/json") or {}
            found = [media["example"]] if "example" in media else []
            found += [e.get("value") for e in (media.get("examples") or {}).values()]
            for i, example in enumerate(found):
                case_id = f"{op.operation_id}-{code}-{i}"
                cases.append(pytest.param(op, str(code), example, id=case_id))
    return cases


@pytest.mark.parametrize(("op", "code", "example"), _response_examples())
def test_spec_response_examples_decode(op: ir.Operation, code: str, example: Any) -> None:
    """An example that fits its schema decodes and round-trips. One that breaks the
    spec's own schema may still decode (the SDK tolerates some defects, QUIRKS 3);
    when it does not, that is the spec's defect, reported as an xfail naming it."""
    from generator.types import runtime

    response = next(m.response for m in op.methods if m.response.kind == "json")
    assert response.type is not None
    t = eval(runtime(response.type, "models."), {"models": models})
    try:
        decoded = mistral_sdk.decode(json.dumps(example), t)
    except msgspec.ValidationError:
        violation = schema_violation(op, code, example)
        if violation is None:
            raise
        pytest.xfail(f"the spec's example breaks its own schema {violation}")
    assert mistral_sdk.decode(mistral_sdk.encode(decoded), t) == decoded


@pytest.mark.parametrize("union", TAGGED, ids=lambda u: u.name)
def test_unknown_tag_decodes_to_unknown_and_round_trips(union: ir.Union_) -> None:
    assert union.tag is not None
    variant = object_variants(union)[0]
    value = variant_value(union, variant)
    value[union.tag] = UNKNOWN_TAG
    value["zz_new_field"] = {"nested": [1, "two", None]}
    decoded = mistral_sdk.decode(json.dumps(value), union_type(union))
    assert isinstance(decoded, mistral_sdk.Unknown)
    assert type(decoded).__name__ == f"Unknown{union.name}"
    assert decoded.raw == value
    assert json.loads(mistral_sdk.encode(decoded)) == value
    # nested: a list of the union, next to a known variant
    known = variant_value(union, variant)
    items = mistral_sdk.decode(json.dumps([known, value]), list[union_type(union)])
    assert isinstance(items[0], expected_class(variant))  # type: ignore[arg-type]
    assert isinstance(items[1], mistral_sdk.Unknown) and items[1].raw == value
    assert json.loads(mistral_sdk.encode(items)) == [
        json.loads(mistral_sdk.encode(items[0])),
        value,
    ]


def _wrong_value(field: ir.Field) -> Any | None:
    """A JSON value of the wrong shape for `field`, or None when any shape fits."""
    t = field.type.inner if isinstance(field.type, ir.Nullable) else field.type
    if isinstance(t, ir.Ref):
        d = API.definitions[t.name]
        if isinstance(d, ir.Alias):
            t = d.type
        elif isinstance(d, ir.Enum):
            return 12345 if d.base == "str" else "not-a-number"
        elif isinstance(d, (ir.Model, ir.Union_)):
            return 12345
    if isinstance(t, ir.Prim):
        if t.kind == "any":
            return None
        return [["not", "a", t.kind]] if t.kind != "str" else 12345
    if isinstance(t, (ir.ListOf, ir.MapOf)):
        return 12345
    if isinstance(t, ir.Const):
        return 12345
    return None


def _malformed(union: ir.Union_) -> tuple[dict[str, Any], str] | None:
    for variant in object_variants(union):
        model = API.definitions[variant.type.name]  # type: ignore[union-attr]
        assert isinstance(model, ir.Model)
        for f in model.fields:
            if not f.required or f.wire == union.tag:
                continue
            wrong = _wrong_value(f)
            if wrong is not None:
                value = variant_value(union, variant)
                value[f.wire] = wrong
                return value, f.wire
    return None


MALFORMED = [u for u in UNIONS if _malformed(u) is not None]


HEADLINE_UNIONS = (
    "ConversationEventData",
    "ConversationHistoryEntry",
    "WorkflowEventPayload",
    "TranscriptionStreamEventsData",
    "WorkflowExecutionTraceEventsResponseEvent",
)


@pytest.mark.parametrize("name", HEADLINE_UNIONS)
def test_the_headline_unions_have_a_malformed_case(name: str) -> None:
    # the others may have no object variant with a typed required field to break
    needs(name)
    assert name in {u.name for u in MALFORMED}


@pytest.mark.parametrize("union", MALFORMED, ids=lambda u: u.name)
def test_malformed_known_variant_raises_with_its_path(union: ir.Union_) -> None:
    case = _malformed(union)
    assert case is not None
    value, field = case
    with pytest.raises(msgspec.ValidationError) as info:
        mistral_sdk.decode(json.dumps(value), union_type(union))
    assert f"$.{field}" in str(info.value) or f"`{field}`" in str(info.value), str(info.value)
    # nested one level down, next to a valid value: the path names the index
    with pytest.raises(msgspec.ValidationError, match=r"\$\[1\]"):
        mistral_sdk.decode(
            json.dumps([variant_value(union, object_variants(union)[0]), value]),
            list[union_type(union)],
        )


def test_unknown_nested_deep_inside_known_variants() -> None:
    """A content chunk of a new type inside an output entry inside a history."""
    needs("ConversationHistory", "MessageOutputEntry")
    history = {
        "object": "conversation.history",
        "conversation_id": "c",
        "entries": [
            {"object": "entry", "type": "message.output", "role": "assistant",
             "content": [{"type": "text", "text": "a"}, {"type": "hologram", "uri": "h"}]},
            {"object": "entry", "type": "memory.write", "id": "m"},
        ],
    }  # fmt: skip
    decoded = mistral_sdk.decode(json.dumps(history), models.ConversationHistory)
    assert isinstance(decoded.entries[0], models.MessageOutputEntry)
    chunk = decoded.entries[0].content[1]
    assert isinstance(chunk, mistral_sdk.Unknown) and chunk.raw["type"] == "hologram"
    assert isinstance(decoded.entries[1], mistral_sdk.Unknown)
    assert json.loads(mistral_sdk.encode(decoded))["entries"] == history["entries"]


def test_open_enums_and_consts_keep_unknown_strings() -> None:
    needs("MessageOutputEntry", "WorkflowExecutionStatus")
    entry = {"object": "entry.v2", "type": "message.output", "role": "narrator", "content": "x"}
    decoded = mistral_sdk.decode(json.dumps(entry), models.MessageOutputEntry)
    assert decoded.role == "narrator" and decoded.object == "entry.v2"
    known = mistral_sdk.decode(
        json.dumps({**entry, "role": "assistant"}), models.MessageOutputEntry
    )
    assert known.role == "assistant"
    status = mistral_sdk.decode(b'"SOMETHING_NEW"', models.WorkflowExecutionStatus)
    assert status == "SOMETHING_NEW"


def test_unknown_fields_are_ignored() -> None:
    needs("TextChunk")
    chunk = mistral_sdk.decode(b'{"type": "text", "text": "a", "new": 1}', models.TextChunk)
    assert chunk == models.TextChunk(text="a")


def test_request_bodies_reject_an_unknown_tag_but_send_an_explicit_unknown() -> None:
    from mistral_sdk._codec import convert_body

    needs("ConversationHistoryEntry", "MessageInputEntry")
    t = models.ConversationHistoryEntry
    with pytest.raises(mistral_sdk.RequestValidationError, match=r"zz\.typo"):
        convert_body(list[t], [{"type": "zz.typo", "content": "x"}])  # type: ignore[valid-type]
    raw = {"type": "memory.write", "id": "m"}
    sent = convert_body(list[t], [mistral_sdk.Unknown(raw)])  # type: ignore[valid-type]
    assert json.loads(mistral_sdk.encode(sent)) == [raw]
    # a dict may leave out a tag the spec marks optional: matched by its fields
    entry = convert_body(t, {"role": "user", "content": "hi"})
    assert isinstance(entry, models.MessageInputEntry)
    assert json.loads(mistral_sdk.encode(entry))["type"] == "message.input"
