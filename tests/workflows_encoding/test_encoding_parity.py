"""The wire format against Mistral's own SDK (`mistralai` 3.7.0, a test dependency):
its committed parity fixtures (the cases its TypeScript client replays) replayed by
our codec byte for byte, and every combination encoded by each side and decoded by
the other."""

from __future__ import annotations

import base64
import itertools
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from encoding_helpers import (
    MAIN_KEY,
    SECONDARY_KEY,
    MemoryStore,
    official_encoder,
    run_official,
)

from mistral_sdk.workflows_encoding import (
    Compression,
    Encryption,
    Offloading,
    PayloadCodec,
    PayloadDecryptionError,
    WorkflowEncoding,
    encrypted,
)

official = pytest.importorskip("mistralai.extra.workflows.encoding")
encryption_fixtures = pytest.importorskip(
    "mistralai.extra.tests.fixtures.workflow_encryption_parity"
)
offloading_fixtures = pytest.importorskip(
    "mistralai.extra.tests.fixtures.workflow_offloading_parity"
)
from mistralai.extra.workflows.encoding.models import WorkflowContext  # noqa: E402
from pydantic_core import to_json  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet_official() -> Iterator[None]:
    logging.getLogger("mistralai").setLevel(logging.CRITICAL)  # its key-rotation warnings
    yield


def _nonces(hexes: list[str]) -> Callable[[int], bytes]:
    queue = iter(hexes)
    return lambda size: bytes.fromhex(next(queue))


def _ours(
    config: dict[str, Any], keys: dict[str, str], nonces: list[str], store: Any
) -> PayloadCodec:
    """Our codec from a fixture's config (the shape the TS client reads)."""
    encryption = config.get("encryption", config if "mode" in config else None)
    offloading, compression = config.get("offloading"), config.get("compression")
    return PayloadCodec(
        WorkflowEncoding(
            encryption=Encryption(
                keys[encryption["main_key"]],
                secondary_key=keys[encryption["secondary_key"]]
                if "secondary_key" in encryption
                else None,
                mode=encryption["mode"],
            )
            if encryption
            else None,
            compression=Compression(
                min_size_bytes=compression["min_size_bytes"], level=compression["level"]
            )
            if compression
            else None,
            offloading=Offloading(store, min_size_bytes=offloading["min_size_bytes"])
            if offloading
            else None,
            nonces=_nonces(nonces),
        )
    )


def _network(encoded: Any) -> dict[str, Any]:
    return {
        "b64payload": base64.b64encode(encoded.data).decode(),
        "encoding_options": encoded.options,
        "empty": False,
    }


def _blobs(store: MemoryStore) -> dict[str, str]:
    return {k: base64.b64encode(v).decode() for k, v in sorted(store.blobs.items())}


ENCRYPTION = encryption_fixtures.build_fixtures()
OFFLOADING = offloading_fixtures.build_fixtures()


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["name"] for c in cases]


@pytest.mark.parametrize(
    "case", ENCRYPTION["encode_payload_content"], ids=_ids(ENCRYPTION["encode_payload_content"])
)
def test_fixture_encode_payload_content(case: dict[str, Any]) -> None:
    codec = _ours(case["config"], ENCRYPTION["keys"], case["nonces"], None)
    encoded = codec.encode(base64.b64decode(case["data_b64"]))
    assert base64.b64encode(encoded.data).decode() == case["expected"]["data_b64"]
    assert encoded.options == case["expected"]["encoding_options"]


@pytest.mark.parametrize(
    "case", ENCRYPTION["encode_network_input"], ids=_ids(ENCRYPTION["encode_network_input"])
)
def test_fixture_encode_network_input(case: dict[str, Any]) -> None:
    codec = _ours(case["config"], ENCRYPTION["keys"], case["nonces"], None)
    assert _network(codec.encode(to_json(case["input"]))) == case["expected"]


@pytest.mark.parametrize(
    "case", ENCRYPTION["decode_network_result"], ids=_ids(ENCRYPTION["decode_network_result"])
)
def test_fixture_decode_after_key_rotation(case: dict[str, Any]) -> None:
    codec = _ours(case["config"], ENCRYPTION["keys"], [], None)
    encoded = case["encoded"]
    data = base64.b64decode(encoded["b64payload"])
    from mistral_sdk.workflows_encoding._codec import run_sync

    value = run_sync(codec.decode_value_flow(data, encoded["encoding_options"]), codec.encoding)
    assert value == case["expected"]


