"""The realtime audio protocols, written down once: messages, events, and the
session logic shared by the blocking and the async connections (no I/O here).

The public OpenAPI spec cannot describe WebSocket protocols. It has the
transcription stream events (`models.TranscriptionStream*`) and the speech audio
events (`models.SpeechStream*`), which are reused; the session, error and turn
messages are defined below, as the API sends them.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict

import msgspec

from .. import models
from .._codec import decode, encode, union_type
from .._errors import RequestValidationError
from ._errors import RealtimeConnectionClosed, RealtimeError, RealtimeProtocolError

__all__ = [
    "MAX_AUDIO_CHUNK",
    "AudioFormat",
    "ConnectOptions",
    "RealtimeErrorDetail",
    "RealtimeErrorEvent",
    "RealtimeSpeechEvent",
    "RealtimeSpeechSession",
    "RealtimeTranscriptionEvent",
    "RealtimeTranscriptionSession",
    "SpeechOptions",
    "SpeechSettings",
    "SpeechSessionCreated",
    "SpeechSessionUpdated",
    "TranscriptionSessionCreated",
    "TranscriptionOptions",
    "TranscriptionSessionUpdated",
    "TranscriptionSettings",
    "TurnDetectionConfig",
    "TurnEagerEnd",
    "TurnEnd",
    "TurnResume",
    "TurnStart",
]

# The server refuses an `input_audio.append` whose audio decodes to more bytes.
MAX_AUDIO_CHUNK = 262144

AudioEncoding: TypeAlias = Literal[
    "pcm_s16le", "pcm_s32le", "pcm_f16le", "pcm_f32le", "pcm_mulaw", "pcm_alaw"
]
StreamingMode: TypeAlias = Literal["responsive", "long_form"]


class AudioFormat(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The format of the audio sent for transcription."""

    encoding: AudioEncoding | str
    """`pcm_s16le`, `pcm_s32le`, `pcm_f16le`, `pcm_f32le`, `pcm_mulaw` or `pcm_alaw`."""
    sample_rate: int
    """Samples per second, for example 16000."""


class TurnDetectionConfig(msgspec.Struct, kw_only=True, omit_defaults=True):
    """When the server emits `turn.*` events (semantic voice activity detection)."""

    start_threshold: float | None = None
    eager_end_threshold: float | None = None
    end_threshold: float | None = None
    min_silence_ms: int | None = None
    end_timeout_ms: int | None = None


class RealtimeTranscriptionSession(msgspec.Struct, kw_only=True):
    """A transcription session as the server describes it."""

    request_id: str
    model: str
    audio_format: AudioFormat
    target_streaming_delay_ms: int | None = None
    diarize: bool | None = None
    context_bias: list[str] | None = None
    language: str | None = None
    speaker_references: Any = None
    turn_detection: TurnDetectionConfig | None = None


class RealtimeSpeechSession(msgspec.Struct, kw_only=True):
    """A speech session as the server describes it."""

    request_id: str
    model: str
    is_ref_audio: bool = False
    streaming_mode: StreamingMode | str | None = None
    response_format: models.SpeechOutputFormat | None = None
    expressiveness: float | None = None
    voice: str | None = None


class TranscriptionSessionCreated(
    msgspec.Struct, kw_only=True, tag_field="type", tag="session.created"
):
    """The server accepted the connection; audio may be sent from now on."""

    session: RealtimeTranscriptionSession


class TranscriptionSessionUpdated(
    msgspec.Struct, kw_only=True, tag_field="type", tag="session.updated"
):
    """The server applied a `session.update`."""

    session: RealtimeTranscriptionSession


class SpeechSessionCreated(msgspec.Struct, kw_only=True, tag_field="type", tag="session.created"):
    """The server accepted the connection; text may be sent from now on."""

    session: RealtimeSpeechSession


class SpeechSessionUpdated(msgspec.Struct, kw_only=True, tag_field="type", tag="session.updated"):
    """The server applied a `session.update`."""

    session: RealtimeSpeechSession


