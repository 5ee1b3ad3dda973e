"""`date-time` fields read as the API's peers read them (issue 26, point 5): a date
alone, no time zone, Unix seconds (or milliseconds) decode to `datetime` as pydantic
reads them; what is no date at all still raises, naming the field, keeping the body."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx2
import msgspec
import pytest
from tolerance_helpers import Api, json_reply, sse_reply

import mistral_sdk
from mistral_sdk import APIResponseValidationError, models
from mistral_sdk._dates import read_datetime

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-01T10:30:00Z", dt.datetime(2025, 1, 1, 10, 30, tzinfo=UTC)),  # the fast path's
        ("2025-01-01", dt.datetime(2025, 1, 1)),  # a date alone: midnight, naive
        ("2025-01-01T10:30", dt.datetime(2025, 1, 1, 10, 30)),  # no seconds, no zone
        (
            "2025-01-01 10:30:00+0100",
            dt.datetime(2025, 1, 1, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ),
        ("2025-01-01t10:30:00.5z", dt.datetime(2025, 1, 1, 10, 30, 0, 500000, tzinfo=UTC)),
        (1735689600, dt.datetime(2025, 1, 1, tzinfo=UTC)),  # Unix seconds: aware UTC
        (1735689600.25, dt.datetime(2025, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)),
        ("1735689600", dt.datetime(2025, 1, 1, tzinfo=UTC)),  # a number as text
        (1735689600000, dt.datetime(2025, 1, 1, tzinfo=UTC)),  # beyond 2e10: milliseconds
        (0, dt.datetime(1970, 1, 1, tzinfo=UTC)),
    ],
)
def test_the_forms_pydantic_reads(value: Any, expected: dt.datetime) -> None:
    assert read_datetime(value) == expected
    entry = {"object": "entry", "type": "message.input", "role": "user", "content": "hi"}
    decoded = mistral_sdk.decode(
        json.dumps({**entry, "created_at": value}), models.MessageInputEntry
    )
    assert decoded.created_at == expected
    assert type(decoded.created_at) is dt.datetime and decoded.created_at.tzinfo == expected.tzinfo


@pytest.mark.parametrize(
    "value", ["yesterday", "2025-13-01", "2025-01-01T25:00", "2025W01", "", True, [1]]
)
def test_what_is_no_date_still_raises_naming_the_field(value: Any) -> None:
    entry = {"object": "entry", "type": "message.input", "role": "user", "content": "hi"}
    with pytest.raises(msgspec.ValidationError, match=r"at `\$\.created_at`"):
        mistral_sdk.decode(json.dumps({**entry, "created_at": value}), models.MessageInputEntry)


def _history(created_at: Any) -> dict[str, Any]:
    entry = {"object": "entry", "type": "message.input", "role": "user", "content": "hi"}
    return {
        "object": "conversation.history",
        "conversation_id": "c1",
        "entries": [{**entry, "id": f"e{i}", "created_at": created_at} for i in range(3)],
    }


def test_a_response_with_dates_alone_decodes_through_the_client(mode: str) -> None:
    api = Api(mode, json_reply(json.dumps(_history("2025-06-30"))))
    history = api.call("beta.conversations.get_history", "c1")
    assert [e.created_at for e in history.entries] == [dt.datetime(2025, 6, 30)] * 3


def test_a_response_with_no_date_keeps_its_body_and_names_the_field(mode: str) -> None:
    body = json.dumps(_history("last tuesday"))
    api = Api(mode, json_reply(body))
    with pytest.raises(APIResponseValidationError) as caught:
        api.call("beta.conversations.get_history", "c1")
    assert "entries[0].created_at" in str(caught.value)
    assert "last tuesday" in str(caught.value)
    assert caught.value.body == body.encode() or caught.value.body == json.loads(body)


def test_a_stream_event_with_unix_seconds(mode: str) -> None:
    event = {
        "type": "conversation.response.started",
        "conversation_id": "c1",
        "created_at": 1735689600,
    }
    done = {"type": "conversation.response.done", "usage": {}, "created_at": "2025-01-01"}
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in (event, done))
    api = Api(mode, sse_reply(body))
    events = api.events("beta.conversations.start_stream", inputs="hi", model="m")
    assert events[0].data.created_at == dt.datetime(2025, 1, 1, tzinfo=UTC)
    assert events[1].data.created_at == dt.datetime(2025, 1, 1)


def test_a_model_from_dict_reads_dates_the_same_way() -> None:
    entry = {"role": "user", "content": "hi", "created_at": "2025-01-02"}
    assert models.MessageInputEntry.from_dict(entry).created_at == dt.datetime(2025, 1, 2)


def test_requests_take_the_same_forms() -> None:
    """A request's date-time given as a date alone is sent as the datetime it means."""
    reply = {"object": "conversation.response", "conversation_id": "c1", "outputs": [], "usage": {}}
    api = Api("sync", lambda r: httpx2.Response(200, json=reply))
    api.call(
        "beta.conversations.append",
        "c1",
        inputs=[{"role": "user", "content": "hi", "created_at": "2025-01-01"}],
    )
    sent = json.loads(api.sent[-1].content)
    assert sent["inputs"][0]["created_at"] == "2025-01-01T00:00:00"
