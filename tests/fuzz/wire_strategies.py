"""Hypothesis strategies for JSON values valid for a spec type (the generator's IR).

The IR is built from the spec by the generator itself (`spec_values.load_api`),
so "valid" means valid for the schema the SDK was generated from: required
fields always present, optional ones sometimes, constants and union tags
set, enums from their values, formats (date-time, uuid, bytes) well formed.
Deep in recursive schemas the strategy falls back to the smallest value
`spec_values` builds, so generation always terminates.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from hypothesis import strategies as st
from spec_values import Values

from generator import ir

MAX_DEPTH = 4

_json_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
ANY_JSON = st.recursive(
    _json_scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)

_PRIMS: dict[str, st.SearchStrategy[Any]] = {
    "str": st.text(max_size=30),
    "int": st.integers(-(2**63), 2**63 - 1),
    "float": st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**53), 2**53),
    "bool": st.booleans(),
    "none": st.none(),
    "any": ANY_JSON,
    "bytes": st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode()),
    "uuid": st.uuids().map(str),
    "date": st.dates().map(dt.date.isoformat),
    "time": st.times().map(dt.time.isoformat),
    "datetime": st.datetimes(timezones=st.sampled_from([dt.UTC, None])).map(
        lambda d: d.isoformat()
    ),
}


class WireStrategies:
    """`for_type(t)`: a strategy of JSON values valid for IR type `t`."""

    def __init__(self, values: Values) -> None:
        self.values = values
        self.defs = values.defs

    def for_type(self, t: ir.TypeExpr, depth: int = 0) -> st.SearchStrategy[Any]:
        if depth > MAX_DEPTH:
            return st.just(self.values.wire(t, depth=6))
        if isinstance(t, ir.Nullable):
            return st.none() | self.for_type(t.inner, depth)
        if isinstance(t, ir.Prim):
            return _PRIMS[t.kind]
        if isinstance(t, ir.Const):
            return st.just(t.value)
        if isinstance(t, ir.ListOf):
            return st.lists(self.for_type(t.item, depth + 1), max_size=3)
        if isinstance(t, ir.TupleOf):
            return st.tuples(*(self.for_type(x, depth + 1) for x in t.items)).map(list)
        if isinstance(t, ir.MapOf):
            return st.dictionaries(
                st.text(max_size=10), self.for_type(t.value, depth + 1), max_size=3
            )
        if isinstance(t, ir.UnionOf):
            return st.one_of(*(self.for_type(m, depth + 1) for m in t.members))
        if isinstance(t, ir.Ref):
            return self._ref(t.name, depth)
        raise TypeError(f"unknown type expression {t!r}")

    def _ref(self, name: str, depth: int) -> st.SearchStrategy[Any]:
        d = self.defs[name]
        if isinstance(d, ir.Enum):
            return st.sampled_from(d.values)
        if isinstance(d, ir.Alias):
            return self.for_type(d.type, depth + 1)
        if isinstance(d, ir.Model):
            return self.model(d, depth + 1)
        assert isinstance(d, ir.Union_)
        options = []
        for variant in d.variants:
            strategy = self.for_type(variant.type, depth + 1)
            if d.tag and variant.tag_value is not None:
                strategy = strategy.map(_with_tag(d.tag, variant.tag_value))
            options.append(strategy)
        return st.one_of(*options)

    def model(self, model: ir.Model, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for f in model.fields:
            if model.tag and f.wire == model.tag[0]:
                required[f.wire] = st.just(model.tag[1])
            elif f.const is not None:
                required[f.wire] = st.just(f.const.value)
            elif f.required:
                required[f.wire] = self.for_type(f.type, depth)
            else:
                optional[f.wire] = self.for_type(f.type, depth)
        return st.fixed_dictionaries(required, optional=optional)


def _with_tag(tag: str, value: str) -> Any:
    def put(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {**obj, tag: value}
        return obj

    return put
