"""Credentials: a key provider called per request (rotation, TTL cache), the
service-account token file (re-read on change), and their precedence; sync and
async alike, for plain requests and streams."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx2
import pytest
from runtime_helpers import BASE, KEY, AsyncClient, Client, Harness

from mistral_sdk import _auth
from mistral_sdk._auth import CredentialsError
from mistral_sdk._errors import AuthenticationError, MistralError
from mistral_sdk._response import SSEResponse


@pytest.fixture(autouse=True)
def _no_token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MISTRAL_SA_TOKEN_PATH", raising=False)


class Recorder:
    """A MockTransport handler that keeps the Authorization header of each request."""

    def __init__(self) -> None:
        self.auth: list[str | None] = []
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        self.auth.append(request.headers.get("authorization"))
        if request.headers.get("accept") == "text/event-stream":
            return httpx2.Response(
                200, content=b"data: {}\n\n", headers={"content-type": "text/event-stream"}
            )
        return httpx2.Response(200, json={"ok": True})


def harness(mode: str, rec: Recorder, **kwargs: Any) -> Harness:
    kwargs.setdefault("api_key", None)
    h = Harness(mode, rec, **kwargs)
    return h


def stream_once(h: Harness) -> None:
    """Open a stream and read it to the end."""
    if h.mode == "sync":
        with h.client.request("POST", "/v1/s", response=SSEResponse(Any)) as stream:
            list(stream)
        return

    async def main() -> None:
        async with await h.client.request("POST", "/v1/s", response=SSEResponse(Any)) as stream:
            async for _ in stream:
                pass

    asyncio.run(main())


def write_token(path: Path, token: str) -> None:
    """Write a token and move the mtime forward, so that even a same-size rewrite
    within one clock tick is seen as a change."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(token + "\n")
    os.utime(path, ns=(before + 10**9, before + 10**9))


# -- a key provider -----------------------------------------------------------


def test_rotating_key_is_fetched_per_request(mode: str) -> None:
    keys = iter(["key-1", "key-2", "key-3", "key-4"])
    rec = Recorder()
    h = harness(mode, rec, api_key=lambda: next(keys))
    h.request()
    h.request()
    stream_once(h)  # a stream is a request like any other
    h.request(api_key_header="x-api-key")  # an operation with its own key header
    assert rec.auth[:3] == ["Bearer key-1", "Bearer key-2", "Bearer key-3"]
    assert rec.requests[3].headers["x-api-key"] == "key-4"
    assert "authorization" not in rec.requests[3].headers


def test_async_key_provider_on_the_async_client() -> None:
    calls = 0

    async def fetch() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return f"async-key-{calls}"

    rec = Recorder()
    h = harness("async", rec, api_key=fetch)
    h.request()
    stream_once(h)
    assert rec.auth == ["Bearer async-key-1", "Bearer async-key-2"]
    assert asyncio.run(h.client._auth_headers()) == {"Authorization": "Bearer async-key-3"}


def test_async_key_provider_is_refused_by_the_sync_client() -> None:
    async def fetch() -> str:
        return "k"

    with pytest.raises(MistralError, match="async function"):
        Client(api_key=fetch)
    # a plain function that returns an awaitable is caught when called
    h = harness("sync", Recorder(), api_key=lambda: fetch())
    with pytest.raises(MistralError, match="awaitable"):
        h.request()


