"""Response specs (how a 2xx response becomes a value), binary bodies, raw responses.

Generated methods pass a spec to `client.request(..., response=...)`:

- `JsonResponse(T)`   → `T`, decoded with the SDK's codec
- `EmptyResponse()`   → `None`
- `BinaryResponse()`  → `BinaryContent` / `AsyncBinaryContent` (body streamed)
- `SSEResponse(T)`    → `Stream[T]` / `AsyncStream[T]`

A spec is typed `ResponseSpec[SyncResult, AsyncResult]` so that the sync
client's `request` returns `Stream[T]` and the async one `AsyncStream[T]`
without overloads.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator
from typing import Any, ClassVar, Generic, ParamSpec, TypeVar, cast

import httpx2
import msgspec

from ._closing import AsyncClosing, Closing
from ._codec import decode
from ._errors import (
    APIResponseValidationError,
    body_error,
    request_id_of,
)
from ._progress import Progress, ProgressCallback
from ._request_ids import remember
from ._streaming import AsyncStream, Stream

__all__ = [
    "RAW_RESPONSE_HEADER",
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncBinaryContent",
    "BinaryContent",
    "BinaryResponse",
    "EmptyResponse",
    "JsonResponse",
    "ResponseSpec",
    "SSEResponse",
    "async_to_raw_response_wrapper",
    "to_raw_response_wrapper",
]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
SyncR = TypeVar("SyncR", covariant=True)
AsyncR = TypeVar("AsyncR", covariant=True)

# Set by the raw-response wrappers in `extra_headers`; the client removes it
# before sending and returns an `APIResponse` instead of the parsed value.
RAW_RESPONSE_HEADER = "X-Mistral-SDK-Raw-Response"

_CHUNK = 64 * 1024


class ResponseSpec(Generic[SyncR, AsyncR]):
    """How to read a successful response. Subclasses say whether the body
    must be streamed (left unread by httpx2) and what to ask for in Accept."""

    __slots__ = ()
    stream: ClassVar[bool] = False
    accept: ClassVar[str] = "application/json"

    def parse_sync(self, response: httpx2.Response) -> SyncR:
        raise NotImplementedError

    def parse_async(self, response: httpx2.Response) -> AsyncR:
        raise NotImplementedError


class JsonResponse(ResponseSpec[T, T]):
    """Decode the body into `type` (a model or a type expression)."""

    __slots__ = ("_admits_none", "type")

    def __init__(self, type: type[T] | Any) -> None:
        self.type = type
        self._admits_none: bool | None = None

    def _parse(self, response: httpx2.Response) -> T:
        content = response.content
        if not content.strip():
            if self._none_allowed():
                return None  # type: ignore[return-value]  # T admits None
            raise APIResponseValidationError(
                f"the server answered {response.status_code} with no body; "
                f"the spec promises a {_type_name(self.type)}",
                response=response,
                body=content,
            )
        try:
            value: T = decode(content, self.type)
        except msgspec.MsgspecError as exc:
            raise APIResponseValidationError(
                f"response body does not match {_type_name(self.type)}: {exc}",
                response=response,
                body=content,
            ) from None
        remember(value, request_id_of(response.headers))
        return value

    def _none_allowed(self) -> bool:
        if self._admits_none is None:
            try:
                decode(b"null", self.type)
                self._admits_none = True
            except msgspec.MsgspecError:
                self._admits_none = False
        return self._admits_none

    parse_sync = _parse
    parse_async = _parse

    def __repr__(self) -> str:
        return f"JsonResponse({_type_name(self.type)})"


class EmptyResponse(ResponseSpec[None, None]):
    """No body worth reading (204, or a body the API does not describe)."""

    __slots__ = ()

    def parse_sync(self, response: httpx2.Response) -> None:
        return None

    def parse_async(self, response: httpx2.Response) -> None:
        return None


class BinaryResponse(ResponseSpec["BinaryContent", "AsyncBinaryContent"]):
    """A file download: the body is streamed, never loaded unless asked."""

    __slots__ = ("progress",)
    stream = True
    accept = "*/*"

    def __init__(self, progress: ProgressCallback | None = None) -> None:
        self.progress = progress

    def parse_sync(self, response: httpx2.Response) -> BinaryContent:
        return BinaryContent(response, self.progress)

    def parse_async(self, response: httpx2.Response) -> AsyncBinaryContent:
        return AsyncBinaryContent(response, self.progress)


class SSEResponse(ResponseSpec["Stream[T]", "AsyncStream[T]"]):
    """A `text/event-stream` body, read event by event into `T`."""

    __slots__ = ("done_marker", "envelope", "errors", "run_id", "terminal", "type")
    stream = True
    accept = "text/event-stream"

    def __init__(
        self,
        type: type[T] | Any,
        *,
        envelope: bool = False,
        done_marker: str | None = None,
        terminal: Collection[str] = (),
        errors: Collection[str] = (),
        run_id: str | None = None,
    ) -> None:
        self.type = type
        self.envelope = envelope
        self.done_marker = done_marker
        self.terminal = tuple(terminal)
        self.errors = tuple(errors)
        self.run_id = run_id

    def parse_sync(self, response: httpx2.Response) -> Stream[T]:
        return Stream(response, self)

    def parse_async(self, response: httpx2.Response) -> AsyncStream[T]:
        return AsyncStream(response, self)


def decoded_headers(raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers of a body handed on already decoded (by another client): without
    the `Content-Encoding` it no longer has, and the `Content-Length` it no longer
    matches. Unchanged when there was no encoding."""
    names = {k.lower() for k, _ in raw}
    if b"content-encoding" not in names:
        return raw
    return [(k, v) for k, v in raw if k.lower() not in (b"content-encoding", b"content-length")]


