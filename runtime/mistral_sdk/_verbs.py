"""`client.get/post/put/patch/delete(path, ...)`: call what the spec does not have yet.

Mistral's API has endpoints the public spec does not describe (yet); these calls reach
them through the same client: the API key, retries, timeouts, error classes and
decoding of every generated method, with only the path and the types up to you.

    reply = client.post("/v1/responses", body={"model": "...", "input": "hi"}, cast_to=MyType)
    for event in client.post("/v1/x/stream", body={...}, cast_to=MyEvent, stream=True): ...

`cast_to` is any type `mistral_sdk.decode` takes (a model, a msgspec Struct, a
dataclass, `list[...]`, `dict[str, Any]`); without it the JSON comes back as plain
dicts and lists. An empty body (204) is `None`. With `stream=True` the answer is read
as server-sent events: a `Stream` (`AsyncStream`) of `cast_to` values, one per event's
`data` (a `data: [DONE]` line ends it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from ._response import JsonResponse, ResponseSpec, SSEResponse
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes

if TYPE_CHECKING:
    from ._client import AsyncAPIClient, SyncAPIClient
    from ._streaming import AsyncStream, Stream

__all__ = ["AsyncVerb", "AsyncVerbs", "SyncVerb", "SyncVerbs"]

T = TypeVar("T")


def _checked_path(path: str) -> str:
    # The key goes only to the client's base_url: a full URL here would send it elsewhere.
    if "://" in path or not path.startswith("/"):
        raise ValueError(f"path must start with '/' and be relative to base_url, got {path!r}")
    if "{" in path or "}" in path:
        raise ValueError(f"path must have its values filled in (an f-string), got {path!r}")
    return path


def _spec(cast_to: Any, stream: bool) -> ResponseSpec[Any, Any]:
    if stream:
        return SSEResponse(Any if cast_to is None else cast_to, done_marker="[DONE]")
    return JsonResponse(Any if cast_to is None else cast_to)


def _options(
    path: str,
    body: object,
    query: Mapping[str, object] | None,
    headers: Mapping[str, str | None] | None,
    cast_to: Any,
    stream: bool,
    timeout: TimeoutTypes | NotGiven,
    max_retries: int | NotGiven,
) -> dict[str, Any]:
    """The core `request` arguments of one call (the part sync and async share)."""
    options: dict[str, Any] = {
        "query": query,
        "extra_headers": headers,
        "response": _spec(cast_to, stream),
        "timeout": timeout,
        "max_retries": max_retries,
    }
    if body is not None:
        options["json"] = body
    return {"path": _checked_path(path), **options}


class SyncVerb:
    """One HTTP verb of a `Mistral` client: `client.get(path, ...)` and the others."""

    __slots__ = ("_client", "_method")

    def __init__(self, client: SyncAPIClient, method: str) -> None:
        self._client = client
        self._method = method

    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[T],
        stream: Literal[False] = False,
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> T: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[T],
        stream: Literal[True],
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[T]: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: None = None,
        stream: Literal[False] = False,
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: None = None,
        stream: Literal[True],
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[Any]: ...
    def __call__(
        self,
        path: str,
        *,
        cast_to: Any = None,
        stream: bool = False,
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send `METHOD path` through the client (key, retries, errors, decoding).

        Args:
            path: the URL path under `base_url`, values filled in (`f"/v1/x/{x_id}"`).
            cast_to: the type to decode the answer into; plain JSON values without it.
            stream: read the answer as server-sent events: a `Stream` of `cast_to`.
            body: the JSON body (dicts, lists, models, Structs, dataclasses).
            query: query parameters (lists repeat the name; `None` values are dropped).
            headers: extra headers (a `None` value removes a default header).
            timeout: this call's timeout (seconds or `httpx2.Timeout`).
            max_retries: this call's retry budget.
        """
        options = _options(path, body, query, headers, cast_to, stream, timeout, max_retries)
        return self._client.request(self._method, options.pop("path"), **options)

    def __repr__(self) -> str:
        return f"<{self._method} on {self._client!r}>"


class AsyncVerb:
    """One HTTP verb of an `AsyncMistral` client: `await client.get(path, ...)`."""

    __slots__ = ("_client", "_method")

    def __init__(self, client: AsyncAPIClient, method: str) -> None:
        self._client = client
        self._method = method

    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[T],
        stream: Literal[False] = False,
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> T: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[T],
        stream: Literal[True],
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncStream[T]: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: None = None,
        stream: Literal[False] = False,
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: None = None,
        stream: Literal[True],
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AsyncStream[Any]: ...
    async def __call__(
        self,
        path: str,
        *,
        cast_to: Any = None,
        stream: bool = False,
        body: object = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str | None] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """The async twin of `Mistral().get(...)` (and the other verbs): see there."""
        options = _options(path, body, query, headers, cast_to, stream, timeout, max_retries)
        return await self._client.request(self._method, options.pop("path"), **options)

    def __repr__(self) -> str:
        return f"<{self._method} on {self._client!r}>"


V = TypeVar("V", SyncVerb, AsyncVerb)


class _Verb(Generic[V]):
    """A client attribute (`client.get`, ...) giving the verb bound to that client."""

    __slots__ = ("_factory", "_method")

    def __init__(self, factory: Callable[[Any, str], V], method: str) -> None:
        self._factory: Callable[[Any, str], V] = factory
        self._method = method

    @overload
    def __get__(self, client: None, owner: type[Any]) -> _Verb[V]: ...
    @overload
    def __get__(self, client: object, owner: type[Any]) -> V: ...
    def __get__(self, client: object | None, owner: type[Any]) -> _Verb[V] | V:
        return self if client is None else self._factory(client, self._method)


class SyncVerbs:
    """`get`, `post`, `put`, `patch`, `delete` on `Mistral` (a mixin of the client core):
    `client.post(path, *, body=..., cast_to=..., stream=...)`, see `SyncVerb.__call__`."""

    __slots__ = ()

    get = _Verb(SyncVerb, "GET")
    post = _Verb(SyncVerb, "POST")
    put = _Verb(SyncVerb, "PUT")
    patch = _Verb(SyncVerb, "PATCH")
    delete = _Verb(SyncVerb, "DELETE")


class AsyncVerbs:
    """`get`, `post`, `put`, `patch`, `delete` on `AsyncMistral`, awaited:
    `await client.post(path, ...)`, see `SyncVerb.__call__`."""

    __slots__ = ()

    get = _Verb(AsyncVerb, "GET")
    post = _Verb(AsyncVerb, "POST")
    put = _Verb(AsyncVerb, "PUT")
    patch = _Verb(AsyncVerb, "PATCH")
    delete = _Verb(AsyncVerb, "DELETE")
