"""Connector bindings for workflow executions, and the typed connector-auth events.

A workflow declares connector slots (`gmail`, `drive`, …); an execution binds them
through its `extensions`: `{"mistralai": {"connectors": {"bindings": [...]}}}`.
Every workflow execute method takes `connectors=[ConnectorSlot(...)]` and merges
the bindings into the caller's own `extensions` with `with_connectors`.

While a run waits for the user to authorize a connector (OAuth), the workflow emits
custom task events of type `connector-auth` whose payload says the status and the
URL to open. `connector_auth(event)` finds that payload in any workflow event.

`client.beta.connectors.mcp(...)` and `.http(...)` reach a connector through the
connectors gateway (`ConnectorsGatewayHelpers`); touching `client.beta.connectors`
imports nothing of `mistral_sdk.mcp`, where the gateway lives, until one is called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from ._errors import MistralError, RequestValidationError
from ._types import field_value, twin_doc

if TYPE_CHECKING:
    from typing import Required

    from typing_extensions import TypedDict

    from .mcp import AsyncConnectorHTTP, ConnectorHTTP, MCPToolSource

__all__ = [
    "CONNECTOR_AUTH_TASK",
    "AsyncConnectorsGatewayHelpers",
    "ConnectorAuth",
    "ConnectorSlot",
    "ConnectorsGatewayHelpers",
    "connector_auth",
    "with_connectors",
]

CONNECTOR_AUTH_TASK = "connector-auth"


class ConnectorSlot(msgspec.Struct, frozen=True, omit_defaults=True):
    """Binds a workflow's connector slot to a connection: `ConnectorSlot("gmail")`,
    or `ConnectorSlot("gmail", credentials_name="work")` to pick named credentials."""

    connector_name: str
    credentials_name: str | None = None


if TYPE_CHECKING:  # for type checkers only, as the generated `params` (docs/typing.md)

    class ConnectorSlotParam(TypedDict, total=False):
        """A `ConnectorSlot` as a dict: `{"connector_name": "gmail"}`."""

        connector_name: Required[str]
        credentials_name: str | None


def _slot(value: object, index: int) -> dict[str, Any]:
    field = f"connectors[{index}]"
    if isinstance(value, ConnectorSlot):
        slot = value
    elif isinstance(value, Mapping):
        unknown = set(value) - {"connector_name", "credentials_name"}
        if unknown:
            raise RequestValidationError(
                f"{field}: unknown key(s) {sorted(unknown)}; a connector binding has "
                "`connector_name` and optionally `credentials_name`",
                field=field,
            )
        try:
            slot = msgspec.convert(dict(value), ConnectorSlot)
        except msgspec.ValidationError as exc:
            raise RequestValidationError(f"{field}: {exc}", field=field) from None
    else:
        raise RequestValidationError(
            f"{field}: expected a ConnectorSlot or a dict, got {type(value).__name__}",
            field=field,
        )
    if not slot.connector_name:
        raise RequestValidationError(f"{field}: connector_name is empty", field=field)
    return msgspec.to_builtins(slot)  # type: ignore[no-any-return]


def with_connectors(
    extensions: Any, connectors: Sequence[ConnectorSlot | ConnectorSlotParam] | None
) -> Any:
    """`extensions` with the connector bindings merged in (unchanged without connectors).

    The caller's other extension keys are kept. Bindings set both here and in
    `extensions` are a conflict, reported rather than overwritten.
    """
    if connectors is None:
        return extensions
    if isinstance(connectors, (str, bytes, Mapping)) or not isinstance(connectors, Sequence):
        raise RequestValidationError(
            "connectors: expected a list of ConnectorSlot (or dicts)", field="connectors"
        )
    bindings = [_slot(c, i) for i, c in enumerate(connectors)]
    names = [b["connector_name"] for b in bindings]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RequestValidationError(
            f"connectors: {duplicates} bound more than once", field="connectors"
        )
    if extensions is None or extensions is msgspec.UNSET:
        base: dict[str, Any] = {}
    elif isinstance(extensions, Mapping):
        base = dict(extensions)
    else:
        raise RequestValidationError(
            f"extensions: expected a dict, got {type(extensions).__name__}", field="extensions"
        )
    mistralai = base.get("mistralai", {})
    if not isinstance(mistralai, Mapping):
        raise RequestValidationError(
            "extensions['mistralai'] is not a dict, so connector bindings cannot be added to it",
            field="extensions",
        )
    if "connectors" in mistralai:
        raise RequestValidationError(
            "extensions['mistralai']['connectors'] is already set; pass connector bindings "
            "either with connectors= or inside extensions, not both",
            field="extensions",
        )
    base["mistralai"] = {**mistralai, "connectors": {"bindings": bindings}}
    return base


ConnectorAuthStatus = Literal[
    "waiting_for_auth", "connected", "access_denied", "timed_out", "error"
]


class ConnectorAuth(msgspec.Struct, frozen=True):
    """The state of a connector's OAuth flow, from a `connector-auth` custom task event.

    `status` is one of `ConnectorAuthStatus` (an unknown status stays a plain string);
    `auth_url` is set while the run waits for the user to authorize.
    """

    connector_name: str
    status: str
    connector_id: str | None = None
    auth_url: str | None = None
    message: str | None = None

    @property
    def waiting(self) -> bool:
        """The run is waiting for the user to open `auth_url`."""
        return self.status == "waiting_for_auth"


def connector_auth(event: Any) -> ConnectorAuth | None:
    """The connector authorization state carried by a workflow event, if it has one.

    Accepts what the workflow streams yield (`client.workflows.executions.stream`,
    `client.workflows.events.stream`): the SSE envelope, its payload, or the custom
    task event itself. Incremental (JSON patch) updates carry no full state and
    give None, like every other event; a connector-auth payload that does not
    have the expected shape raises `MistralError` showing it.
    """
    # Walk down `.data` (envelope → payload → event) to the custom task event.
    for _ in range(3):
        if field_value(event, "attributes") is not None:
            break
        event = field_value(event, "data")
        if event is None:
            return None
    attributes = field_value(event, "attributes")
    if getattr(attributes, "custom_task_type", None) != CONNECTOR_AUTH_TASK:
        return None
    payload = field_value(attributes, "payload")
    if payload is None or getattr(payload, "type", "json") != "json":
        return None
    value = getattr(payload, "value", None)
    try:
        if not isinstance(value, Mapping):
            raise msgspec.ValidationError(f"expected an object, got {type(value).__name__}")
        fields = {k: v for k, v in value.items() if k in ConnectorAuth.__struct_fields__}
        return msgspec.convert(fields, ConnectorAuth)
    except msgspec.ValidationError as exc:
        # An auth event the SDK cannot read must not pass unnoticed: the user waits on it.
        raise MistralError(
            f"a {CONNECTOR_AUTH_TASK} event carries an unexpected payload ({exc}): {value!r}"
        ) from None


class ConnectorsGatewayHelpers:
    """Hand-written additions to `client.beta.connectors`: the connectors gateway."""

    __slots__ = ()

    def mcp(
        self, connector: str, credentials_name: str | None = None, **options: Any
    ) -> MCPToolSource:
        """The connector's MCP server, through the gateway: pass it in `tools=[...]` of
        `conversations.run`, or open it (`with ... as session`) to call its tools.

        Needs the `mcp` extra when opened.

        Args:
            connector: the connector's id or name.
            credentials_name: which of the connector's stored credentials to use.
            options: `MCPToolSource.http`'s filters and settings (`include`, `exclude`,
                `confirm`, `timeout`).
        """
        from .mcp._gateway import gateway_server

        return gateway_server(self._client, connector, credentials_name, **options)  # type: ignore[attr-defined]

    def http(self, connector: str, credentials_name: str | None = None) -> ConnectorHTTP:
        """An HTTP client confined to the connector's HTTP endpoint, through the gateway.

        Args:
            connector: the connector's id or name.
            credentials_name: which of the connector's stored credentials to use.
        """
        from .mcp._gateway import ConnectorHTTP

        return ConnectorHTTP(self._client, connector, credentials_name)  # type: ignore[attr-defined]


class AsyncConnectorsGatewayHelpers:
    """Hand-written additions to `AsyncMistral().beta.connectors`."""

    __slots__ = ()

    @twin_doc(ConnectorsGatewayHelpers.mcp)
    def mcp(
        self, connector: str, credentials_name: str | None = None, **options: Any
    ) -> MCPToolSource:
        """The async twin of `Mistral().beta.connectors.mcp` (use `async with`)."""
        from .mcp._gateway import gateway_server

        return gateway_server(self._client, connector, credentials_name, **options)  # type: ignore[attr-defined]

    @twin_doc(ConnectorsGatewayHelpers.http)
    def http(self, connector: str, credentials_name: str | None = None) -> AsyncConnectorHTTP:
        """The async twin of `Mistral().beta.connectors.http`."""
        from .mcp._gateway import AsyncConnectorHTTP

        return AsyncConnectorHTTP(self._client, connector, credentials_name)  # type: ignore[attr-defined]
