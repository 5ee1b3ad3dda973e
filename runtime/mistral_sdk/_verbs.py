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
from typing import TYPE_CHECKING, Any, Generic, Literal, TypedDict, TypeVar, Unpack, overload

from ._response import JsonResponse, ResponseSpec, SSEResponse
from ._types import NOT_GIVEN, NotGiven, TimeoutTypes

if TYPE_CHECKING:
    from ._client import AsyncAPIClient
    from ._streaming import AsyncStream

__all__ = ["AsyncVerb", "AsyncVerbs", "VerbOptions"]

T = TypeVar("T")


class VerbOptions(TypedDict, total=False):
    """What a verb takes besides the path, `cast_to` and `stream`.

    - body: the JSON body (dicts, lists, models, Structs, dataclasses).
    - query: query parameters (lists repeat the name; `None` values are dropped).
    - headers: extra headers (a `None` value removes a default header).
    - timeout: this call's timeout (seconds or `httpx2.Timeout`).
    - max_retries: this call's retry budget.
    """

    body: object
    query: Mapping[str, object] | None
    headers: Mapping[str, str | None] | None
    timeout: TimeoutTypes | NotGiven
    max_retries: int | NotGiven


def _checked_path(path: str) -> str:
    # The key goes only to the client's base_url: a full URL here would send it elsewhere.
    if "://" in path or not path.startswith("/"):
        raise ValueError(f"path must start with '/' and be relative to base_url, got {path!r}")
    if "{" in path or "}" in path:
        raise ValueError(f"path must have its values filled in (an f-string), got {path!r}")
    return path


def _request(path: str, cast_to: Any, stream: bool, options: VerbOptions) -> dict[str, Any]:
    """The core `request` arguments of one call (the part sync and async share)."""
    if stream:
        spec: ResponseSpec[Any, Any] = SSEResponse(
            Any if cast_to is None else cast_to, done_marker="[DONE]"
        )
    else:
        spec = JsonResponse(Any if cast_to is None else cast_to)
    request: dict[str, Any] = {
        "path": _checked_path(path),
        "query": options.get("query"),
        "extra_headers": options.get("headers"),
        "response": spec,
        "timeout": options.get("timeout", NOT_GIVEN),
        "max_retries": options.get("max_retries", NOT_GIVEN),
    }
    if options.get("body") is not None:
        request["json"] = options["body"]
    return request


class _Bound:
    """A verb bound to its client."""

    __slots__ = ("_client", "_method")

    def __init__(self, client: Any, method: str) -> None:
        self._client = client
        self._method = method

    def __repr__(self) -> str:
        return f"<{self._method} on {self._client!r}>"


V = TypeVar("V", bound=_Bound)


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


# --- async: its blocking twin is generated into mistral_sdk._blocking (make unasync) ---


class AsyncVerb(_Bound):
    """One HTTP verb of the `AsyncMistral` client: `await client.get(path, ...)` and the
    others."""

    __slots__ = ()
    _client: AsyncAPIClient

    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[T],
        stream: Literal[False] = False,
        **o: Unpack[VerbOptions],
    ) -> T: ...
    @overload
    async def __call__(
        self, path: str, *, cast_to: type[T], stream: Literal[True], **o: Unpack[VerbOptions]
    ) -> AsyncStream[T]: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: None = None,
        stream: Literal[False] = False,
        **o: Unpack[VerbOptions],
    ) -> Any: ...
    @overload
    async def __call__(
        self, path: str, *, cast_to: None = None, stream: Literal[True], **o: Unpack[VerbOptions]
    ) -> AsyncStream[Any]: ...
    async def __call__(
        self,
        path: str,
        *,
        cast_to: Any = None,
        stream: bool = False,
        **options: Unpack[VerbOptions],
    ) -> Any:
        """Send `METHOD path` through the client (key, retries, errors, decoding).

        Args:
            path: the URL path under `base_url`, values filled in (`f"/v1/x/{x_id}"`).
            cast_to: the type to decode the answer into; plain JSON values without it.
            stream: read the answer as server-sent events, a `cast_to` value each (`AsyncStream`).
            body: the JSON body (dicts, lists, models, Structs, dataclasses).
            query: query parameters (lists repeat the name; `None` values are dropped).
            headers: extra headers (a `None` value removes a default header).
            timeout: this call's timeout (seconds or `httpx2.Timeout`).
            max_retries: this call's retry budget.
        """
        request = _request(path, cast_to, stream, options)
        return await self._client.request(self._method, request.pop("path"), **request)


class AsyncVerbs:
    """`get`, `post`, `put`, `patch`, `delete` on `AsyncMistral` (a mixin of the client
    core): `await client.post(path, *, body=..., cast_to=..., stream=...)`, see
    `AsyncVerb.__call__`."""

    __slots__ = ()

    get = _Verb(AsyncVerb, "GET")
    post = _Verb(AsyncVerb, "POST")
    put = _Verb(AsyncVerb, "PUT")
    patch = _Verb(AsyncVerb, "PATCH")
    delete = _Verb(AsyncVerb, "DELETE")
