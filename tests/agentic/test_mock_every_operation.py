"""The local mock is a stand-in for the whole API: every operation of the spec and of
its supplement, sync and async, called through the SDK with arguments built from the
spec, gets an answer that decodes into the declared type (scripted flows where they
exist, the spec's generic answers otherwise); lists page to their end; uploads arrive
whole; faults come on request."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mock_server import start_mock
from spec_values import SPEC_MISSING_REASON, Values, find_spec, load_api

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral

# Scripted flows answer like the API where state matters: OCR of a file id that was
# never uploaded is a 404 (the flow reads the stored file).
EXPECTED_ERRORS = {"ocr_v1_ocr_post": mistral_sdk.NotFoundError}

CASES = [
    (op_id, which)
    for op_id, operation in sorted(mistral_sdk.OPERATIONS.items())
    for which in (("call", "stream_call") if operation.stream_call else ("call",))
]


@pytest.fixture(scope="module")
def plans() -> dict[tuple[str, str], Any]:
    path = find_spec()
    if path is None:
        pytest.skip(SPEC_MISSING_REASON)
    doc, api, _ = load_api(str(path))
    values = Values(doc, api)
    ops = {op.operation_id: op for op in api.operations}
    out = {}
    for op_id, which in CASES:
        op = ops[op_id]
        method = op.methods[0] if which == "call" else op.methods[1]
        call = getattr(mistral_sdk.OPERATIONS[op_id], which)
        out[op_id, which] = (call, values.plan(op, method), method.response.kind)
    return out


def _resolve(client: Any, call: str) -> Any:
    for part in call.split("."):
        client = getattr(client, part)
    return client


def _sync(client: Mistral, call: str, plan: Any, kind: str) -> Any:
    result = _resolve(client, call)(*plan.args, **plan.kwargs)
    if kind == "sse":
        with result:
            return list(result)
    if kind == "binary":
        return result.read()
    if isinstance(result, mistral_sdk._pagination.SyncPage):
        return list(result)  # every page, to the end
    return result


async def _async(client: AsyncMistral, call: str, plan: Any, kind: str) -> Any:
    result = await _resolve(client, call)(*plan.args, **plan.kwargs)
    if kind == "sse":
        async with result:
            return [event async for event in result]
    if kind == "binary":
        return await result.read()
    if isinstance(result, mistral_sdk._pagination.AsyncPage):
        return [item async for item in result]
    return result


def _check(kind: str, result: Any) -> None:
    if kind == "empty":
        assert result is None
    elif kind == "binary":
        assert isinstance(result, bytes) and result
    elif kind == "sse":
        assert result, "a stream with no event"
    else:
        assert result is not None


def test_every_operation_sync_and_async(plans: dict[tuple[str, str], Any], mock_url: str) -> None:
    failures: list[str] = []
    with Mistral(api_key="k", base_url=mock_url, max_retries=0) as client:
        for (op_id, _which), (call, plan, kind) in plans.items():
            try:
                _check(kind, _sync(client, call, plan, kind))
            except EXPECTED_ERRORS.get(op_id, ()):
                pass
            except Exception as exc:
                failures.append(f"sync {call} ({op_id}): {type(exc).__name__}: {exc}"[:300])

    async def run_async() -> None:
        async with AsyncMistral(api_key="k", base_url=mock_url, max_retries=0) as client:
            for (op_id, _which), (call, plan, kind) in plans.items():
                try:
                    _check(kind, await _async(client, call, plan, kind))
                except EXPECTED_ERRORS.get(op_id, ()):
                    pass
                except Exception as exc:
                    failures.append(f"async {call} ({op_id}): {type(exc).__name__}: {exc}"[:300])

    asyncio.run(run_async())
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)
    assert len(plans) == len(CASES) > 288
    # the supplement's operations (docs/spec.md) are served like the public spec's
    assert {op_id for op_id, _ in plans} == set(mistral_sdk.OPERATIONS)
    assert any(mistral_sdk.OPERATIONS[op_id].source == "supplement" for op_id, _ in plans)


def _page_calls(mode: str, mock_url: str) -> tuple[list[Any], int]:
    """Every file of `files.list` page by page (2 a page): the items and the pages."""
    if mode == "sync":
        with Mistral(api_key="k", base_url=mock_url) as client:
            page = client.beta.agents.list(page_size=2)
            return list(page), len(list(page.iter_pages()))

    async def main() -> tuple[list[Any], int]:
        async with AsyncMistral(api_key="k", base_url=mock_url) as client:
            page = await client.beta.agents.list(page_size=2)
            return [a async for a in page], len([p async for p in page.iter_pages()])

    return asyncio.run(main())


def test_generic_lists_page_to_their_end(mode: str) -> None:
    base_url, stop = start_mock()  # its own server: no agents created by other tests
    try:
        items, pages = _page_calls(mode, base_url)
    finally:
        stop()
    assert len(items) == 3 and pages == 2  # mock_spec.ITEMS, 2 + 1


def test_objects_keep_their_state_sync(mock_url: str) -> None:
    """A library created is listed, read, renamed, holds its uploaded document, and is
    gone once deleted; an uploaded file is listed, retrieved and deleted."""
    with Mistral(api_key="k", base_url=mock_url) as client:
        libraries = client.beta.libraries
        library = libraries.create(name="handbook")
        assert library.name == "handbook"
        assert library.id in [lib.id for lib in libraries.list()]
        assert libraries.patch(library.id, name="renamed").name == "renamed"
        assert libraries.get(library.id).name == "renamed"
        document = libraries.documents.upload(library.id, file=("a.pdf", b"%PDF-1.4"))
        assert [str(d.id) for d in libraries.documents.list(library.id)] == [str(document.id)]
        libraries.delete(library.id)
        assert library.id not in [lib.id for lib in libraries.list()]

        uploaded = client.files.upload(file=("notes.txt", b"hello"))
        assert client.files.retrieve(uploaded.id).filename == "notes.txt"
        assert "notes.txt" in [f.filename for f in client.files.list()]
        client.files.delete(uploaded.id)
        assert str(uploaded.id) not in [str(f.id) for f in client.files.list()]


async def test_objects_keep_their_state_async(mock_url: str) -> None:
    async with AsyncMistral(api_key="k", base_url=mock_url) as client:
        libraries = client.beta.libraries
        library = await libraries.create(name="async handbook")
        assert (await libraries.get(library.id)).name == "async handbook"
        assert (await libraries.update(library.id, name="v2")).name == "v2"
        listed = [lib.id async for lib in await libraries.list()]
        assert library.id in listed
        await libraries.delete(library.id)
        assert library.id not in [lib.id async for lib in await libraries.list()]
