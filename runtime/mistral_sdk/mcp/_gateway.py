"""The connectors gateway: a configured connector, called directly.

`client.beta.connectors.mcp(connector)` is an `MCPToolSource` for the connector's MCP
endpoint (a tool source for `conversations.run`, or a session in a `with` block);
`client.beta.connectors.http(connector)` is an HTTP client confined to the
connector's HTTP endpoint: it refuses URLs on another origin and paths that climb
out of it (`..`, `.`, also percent-encoded). Both send the client's credentials
and, with `credentials_name`, pick the connector's named credentials.

The gateway marks the errors it authors itself with a `Proxy-Status` header
(RFC 9209) whose member is `connectors-gateway`, with the parameters `error`,
`status-code` and `details`: those raise `ConnectorsGatewayError`. Any other
answer, an error of the connector's upstream included, is the connector's own
and passes through unchanged. The paths and names are not in the public spec:
they are data, in `connectors_gateway.json` beside this module (docs/mcp.md).

This module imports neither `mcp` nor `httpx2`: the HTTP client runs on the SDK's
own connection pool and retry policy.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from urllib.parse import quote, unquote

import httpx2

from .._errors import APIStatusError, RequestValidationError
from .._flow import Flow, run_async, run_sync
from .._tools import ToolSourceError
from .._types import NOT_GIVEN, NotGiven, TimeoutTypes

if TYPE_CHECKING:
    from .._client import AsyncAPIClient, BaseClient, SyncAPIClient
    from ._server import MCPToolSource

__all__ = [
    "AsyncConnectorHTTP",
    "ConnectorHTTP",
    "ConnectorsGatewayError",
    "ProxyStatus",
    "gateway_facts",
    "parse_proxy_status",
]


@functools.cache
def gateway_facts() -> Mapping[str, Any]:
    """The gateway's paths, header and Proxy-Status names (connectors_gateway.json)."""
    data = json.loads((Path(__file__).parent / "connectors_gateway.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


# --- Proxy-Status (RFC 9209, a structured-field list per RFC 8941) --------------------

_TOKEN = r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*"
_STRING = r'"(?:[^"\\]|\\[\\"])*"'
_ITEM = re.compile(rf"({_STRING}|{_TOKEN}|-?\d+(?:\.\d+)?|\?[01]|:[A-Za-z0-9+/=]*:)")
_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")


class ProxyStatus(NamedTuple):
    """One member of a Proxy-Status header: the intermediary's name and its parameters."""

    name: str
    parameters: dict[str, str | int | float | bool]
    raw: str


def _bare(text: str) -> str | int | float | bool:
    if text.startswith('"'):
        return re.sub(r"\\([\\\"])", r"\1", text[1:-1])
    if text in ("?0", "?1"):
        return text == "?1"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def parse_proxy_status(values: Iterable[str]) -> list[ProxyStatus]:
    """The members of Proxy-Status header values. Parsing stops at the first malformed
    member of a value (the members before it are kept): a broken header from some
    other intermediary must not hide the gateway's."""
    members: list[ProxyStatus] = []
    for value in values:
        pos, end = 0, len(value)
        while pos < end:
            while pos < end and value[pos] in " \t":
                pos += 1
            item = _ITEM.match(value, pos)
            if item is None:
                break
            start, pos = pos, item.end()
            params: dict[str, str | int | float | bool] = {}
            while pos < end and value[pos] == ";":
                pos += 1
                while pos < end and value[pos] == " ":
                    pos += 1
                key = _KEY.match(value, pos)
                if key is None:
                    break
                pos = key.end()
                if pos < end and value[pos] == "=":
                    bare = _ITEM.match(value, pos + 1)
                    if bare is None:
                        break
                    params[key.group()] = _bare(bare.group())
                    pos = bare.end()
                else:
                    params[key.group()] = True
            members.append(ProxyStatus(str(_bare(item.group())), params, value[start:pos].strip()))
            while pos < end and value[pos] in " \t":
                pos += 1
            if pos < end and value[pos] != ",":
                break
            pos += 1
    return members


class ConnectorsGatewayError(APIStatusError, ToolSourceError):
    """An error the connectors gateway authored itself (not the connector's upstream).

    `proxy_error` is the gateway's error type (`http_request_error`, …),
    `proxy_status_code` the status it reports, `details` its explanation and
    `proxy_status` the raw header member. Inside a run it stops the run: the model
    cannot repair a connector.
    """

    def __init__(
        self, *, response: Any, body: object, member: ProxyStatus, facts: Mapping[str, Any]
    ) -> None:
        error = member.parameters.get(facts["proxy_status_error"])
        code = member.parameters.get(facts["proxy_status_code"])
        details = member.parameters.get(facts["proxy_status_details"])
        self.proxy_status = member.raw
        self.proxy_error = str(error)
        self.proxy_status_code = code if isinstance(code, int) else None
        self.details = str(details) if details is not None else None
        super().__init__(
            f"connectors gateway error {response.status_code} ({self.proxy_error})"
            + (f": {self.details}" if self.details else ""),
            response=cast(httpx2.Response, response),
            body=body,
        )


def gateway_member(status_code: int, headers: Any) -> ProxyStatus | None:
    """The gateway's own Proxy-Status member of an error answer (None: not the gateway's)."""
    if status_code < 400:
        return None
    facts = gateway_facts()
    for member in parse_proxy_status(headers.get_list(facts["proxy_status_header"])):
        if member.name == facts["proxy_status_member"] and facts["proxy_status_error"] in (
            member.parameters
        ):
            return member
    return None


def _body(content: bytes) -> object:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode(errors="replace")


def gateway_error(response: Any) -> ConnectorsGatewayError | None:
    """The typed error of a gateway-authored answer (its body must have been read)."""
    member = gateway_member(response.status_code, response.headers)
    if member is None:
        return None
    return ConnectorsGatewayError(
        response=response, body=_body(response.content), member=member, facts=gateway_facts()
    )


async def raise_gateway_error_async(response: Any) -> None:
    """Response hook of the MCP session's HTTP client (httpx2)."""
    if gateway_member(response.status_code, response.headers) is not None:
        await response.aread()
        error = gateway_error(response)
        if error is not None:
            raise error


# --- where requests may go ------------------------------------------------------------


def _connector_path(connector: str) -> str:
    if not isinstance(connector, str) or not connector.strip():
        raise RequestValidationError(
            f"connector: expected a connector id or name, got {connector!r}", field="connector"
        )
    return str(gateway_facts()["base_path"]).format(connector=quote(connector, safe=""))


def scoped_url(base: httpx2.URL, path: str) -> httpx2.URL:
    """`path` under `base` (which ends with "/"), refusing anything that leaves it."""
    if not isinstance(path, str):
        raise TypeError(f"path: expected a str, got {type(path).__name__}")
    url = httpx2.URL(path)
    if url.is_absolute_url or path.startswith("//"):
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        if not same_origin or not url.raw_path.startswith(base.raw_path):
            raise RequestValidationError(
                f"path: {path!r} is outside the connector ({base})", field="path"
            )
        relative = url.raw_path[len(base.raw_path) :].decode("ascii")
    else:
        relative = path.lstrip("/")
    route = relative.split("?", 1)[0].split("#", 1)[0]
    segments = unquote(route).replace("\\", "/").split("/")
    if any(s in (".", "..") for s in segments):
        raise RequestValidationError(
            f"path: {path!r} has '.' or '..' segments; requests stay inside the connector",
            field="path",
        )
    return httpx2.URL(str(base) + relative)


class _ConnectorHTTPBase:
    """What both HTTP clients share: the base URL, headers, request building, outcomes."""

    def __init__(
        self, client: BaseClient[Any, Any], connector: str, credentials_name: str | None
    ) -> None:
        facts = gateway_facts()
        self.connector = connector
        self.base_url = httpx2.URL(
            f"{client.base_url}{_connector_path(connector)}/{facts['http_path']}"
        )
        headers = client._headers.copy()
        headers.pop("accept", None)
        if credentials_name is not None:
            headers[facts["credentials_header"]] = credentials_name
        self._headers = headers
        self._api = client

    def build(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        data: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        auth: Mapping[str, str] | None = None,
    ) -> httpx2.Request:
        """The request; `auth` is the client's current credential header (none
        when `headers` sets one), fetched by the sending loop."""
        merged = self._headers.copy()
        merged.update(auth or {})
        merged.update(headers or {})
        http: httpx2.Client | httpx2.AsyncClient = self._api._http
        return http.build_request(
            method,
            scoped_url(self.base_url, path),
            params=params,
            headers=merged,
            json=json,
            content=content,
            data=data,
            timeout=self._api.timeout if isinstance(timeout, NotGiven) else timeout,
        )

    def _flow(self, method: str, path: str, options: dict[str, Any]) -> Flow[httpx2.Response]:
        """One request with the client's retry policy (sans-I/O, see `_flow`): the
        upstream's answers come back as they are, errors included; the gateway's own
        errors raise `ConnectorsGatewayError`."""
        api = self._api
        auth = yield from api._auth_flow(None, options.get("headers"))
        request = self.build(method, path, auth=auth, **options)
        attempt = 0
        while True:
            response: httpx2.Response
            try:
                response = yield ("send", request, False)
            except httpx2.TransportError as exc:
                delay = api._retry_delay(attempt, api.max_retries, None, None, request, repr(exc))
                if delay is None:
                    raise api._give_up(exc, request) from exc
            else:
                delay = None if response.is_success else api._retry_delay(
                    attempt, api.max_retries, response.status_code, response.headers, request,
                    f"status {response.status_code}",
                )  # fmt: skip
                if delay is None:
                    error = gateway_error(response)
                    if error is not None:
                        raise error
                    return response
                yield ("close", response)
            yield ("sleep", delay)
            attempt += 1

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


class ConnectorHTTP(_ConnectorHTTPBase):
    """HTTP requests to a connector through the gateway (sync), with the client's
    retry policy. Answers are `httpx2.Response`s, the upstream's errors included;
    gateway-authored errors raise `ConnectorsGatewayError`."""

    _api: SyncAPIClient

    def request(self, method: str, path: str = "", **kwargs: Any) -> httpx2.Response:
        """`path` is relative to the connector's HTTP root (`"users/me"`, `"?q=1"`)."""
        return run_sync(self._flow(method, path, kwargs), self._api._io())

    def get(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return self.request("DELETE", path, **kwargs)


class AsyncConnectorHTTP(_ConnectorHTTPBase):
    """The async twin of `ConnectorHTTP`."""

    _api: AsyncAPIClient

    async def request(self, method: str, path: str = "", **kwargs: Any) -> httpx2.Response:
        """`path` is relative to the connector's HTTP root (`"users/me"`, `"?q=1"`)."""
        return await run_async(self._flow(method, path, kwargs), self._api._io())

    async def get(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str = "", **kwargs: Any) -> httpx2.Response:
        return await self.request("DELETE", path, **kwargs)


# --- `client.beta.connectors` additions -----------------------------------------------


def gateway_server(
    client: BaseClient[Any, Any], connector: str, credentials_name: str | None, **options: Any
) -> MCPToolSource:
    """The connector's MCP endpoint as an `MCPToolSource` (with the client's credentials)."""
    from ._server import MCPToolSource

    facts = gateway_facts()
    headers = client._headers.copy()
    headers.pop("accept", None)  # the MCP transport sets its own
    if credentials_name is not None:
        headers[facts["credentials_header"]] = credentials_name
    url = f"{client.base_url}{_connector_path(connector)}/{facts['mcp_path']}"
    options.setdefault("name", connector)
    options.setdefault("sse_read_timeout", float(facts["mcp_read_timeout"]))
    server = MCPToolSource.http(
        url,
        headers=dict(headers),
        event_hooks={
            "request": [_credential_hook(client)],
            "response": [raise_gateway_error_async],
        },
        **options,
    )
    server._client = client  # its sessions send through this client (mcp/_via.py)
    # a 401 the gateway did not sign (Proxy-Status) is the connector's own
    server.auth_advice = (
        "the connector refused its credentials: check the connector's credentials on the"
        " platform" + (f" (credentials_name={credentials_name!r})" if credentials_name else "")
    )
    return server


def _credential_hook(client: BaseClient[Any, Any]) -> Callable[[Any], Awaitable[None]]:
    """Adds the client's current credential to each request of the MCP transport (a
    rotating key or token file is read per request, as for every API call)."""
    from .._client import AsyncAPIClient

    async def add_credential(request: Any) -> None:
        if isinstance(client, AsyncAPIClient):
            auth = await client._auth_headers(None, request.headers)
        else:
            auth = cast("SyncAPIClient", client)._auth_headers(None, request.headers)
        request.headers.update(auth)

    return add_credential