class RealtimeErrorDetail(msgspec.Struct, kw_only=True):
    """What went wrong: `message` is text or an object (`{"detail": ...}`)."""

    message: Any = None
    code: int | str | None = None


class RealtimeErrorEvent(msgspec.Struct, kw_only=True, tag_field="type", tag="error"):
    """An error reported by the server inside the session."""

    error: RealtimeErrorDetail


class TurnStart(msgspec.Struct, kw_only=True, tag_field="type", tag="turn.start"):
    """A speaker started talking, `time_s` seconds into the audio."""

    time_s: float


class TurnEagerEnd(msgspec.Struct, kw_only=True, tag_field="type", tag="turn.eager_end"):
    """The turn probably ended (an early guess, which `turn.resume` may take back)."""

    time_s: float


class TurnResume(msgspec.Struct, kw_only=True, tag_field="type", tag="turn.resume"):
    """The speaker went on after a `turn.eager_end`."""

    time_s: float


class TurnEnd(msgspec.Struct, kw_only=True, tag_field="type", tag="turn.end"):
    """The turn ended; `end_reason` says why."""

    time_s: float
    end_reason: str | None = None


_TRANSCRIPTION_EVENTS: dict[str, Any] = {
    "session.created": TranscriptionSessionCreated,
    "session.updated": TranscriptionSessionUpdated,
    "error": RealtimeErrorEvent,
    "transcription.language": models.TranscriptionStreamLanguage,
    "transcription.segment": models.TranscriptionStreamSegmentDelta,
    "transcription.text.delta": models.TranscriptionStreamTextDelta,
    "transcription.done": models.TranscriptionStreamDone,
    "turn.start": TurnStart,
    "turn.eager_end": TurnEagerEnd,
    "turn.resume": TurnResume,
    "turn.end": TurnEnd,
}

_SPEECH_EVENTS: dict[str, Any] = {
    "session.created": SpeechSessionCreated,
    "session.updated": SpeechSessionUpdated,
    "error": RealtimeErrorEvent,
    "speech.audio.delta": models.SpeechStreamAudioDelta,
    "speech.audio.done": models.SpeechStreamDone,
}

if TYPE_CHECKING:
    from .._codec import Unknown

    RealtimeTranscriptionEvent: TypeAlias = (
        TranscriptionSessionCreated
        | TranscriptionSessionUpdated
        | RealtimeErrorEvent
        | models.TranscriptionStreamLanguage
        | models.TranscriptionStreamSegmentDelta
        | models.TranscriptionStreamTextDelta
        | models.TranscriptionStreamDone
        | TurnStart
        | TurnEagerEnd
        | TurnResume
        | TurnEnd
        | Unknown
    )
    RealtimeSpeechEvent: TypeAlias = (
        SpeechSessionCreated
        | SpeechSessionUpdated
        | RealtimeErrorEvent
        | models.SpeechStreamAudioDelta
        | models.SpeechStreamDone
        | Unknown
    )
else:  # open unions: an event type the SDK does not know yet is an `Unknown`
    RealtimeTranscriptionEvent = union_type(
        "RealtimeTranscriptionEvent",
        tag="type",
        tagged=lambda: _TRANSCRIPTION_EVENTS,
        variants=lambda: tuple(_TRANSCRIPTION_EVENTS.values()),
    )
    RealtimeSpeechEvent = union_type(
        "RealtimeSpeechEvent",
        tag="type",
        tagged=lambda: _SPEECH_EVENTS,
        variants=lambda: tuple(_SPEECH_EVENTS.values()),
    )


class _TranscriptionUpdate(msgspec.Struct, kw_only=True, omit_defaults=True):
    audio_format: AudioFormat | None = None
    target_streaming_delay_ms: int | None = None
    diarize: bool | None = None
    context_bias: list[str] | None = None
    language: str | None = None
    speaker_references: dict[str, str] | None = None
    turn_detection: TurnDetectionConfig | None = None


