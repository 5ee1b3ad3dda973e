"""Property tests of the SSE decoder: any valid event sequence, serialised with any
line endings, comments and field spellings, and cut into chunks at any byte
boundaries, decodes to exactly those events."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mistral_sdk._sse import ServerSentEvent, SSEDecoder

# Field values: any text without line breaks (and ids without NUL, which the spec
# ignores); multi-line data is a list of such lines. Non-ASCII is included so that
# chunk boundaries fall inside UTF-8 sequences.
_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=30,
)
_name = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    min_size=1,
    max_size=20,
)
_event = st.fixed_dictionaries(
    {
        "event": st.none() | _name,
        "data": st.lists(_line, min_size=1, max_size=4),
        "id": st.none() | _line.filter(lambda s: "\0" not in s),
        "retry": st.none() | st.integers(min_value=0, max_value=10**9),
        "comment": st.none() | _line,
    }
)
_newline = st.sampled_from(["\n", "\r\n", "\r"])


def _field(name: str, value: str, spaced: bool) -> str:
    # "name: value" and "name:value" mean the same, unless the value itself starts
    # with a space: then only the spaced form keeps it
    if spaced or value.startswith(" "):
        return f"{name}: {value}"
    return f"{name}:{value}"


def serialise(events: list[dict[str, Any]], newline: str, spaced: bool) -> bytes:
    lines: list[str] = []
    for e in events:
        if e["comment"] is not None:
            lines.append(f":{e['comment']}")
        if e["event"] is not None:
            lines.append(_field("event", e["event"], spaced))
        if e["id"] is not None:
            lines.append(_field("id", e["id"], spaced))
        if e["retry"] is not None:
            lines.append(f"retry: {e['retry']}")
        lines.extend(_field("data", d, spaced) for d in e["data"])
        lines.append("")
    return (newline.join(lines) + newline).encode()


def expected(events: list[dict[str, Any]]) -> list[ServerSentEvent]:
    out = []
    last_id = None
    for e in events:
        if e["id"] is not None:
            last_id = e["id"]  # the last event id persists across events
        event = e["event"]
        out.append(ServerSentEvent(event, "\n".join(e["data"]), last_id, e["retry"]))
    return out


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    chunks, start = [], 0
    for p in points:
        chunks.append(data[start:p])
        start = p
    chunks.append(data[start:])
    return chunks


def decode(chunks: list[bytes]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    out: list[ServerSentEvent] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    assert decoder.close() == ""  # everything was complete
    return out


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(_event, max_size=8),
    newline=_newline,
    spaced=st.booleans(),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
)
def test_any_event_sequence_in_any_chunking(
    events: list[dict[str, Any]], newline: str, spaced: bool, cuts: list[int]
) -> None:
    data = serialise(events, newline, spaced)
    assert decode(split(data, cuts)) == expected(events)


@settings(max_examples=100, deadline=None)
@given(events=st.lists(_event, min_size=1, max_size=5), newline=_newline)
def test_byte_by_byte(events: list[dict[str, Any]], newline: str) -> None:
    data = serialise(events, newline, True)
    assert decode([data[i : i + 1] for i in range(len(data))]) == expected(events)


@settings(max_examples=20, deadline=None)
@given(size=st.integers(min_value=64 * 1024, max_value=300 * 1024), cuts=st.lists(st.integers()))
def test_lines_longer_than_64_kib(size: int, cuts: list[int]) -> None:
    payload = "x" * size
    data = f"event: big\ndata: {payload}\n\ndata: after\n\n".encode()
    events = decode(split(data, cuts))
    assert [e.data for e in events] == [payload, "after"]
    assert events[0].event == "big"


@settings(max_examples=100, deadline=None)
@given(events=st.lists(_event, min_size=1, max_size=4), cut=st.integers(min_value=1))
def test_a_cut_stream_yields_only_complete_events(events: list[dict[str, Any]], cut: int) -> None:
    data = serialise(events, "\n", True)
    cut = cut % len(data)  # somewhere before the end
    decoder = SSEDecoder()
    got = decoder.feed(data[:cut])
    decoder.close()
    # a prefix of the events, each complete and exact
    assert got == expected(events)[: len(got)]
