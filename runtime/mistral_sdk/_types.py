"""Sentinels and type aliases shared by the runtime and the generated code."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping, MutableMapping
from typing import IO, Any, Final, Literal, Protocol, TypedDict, TypeVar

import httpx2
from msgspec import UNSET, UnsetType

__all__ = [
    "NOT_GIVEN",
    "UNSET",
    "AsyncHttpClient",
    "Body",
    "FileContent",
    "FileDict",
    "FileInput",
    "Headers",
    "LegacyAsyncClient",
    "LegacyClient",
    "NotGiven",
    "Query",
    "SyncHttpClient",
    "TimeoutTypes",
    "UnsetType",
]


class NotGiven:
    """The type of `NOT_GIVEN`: "the caller did not pass this argument".

    Distinct from `None`, which is a meaningful value for some arguments
    (`timeout=None` disables the timeout). `UNSET` (msgspec's) plays the same
    role for request fields; `NOT_GIVEN` is for per-call options such as
    `timeout` and `max_retries`.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # A singleton so that `x is NOT_GIVEN` is always the right test.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


_F = TypeVar("_F", bound=Callable[..., Any])


def twin_doc(sync: Callable[..., Any]) -> Callable[[_F], _F]:
    """Append the docstring of `sync` (its Args) to the decorated async twin's own, so
    that `help()` on the async method lists the same arguments."""

    def apply(method: _F) -> _F:
        method.__doc__ = (
            f"{inspect.cleandoc(method.__doc__ or '')}\n\n{inspect.cleandoc(sync.__doc__ or '')}"
        )
        return method

    return apply


def field_value(obj: Any, name: str) -> Any:
    """`obj.name` (`obj[name]` for a mapping) of a decoded value; None when absent or `UNSET`."""
    value = obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)
    return None if value is UNSET else value


# Extra header / query / body values passed through to the request as is.
# A header value of `None` removes that header.
Headers = Mapping[str, str | None]
Query = Mapping[str, object]
Body = Mapping[str, Any]

TimeoutTypes = float | httpx2.Timeout | None


# A legacy `httpx` client, described by the part of its shape the SDK relies on, so
# that passing one type-checks without httpx installed or imported (docs/internals.md,
# "HTTP clients"). The SDK tells it apart at run time by its class's module.
class LegacyClient(Protocol):
    """A legacy `httpx.Client` (deprecated: pass an `httpx2.Client`)."""

    @property
    def headers(self) -> MutableMapping[str, str]: ...
    @property
    def timeout(self) -> Any: ...
    def send(self, request: Any, *, stream: bool = ...) -> Any: ...
    def close(self) -> None: ...


class LegacyAsyncClient(Protocol):
    """A legacy `httpx.AsyncClient` (deprecated: pass an `httpx2.AsyncClient`)."""

    @property
    def headers(self) -> MutableMapping[str, str]: ...
    @property
    def timeout(self) -> Any: ...
    async def send(self, request: Any, *, stream: bool = ...) -> Any: ...
    async def aclose(self) -> None: ...


# What `http_client=` takes.
SyncHttpClient = httpx2.Client | LegacyClient
AsyncHttpClient = httpx2.AsyncClient | LegacyAsyncClient

FileContent = bytes | IO[bytes]


class _FileDictBase(TypedDict):
    content: FileContent


class FileDict(_FileDictBase, total=False):
    """A file as the official SDK takes it: `{"file_name": ..., "content": ...}`
    (`content_type` optional)."""

    file_name: str
    content_type: str


FileInput = (
    str
    | os.PathLike[str]
    | bytes
    | IO[bytes]
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | FileDict
)