class _SpeechUpdate(msgspec.Struct, kw_only=True, omit_defaults=True):
    voice: str | None = None
    ref_audio: str | None = None
    response_format: models.SpeechOutputFormat | None = None
    streaming_mode: StreamingMode | str | None = None
    expressiveness: float | None = None


class TranscriptionSettings(TypedDict, total=False):
    """A transcription session's settings: the keyword arguments of `update_session`,
    and of `connect_transcription` and `transcribe` (with `ConnectOptions`)."""

    audio_format: AudioFormat | Mapping[str, Any] | None
    """The audio's `encoding` and `sample_rate` (an `AudioFormat` or a dict)."""
    target_streaming_delay_ms: int | None
    """How far behind the audio the text may lag."""
    diarize: bool | None
    """Tag speakers inline."""
    context_bias: list[str] | None
    """Phrases or terms to bias the transcription towards."""
    language: str | None
    """The ISO-639-1 code of the audio's language."""
    speaker_references: Mapping[str, str] | None
    """Reference audio for known speakers, by name (needs `diarize`)."""
    turn_detection: TurnDetectionConfig | Mapping[str, Any] | None
    """Emit `turn.*` events (a `TurnDetectionConfig` or a dict)."""


class SpeechSettings(TypedDict, total=False):
    """A speech session's settings: the keyword arguments of `update_session`, and of
    `connect_speech` and `speak` (with `ConnectOptions`)."""

    voice: str | None
    """A preset voice (exclusive with `ref_audio`)."""
    ref_audio: bytes | str | None
    """Reference audio to clone (bytes, base64-encoded for you, or base64 text)."""
    response_format: str | None
    """`pcm` (32-bit float little-endian mono), `wav`, `mp3`, `flac` or `opus`."""
    streaming_mode: str | None
    """`responsive` (short chunks) or `long_form` (smoother long texts)."""
    expressiveness: float | None
    """Higher is more expressive (at least 1.0)."""


class ConnectOptions(TypedDict, total=False):
    """How `connect_transcription` / `connect_speech` (and `transcribe` / `speak`)
    open the session."""

    errors_as_events: bool
    """Deliver server `error` events instead of raising `RealtimeError` (default False)."""
    open_timeout: float | None
    """Seconds for connecting, the upgrade and `session.created`, retries included
    (default 10): then `APITimeoutError`."""
    extra_headers: Mapping[str, str] | None
    """Headers for the upgrade request."""
    extra_query: Mapping[str, object] | None
    """Query parameters for the WebSocket URL."""


class TranscriptionOptions(TranscriptionSettings, ConnectOptions, total=False):
    """The keyword arguments of `connect_transcription` and `transcribe` but `model`."""


class SpeechOptions(SpeechSettings, ConnectOptions, total=False):
    """The keyword arguments of `connect_speech` and `speak` but `model`."""


# What a `connect_*` call leaves out of ConnectOptions.
_CONNECT_DEFAULTS: dict[str, Any] = {
    "errors_as_events": False,
    "open_timeout": None,
    "extra_headers": None,
    "extra_query": None,
}


@dataclass(frozen=True)
class Kind:
    """What differs between the two protocols."""

    name: str
    path: str
    events: Any  # the open union the server's messages decode to
    created: type
    updated: type
    done: type
    update: type[msgspec.Struct]
    options: Any  # the TypedDict of the `connect_*` method's keyword arguments but `model`
    end_message: str
    done_event: str  # the type of the `done` event, for messages


