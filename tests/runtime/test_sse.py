"""The SSE decoder against the WHATWG parsing rules, in every chunking."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mistral_sdk._sse import ServerSentEvent, SSEDecoder


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    decoder.close()
    return events


def test_basic_events() -> None:
    events = decode(b'data: {"a":1}\n\nevent: done\ndata: x\nid: 7\nretry: 100\n\n')
    assert events == [
        ServerSentEvent(None, '{"a":1}'),
        ServerSentEvent("done", "x", "7", 100),
    ]


def test_multiline_data_joined_with_lf() -> None:
    assert decode(b"data: a\ndata: b\ndata\ndata:c\n\n") == [ServerSentEvent(None, "a\nb\n\nc")]


def test_line_endings() -> None:
    expected = [ServerSentEvent("e", "1"), ServerSentEvent(None, "2")]
    assert decode(b"event: e\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n") == expected
    assert decode(b"event: e\rdata: 1\r\rdata: 2\r\r") == expected
    assert decode(b"event: e\ndata: 1\n\ndata: 2\n\n") == expected


def test_crlf_split_between_chunks() -> None:
    assert decode(b"data: 1\r", b"\n\r", b"\n") == [ServerSentEvent(None, "1")]
    # a lone CR at the end of a chunk is a line end on its own
    assert decode(b"data: 1\r", b"\rdata: 2\r\r") == [
        ServerSentEvent(None, "1"),
        ServerSentEvent(None, "2"),
    ]


def test_comments_and_unknown_fields_ignored() -> None:
    assert decode(b": keep-alive\n\n:x\ndata: y\nfoo: bar\n\n") == [ServerSentEvent(None, "y")]


def test_event_without_data_not_dispatched() -> None:
    assert decode(b"event: ping\n\nid: 3\n\ndata: x\n\n") == [ServerSentEvent(None, "x", "3")]


def test_empty_data_is_dispatched() -> None:
    assert decode(b"data:\n\n") == [ServerSentEvent(None, "")]


def test_only_one_leading_space_stripped() -> None:
    assert decode(b"data:  two\n\n") == [ServerSentEvent(None, " two")]


def test_id_persists_and_nul_ignored() -> None:
    events = decode(b"id: 1\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\n")
    assert [e.id for e in events] == ["1", "1", "1"]


def test_retry_digits_only() -> None:
    events = decode(b"retry: 12a\ndata: a\n\nretry: \xd9\xa3\ndata: b\n\nretry: 50\ndata: c\n\n")
    assert [e.retry for e in events] == [None, None, 50]


def test_field_without_colon() -> None:
    assert decode(b"data\n\n") == [ServerSentEvent(None, "")]
    assert decode(b"event\ndata: x\n\n") == [ServerSentEvent("", "x")]


def test_bom_stripped_only_at_start() -> None:
    assert decode(b"\xef\xbb\xbfdata: a\n\n") == [ServerSentEvent(None, "a")]
    assert decode(b"\xef", b"\xbb", b"\xbfdata: a\n\n") == [ServerSentEvent(None, "a")]
    # a second BOM is part of the text (a field named "\ufeffdata": ignored)
    assert decode(b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\n") == []


def test_incomplete_event_at_end_is_discarded() -> None:
    assert decode(b"data: a\n\ndata: b\n") == [ServerSentEvent(None, "a")]


def test_close_returns_the_text_of_a_cut_event() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: a\n\ndata: {"x":\ndata: 1') == [ServerSentEvent(None, "a")]
    assert decoder.close() == 'data: {"x":\ndata: 1'.replace("data: ", "", 1)
    assert decoder.close() == ""  # reset
    assert decode(b"data: a\n\ndata: b") == [ServerSentEvent(None, "a")]


def test_long_lines_beyond_64k() -> None:
    big = "x" * 300_000
    raw = f"data: {big}\n\n".encode()
    chunks = [raw[i : i + 1000] for i in range(0, len(raw), 1000)]
    assert decode(*chunks) == [ServerSentEvent(None, big)]


def test_utf8_split_across_chunks() -> None:
    raw = "data: héllo 🌍\n\n".encode()
    for i in range(len(raw)):
        assert decode(raw[:i], raw[i:]) == [ServerSentEvent(None, "héllo 🌍")]


def test_byte_at_a_time() -> None:
    raw = b"event: a\r\ndata: 1\r\ndata: 2\r\n\r\n: c\rdata: 3\r\r"
    assert decode(*[raw[i : i + 1] for i in range(len(raw))]) == decode(raw)


_line = st.one_of(
    st.builds(
        lambda v: f"data: {v}",
        st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",))),
    ),
    st.builds(lambda v: f"event: {v}", st.sampled_from(["a", "b", "conversation.response.done"])),
    st.builds(lambda v: f"id: {v}", st.integers(0, 99)),
    st.builds(lambda v: f"retry: {v}", st.integers(0, 5000)),
    st.just(": comment"),
    st.just("data"),
    st.just(""),
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_line, max_size=30),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    cuts=st.lists(st.integers(min_value=0), max_size=20),
)
def test_any_chunking_gives_the_same_events(lines: list[str], eol: str, cuts: list[int]) -> None:
    raw = (eol.join(lines) + eol + eol).encode()
    assert decode(*split(raw, cuts)) == decode(raw)


def split(raw: bytes, cuts: list[int]) -> list[bytes]:
    """`raw` cut at the given offsets (taken modulo its length)."""
    points = sorted({c % (len(raw) + 1) for c in cuts})
    return [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]


# --- valid event sequences against what they must decode to ----------------------

# Field values: any text without line breaks (ids without NUL, which the spec
# ignores). Non-ASCII is included so that cuts fall inside UTF-8 sequences.
_value = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=30,
)
_event = st.fixed_dictionaries(
    {
        "event": st.none() | _value.filter(bool),
        "data": st.lists(_value, min_size=1, max_size=4),
        "id": st.none() | _value.filter(lambda s: "\0" not in s),
        "retry": st.none() | st.integers(min_value=0, max_value=10**9),
        "comment": st.none() | _value,
    }
)


def _field(name: str, value: str, spaced: bool) -> str:
    # "name: value" and "name:value" mean the same, unless the value starts with a
    # space: then only the spaced form keeps it
    return f"{name}: {value}" if spaced or value.startswith(" ") else f"{name}:{value}"


def serialise(events: list[dict[str, object]], eol: str, spaced: bool) -> bytes:
    lines: list[str] = []
    for e in events:
        if e["comment"] is not None:
            lines.append(f":{e['comment']}")
        for name in ("event", "id"):
            if e[name] is not None:
                lines.append(_field(name, str(e[name]), spaced))
        if e["retry"] is not None:
            lines.append(f"retry: {e['retry']}")
        lines.extend(_field("data", d, spaced) for d in e["data"])  # type: ignore[attr-defined]
        lines.append("")
    return (eol.join(lines) + eol).encode()


def expected(events: list[dict[str, object]]) -> list[ServerSentEvent]:
    out, last_id = [], None
    for e in events:
        if e["id"] is not None:
            last_id = e["id"]  # the last event id persists across events
        data = "\n".join(e["data"])  # type: ignore[arg-type]
        out.append(ServerSentEvent(e["event"], data, last_id, e["retry"]))  # type: ignore[arg-type]
    return out


@settings(max_examples=300, deadline=None)
@given(
    events=st.lists(_event, max_size=8),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    spaced=st.booleans(),
    cuts=st.lists(st.integers(min_value=0), max_size=12),
)
def test_valid_events_in_any_chunking_decode_to_themselves(
    events: list[dict[str, object]], eol: str, spaced: bool, cuts: list[int]
) -> None:
    decoder = SSEDecoder()
    got = [e for chunk in split(serialise(events, eol, spaced), cuts) for e in decoder.feed(chunk)]
    assert decoder.close() == ""  # every event was complete
    assert got == expected(events)


@settings(max_examples=100, deadline=None)
@given(events=st.lists(_event, min_size=1, max_size=4), cut=st.integers(min_value=1))
def test_a_cut_stream_yields_only_complete_events(
    events: list[dict[str, object]], cut: int
) -> None:
    raw = serialise(events, "\n", True)
    decoder = SSEDecoder()
    got = decoder.feed(raw[: cut % len(raw)])  # somewhere before the end
    decoder.close()
    assert got == expected(events)[: len(got)]
