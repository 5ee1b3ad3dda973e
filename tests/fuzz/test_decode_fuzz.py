"""Hostile bodies for every response type: only SDK errors escape, nothing hangs.

Every JSON and event-stream response of every operation (180 distinct types in
the current spec) gets random bytes, random JSON, a fixed set of nasty bodies,
and JSON that is valid for its schema, generated from the spec. Valid values
must decode (and survive an encode/decode round trip); everything else must
either decode or raise an SDK error that keeps the body.
"""

from __future__ import annotations

import random
from typing import Any

import httpx2
import msgspec
import pytest
from fuzz_helpers import FUZZ, ResponseType, api, no_hang, response_types
from hypothesis import given
from hypothesis import strategies as st
from wire_strategies import ANY_JSON, WireStrategies

from mistral_sdk import APIResponseValidationError, MistralError, decode, encode
from mistral_sdk._response import SSEResponse

TYPES = response_types()
REQUEST = httpx2.Request("GET", "https://api.test/v1/x")

NASTY: list[bytes] = [
    b"",
    b" ",
    b"null",
    b"[]",
    b"{}",
    b'""',
    b"0",
    b"-0",
    b"1e999",
    b"NaN",
    b"Infinity",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"[" * 10_000,
    b'{"a":' * 10_000,
    b'"\\ud800"',
    b"\xff\xfe\x00",
    b'{"id": "x", "id": 1}',
    b'{"object": "error", "error": {"message": "boom"}}',
    b'{"data": ' + b'"x",' * 1000 + b"}",
    b"\x00" * 100,
]


def parse(rt: ResponseType, body: bytes) -> Any:
    """The body through the same spec the generated method uses; a stream is read out."""
    response = httpx2.Response(200, content=body, request=REQUEST)
    if isinstance(rt.spec, SSEResponse):
        return list(rt.spec.parse_sync(response))
    return rt.spec.parse_sync(response)


def only_sdk_errors(rt: ResponseType, body: bytes) -> None:
    with no_hang():
        try:
            parse(rt, body)
        except APIResponseValidationError as exc:
            assert exc.body is not None  # the raw body (or event) is kept
        except MistralError:
            pass


def as_sse(body: bytes) -> bytes:
    """A JSON body as the data of one event (and the event name most streams use)."""
    return b"event: message\ndata: " + body.replace(b"\n", b" ") + b"\n\n"


def test_there_are_response_types() -> None:
    # every JSON and event-stream response type the spec declares is fuzzed
    declared = [
        m.response
        for op in api()[1].operations
        for m in op.methods
        if m.response.kind in ("json", "sse") and m.response.type is not None
    ]
    assert {repr(rt.ir_type) for rt in TYPES} == {repr(r.type) for r in declared}
    streams = any(r.kind == "sse" for r in declared)
    assert any(isinstance(rt.spec, SSEResponse) for rt in TYPES) == streams


DEEP = (b"[" * 10_000, b'{"a":' * 10_000)

# Found by this suite, in code owned elsewhere: (body, kind) -> reason. Each is
# xfail(strict=True), so the fix turns it into a failure until it is removed here.
KNOWN_BUGS: dict[tuple[bytes, str], str] = {}


def _nasty_cases() -> list[Any]:
    cases = []
    for i, body in enumerate(NASTY):
        for kind in ("json", "sse"):
            reason = KNOWN_BUGS.get((body, kind))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(body, kind, id=f"{kind}-{i}", marks=marks))
    return cases


@pytest.mark.parametrize(("body", "kind"), _nasty_cases())
def test_nasty_bodies_for_every_type(body: bytes, kind: str) -> None:
    for rt in TYPES:
        if isinstance(rt.spec, SSEResponse) == (kind == "sse"):
            only_sdk_errors(rt, as_sse(body) if kind == "sse" else body)


def test_seeded_random_bytes_for_every_type() -> None:
    rng = random.Random(7)
    for rt in TYPES:
        for size in (1, 17, 300):
            only_sdk_errors(rt, rng.randbytes(size))


@FUZZ
@given(rt=st.sampled_from(TYPES), body=st.binary(max_size=2000))
def test_random_bytes(rt: ResponseType, body: bytes) -> None:
    only_sdk_errors(rt, body)


@FUZZ
@given(rt=st.sampled_from(TYPES), value=ANY_JSON)
def test_random_json(rt: ResponseType, value: Any) -> None:
    body = msgspec.json.encode(value)
    only_sdk_errors(rt, as_sse(body) if isinstance(rt.spec, SSEResponse) else body)


@pytest.fixture(scope="module")
def strategies() -> WireStrategies:
    return WireStrategies(api()[0])


@pytest.mark.parametrize("rt", TYPES, ids=[rt.label for rt in TYPES])
def test_valid_json_decodes(rt: ResponseType, strategies: WireStrategies) -> None:
    @FUZZ.__class__(FUZZ, max_examples=max(5, FUZZ.max_examples // 8))
    @given(value=strategies.for_type(rt.ir_type))
    def check(value: Any) -> None:
        body = msgspec.json.encode(value)
        with no_hang():
            decoded = decode(body, rt.spec.type)
            # what the SDK decoded, it can send back: encoding loses nothing it kept
            assert decode(encode(decoded), rt.spec.type) == decoded

    check()
