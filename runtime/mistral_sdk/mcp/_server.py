"""MCP servers as tool sources of `conversations.run` / `run_stream`, sync and async.

`MCPToolSource.stdio(...)`, `.http(...)` and `.sse(...)` describe a server; passed in
`tools=[...]` it is opened for the run (its tools listed once, filtered, turned into
function tools with their JSON schemas) and closed after it. Held in a `with` (or
`async with`) block it stays open across the runs inside the block, and the block
gives a session to call tools directly.

The session logic is written once, async (`AsyncMCPSession`, on the `mcp`
package's `Client`). The sync API runs that same session on a background event-loop
thread (an anyio blocking portal) and waits for each call: `MCPSession`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterator,
    Mapping,
    Sequence,
)
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO, TypedDict, TypeVar, Unpack

from .._errors import MistralError
from .._tools import SourceTool, ToolOutput, ToolSource, ToolSourceError
from .._version import __version__
from ._content import tool_output
from ._errors import MCPServerError, MCPToolError, require_mcp
from ._status import CREDENTIAL_STATUSES, Refusal, StatusClient, refusal, status_error
from ._stderr import ServerLog, masked_crash

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

__all__ = ["AsyncMCPSession", "MCPToolSource", "MCPSession"]

T = TypeVar("T")

# A transport: called inside the event loop with the Mistral client whose HTTP stack
# to use (or None) and the pipe for a stdio server's stderr (or None), returns an async
# context manager giving the (read, write) streams of an MCP connection.
TransportFactory = Callable[[Any, "ServerLog | None"], Any]

# JSON-RPC code the `mcp` package uses when the connection ends under a request.
_CONNECTION_CLOSED = -32000
_TOOL_NAME_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


class ServerOptions(TypedDict, total=False):
    """The filters and options of every `MCPToolSource` constructor (see the class)."""

    name: str | None
    include: Collection[str] | None
    exclude: Collection[str] | None
    confirm: bool | Collection[str]
    confirm_destructive: bool
    timeout: float | None


class RemoteOptions(ServerOptions, total=False):
    """The options of `MCPToolSource.http` and `MCPToolSource.sse`.

    - headers: sent with every request (API keys).
    - auth: an `OAuth` (`mistral_sdk.mcp.OAuth`) or any `httpx2.Auth`.
    - name, include, exclude, confirm, confirm_destructive: as for every
      `MCPToolSource` (see the class).
    - timeout: the connect/write timeout, seconds (30).
    - sse_read_timeout: how long the server's response stream may be silent (300).
    """

    headers: Mapping[str, str] | None
    auth: Any
    sse_read_timeout: float


def _names(value: Collection[str] | None, field: str) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{field}: expected a collection of tool names, got {value!r}")
    return frozenset(value)


def _leaf(exc: BaseException) -> BaseException:
    """The one real error inside the exception groups of anyio task groups."""
    while True:
        inner = getattr(exc, "exceptions", None)
        if not isinstance(inner, tuple) or len(inner) != 1:
            return exc
        exc = inner[0]


def _is_connection_failure(exc: BaseException) -> bool:
    import anyio

    code = getattr(getattr(exc, "error", None), "code", None)
    if code == _CONNECTION_CLOSED:
        return True
    if isinstance(exc, (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream)):
        return True
    if isinstance(exc, OSError):
        return True
    module = type(exc).__module__ or ""
    return module.startswith("httpx2") and type(exc).__name__.endswith(("Error", "Timeout"))


class MCPToolSource(ToolSource):
    """An MCP server whose tools the model may call in `conversations.run`.

    Build one with `MCPToolSource.stdio(command, args)`, `MCPToolSource.http(url)` or
    `MCPToolSource.sse(url)`. The filters are the same for all:

    - `include`: only these tools are offered to the model (default: all);
    - `exclude`: these tools are not offered;
    - `confirm`: these tools (or all, with True) go through `on_confirmation`
      before they run, like calls the server asks to confirm;
    - `confirm_destructive` (default True): the tools the server annotates as
      destructive (`destructiveHint: true`, and not `readOnlyHint: true`) go through
      `on_confirmation` too; False trusts them to run unasked;
    - `timeout`: stdio: seconds to wait for each answer of the server; HTTP: the
      connect/write timeout, with `sse_read_timeout` for a silent response stream.

    A name in a filter that the server does not offer is an error (a typo in
    `confirm` must not let a tool run unconfirmed).
    """

    def __init__(
        self,
        transport: TransportFactory,
        *,
        target: str,
        name: str | None = None,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
        confirm: bool | Collection[str] = False,
        confirm_destructive: bool = True,
        timeout: float | None = None,
    ) -> None:
        self._transport = transport
        self.target = target
        self.name = name or target
        self.label = f"MCP server {self.name!r}"
        self.include = _names(include, "include")
        self.exclude = _names(exclude, "exclude") or frozenset()
        self.confirm: bool | frozenset[str] = (
            confirm if isinstance(confirm, bool) else _names(confirm, "confirm") or frozenset()
        )
        if not isinstance(confirm_destructive, bool):
            raise TypeError(f"confirm_destructive: expected a bool, got {confirm_destructive!r}")
        self.confirm_destructive = confirm_destructive
        if self.include is not None and self.include & self.exclude:
            raise ValueError(
                f"tools both included and excluded: {sorted(self.include & self.exclude)}"
            )
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout!r}")
        self.timeout = timeout
        # a stdio server without `errlog=`: its stderr is read by the SDK (`_stderr.py`)
        self.reads_stderr = False
        # what to do about a 401 (`_status.py`): depends on the credentials it was given
        self.auth_advice = "check the credentials sent to the server"
        # the Mistral client this server belongs to (the connectors gateway's), if any:
        # it sends the server's HTTP, whichever client runs the conversation
        self._client: Any = None
        self._held_sync: MCPSession | None = None
        self._held_async: AsyncMCPSession | None = None

    # --- constructors --------------------------------------------------------------

    @classmethod
    def stdio(
        cls,
        command: str,
        args: Sequence[str] = (),
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        errlog: TextIO | None = None,
        **options: Unpack[ServerOptions],
    ) -> MCPToolSource:
        """A server started as a subprocess (`command args...`), spoken to over its
        stdin/stdout. `env` is added to a minimal safe environment. The server's
        stderr goes to `errlog` (a file) if given; by default it is logged line by
        line (the `mistral_sdk.mcp` logger, INFO), and its last lines are quoted in
        the errors of a server that fails."""
        if isinstance(args, str):
            raise TypeError("args: expected a list of arguments, got a str")
        arguments = [str(a) for a in args]

        def transport(client: Any, log: ServerLog | None) -> Any:
            from mcp.client.stdio import StdioServerParameters, stdio_client

            params = StdioServerParameters(
                command=command,
                args=arguments,
                env=dict(env) if env else None,
                cwd=os.fspath(cwd) if cwd is not None else None,
            )
            return stdio_client(params, errlog=errlog or (log.writer if log else sys.stderr))

        shown = " ".join([os.path.basename(command), *(os.path.basename(a) for a in arguments[:1])])
        server = cls(transport, target=shown, **options)
        server.reads_stderr = errlog is None
        return server

    @classmethod
    def http(
        cls,
        url: str,
        *,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
        **options: Unpack[RemoteOptions],
    ) -> MCPToolSource:
        """A server at a streamable HTTP endpoint (`https://host/mcp`).

        `headers` go with every request (API keys); `auth` is an `OAuth` (see
        `mistral_sdk.mcp.OAuth`) or any `httpx2.Auth`. Redirects leaving the
        endpoint's origin are never followed (the headers must not leak). Run by a
        Mistral client, the server's HTTP goes through that client's own httpx2
        client (its transport, proxy and TLS settings). The other options:
        `RemoteOptions`."""
        return cls._remote(url, options, event_hooks, streamable=True)

    @classmethod
    def sse(cls, url: str, **options: Unpack[RemoteOptions]) -> MCPToolSource:
        """A server on the older HTTP+SSE transport (`https://host/sse`), which the
        `mcp` package still speaks; prefer `http` for servers that offer both."""
        return cls._remote(url, options, None, streamable=False)

    @classmethod
    def _remote(
        cls,
        url: str,
        options: RemoteOptions,
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None,
        *,
        streamable: bool,
    ) -> MCPToolSource:
        _check_url(url)
        headers, auth = options.get("headers"), options.get("auth")
        timeout = options.get("timeout", 30.0)
        sse_read_timeout = options.get("sse_read_timeout", 300.0)

        def transport(client: Any, log: ServerLog | None) -> Any:
            return _http_transport(
                url,
                headers,
                auth,
                timeout,
                sse_read_timeout,
                event_hooks,
                streamable=streamable,
                client=client,
            )

        # The HTTP timeouts bound each exchange; a tool may run longer than `timeout`
        # as long as the server's stream is not silent for `sse_read_timeout`.
        server = cls(
            transport,
            target=url,
            name=options.get("name"),
            include=options.get("include"),
            exclude=options.get("exclude"),
            confirm=options.get("confirm", False),
            confirm_destructive=options.get("confirm_destructive", True),
        )
        server.auth_advice = _auth_advice(headers, auth)
        return server

    # --- what the run loop uses (ToolSource) -----------------------------------------

    def open_sync(
        self, client: Any = None
    ) -> contextlib.AbstractContextManager[Sequence[SourceTool]]:
        return self._open_sync(client)

    def open_async(
        self, client: Any = None
    ) -> contextlib.AbstractAsyncContextManager[Sequence[SourceTool]]:
        return self._open_async(client)

    @contextlib.contextmanager
    def _open_sync(self, client: Any) -> Iterator[Sequence[SourceTool]]:
        if self._held_async is not None:
            raise MistralError(f"{self.label} is open in an `async with` block; use AsyncMistral")
        if self._held_sync is not None:
            yield self._held_sync.source_tools()
            return
        with MCPSession(self, self._client or client) as session:
            yield session.source_tools()

    @contextlib.asynccontextmanager
    async def _open_async(self, client: Any) -> AsyncIterator[Sequence[SourceTool]]:
        if self._held_sync is not None:
            raise MistralError(f"{self.label} is open in a sync `with` block; use Mistral")
        if self._held_async is not None:
            yield await self._held_async.source_tools()
            return
        async with AsyncMCPSession(self, self._client or client) as session:
            yield await session.source_tools()

    # --- held open by the caller -------------------------------------------------------

    def __enter__(self) -> MCPSession:
        if self._held_sync is not None or self._held_async is not None:
            raise MistralError(f"{self.label} is already open")
        session = MCPSession(self, self._client)
        session.__enter__()
        self._held_sync = session
        return session

    def __exit__(self, *exc_info: Any) -> None:
        session, self._held_sync = self._held_sync, None
        if session is not None:
            session.__exit__(*exc_info)

    async def __aenter__(self) -> AsyncMCPSession:
        if self._held_sync is not None or self._held_async is not None:
            raise MistralError(f"{self.label} is already open")
        session = AsyncMCPSession(self, self._client)
        await session.__aenter__()
        self._held_async = session
        return session

    async def __aexit__(self, *exc_info: Any) -> None:
        session, self._held_async = self._held_async, None
        if session is not None:
            await session.__aexit__(*exc_info)

    # --- decisions (pure) ------------------------------------------------------------

    def select(self, listed: Sequence[Any]) -> list[Any]:
        """The listed tools the model is offered, after `include` / `exclude`."""
        offered = [t.name for t in listed]
        named = set(self.include or ()) | set(self.exclude)
        if not isinstance(self.confirm, bool):
            named |= self.confirm
        unknown = sorted(named - set(offered))
        if unknown:
            raise MCPServerError(
                f"{self.label} does not offer the tool(s) {unknown} named in include/exclude/"
                f"confirm (it offers {sorted(offered)})",
                server=self.name,
            )
        chosen = []
        for tool in listed:
            if tool.name in self.exclude or (
                self.include is not None and tool.name not in self.include
            ):
                continue
            if not tool.name or not set(tool.name) <= _TOOL_NAME_OK or len(tool.name) > 64:
                raise MCPServerError(
                    f"{self.label} offers a tool named {tool.name!r}, which the API does not"
                    " accept (1-64 letters, digits, '_' or '-'); leave it out with"
                    f" exclude=[{tool.name!r}]",
                    server=self.name,
                )
            chosen.append(tool)
        return chosen

    def needs_confirmation(self, tool: Any) -> bool:
        """Whether calls of this listed tool go through `on_confirmation` first."""
        if self.confirm is True or (
            not isinstance(self.confirm, bool) and tool.name in self.confirm
        ):
            return True
        return self.confirm_destructive and _destructive(tool)

    def source_tool(self, tool: Any, func: Callable[..., Any]) -> SourceTool:
        parameters = {k: v for k, v in (tool.input_schema or {}).items() if k != "title"}
        parameters.setdefault("type", "object")
        return SourceTool(
            tool.name,
            parameters,
            func,
            origin=self.label,
            description=tool.description or getattr(tool, "title", None) or "",
            requires_confirmation=self.needs_confirmation(tool),
        )

    def failure(self, what: str, exc: BaseException, stderr: str = "") -> MCPServerError:
        """The error of a server that failed as a whole; `stderr`: the end of its log."""
        exc = _leaf(exc)
        detail = str(exc) or type(exc).__name__
        told = f"\nThe end of the server's stderr:\n{stderr}" if stderr else ""
        return MCPServerError(f"{self.label} {what}: {detail}{told}", server=self.name)

    def __repr__(self) -> str:
        return f"<MCPToolSource {self.name!r}>"


def _auth_advice(headers: Mapping[str, str] | None, auth: Any) -> str:
    """What to do about a 401, given what the server was sent."""
    from ._auth import OAuth

    if isinstance(auth, OAuth):
        return (
            "the OAuth flow ended without a token the server accepts: check its settings"
            " (scope, client), or clear its token store to authorize again"
        )
    hints = ("auth", "key", "token", "secret", "cookie")
    if auth is not None or any(h in name.lower() for name in headers or () for h in hints):
        return (
            "it refused the credentials sent (headers= or auth=): the token may be wrong,"
            " expired or revoked"
        )
    return (
        'it needs credentials: pass headers={"Authorization": "Bearer <token>"} (or the'
        " header the server documents), or auth=mistral_sdk.mcp.OAuth(...) for a server"
        " that supports OAuth"
    )


def _destructive(tool: Any) -> bool:
    """The tool says it may destroy something. Only an explicit `destructiveHint: true`
    counts (the MCP spec's default is true, but most servers annotate nothing, and
    asking about every tool would teach people to click yes), and the spec gives the
    hint no meaning for a read-only tool."""
    hints = getattr(tool, "annotations", None)
    return (
        getattr(hints, "destructive_hint", None) is True
        and getattr(hints, "read_only_hint", None) is not True
    )


def _check_url(url: str) -> None:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"url: expected an http(s) URL, got {url!r}")


@contextlib.asynccontextmanager
async def _http_transport(
    url: str,
    headers: Mapping[str, str] | None,
    auth: Any,
    timeout: float | None,
    sse_read_timeout: float,
    event_hooks: Mapping[str, list[Callable[..., Any]]] | None,
    *,
    streamable: bool,
    client: Any,
) -> AsyncIterator[Any]:
    import httpx2

    from ._auth import OAuth
    from ._via import client_transport

    if isinstance(auth, OAuth):
        auth = auth.provider(url)
    transport = client_transport(client)  # the Mistral client's HTTP stack, if any

    def http_client(
        headers: Mapping[str, str] | None = None,
        timeout: httpx2.Timeout | None = None,
        auth: httpx2.Auth | None = None,
    ) -> httpx2.AsyncClient:
        return StatusClient(
            headers=dict(headers or {}),
            auth=auth,
            timeout=timeout,
            follow_redirects=False,
            event_hooks={k: list(v) for k, v in (event_hooks or {}).items()},
            transport=transport,
        )

    if not streamable:
        from mcp.client.sse import sse_client

        async with sse_client(
            url,
            headers=dict(headers or {}),
            timeout=timeout or 30.0,
            sse_read_timeout=sse_read_timeout,
            auth=auth,
            httpx_client_factory=http_client,
        ) as streams:
            yield streams
        return
    from mcp.client.streamable_http import streamable_http_client

    http_timeout = httpx2.Timeout(timeout, read=sse_read_timeout)
    async with (
        http_client(headers, http_timeout, auth) as session_http,
        streamable_http_client(url, http_client=session_http) as streams,
    ):
        yield streams


class AsyncMCPSession:
    """An open connection to an MCP server (async); `async with server as session`.

    `list_tools()` and `call_tool()` give the `mcp` package's own results;
    `client` is the underlying `mcp.Client` for everything else (resources,
    prompts, …).
    """

    def __init__(self, server: MCPToolSource, via: Any = None) -> None:
        self.server = server
        self._via = via  # the Mistral client whose HTTP stack the session uses, if any
        self._stack = contextlib.AsyncExitStack()
        self._client: Any = None
        self._log: ServerLog | None = None  # a stdio server's stderr, read by us

    @property
    def client(self) -> Any:
        """The connected `mcp.Client`."""
        if self._client is None:
            raise MistralError(f"{self.server.label}: the session is not open")
        return self._client

    async def __aenter__(self) -> AsyncMCPSession:
        require_mcp()
        from mcp import Client, Implementation

        if self.server.reads_stderr:
            self._log = ServerLog(self.server.label)
        try:
            client = Client(
                self.server._transport(self._via, self._log),
                read_timeout_seconds=self.server.timeout,
                client_info=Implementation(name="mistral-sdk", version=__version__),
                cache=None,
            )
            self._client = await self._stack.enter_async_context(client)
        except ToolSourceError:
            raise
        except Exception as exc:
            await self._stack.aclose()
            if self._log is not None:
                self._log.started()  # before waiting for the end of what it wrote
            gateway = _gateway_error(exc)
            if gateway is not None:
                raise gateway from None
            refused = _refusal(exc)
            if refused is not None:
                raise status_error(self.server, refused, "could not be opened") from None
            raise await self._failure("could not be opened", exc) from exc
        finally:
            if self._log is not None:
                self._log.started()  # the process has its end of the pipe, or never will
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._client = None
        try:
            await self._stack.aclose()
        except Exception as close_exc:
            if exc is None:  # closing a session that died already must not hide why
                raise await self._failure("did not close cleanly", close_exc) from close_exc

    async def list_tools(self) -> list[Any]:
        """Every tool the server offers (all pages), as `mcp_types.Tool`."""
        tools: list[Any] = []
        cursor: str | None = None
        try:
            while True:
                page = await self.client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if not cursor:
                    return tools
        except Exception as exc:
            refused = _refusal(exc)
            if refused is not None:
                raise status_error(self.server, refused, "failed to list its tools") from None
            raise await self._mapped(exc, "failed to list its tools") from exc

    async def call_tool(self, name: str, arguments: Mapping[str, Any] | None = None) -> Any:
        """Call a tool; the server's `CallToolResult` (`isError` is not raised)."""
        try:
            return await self.client.call_tool(name, dict(arguments or {}))
        except Exception as exc:
            raise await self._mapped(exc, f"failed during the call of tool {name!r}") from exc

    async def run_tool(self, name: str, arguments: Mapping[str, Any]) -> ToolOutput:
        """A call as the run loop answers it: the result converted for the model (with
        the exception of a tool that crashed, found in the server's log: `_stderr.py`)."""
        position = self._log.position() if self._log is not None else 0
        result = await self.call_tool(name, arguments)
        output = tool_output(result)
        if self._log is not None and masked_crash(name, result):
            crash = await self._log.crash(name, position)
            if crash is not None:
                text = f"{output.text} (the server's log says: {crash})"
                return ToolOutput(text, error=True, content=output.content)
        return output

    async def source_tools(self) -> list[SourceTool]:
        """The tools offered to a run (filtered), calling back into this session."""

        def caller(name: str) -> Callable[..., Awaitable[ToolOutput]]:
            async def call(**arguments: Any) -> ToolOutput:
                return await self.run_tool(name, arguments)

            return call

        return [
            self.server.source_tool(t, caller(t.name))
            for t in self.server.select(await self.list_tools())
        ]

    async def _failure(self, what: str, exc: BaseException) -> MCPServerError:
        """The server failed as a whole; a stdio server's error quotes its stderr."""
        if self._log is None:
            return self.server.failure(what, exc)
        await self._log.wait_end()  # what it wrote before it exited
        return self.server.failure(what, exc, self._log.tail())

    async def _mapped(self, exc: BaseException, what: str) -> Exception:
        leaf = _leaf(exc)
        gateway = _gateway_error(leaf)
        if gateway is not None:
            return gateway
        if isinstance(leaf, MistralError):
            return leaf
        if _is_connection_failure(leaf):
            return await self._failure(f"{what} (connection lost; did the server exit?)", leaf)
        refused = _refusal(leaf)
        if refused is not None and refused.status_code in CREDENTIAL_STATUSES:
            # the model cannot fix credentials: the run stops, naming the server
            return status_error(self.server, refused, what)
        code = getattr(getattr(leaf, "error", None), "code", None)
        if refused is not None:
            detail = f"HTTP {refused.status_code} {refused.reason}".rstrip()
            if refused.body:
                detail += f": {refused.body}"
            return MCPToolError(
                f"{self.server.label} {what}: {detail}", code=code, status_code=refused.status_code
            )
        return MCPToolError(f"{self.server.label}: {leaf}", code=code)


