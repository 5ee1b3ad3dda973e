"""The client side of workflow payload encoding: a `Hooks` subclass that a client
builds from its `workflow_encoding=` (never imported otherwise).

- `before_request`: the input of an execute, signal, query, update or schedule call
  is encoded (and offloaded) once per call, before the first attempt: retries send
  the same bytes, and an error raises before anything is sent.
- `after_response`: results, schedule inputs and event pages are decoded before the
  client reads them; event streams are decoded line by line as they arrive, in the
  blocking client as in the async one.

The rewriting itself is in `_wire` (I/O-free flows); this module only drives it.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from .._hooks import Call, Hooks
from ._codec import PayloadCodec, run_async, run_sync
from ._errors import PayloadFormatError
from ._wire import (
    REQUESTS,
    RESPONSES,
    SSERewriter,
    decode_response_flow,
    encode_request_flow,
)

if TYPE_CHECKING:
    from ._config import WorkflowEncoding

__all__ = ["EncodingHooks"]

WHOAMI = "/v1/workflows/workers/whoami"  # the namespace of this API key's workers (unlisted)


class EncodingHooks(Hooks):
    """Encodes workflow inputs and decodes what comes back, for one client."""

    def __init__(self, encoding: WorkflowEncoding, client: Any, asynchronous: bool) -> None:
        self.encoding = encoding
        self._client = client
        self._async = asynchronous
        self._codec: PayloadCodec | None = None
        self._namespace = encoding.namespace

    def __repr__(self) -> str:
        return f"<EncodingHooks {self.encoding!r}>"

    @property
    def codec(self) -> PayloadCodec:
        if self._codec is None:  # built on first use: it imports the extras it needs
            self._codec = PayloadCodec(self.encoding)
        return self._codec

    # -- the namespace of offloaded blob keys ---------------------------------------

    def _ask_sync(self, op: Any) -> str:
        if self._namespace is None:
            self._namespace = _namespace_of(self._client.get(WHOAMI, cast_to=dict))
        return self._namespace

    async def _ask_async(self, op: Any) -> str:
        if self._namespace is None:
            self._namespace = _namespace_of(await self._client.get(WHOAMI, cast_to=dict))
        return self._namespace

    # -- requests ---------------------------------------------------------------------

    def before_request(self, call: Call, request: Any) -> Any:
        rule = REQUESTS.get((call.method, call.path))
        if rule is None:
            if RESPONSES.get((call.method, call.path)) == "stream":
                request.headers["Accept-Encoding"] = "identity"  # rewritten line by line
            return None
        done = call.state.get(self)
        if done is not None:  # a retry: the same encoded bytes (and blob keys) again
            return done
        flow = encode_request_flow(self.codec, rule, request.content, request.url.path)
        if self._async:
            return self._encode_async(call, request, flow)
        return self._replaced(call, request, run_sync(flow, self.encoding, self._ask_sync))

    async def _encode_async(self, call: Call, request: Any, flow: Any) -> Any:
        content = await run_async(flow, self.encoding, self._ask_async)
        return self._replaced(call, request, content)

    def _replaced(self, call: Call, request: Any, content: bytes | None) -> Any:
        if content is None:
            call.state[self] = request
            return None
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
        new = type(request)(
            request.method, request.url, headers=headers, content=content,
            extensions=request.extensions,
        )  # fmt: skip
        call.state[self] = new
        return new

    # -- responses --------------------------------------------------------------------

    def after_response(self, call: Call, response: Any) -> Any:
        kind = RESPONSES.get((call.method, call.path))
        if kind is None or not response.is_success:
            return None
        if kind == "stream":
            _decode_stream(self, response)
            return None
        if "json" not in response.headers.get("content-type", ""):
            return None
        flow = decode_response_flow(self.codec, kind, response.content, response.request.url.path)
        if self._async:
            return self._decode_async(response, flow)
        return _with_content(response, run_sync(flow, self.encoding))

    async def _decode_async(self, response: Any, flow: Any) -> Any:
        return _with_content(response, await run_async(flow, self.encoding))

    def line_sync(self, line: bytes) -> bytes:
        result: bytes = run_sync(SSERewriter.line_flow(self.codec, line), self.encoding)
        return result

    async def line_async(self, line: bytes) -> bytes:
        result: bytes = await run_async(SSERewriter.line_flow(self.codec, line), self.encoding)
        return result


def _namespace_of(answer: Any) -> str:
    namespace = answer.get("namespace") if isinstance(answer, dict) else None
    if not isinstance(namespace, str) or not namespace:
        raise PayloadFormatError(
            f"GET {WHOAMI} gave no namespace; pass WorkflowEncoding(namespace=...)"
        )
    return namespace


def _with_content(response: Any, content: bytes | None) -> Any:
    if content is None:
        return None
    skip = ("content-encoding", "content-length")
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in skip]
    return type(response)(
        response.status_code, headers=headers, content=content,
        request=response.request, extensions=response.extensions,
    )  # fmt: skip


def _inflater(response: Any) -> Any:
    """A decompressor for a stream the server compressed anyway (None: not compressed)."""
    coding = response.headers.get("content-encoding", "identity").lower().strip()
    if coding in ("", "identity"):
        return None
    if coding not in ("gzip", "deflate"):
        raise PayloadFormatError(f"cannot decode an event stream sent with {coding!r} encoding")
    del response.headers["content-encoding"]  # decoded here, below httpx2's own decoding
    return zlib.decompressobj(zlib.MAX_WBITS | (16 if coding == "gzip" else 0))


def _decode_stream(hooks: EncodingHooks, response: Any) -> None:
    """Replace the response's byte stream by one whose events are decoded."""
    stream = response.stream
    for base in type(stream).__mro__:
        if base.__name__ in ("SyncByteStream", "AsyncByteStream"):
            break
    else:  # pragma: no cover - httpx2 always streams through one of them
        raise PayloadFormatError(f"cannot decode a stream of type {type(stream).__name__}")
    wrapper = _stream_class(base, base.__name__ == "AsyncByteStream")
    response.stream = wrapper(stream, hooks, _inflater(response))


@functools.cache
def _stream_class(base: type, asynchronous: bool) -> type:
    """A byte stream over another whose workflow events are decoded, derived from the
    HTTP library's own base class (the client checks it)."""

    class _Decoding(base):  # type: ignore[misc]
        def __init__(self, stream: Any, hooks: EncodingHooks, inflater: Any) -> None:
            self._stream = stream
            self._hooks = hooks
            self._inflater = inflater
            self._lines = SSERewriter()

        def _chunk(self, chunk: bytes) -> bytes:
            return chunk if self._inflater is None else self._inflater.decompress(chunk)

    if asynchronous:

        class AsyncDecoding(_Decoding):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                async for chunk in self._stream:
                    for line in self._lines.lines(self._chunk(chunk)):
                        yield await self._hooks.line_async(line)
                rest = self._lines.rest()
                if rest:
                    yield await self._hooks.line_async(rest)

            async def aclose(self) -> None:
                await self._stream.aclose()

        return AsyncDecoding

    class SyncDecoding(_Decoding):
        def __iter__(self) -> Iterator[bytes]:
            for chunk in self._stream:
                for line in self._lines.lines(self._chunk(chunk)):
                    yield self._hooks.line_sync(line)
            rest = self._lines.rest()
            if rest:
                yield self._hooks.line_sync(rest)

        def close(self) -> None:
            self._stream.close()

    return SyncDecoding