TRANSCRIPTION = Kind(
    name="transcription",
    path="/v1/audio/transcriptions/realtime",
    events=RealtimeTranscriptionEvent,
    created=TranscriptionSessionCreated,
    updated=TranscriptionSessionUpdated,
    done=models.TranscriptionStreamDone,
    update=_TranscriptionUpdate,
    options=TranscriptionOptions,
    end_message='{"type":"input_audio.end"}',
    done_event="transcription.done",
)
SPEECH = Kind(
    name="speech",
    path="/v1/audio/speech/realtime",
    events=RealtimeSpeechEvent,
    created=SpeechSessionCreated,
    updated=SpeechSessionUpdated,
    done=models.SpeechStreamDone,
    update=_SpeechUpdate,
    options=SpeechOptions,
    end_message='{"type":"input_text.end"}',
    done_event="speech.audio.done",
)
KINDS = {kind.name: kind for kind in (TRANSCRIPTION, SPEECH)}


def _check_keywords(method: str, given: Mapping[str, Any], allowed: Collection[str]) -> None:
    """A keyword the method does not take is a TypeError, as in any call (methods that
    take `**options` would otherwise drop a misspelt one)."""
    for name in given:
        if name not in allowed:
            raise TypeError(f"{method}() got an unexpected keyword argument {name!r}")