def _type_name(tp: object) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


# -- binary bodies -----------------------------------------------------------


class _BinaryBase:
    __slots__ = ("progress", "response")

    def __init__(self, response: httpx2.Response, progress: ProgressCallback | None = None) -> None:
        self.response = response
        self.progress = progress  # called with the bytes received so far, chunk by chunk

    def _report(self) -> None:
        if self.progress is not None:
            length = self.response.headers.get("content-length")
            total = int(length) if length and length.isdigit() else None
            name = self.response.request.url.path
            self.progress(Progress("download", self.response.num_bytes_downloaded, total, name))

    @property
    def content_type(self) -> str | None:
        value: str | None = self.response.headers.get("content-type")
        return value

    @property
    def _request_id(self) -> str | None:
        """The id the server gave the request (for support tickets and logs)."""
        return request_id_of(self.response.headers)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.content_type or 'unknown type'}>"


class BinaryContent(Closing, _BinaryBase):
    """A streamed response body: `read()`, `iter_bytes()` or `write_to_file()`.

    Each of them releases the connection when done; use `with` or `close()`
    if you stop early.
    """

    __slots__ = ()

    def read(self) -> bytes:
        """The whole body (read into memory)."""
        if self.progress is not None:
            return b"".join(self.iter_bytes(_CHUNK))
        try:
            return self.response.read()
        except httpx2.RequestError as exc:
            raise body_error(exc, self.response.request) from exc
        finally:
            self.response.close()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body chunk by chunk, never whole in memory."""
        try:
            for chunk in self.response.iter_bytes(chunk_size):
                self._report()
                yield chunk
        except httpx2.RequestError as exc:
            raise body_error(exc, self.response.request) from exc
        finally:
            self.response.close()

    def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Stream the body to `path` chunk by chunk (never whole in memory)."""
        with open(path, "wb") as f:
            for chunk in self.iter_bytes(_CHUNK):
                f.write(chunk)

    def close(self) -> None:
        """Release the connection without reading the rest (idempotent)."""
        self.response.close()


class AsyncBinaryContent(AsyncClosing, _BinaryBase):
    """The async twin of `BinaryContent`."""

    __slots__ = ()

    async def read(self) -> bytes:
        """The whole body (read into memory)."""
        if self.progress is not None:
            return b"".join([chunk async for chunk in self.iter_bytes(_CHUNK)])
        try:
            return await self.response.aread()
        except httpx2.RequestError as exc:
            raise body_error(exc, self.response.request) from exc
        finally:
            await self.response.aclose()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body chunk by chunk, never whole in memory."""
        try:
            async for chunk in self.response.aiter_bytes(chunk_size):
                self._report()
                yield chunk
        except httpx2.RequestError as exc:
            raise body_error(exc, self.response.request) from exc
        finally:
            await self.response.aclose()

    async def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Stream the body to `path` chunk by chunk (never whole in memory).

        File writes are blocking but small (64 KiB), as in httpx2 itself."""
        with open(path, "wb") as f:
            async for chunk in self.iter_bytes(_CHUNK):
                f.write(chunk)

    async def close(self) -> None:
        """Release the connection without reading the rest (idempotent)."""
        await self.response.aclose()


# -- raw responses -----------------------------------------------------------


class _RawBase(Generic[R]):
    def __init__(self, http_response: httpx2.Response, spec: ResponseSpec[Any, Any]) -> None:
        self.http_response = http_response
        self._spec = spec
        self._parsed: Any = _UNPARSED

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.http_response.headers)

    def __repr__(self) -> str:
        req = self.http_response.request
        return f"<{type(self).__name__} [{self.status_code}] {req.method} {req.url}>"


_UNPARSED: Any = object()


class APIResponse(_RawBase[R]):
    """The HTTP response of a call, with `parse()` for the usual value."""

    def parse(self) -> R:
        """The body decoded as the method would have returned it (read once, cached)."""
        # Cached: parsing a stream twice must not give two readers of one body.
        if self._parsed is _UNPARSED:
            self._parsed = self._spec.parse_sync(self.http_response)
        return cast(R, self._parsed)


class AsyncAPIResponse(_RawBase[R]):
    """The async twin of `APIResponse`: `await parse()`."""

    async def parse(self) -> R:
        """The body decoded as the method would have returned it (read once, cached)."""
        if self._parsed is _UNPARSED:
            self._parsed = self._spec.parse_async(self.http_response)
        return cast(R, self._parsed)


def _with_raw_marker(kwargs: dict[str, Any]) -> None:
    extra = dict(kwargs.get("extra_headers") or {})
    extra[RAW_RESPONSE_HEADER] = "true"
    kwargs["extra_headers"] = extra


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """`func` with the same arguments, returning the `APIResponse` instead."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        _with_raw_marker(kwargs)
        return cast(APIResponse[R], func(*args, **kwargs))

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Async `func` with the same arguments, returning the `AsyncAPIResponse`."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        _with_raw_marker(kwargs)
        return cast(AsyncAPIResponse[R], await func(*args, **kwargs))

    return wrapped
