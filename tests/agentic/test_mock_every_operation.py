"""The local mock is a stand-in for the whole API: every method of every operation, of
the spec and of its supplement, sync and async, called through the SDK with arguments
made from its own signature, gets an answer that decodes into the declared type
(scripted flows where they exist, the generic answers otherwise); lists page to their
end; uploads arrive whole; faults come on request. Neither the mock nor these tests
read the spec (mistral_sdk/testing/_samples.py)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

import mistral_sdk
from mistral_sdk import AsyncMistral, Mistral
from mistral_sdk.testing import Mock
from mistral_sdk.testing import _samples as mock_samples

# Scripted flows answer like the API where state matters: OCR of a file id that was
# never uploaded is a 404 (the flow reads the stored file), and so is a batch job
# whose `input_files` name files never uploaded.
EXPECTED_ERRORS = {
    "ocr_v1_ocr_post": mistral_sdk.NotFoundError,
    "jobs_api_routes_batch_create_batch_job": mistral_sdk.NotFoundError,
}

ENDPOINTS = mock_samples.endpoints()


def plans(scope: str) -> list[tuple[Any, list[Any], dict[str, Any], mock_samples.Samples]]:
    """(endpoint, args, kwargs, samples) of every method: each operation's values are
    its own, and `scope` (the pass) makes them differ from every other pass's."""
    out = []
    for endpoint in ENDPOINTS:
        samples = mock_samples.Samples(f"{scope}.{endpoint.call}")
        args, kwargs = samples.arguments(endpoint.function)
        out.append((endpoint, args, kwargs, samples))
    return out


def _resolve(client: Any, call: str) -> Any:
    for part in call.split("."):
        client = getattr(client, part)
    return client


def _sync(client: Mistral, endpoint: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    result = _resolve(client, endpoint.call)(*args, **kwargs)
    if endpoint.kind == "sse":
        with result:
            return list(result)
    if endpoint.kind == "binary":
        return result.read()
    if endpoint.kind == "page":
        return list(result)  # every page, to the end
    return result


async def _async(
    client: AsyncMistral, endpoint: Any, args: list[Any], kwargs: dict[str, Any]
) -> Any:
    result = await _resolve(client, endpoint.call)(*args, **kwargs)
    if endpoint.kind == "sse":
        async with result:
            return [event async for event in result]
    if endpoint.kind == "binary":
        return await result.read()
    if endpoint.kind == "page":
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


def test_every_operation_sync_and_async(mock_url: str) -> None:
    failures: list[str] = []
    with Mistral(api_key="k", base_url=mock_url, max_retries=0) as client:
        for endpoint, args, kwargs, _ in plans("sync"):
            try:
                _check(endpoint.kind, _sync(client, endpoint, args, kwargs))
            except EXPECTED_ERRORS.get(endpoint.operation.operation_id, ()):
                pass
            except Exception as exc:
                failures.append(f"sync {endpoint.call}: {type(exc).__name__}: {exc}"[:300])

    async def run_async() -> None:
        async with AsyncMistral(api_key="k", base_url=mock_url, max_retries=0) as client:
            for endpoint, args, kwargs, _ in plans("async"):
                try:
                    _check(endpoint.kind, await _async(client, endpoint, args, kwargs))
                except EXPECTED_ERRORS.get(endpoint.operation.operation_id, ()):
                    pass
                except Exception as exc:
                    failures.append(f"async {endpoint.call}: {type(exc).__name__}: {exc}"[:300])

    asyncio.run(run_async())
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)
    calls = {c for op in mistral_sdk.OPERATIONS.values() for c in (op.call, op.stream_call) if c}
    assert {e.call for e in ENDPOINTS} == calls
    # the supplement's operations (docs/spec.md) are served like the public spec's
    assert any(e.operation.source == "supplement" for e in ENDPOINTS)


def test_no_sample_value_is_sent_twice() -> None:
    """The values made up for the calls (ids, names, ...) differ between the sync and
    the async pass and between any two operations: a stateful mock (a workflow run
    created with a client-chosen `execution_id`, say) never sees one twice. A spec
    that adds such a field to any operation cannot make the pass above fail with a 409
    "already exists"."""
    made = [v for scope in ("sync", "async") for *_, s in plans(scope) for v in s.invented]
    repeated = [value for value, n in Counter(made).items() if n > 1]
    assert not repeated, repeated[:10]
    assert len(made) > 2 * len(ENDPOINTS)  # the plans do make values up, both passes


@pytest.mark.parametrize("field", ["execution_id", "id", "name"])
def test_one_field_in_two_passes_gets_two_values(field: str) -> None:
    """The 409 of July 2026: an execute body with a client-chosen `execution_id`,
    sent once by the sync pass and once by the async pass."""
    values = {
        scope: mock_samples.Samples(f"{scope}.workflows.execute").wire(str, field)
        for scope in ("sync", "async")
    }
    assert values["sync"] != values["async"]
    assert all(v.startswith(f"{field}-") for v in values.values())


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
    with Mock() as mock:  # its own: no agents created by other tests
        items, pages = _page_calls(mode, mock.serve())
    assert len(items) == 3 and pages == 2  # mock_generic.ITEMS, 2 + 1


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