@pytest.mark.parametrize(
    "case", ENCRYPTION["decode_event_payload"], ids=_ids(ENCRYPTION["decode_event_payload"])
)
def test_fixture_decode_event_payload(case: dict[str, Any]) -> None:
    from mistral_sdk.workflows_encoding._codec import run_sync
    from mistral_sdk.workflows_encoding._wire import decode_event_flow

    codec = _ours(case["config"], ENCRYPTION["keys"], [], None)
    decoded = run_sync(decode_event_flow(codec, case["payload"]), codec.encoding)
    assert decoded == case["expected"]


@pytest.mark.parametrize(
    "case", OFFLOADING["encode_network_input"], ids=_ids(OFFLOADING["encode_network_input"])
)
def test_fixture_offloaded_network_input(case: dict[str, Any]) -> None:
    store = MemoryStore()
    codec = _ours(case["config"], OFFLOADING["keys"], case["nonces"], store)
    context = case["context"]
    encoded = codec.encode(
        to_json(case["input"]), namespace=context["namespace"], execution_id=context["execution_id"]
    )
    assert _network(encoded) == case["expected"]
    assert _blobs(store) == case["blobs"]


@pytest.mark.parametrize(
    "case", OFFLOADING["encode_payload_content"], ids=_ids(OFFLOADING["encode_payload_content"])
)
def test_fixture_offloading_options(case: dict[str, Any]) -> None:
    store = MemoryStore()
    codec = _ours(case["config"], OFFLOADING["keys"], case["nonces"], store)
    context = case["context"] or {}
    encoded = codec.encode(
        base64.b64decode(case["data_b64"]),
        namespace=context.get("namespace"),
        execution_id=context.get("execution_id"),
        **case["options"],
    )
    assert base64.b64encode(encoded.data).decode() == case["expected"]["data_b64"]
    assert encoded.options == case["expected"]["encoding_options"]
    assert _blobs(store) == case["blobs"]


@pytest.mark.parametrize("case", OFFLOADING["compressed"], ids=_ids(OFFLOADING["compressed"]))
def test_fixture_compressed(case: dict[str, Any]) -> None:
    """Their compressed (and offloaded) payloads decode; ours have the same options and,
    where nothing random is involved, the same blob keys (so the same bytes)."""
    from mistral_sdk.workflows_encoding._codec import run_sync

    store = MemoryStore()
    store.blobs = {k: base64.b64decode(v) for k, v in case["blobs"].items()}
    codec = _ours(case["decoder_config"], OFFLOADING["keys"], [], store)
    encoded = case["encoded"]
    data = base64.b64decode(encoded["b64payload"])
    assert (
        run_sync(codec.decode_value_flow(data, encoded["encoding_options"]), codec.encoding)
        == (case["input"])
    )
    mine = MemoryStore()
    nonces = [f"{i:024x}" for i in range(8)]
    ours = _ours(case["encoder_config"], OFFLOADING["keys"], nonces, mine)
    context = case["context"]
    again = ours.encode(
        to_json(case["input"]), namespace=context["namespace"], execution_id=context["execution_id"]
    )
    assert again.options == encoded["encoding_options"]
    if case["name"] != "partial":  # partial: the blob holds nonces, so its key differs
        assert sorted(mine.blobs) == sorted(case["blobs"])


# -- both directions, every combination --------------------------------------------------

COMBINATIONS = [
    (mode, compress, offload)
    for mode, compress, offload in itertools.product(
        [None, "full", "partial"], [False, True], [False, True]
    )
]
INPUT = {
    "customer": "Ada",
    "card": encrypted("4111 1111 1111 1111"),
    "notes": ["é😀 \u2028", {"ssn": encrypted("078-05-1120")}],
    "history": [{"n": i, "text": "lorem ipsum dolor " * 4, "x": i / 7} for i in range(300)],
}
RAW = to_json(INPUT)


def _theirs(
    mode: str | None, compress: bool, offload: bool, main: str, secondary: str | None
) -> Any:
    return official_encoder(mode, compress, offload, min_size=1024, main=main, secondary=secondary)


def _mine(
    mode: str | None, compress: bool, offload: bool, main: str, secondary: str | None,
    store: MemoryStore, nonces: Callable[[int], bytes] | None = None,
) -> PayloadCodec:  # fmt: skip
    return PayloadCodec(
        WorkflowEncoding(
            encryption=Encryption(main, secondary_key=secondary, mode=mode) if mode else None,  # type: ignore[arg-type]
            compression=Compression(min_size_bytes=1024) if compress else None,
            offloading=Offloading(store, min_size_bytes=1024) if offload else None,
            **({"nonces": nonces} if nonces else {}),
        )
    )