def test_ttl_caches_the_providers_answer(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(_auth.time, "monotonic", lambda: now[0])
    calls: list[str] = []

    def fetch() -> str:
        calls.append("x")
        return f"key-{len(calls)}"

    rec = Recorder()
    h = harness(mode, rec, api_key=fetch, api_key_ttl=60)
    h.request()
    now[0] += 59
    h.request()
    now[0] += 2  # past the TTL: fetched again
    h.request()
    assert rec.auth == ["Bearer key-1", "Bearer key-1", "Bearer key-2"]
    assert len(calls) == 2


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_a_provider_returning_no_key_is_a_clear_error(mode: str, bad: object) -> None:
    rec = Recorder()
    h = harness(mode, rec, api_key=lambda: bad)
    with pytest.raises(CredentialsError, match="api_key callable returned"):
        h.request()
    assert not rec.requests, "nothing is sent without a key"


def test_ttl_without_a_provider_and_negative_ttl_are_errors() -> None:
    with pytest.raises(MistralError, match="api_key_ttl"):
        Client(api_key=None, api_key_ttl=5, service_account_token_path=None)
    with pytest.raises(ValueError, match="api_key_ttl"):
        Client(api_key=lambda: "k", api_key_ttl=-1)


def test_with_options_keeps_the_provider(mode: str) -> None:
    keys = iter(["a", "b"])
    rec = Recorder()
    h = harness(mode, rec, api_key=lambda: next(keys))
    h.client = h.client.with_options(max_retries=0)
    h.request()
    h.request()
    assert rec.auth == ["Bearer a", "Bearer b"]


# -- the service-account token file -------------------------------------------


def test_token_file_is_reread_when_it_changes(mode: str, tmp_path: Path) -> None:
    token = tmp_path / "token"
    write_token(token, "sa-token-v1")
    rec = Recorder()
    h = harness(mode, rec, service_account_token_path=token)
    h.request()
    write_token(token, "sa-token-v2")  # same size: the mtime tells
    h.request()
    stream_once(h)
    write_token(token, "Bearer sa-token-v333")  # a token already in bearer form is kept
    h.request()
    assert rec.auth == [
        "Bearer sa-token-v1",
        "Bearer sa-token-v2",
        "Bearer sa-token-v2",
        "Bearer sa-token-v333",
    ]


def test_token_file_swapped_like_kubernetes_does(mode: str, tmp_path: Path) -> None:
    # kubelet writes a new directory and swaps a symlink atomically
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "token").write_text("projected-1")
    (tmp_path / "v2" / "token").write_text("projected-2")
    data = tmp_path / "data"
    data.symlink_to(tmp_path / "v1")
    rec = Recorder()
    h = harness(mode, rec, service_account_token_path=str(data / "token"))
    h.request()
    swap = tmp_path / "data.new"
    swap.symlink_to(tmp_path / "v2")
    os.replace(swap, data)
    h.request()
    assert rec.auth == ["Bearer projected-1", "Bearer projected-2"]


def test_token_path_from_the_environment(mode: str, tmp_path: Path, monkeypatch: Any) -> None:
    token = tmp_path / "token"
    write_token(token, "from-env-path")
    monkeypatch.setenv("MISTRAL_SA_TOKEN_PATH", str(token))
    rec = Recorder()
    harness(mode, rec).request()
    assert rec.auth == ["Bearer from-env-path"]


def test_missing_or_empty_token_file_fails_at_construction(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(CredentialsError, match=r"cannot read .*nope"):
        Client(service_account_token_path=missing)
    empty = tmp_path / "empty"
    empty.write_text(" \n")
    with pytest.raises(CredentialsError, match=r"empty"):
        AsyncClient(service_account_token_path=empty)
    assert issubclass(CredentialsError, MistralError)


def test_token_file_gone_or_emptied_later_stops_the_request(mode: str, tmp_path: Path) -> None:
    token = tmp_path / "token"
    write_token(token, "sa-token")
    rec = Recorder()
    h = harness(mode, rec, service_account_token_path=token)
    h.request()
    write_token(token, "")
    with pytest.raises(CredentialsError, match="is empty"):
        h.request()
    token.unlink()
    with pytest.raises(CredentialsError, match=r"cannot read .* No such file"):
        h.request()
    assert len(rec.requests) == 1


# -- precedence ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"api_key": "explicit", "token": True, "env": True}, "Bearer explicit"),
        ({"api_key": lambda: "provided", "token": True, "env": True}, "Bearer provided"),
        ({"token": True, "env": True}, "Bearer from-file"),
        ({"env": True}, "Bearer from-env"),
    ],
    ids=["api_key", "api_key callable", "token file", "MISTRAL_API_KEY"],
)
def test_precedence(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: dict[str, Any], expected: str
) -> None:
    if given.get("env"):
        monkeypatch.setenv("MISTRAL_API_KEY", "from-env")
    if given.get("token"):
        token = tmp_path / "token"
        write_token(token, "from-file")
        monkeypatch.setenv("MISTRAL_SA_TOKEN_PATH", str(token))
    rec = Recorder()
    h = harness(mode, rec, api_key=given.get("api_key"))
    h.request()
    h.request(extra_headers={"Authorization": "Bearer per-request"})  # outranks them all
    assert rec.auth == [expected, "Bearer per-request"]


