"""`to_dict()` / `to_json()` and back, for every model and union of the spec (issue 26,
point 4): `Model.from_dict` / `Model.from_json` for a model, `mistral_sdk.from_dict` /
`mistral_sdk.decode` for a union (not a class), an `Unknown` variant included."""

from __future__ import annotations

import json
import random
from typing import Any

import msgspec
import pytest
from fuzz_helpers import FUZZ, api
from hypothesis import given
from hypothesis import strategies as st
from wire_strategies import WireStrategies

from generator import ir
from mistral_sdk import Unknown, decode, from_dict, models


def _definitions() -> list[str]:
    _, api_ = api()
    return sorted(api_.definitions)


def _runtime(name: str) -> Any:
    return getattr(models, name)


def _to_dict(value: Any) -> Any:
    """What a user holds to save a value: `to_dict()` of a model or an `Unknown`."""
    if isinstance(value, (msgspec.Struct, Unknown)):
        return value.to_dict()
    return msgspec.to_builtins(value, enc_hook=lambda u: u.raw)


def _round_trips(name: str, wire: Any) -> None:
    type_ = _runtime(name)
    value = decode(json.dumps(wire), type_)
    saved = _to_dict(value)
    json.dumps(saved)  # JSON-ready builtins
    assert from_dict(saved, type_) == value
    assert decode(json.dumps(saved), type_) == value
    if isinstance(value, msgspec.Struct):  # a model: its own class methods
        cls = type(value)
        assert cls.from_dict(value.to_dict()) == value
        assert cls.from_json(value.to_json()) == value
        assert cls.from_json(value.to_json(indent=2)) == value
    elif isinstance(value, Unknown):
        assert json.loads(value.to_json()) == value.raw


@pytest.mark.parametrize("name", _definitions())
def test_every_definition_round_trips(name: str) -> None:
    values, _ = api()
    _round_trips(name, values.wire(ir.Ref(name)))


def test_an_unknown_variant_round_trips() -> None:
    _, api_ = api()
    unions = [n for n, d in api_.definitions.items() if isinstance(d, ir.Union_) and d.tag]
    assert unions, "the spec has tagged unions"
    for name in unions:
        d = api_.definitions[name]
        assert isinstance(d, ir.Union_) and d.tag
        wire = {d.tag: "a.variant.from.the.future", "payload": [1, {"x": None}]}
        try:
            value = decode(json.dumps(wire), _runtime(name))
        except msgspec.ValidationError:
            continue  # a union whose unknown tags are errors (a closed one)
        assert isinstance(value, Unknown)
        _round_trips(name, wire)


_SAMPLE = random.Random(26).sample(_definitions(), 60)


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("name", _SAMPLE)
def test_any_valid_value_round_trips(name: str, data: st.DataObject) -> None:
    """Optional fields, nulls, nested unions: what the spec allows, from hypothesis."""
    values, _ = api()
    wire = data.draw(WireStrategies(values).for_type(ir.Ref(name)))
    _round_trips(name, wire)
