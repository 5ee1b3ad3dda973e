"""Hostile event streams: the SSE decoder and `Stream` on random bytes.

Only SDK errors escape, nothing hangs, and memory is bounded by the largest
event, not by the length of the stream.
"""

from __future__ import annotations

import gc
import itertools
import tracemalloc
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fuzz_helpers import FUZZ, no_hang
from hypothesis import given
from hypothesis import strategies as st

from mistral_sdk import MistralError
from mistral_sdk._response import SSEResponse
from mistral_sdk._sse import SSEDecoder

REQUEST = httpx2.Request("GET", "https://api.test/v1/s")

# Bytes that matter to the decoder, over-represented among random ones.
_sse_bytes = st.lists(
    st.sampled_from(
        [b"\n", b"\r", b"\r\n", b":", b" ", b"data", b"event", b"id", b"retry", b"\xef\xbb\xbf"]
    )
    | st.binary(max_size=8),
    max_size=80,
).map(b"".join)


def chunked(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(body) + 1) for c in cuts})
    edges = [0, *points, len(body)]
    return [body[a:b] for a, b in itertools.pairwise(edges) if b > a]


def decode_all(chunks: list[bytes]) -> list[tuple[Any, ...]]:
    decoder = SSEDecoder()
    events = [e for chunk in chunks for e in decoder.feed(chunk)]
    decoder.close()
    return [(e.event, e.data, e.id, e.retry) for e in events]


@FUZZ
@given(
    body=_sse_bytes | st.binary(max_size=500), cuts=st.lists(st.integers(0, 10_000), max_size=12)
)
def test_decoder_takes_any_bytes_in_any_chunks(body: bytes, cuts: list[int]) -> None:
    with no_hang():
        whole = decode_all([body])
        assert decode_all(chunked(body, cuts)) == whole  # chunking never changes the events
    for event, data, _id, retry in whole:
        assert isinstance(data, str) and (event is None or isinstance(event, str))
        assert retry is None or isinstance(retry, int)


def read_stream(body: bytes, cuts: list[int], spec: SSEResponse[Any]) -> None:
    response = httpx2.Response(200, content=iter(chunked(body, cuts)), request=REQUEST)
    with no_hang():
        try:
            for _ in spec.parse_sync(response):
                pass
        except MistralError:
            pass
    assert response.is_closed  # released whatever happened


SPECS = [
    SSEResponse(Any),
    SSEResponse(Any, done_marker="[DONE]"),
    SSEResponse(Any, envelope=True, terminal=("done",)),
    SSEResponse(dict[str, int], terminal=("done",), errors=("failed",)),
]


@FUZZ
@given(
    body=_sse_bytes | st.binary(max_size=500),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
    spec=st.sampled_from(SPECS),
)
def test_stream_over_random_bytes_raises_only_sdk_errors(
    body: bytes, cuts: list[int], spec: SSEResponse[Any]
) -> None:
    read_stream(body, cuts, spec)


@FUZZ
@given(
    events=st.lists(
        st.tuples(
            st.sampled_from([None, "message", "error", "done", "failed"]), st.text(max_size=40)
        ),
        max_size=10,
    ),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
    spec=st.sampled_from(SPECS),
)
def test_stream_over_random_events_raises_only_sdk_errors(
    events: list[tuple[str | None, str]], cuts: list[int], spec: SSEResponse[Any]
) -> None:
    body = "".join(
        (f"event: {name}\n" if name else "")
        + "".join(f"data: {line}\n" for line in data.splitlines() or [""])
        + "\n"
        for name, data in events
    ).encode()
    read_stream(body, cuts, spec)


# -- memory ------------------------------------------------------------------------

MB = 1 << 20


def peak_while(run: Any) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def pieces(block: bytes, total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """`total` bytes of `block` repeated, in network-sized chunks, made on the fly."""
    chunk = (block * (size // len(block) + 1))[:size]
    for _ in range(total // size):
        yield chunk


@pytest.mark.parametrize(
    ("block", "total", "end", "limit"),
    [
        # 4 MB of small events: memory stays that of a chunk or two, whatever the length
        pytest.param(b'data: {"n": 1}\n\n', 4 * MB, b"", 1 * MB, id="small events"),
        # 4 MB without a line break (a hostile or broken server): the decoder must hold
        # the line (its pieces, joined, decoded: about 3 copies), no more
        pytest.param(b"x", 4 * MB, b"\n\n", 4 * 4 * MB, id="one huge line"),
        # one event of 256 Ki one-character lines: their list (~70 bytes a line), the text
        pytest.param(b"data: x\n", 2 * MB, b"\n", 16 * 2 * MB, id="one event, many lines"),
    ],
)
def test_decoder_memory(block: bytes, total: int, end: bytes, limit: int) -> None:
    def run() -> None:
        decoder = SSEDecoder()
        for chunk in pieces(block, total):
            decoder.feed(chunk)
        decoder.feed(end)

    assert peak_while(run) < limit


def test_memory_does_not_grow_with_the_stream_through_stream() -> None:
    def run() -> None:
        response = httpx2.Response(
            200, content=pieces(b'data: {"n": 1}\n\n', 2 * MB), request=REQUEST
        )
        for _ in SSEResponse(Any).parse_sync(response):
            pass

    assert peak_while(run) < 2 * MB
