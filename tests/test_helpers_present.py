"""The hand-written helpers find every operation they call in the tracked spec.

A spec update that removes or moves one of them (spec/overlay.yaml, `helpers`)
fails here, naming the helper and the operation, instead of leaving a helper that
raises AttributeError in users' hands. The tests of the helpers themselves skip,
pointing here, when the spec lacks what they need."""

from __future__ import annotations

import pytest
from spec_values import SPEC_MISSING_REASON, find_spec, load_api

from generator import helpers, overlay


def test_every_helper_finds_its_operations() -> None:
    path = find_spec()
    if path is None:
        pytest.skip(SPEC_MISSING_REASON)
    _, api, _ = load_api(str(path))
    missing = helpers.missing_operations(api.root, overlay.default())
    assert not missing, "\n".join(missing)