def test_a_per_request_header_skips_the_provider(mode: str) -> None:
    calls: list[int] = []
    rec = Recorder()
    h = harness(mode, rec, api_key=lambda: calls.append(1) or "k")
    h.request(extra_headers={"Authorization": "Bearer mine"})
    h.request(extra_headers={"Authorization": None})  # removed: sent without
    assert rec.auth == ["Bearer mine", None]
    assert calls == []


def test_default_headers_authorization_outranks_the_credential(mode: str) -> None:
    rec = Recorder()
    h = harness(mode, rec, api_key=KEY, default_headers={"Authorization": "Token team"})
    h.request()
    assert rec.auth == ["Token team"]
    auth = h.client._auth_headers() if mode == "sync" else asyncio.run(h.client._auth_headers())
    assert auth == {}  # the caller's own header is already among the client's


def test_api_key_property_and_auth_headers_follow_rotation(tmp_path: Path) -> None:
    token = tmp_path / "token"
    write_token(token, "t1")
    client = Client(service_account_token_path=token, base_url=BASE)
    assert client.api_key == "t1"
    write_token(token, "t2")
    assert client._auth_headers() == {"Authorization": "Bearer t2"}


def test_rotated_keys_are_redacted_from_errors(mode: str) -> None:
    keys = iter(["sk-old-SECRET-aaaaaaaa", "sk-new-SECRET-bbbbbbbb"])
    echoed: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        echoed.append(request.headers["authorization"])
        return httpx2.Response(401, json={"message": " / ".join(echoed)})

    h = Harness(mode, handler, api_key=lambda: next(keys), max_retries=0)
    for _ in range(2):
        with pytest.raises(AuthenticationError) as caught:
            h.request()
    # the second error's body names both keys: the old one too is scrubbed
    assert "SECRET" not in str(caught.value)
    assert str(caught.value).count("***") == 2
    assert "SECRET" not in repr(h.client._credentials)


def test_credentials_auth_for_capabilities_with_their_own_httpx_client(mode: str) -> None:
    # the connectors gateway or an MCP HTTP transport sends with its own httpx2 client
    keys = iter(["k1", "k2", "k3"])
    seen: list[str | None] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("authorization"))
        return httpx2.Response(204)

    if mode == "sync":
        api = Client(api_key=lambda: next(keys))
        auth = _auth.CredentialsAuth(api._credentials)
        with httpx2.Client(transport=httpx2.MockTransport(handler), auth=auth) as http:
            http.get("https://gw.test/a")
            http.get("https://gw.test/b")
            http.get("https://gw.test/c", headers={"Authorization": "Bearer own"})
    else:

        async def fetch() -> str:
            return next(keys)

        api = AsyncClient(api_key=fetch)
        auth = _auth.CredentialsAuth(api._credentials)

        async def main() -> None:
            transport = httpx2.MockTransport(handler)
            async with httpx2.AsyncClient(transport=transport, auth=auth) as http:
                await http.get("https://gw.test/a")
                await http.get("https://gw.test/b")
                await http.get("https://gw.test/c", headers={"Authorization": "Bearer own"})

        asyncio.run(main())
    assert seen == ["Bearer k1", "Bearer k2", "Bearer own"]
    assert "k1" not in repr(auth)