CONTEXT = WorkflowContext(namespace="team/ns", execution_id="exec-1")


@pytest.mark.parametrize(("mode", "compress", "offload"), COMBINATIONS)
def test_same_bytes_with_the_same_nonces(mode: str | None, compress: bool, offload: bool) -> None:
    def nonces() -> Callable[[int], bytes]:
        counter = itertools.count()
        return lambda size: next(counter).to_bytes(size, "big")

    theirs_store, mine_store = MemoryStore(), MemoryStore()
    theirs = _theirs(mode, compress, offload, MAIN_KEY, None)
    data, options = run_official(
        theirs_store, theirs.encode_payload_content(RAW, CONTEXT), nonces()
    )
    mine = _mine(mode, compress, offload, MAIN_KEY, None, mine_store, nonces())
    encoded = mine.encode(RAW, namespace="team/ns", execution_id="exec-1")
    assert encoded.options == [o.value for o in options]
    assert bytes(encoded.data) == data
    assert mine_store.blobs == theirs_store.blobs


@pytest.mark.parametrize(
    "floats",
    [
        [0.1, 2.5, -0.0, 0.0001, 9999999999999998.0],  # spelled alike by msgspec and Python
        [1e-05, 1e16, 1.5e300, -2.5e-300, 12345678901234567.0, 5e-324],  # not: read again
    ],
    ids=["plain", "exponents"],
)
def test_partial_rewrites_floats_as_python_does(floats: list[float]) -> None:
    def nonces() -> Callable[[int], bytes]:
        counter = itertools.count()
        return lambda size: next(counter).to_bytes(size, "big")

    raw = b'{"card":{"field_type":"__encrypted_str__","data":"4111"},"v":[%s],"w":1E2}' % (
        ",".join(repr(f) for f in floats).encode()
    )
    theirs = _theirs("partial", False, False, MAIN_KEY, None)
    data, _ = run_official(MemoryStore(), theirs.encode_payload_content(raw, CONTEXT), nonces())
    mine = _mine("partial", False, False, MAIN_KEY, None, MemoryStore(), nonces())
    assert bytes(mine.encode(raw).data) == data


@pytest.mark.parametrize(("mode", "compress", "offload"), COMBINATIONS)
@pytest.mark.parametrize("rotation", ["main", "rotated"])
def test_they_read_ours(mode: str | None, compress: bool, offload: bool, rotation: str) -> None:
    """Written with the main key; read by a reader whose main key is that key, or
    whose secondary is (the key was rotated since)."""
    store = MemoryStore()
    encoded = _mine(mode, compress, offload, MAIN_KEY, None, store).encode(
        RAW, namespace="ns", execution_id="e"
    )
    main, secondary = (MAIN_KEY, None) if rotation == "main" else (SECONDARY_KEY, MAIN_KEY)
    reader = _theirs(mode, compress, offload, main, secondary)
    network = _network(encoded)
    decoded = run_official(store, reader.decode_network_result(network))
    assert decoded == INPUT


@pytest.mark.parametrize(("mode", "compress", "offload"), COMBINATIONS)
@pytest.mark.parametrize("rotation", ["main", "rotated"])
def test_we_read_theirs(mode: str | None, compress: bool, offload: bool, rotation: str) -> None:
    from mistral_sdk.workflows_encoding._codec import run_sync

    store = MemoryStore()
    writer = _theirs(mode, compress, offload, MAIN_KEY, None)
    network = run_official(store, writer.encode_network_input(INPUT, CONTEXT))
    main, secondary = (MAIN_KEY, None) if rotation == "main" else (SECONDARY_KEY, MAIN_KEY)
    reader = _mine(mode, compress, offload, main, secondary, store)
    data = base64.b64decode(network.b64payload)
    options = [o.value for o in network.encoding_options]
    assert run_sync(reader.decode_value_flow(data, options), reader.encoding) == INPUT


def test_a_wrong_key_is_a_typed_error_without_the_key() -> None:
    encoded = _mine("full", False, False, MAIN_KEY, None, MemoryStore()).encode(RAW)
    reader = _mine("full", False, False, SECONDARY_KEY, None, MemoryStore())
    with pytest.raises(PayloadDecryptionError) as info:
        reader.decode(encoded.data, encoded.options)
    assert MAIN_KEY not in str(info.value) and SECONDARY_KEY not in str(info.value)
    tampered = bytearray(encoded.data)
    tampered[20] ^= 1
    with pytest.raises(PayloadDecryptionError, match="changed after it was encrypted"):
        _mine("full", False, False, MAIN_KEY, None, MemoryStore()).decode(tampered, encoded.options)
