"""What the cloud deployments (`mistral_sdk.azure`, `mistral_sdk.gcp`) share.

A deployment client *is* a `Mistral` / `AsyncMistral`: the same resources,
models, streams, errors and retries. Only where a request goes differs, and
that is one pure decision, `Deployment.route`: the generated method's
``(method, spec path, options)`` in, the deployment's path and options out.
An operation the deployment does not serve fails before anything is sent,
naming the call and what the deployment does serve.

The sync and async clients below differ only in `await`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, cast

from ._auth import Credentials
from ._errors import MistralError
from ._mistral import AsyncMistral, Mistral

if TYPE_CHECKING:
    from ._types import TimeoutTypes

__all__ = [
    "AsyncDeploymentClient",
    "ClientOptions",
    "Deployment",
    "DeploymentClient",
    "DeploymentInit",
    "UnsupportedOperationError",
]

_D = TypeVar("_D", bound="DeploymentClient")
_AD = TypeVar("_AD", bound="AsyncDeploymentClient")
_Http = TypeVar("_Http")  # what http_client= takes: SyncHttpClient or AsyncHttpClient


class UnsupportedOperationError(MistralError):
    """The deployment does not serve this operation (raised before any request)."""


def _call_name(method: str, path: str) -> str:
    from ._operations import OPERATIONS  # only on this error path

    for op in OPERATIONS.values():
        if op.method.upper() == method and op.path == path:
            return f"client.{op.call}()"
    return f"{method} {path}"


@dataclass(frozen=True)
class Deployment:
    """Where a cloud serves the operations it has.

    `routes` maps an operation, as ``(METHOD, spec path)``, to the deployment's
    path template; `stream_routes` overrides it for the streaming variant (an
    SSE answer). Templates may name `path_params`; `body_params` are filled
    from the request body's fields of the same name (Vertex puts the model in
    the URL). `query` is added to every request (Azure's ``api-version``); a
    caller's `extra_query` still overrides it.
    """

    label: str
    routes: Mapping[tuple[str, str], str]
    calls: tuple[str, ...]  # what it serves, in words, for the error
    stream_routes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    path_params: Mapping[str, str] = field(default_factory=dict)
    body_params: tuple[str, ...] = ()
    query: Mapping[str, str] = field(default_factory=dict)

    def route(self, method: str, path: str, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The deployment's path and the request options for one call. Pure."""
        key = (method.upper(), path)
        template = self.routes.get(key)
        if template is None:
            raise UnsupportedOperationError(
                f"{_call_name(*key)} is not served by {self.label}; "
                f"it serves {', '.join(self.calls)}"
            )
        response = options.get("response")
        if getattr(response, "accept", None) == "text/event-stream":
            template = self.stream_routes.get(key, template)
        params = dict(self.path_params)
        for name in self.body_params:
            params[name] = _body_field(options, name, self.label)
        if params:
            options["path_params"] = {**(options.get("path_params") or {}), **params}
        if self.query:
            options["query"] = {**self.query, **(options.get("query") or {})}
        return template, options


def _body_field(options: Mapping[str, Any], name: str, label: str) -> str:
    """A body field's value, as the request will send it (`extra_body` wins)."""
    extra = options.get("extra_body") or {}
    value = extra.get(name) if name in extra else None
    if value is None:
        body = options.get("json")
        value = body.get(name) if isinstance(body, Mapping) else getattr(body, name, None)
    if not isinstance(value, str) or not value:
        raise MistralError(f"{label} needs the {name!r} of the request to build its URL")
    return value


def _same_header(
    current: Credentials, options: dict[str, Any], *, allow_async: bool = False
) -> dict[str, Any]:
    """A new key given to with_options goes where the deployment's key went
    (Azure's ``api-key`` header, say), not to the core's default."""
    key = options.get("api_key")
    if key is not None and not isinstance(key, Credentials):
        options["api_key"] = Credentials.from_key(
            key, header=current.header, allow_async=allow_async
        )
    return options


class ClientOptions(TypedDict, Generic[_Http], total=False):
    """The client core's options, as `Mistral(...)` takes them, that a deployment's
    constructor (`MistralAzure(...)`, `MistralGCP(...)`, ...) passes on."""

    timeout: TimeoutTypes
    max_retries: int
    http_client: _Http | None
    default_headers: Mapping[str, str] | None


class DeploymentInit(Generic[_Http]):
    """The base of a deployment's constructor (`_Azure`, `_Vertex`): it reads its own
    arguments into `_deployment` and the credentials, then builds the client core."""

    _async_keys: bool
    _deployment: Deployment

    def _init_core(
        self, api_key: Credentials, base_url: str, options: ClientOptions[_Http]
    ) -> None:
        unknown = options.keys() - ClientOptions.__optional_keys__
        if unknown:  # the core takes more (workflow_encoding, ...) that a deployment does not
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {min(unknown)!r}"
            )
        # the client core's constructor, next in the subclass's MRO
        cast(Any, super()).__init__(api_key=api_key, base_url=base_url, **options)


class DeploymentClient(Mistral):
    """A `Mistral` whose requests go where `_deployment` says."""

    _deployment: Deployment

    def request(self, method: str, path: str, **options: Any) -> Any:
        path, options = self._deployment.route(method, path, options)
        return super().request(method, path, **options)

    def _copy_with(self: _D, **options: Any) -> _D:
        # with_options: the core options change, the deployment stays; the
        # subclass's own constructor (endpoint, project, ...) is not re-run.
        new = type(self).__new__(type(self))
        Mistral.__init__(new, **_same_header(self._credentials, options))
        new._deployment = self._deployment
        return new

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._deployment.label} base_url={self.base_url!r}>"


class AsyncDeploymentClient(AsyncMistral):
    """`DeploymentClient` for `AsyncMistral`."""

    _deployment: Deployment

    async def request(self, method: str, path: str, **options: Any) -> Any:
        path, options = self._deployment.route(method, path, options)
        return await super().request(method, path, **options)

    def _copy_with(self: _AD, **options: Any) -> _AD:
        new = type(self).__new__(type(self))
        AsyncMistral.__init__(new, **_same_header(self._credentials, options, allow_async=True))
        new._deployment = self._deployment
        return new

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._deployment.label} base_url={self.base_url!r}>"