def connect_arguments(kind: Kind, model: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Every argument of a `connect_*` call: `model`, and its `options` checked, with
    the defaults of those not given."""
    _check_keywords(f"connect_{kind.name}", options, kind.options.__optional_keys__)
    return {**_CONNECT_DEFAULTS, **options, "model": model}


def settings_update(kind: Kind, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings an `update_session` call gives, checked."""
    _check_keywords("update_session", settings, kind.update.__struct_fields__)
    return dict(settings)


def session_fields(kind: Kind, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The session settings among a `connect_*` call's `arguments`: the fields of the
    kind's `session.update`."""
    return {name: arguments[name] for name in kind.update.__struct_fields__ if name in arguments}


def session_update(kind: Kind, fields: Mapping[str, Any]) -> str | None:
    """The `session.update` message for the fields given (None when none is), checked
    before anything is sent: a bad value names its field."""
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        return None
    if kind is SPEECH and isinstance(given.get("ref_audio"), (bytes, bytearray, memoryview)):
        given["ref_audio"] = base64.b64encode(bytes(given["ref_audio"])).decode("ascii")
    try:
        payload = msgspec.convert(given, kind.update, str_keys=True, from_attributes=True)
    except msgspec.ValidationError as exc:
        problem, _, where = str(exc).partition(" - at `$")
        field = where.rstrip("`").lstrip(".") or None
        raise RequestValidationError(
            f"session.update: `{field}`: {problem}" if field else f"session.update: {problem}",
            field=field,
        ) from None
    return '{"type":"session.update","session":' + encode(payload).decode() + "}"


def _as_bytes_view(chunk: object) -> memoryview:
    """Bytes, bytearray, memoryview or any buffer (a numpy array), as flat bytes."""
    if isinstance(chunk, str):
        raise RequestValidationError(
            "audio: expected bytes-like audio (bytes, bytearray, memoryview or a buffer "
            "such as a numpy array), got str",
            field="audio",
        )
    try:
        view = memoryview(chunk)  # type: ignore[arg-type]
    except TypeError:
        raise RequestValidationError(
            f"audio: expected bytes-like audio, got {type(chunk).__name__}", field="audio"
        ) from None
    if not view.c_contiguous:
        view = memoryview(view.tobytes())
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def audio_messages(chunk: object, limit: int = MAX_AUDIO_CHUNK) -> Iterator[str]:
    """`input_audio.append` messages for `chunk`, split so that none exceeds the limit."""
    view = _as_bytes_view(chunk)
    for start in range(0, len(view), limit):
        data = base64.b64encode(view[start : start + limit]).decode("ascii")
        yield '{"type":"input_audio.append","audio":"' + data + '"}'


FLUSH_AUDIO = '{"type":"input_audio.flush"}'


def text_message(text: str, *, flush: bool = False) -> str:
    """`input_text.append` (or `input_text.flush` carrying a last piece)."""
    if not isinstance(text, str):
        raise RequestValidationError(f"text: expected str, got {type(text).__name__}", field="text")
    kind = "input_text.flush" if flush else "input_text.append"
    return encode({"type": kind, "text": text}).decode()


FLUSH_TEXT = '{"type":"input_text.flush"}'


def audio_bytes(event: models.SpeechStreamAudioDelta) -> bytes:
    """The audio of a `speech.audio.delta` event, decoded from base64."""
    return base64.b64decode(event.audio_data)


def error_message(detail: RealtimeErrorDetail) -> str:
    message = detail.message
    if isinstance(message, dict):
        inner = message.get("detail", message.get("message"))
        message = inner if isinstance(inner, str) else encode(message).decode()
    return str(message) if message not in (None, "") else "realtime session error"


# Close codes that end a session without a complaint.
_CLEAN_CLOSES = frozenset({1000, 1001})


class Session:
    """One realtime session's state: what arrived, what was sent, when it ends.

    The blocking and async connections feed it the server's messages and ask it
    what to do; it decides (raise, deliver, end) the same way for both.
    """

    def __init__(self, kind: Kind, *, errors_as_events: bool = False) -> None:
        self.kind = kind
        self.errors_as_events = errors_as_events
        self.session: Any = None  # set by session.created
        self.done = False  # the event that ends the session arrived
        self.input_ended = False  # the end message was sent
        self.sent_input = False
        self.events_received = 0

    def decode(self, message: str | bytes) -> Any:
        """The typed event for one server message (an `Unknown` for a new type)."""
        try:
            event = decode(message, self.kind.events)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise RealtimeProtocolError(
                f"realtime {self.kind.name}: a server message does not decode: {exc}",
                body=message,
            ) from None
        self.events_received += 1
        return event

    def handshake(self, message: str | bytes) -> Any:
        """A message received before `session.created`: raises on an error event."""
        event = self.decode(message)
        if isinstance(event, RealtimeErrorEvent):
            raise RealtimeError.from_event(event, self.kind.name, handshake=True)
        if isinstance(event, self.kind.created):
            self.session = event.session  # type: ignore[attr-defined]
        return event

    def receive(self, message: str | bytes) -> Any:
        """A message received after the handshake: the event to deliver."""
        event = self.decode(message)
        if isinstance(event, (self.kind.created, self.kind.updated)):
            self.session = event.session  # type: ignore[attr-defined]
        elif isinstance(event, self.kind.done):
            self.done = True
        elif isinstance(event, RealtimeErrorEvent) and not self.errors_as_events:
            raise RealtimeError.from_event(event, self.kind.name, handshake=False)
        return event

    def closed(self, code: int | None, reason: str, *, handshake: bool) -> None:
        """The server closed the connection (None: it vanished without a close frame).
        Returns when that is a clean end of the session; raises otherwise."""
        stage = "before the session started" if handshake else "during the session"
        if code is None:
            raise RealtimeConnectionClosed(
                f"realtime {self.kind.name}: the connection was lost {stage}",
                events_received=self.events_received,
            )
        if code in _CLEAN_CLOSES and not reason and not handshake:
            return
        raise RealtimeError(
            f"realtime {self.kind.name}: the server closed the connection {stage} "
            f"(code {code}{': ' + reason if reason else ''})",
            code=code,
            reason=reason,
            close_code=code,
        )

    def lost(self, exc: Any, *, handshake: bool) -> None:
        """`closed`, for websockets' `ConnectionClosed` `exc` (the close frame it received)."""
        frame = exc.rcvd
        if frame is None:
            self.closed(None, "", handshake=handshake)
        else:
            self.closed(frame.code, frame.reason, handshake=handshake)

    def gone(self, what: str) -> RealtimeConnectionClosed:
        """The error for a send to a session that has ended (`what` says how)."""
        return RealtimeConnectionClosed(
            f"realtime {self.kind.name}: {what}; nothing more can be sent",
            events_received=self.events_received,
        )

    def should_end_input(self) -> bool:
        """Whether closing should first tell the server the input is over."""
        return self.sent_input and not self.input_ended and not self.done