def _refusal(exc: BaseException) -> Refusal | None:
    return refusal(_leaf(exc))


def _gateway_error(exc: BaseException) -> Exception | None:
    from ._gateway import ConnectorsGatewayError

    leaf = _leaf(exc)
    return leaf if isinstance(leaf, ConnectorsGatewayError) else None


class MCPSession:
    """An open connection to an MCP server (sync); `with server as session`.

    The connection lives on a background event-loop thread; each call waits for
    its answer. Same methods as `AsyncMCPSession`, without `await`.
    """

    def __init__(self, server: MCPToolSource, via: Any = None) -> None:
        self.server = server
        self._via = via
        self._stack = contextlib.ExitStack()
        self._portal: BlockingPortal | None = None
        self._session: AsyncMCPSession | None = None

    def __enter__(self) -> MCPSession:
        require_mcp()
        from anyio.from_thread import start_blocking_portal

        try:
            portal = self._stack.enter_context(start_blocking_portal())
            session = AsyncMCPSession(self.server, self._via)
            self._session = self._stack.enter_context(portal.wrap_async_context_manager(session))
            self._portal = portal
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._portal = self._session = None
        self._stack.__exit__(*exc_info)

    def _call(self, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
        if self._portal is None:
            raise MistralError(f"{self.server.label}: the session is not open")
        return self._portal.call(fn, *args)

    @property
    def async_session(self) -> AsyncMCPSession:
        """The async session behind this one (its `client` runs on the portal's loop)."""
        if self._session is None:
            raise MistralError(f"{self.server.label}: the session is not open")
        return self._session

    def list_tools(self) -> list[Any]:
        return self._call(self.async_session.list_tools)

    def call_tool(self, name: str, arguments: Mapping[str, Any] | None = None) -> Any:
        return self._call(self.async_session.call_tool, name, arguments)

    def run_tool(self, name: str, arguments: Mapping[str, Any]) -> ToolOutput:
        return self._call(self.async_session.run_tool, name, arguments)

    def source_tools(self) -> list[SourceTool]:
        def caller(name: str) -> Callable[..., ToolOutput]:
            def call(**arguments: Any) -> ToolOutput:
                return self.run_tool(name, arguments)

            return call

        return [
            self.server.source_tool(t, caller(t.name))
            for t in self.server.select(self.list_tools())
        ]
