"""`PayloadCodec`: a payload's bytes to what Mistral receives, and back.

Encoding applies, in this order, each step that is configured and applies, and
lists it in `encoding_options` (decoding undoes them in reverse):

1. `encrypted-partial`: marked string fields encrypted (JSON payloads with markers);
2. `compressed`: zstd, when the payload is at least `min_size_bytes` and shrinks;
3. `offloaded`: stored in your blob storage at `temporal-payload/<namespace>/
   <execution id>/sha256:<hex of the stored bytes>` (the same bytes get the same
   key: a retry uploads nothing new), replaced by `{"key": "..."}`;
4. `encrypted`: the whole result (with offloading, only the reference) encrypted.

The steps are I/O-free generators (`encode_flow`, `decode_flow`) that yield the
storage operations they need; `run_sync` / `run_async` perform them, so the logic is
written once for both kinds of client.

Memory: a payload is copied once per step at most (AES-GCM writes into its output
in slices; the compressed bytes are referenced beside the envelope's header, never
joined; uploads read the pieces through a file object), and an offloaded compressed
blob is decompressed as it is read, straight into the payload's buffer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import urllib.parse
from collections.abc import Awaitable, Callable, Generator, Iterator, Sequence
from typing import Any, BinaryIO, NamedTuple, TypeAlias

import msgspec

from .._flow import drive_async, drive_sync
from ._compress import compress, compress_stream, compress_to, decompress, decompress_stream
from ._config import WorkflowEncoding
from ._crypto import AesGcm
from ._errors import PayloadFormatError, PayloadStorageError, WorkflowEncodingError
from ._partial import decrypt_fields, decrypt_text, dumps, encrypt_fields, loads
from ._spool import Spool, chunk_sizes
from ._storage import ChunkReader
from ._stream import SLICE, Sink, Source, read_all, rewind, slices, source_size, start_of

__all__ = [
    "BLOB_KEY_PREFIX",
    "OPTIONS",
    "Encoded",
    "Exists",
    "Get",
    "PayloadCodec",
    "Put",
    "Read",
    "run_async",
    "run_sync",
]

BLOB_KEY_PREFIX = "temporal-payload"
ENCRYPTED = "encrypted"
PARTIAL = "encrypted-partial"
COMPRESSED = "compressed"
OFFLOADED = "offloaded"
OPTIONS = frozenset({ENCRYPTED, PARTIAL, COMPRESSED, OFFLOADED})

Buffer: TypeAlias = "bytes | bytearray | memoryview"


class Exists(NamedTuple):
    """Whether the store has `key` (→ bool)."""

    key: str


class Put(NamedTuple):
    """Store the concatenation of `chunks` under `key` (→ None)."""

    key: str
    chunks: Sequence[Buffer]
    size: int


class Get(NamedTuple):
    """The bytes stored under `key` (→ bytes)."""

    key: str


class Read(NamedTuple):
    """The blob under `key` read through `consume(file)` (→ its result), in a
    stream when the store has `open(key)`: a compressed blob is decompressed as it
    arrives, never whole in memory besides the payload it gives."""

    key: str
    consume: Callable[[BinaryIO], Any]


Op: TypeAlias = "Exists | Put | Get | Read"


class Encoded(NamedTuple):
    """An encoded payload: its bytes and the steps applied, in order."""

    data: Buffer
    options: list[str]


class _Offloaded(msgspec.Struct):
    key: str


_reference = msgspec.json.Decoder(_Offloaded)


def blob_key_prefix(namespace: str, execution_id: str) -> str:
    """Where an execution's offloaded payloads go (every part escaped, `/` included)."""
    return "/".join(
        [
            BLOB_KEY_PREFIX,
            urllib.parse.quote(namespace, safe=""),
            urllib.parse.quote(execution_id, safe=""),
        ]
    )


def _join(chunks: Sequence[Buffer]) -> Buffer:
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class PayloadCodec:
    """Encodes and decodes payload bytes as Mistral's workflow clients and workers do.

    Use it on its own to encode outside a client (a worker, a migration script):

        codec = PayloadCodec(encoding)
        encoded = codec.encode(b'{"card": "4111..."}', namespace="ns", execution_id="e1")
        codec.decode(encoded.data, encoded.options) == b'{"card": "4111..."}'
    """

    __slots__ = ("_aes", "_mode", "encoding")

    def __init__(self, encoding: WorkflowEncoding) -> None:
        self.encoding = encoding
        encryption = encoding.encryption
        self._aes = None if encryption is None else AesGcm(encryption.keys, encoding._nonces)
        self._mode = None if encryption is None else encryption.mode

    # -- the flows --------------------------------------------------------------------

    def encode_flow(
        self,
        data: Buffer,
        *,
        namespace: str | None = None,
        execution_id: str | None = None,
        allow_offloading: bool = True,
        force_offload: bool = False,
    ) -> Generator[Op, Any, Encoded]:
        """Encode `data`; yields the storage operations offloading needs."""
        encoding = self.encoding
        options: list[str] = []
        chunks: Sequence[Buffer] = (data,)
        if self._mode == "partial":
            marked, found = encrypt_fields(data, self._encrypt_all)
            chunks = (marked,)
            if found:
                options.append(PARTIAL)
        compression = encoding.compression
        size = len(memoryview(chunks[0]).cast("B"))
        where = (namespace, execution_id, allow_offloading, force_offload)
        spool = None
        if compression is not None and size >= compression.min_size_bytes:
            view = memoryview(chunks[0]).cast("B")
            spool = self._spool(size, where)
            if spool is not None:
                packed = compress_to(view, compression.level, spool, compression.threads)
            else:
                packed = compress(view, compression.level, compression.threads)
            if packed is not None:
                chunks = packed
                size = sum(chunk_sizes(chunks))
                options.append(COMPRESSED)
        try:
            return (yield from self._offload_encrypt(chunks, size, options, *where))
        finally:
            if spool is not None:
                spool.close()

    def encode_stream_flow(
        self,
        source: Source,
        *,
        size: int | None = None,
        namespace: str | None = None,
        execution_id: str | None = None,
        allow_offloading: bool = True,
        force_offload: bool = False,
    ) -> Generator[Op, Any, Encoded]:
        """`encode_flow` of a payload read from `source` (a binary file object, or an
        iterable of byte chunks with `size`), never whole in memory where the steps
        allow: compression reads it in slices (only the compressed bytes are kept),
        full encryption without offloading writes it into its output in slices."""
        total = source_size(source, size)
        where = (namespace, execution_id, allow_offloading, force_offload)
        compression = self.encoding.compression
        if self._mode == "partial":  # the marked fields are found in the whole document
            data = read_all(source, total)
            return (yield from self.encode_flow(data, namespace=namespace,
                    execution_id=execution_id, allow_offloading=allow_offloading,
                    force_offload=force_offload))  # fmt: skip
        if compression is not None and total >= compression.min_size_bytes:
            start = start_of(source)
            level, threads = compression.level, compression.threads
            spool = self._spool(total, where) or Spool(None)
            try:
                chunks = compress_stream(slices(source, total), total, level, threads, spool)
                packed = sum(chunk_sizes(chunks))
                if packed < total or not rewind(source, start):
                    options = [COMPRESSED]
                    return (yield from self._offload_encrypt(chunks, packed, options, *where))
            finally:
                spool.close()
        if self._mode == "full" and not self._offloads(total, *where):
            assert self._aes is not None
            return Encoded(self._aes.encrypt_stream(slices(source, total), total), [ENCRYPTED])
        data = read_all(source, total)
        return (yield from self._offload_encrypt((data,), total, [], *where))

    def _spool(self, size: int, where: tuple[str | None, str | None, bool, bool]) -> Spool | None:
        """A `Spool` for the compressed bytes of `size` bytes when they may pass the
        offloading's spool limit and would then be offloaded (past the limit, they
        wait for their upload on disk); None to compress into memory."""
        offloading = self.encoding.offloading
        if offloading is None or offloading.spool_min_bytes is None:
            return None
        limit = max(offloading.spool_min_bytes, offloading.min_size_bytes)
        if size <= limit or not self._offloads(limit + 1, *where):
            return None
        return Spool(limit)

    def _offloads(
        self, size: int, namespace: str | None, execution_id: str | None,
        allow_offloading: bool, force_offload: bool,
    ) -> bool:  # fmt: skip
        offloading = self.encoding.offloading
        return (
            allow_offloading
            and offloading is not None
            and (force_offload or size >= offloading.min_size_bytes)
            and namespace is not None
            and execution_id is not None
        )

    def _offload_encrypt(
        self, chunks: Sequence[Buffer], size: int, options: list[str],
        namespace: str | None, execution_id: str | None,
        allow_offloading: bool, force_offload: bool,
    ) -> Generator[Op, Any, Encoded]:  # fmt: skip
        """The last steps: offloading (the bytes so far, when they are large enough),
        then full encryption."""
        if self._offloads(size, namespace, execution_id, allow_offloading, force_offload):
            assert namespace is not None and execution_id is not None
            digest = hashlib.sha256()
            for chunk in chunks:
                digest.update(chunk)
            key = f"{blob_key_prefix(namespace, execution_id)}/sha256:{digest.hexdigest()}"
            if not (yield Exists(key)):
                yield Put(key, chunks, size)
            chunks = (msgspec.json.encode(_Offloaded(key)),)
            options = [*options, OFFLOADED]
        if self._mode == "full":
            assert self._aes is not None
            chunks = (self._aes.encrypt(chunks),)
            options = [*options, ENCRYPTED]
        return Encoded(_join(chunks), options)

    def decode_flow(self, data: Buffer, options: Sequence[str]) -> Generator[Op, Any, Buffer]:
        """The payload's bytes; yields the storage reads of offloaded payloads."""
        value = yield from self.decode_value_flow(data, options, parse=False)
        return value  # type: ignore[no-any-return]

    def decode_value_flow(
        self, data: Buffer, options: Sequence[str], *, parse: bool = True
    ) -> Generator[Op, Any, Any]:
        """The payload as Python values (`parse`), else as bytes."""
        for option in options:
            if option not in OPTIONS:
                raise PayloadFormatError(f"unknown encoding option {option!r}")
        value: Any = data
        parsed = skip = False
        steps = list(reversed(options))
        for index, option in enumerate(steps):
            if skip:
                skip = False
                continue
            if parsed:  # a partially encrypted payload decoded before another step
                value, parsed = dumps(value), False
            if option == OFFLOADED and steps[index + 1 : index + 2] == [COMPRESSED]:
                value = yield Read(self._reference(value), decompress_stream)
                skip = True  # decompressed while it was read
            elif option == ENCRYPTED:
                value = self._cipher(option).decrypt(value)
            elif option == PARTIAL and not parse:  # text back: a large one in pieces
                value = decrypt_text(value, self._cipher(option).decrypt)
            elif option == PARTIAL:
                value, parsed = decrypt_fields(value, self._cipher(option).decrypt), True
            elif option == COMPRESSED:
                value = decompress(value)
            else:
                value = yield Get(self._reference(value))
        if parse and not parsed:
            try:
                return loads(value)
            except ValueError:
                return bytes(value)  # not JSON: the bytes, as Mistral's clients return them
        if not parse and parsed:
            return dumps(value)
        return value

    def decode_to_flow(
        self, data: Buffer, options: Sequence[str], sink: BinaryIO
    ) -> Generator[Op, Any, int]:
        """The payload's bytes written to `sink` (→ how many). A compressed payload,
        offloaded or not, is decompressed into `sink` in slices, read from the store
        in a stream: neither it nor its compressed bytes are ever whole in memory.
        (An encrypted payload is decrypted whole before a byte is written: nothing
        unauthenticated reaches the sink.)"""
        out = Sink(sink)
        # the steps that stream are the first ones applied: compressed, then offloaded
        streamed = next(
            (n for n, head in ((2, [COMPRESSED, OFFLOADED]), (1, [OFFLOADED]), (1, [COMPRESSED]))
             if list(options[:n]) == head),
            0,
        )  # fmt: skip
        value: Any = data
        if len(options) > streamed:
            value = yield from self.decode_flow(data, options[streamed:])
        head = list(options[:streamed])
        if head == [COMPRESSED]:
            decompress_stream(io.BufferedReader(ChunkReader((value,))), out.write)
        elif head:
            key = self._reference(value)
            copy = _copy_to if head == [OFFLOADED] else decompress_stream
            yield Read(key, lambda source: copy(source, out.write))
        else:
            out.write(value)
        return out.written

    # -- helpers ----------------------------------------------------------------------

    def _encrypt_all(self, pieces: list[bytes]) -> list[bytes]:
        assert self._aes is not None
        return self._aes.seal_all(pieces)

    def _cipher(self, option: str) -> AesGcm:
        if self._aes is None:
            raise PayloadFormatError(
                f"the payload is {option} but this client has no encryption configured"
            )
        return self._aes

    def _reference(self, data: Buffer) -> str:
        if self.encoding.offloading is None:
            raise PayloadFormatError(
                "the payload was offloaded to blob storage but this client has no offloading "
                "configured (it needs the same storage to read it)"
            )
        try:
            return _reference.decode(data).key
        except msgspec.DecodeError:
            raise PayloadFormatError(
                'an offloaded payload\'s reference is not {"key": ...}'
            ) from None

    # -- drivers for use on its own ---------------------------------------------------

    def encode(
        self, data: Buffer, *, namespace: str | None = None, execution_id: str | None = None,
        **options: bool,
    ) -> Encoded:  # fmt: skip
        """Encode `data` (blocking storage I/O). `options`: `allow_offloading`,
        `force_offload` (see `encode_flow`)."""
        flow = self.encode_flow(data, namespace=namespace, execution_id=execution_id, **options)
        encoded: Encoded = run_sync(flow, self.encoding)
        return encoded

    async def aencode(
        self, data: Buffer, *, namespace: str | None = None, execution_id: str | None = None,
        **options: bool,
    ) -> Encoded:  # fmt: skip
        """`encode`, with the storage I/O off the event loop."""
        flow = self.encode_flow(data, namespace=namespace, execution_id=execution_id, **options)
        encoded: Encoded = await run_async(flow, self.encoding)
        return encoded

    def encode_stream(
        self, source: Source, *, size: int | None = None, namespace: str | None = None,
        execution_id: str | None = None, **options: bool,
    ) -> Encoded:  # fmt: skip
        """`encode` of a payload read from a binary file object (its length known, or
        `size`) or an iterable of byte chunks (with `size`); see `encode_stream_flow`."""
        flow = self.encode_stream_flow(
            source, size=size, namespace=namespace, execution_id=execution_id, **options
        )
        encoded: Encoded = run_sync(flow, self.encoding)
        return encoded

    async def aencode_stream(
        self, source: Source, *, size: int | None = None, namespace: str | None = None,
        execution_id: str | None = None, **options: bool,
    ) -> Encoded:  # fmt: skip
        """`encode_stream`, with the storage I/O off the event loop."""
        flow = self.encode_stream_flow(
            source, size=size, namespace=namespace, execution_id=execution_id, **options
        )
        encoded: Encoded = await run_async(flow, self.encoding)
        return encoded

    def decode_to(self, data: Buffer, options: Sequence[str], sink: BinaryIO) -> int:
        """The payload written to a binary file object (→ its length; blocking storage
        I/O); see `decode_to_flow`."""
        written: int = run_sync(self.decode_to_flow(data, options, sink), self.encoding)
        return written

    async def adecode_to(self, data: Buffer, options: Sequence[str], sink: BinaryIO) -> int:
        """`decode_to`, with the storage I/O (and the writes to `sink` while a blob is
        read) off the event loop."""
        written: int = await run_async(self.decode_to_flow(data, options, sink), self.encoding)
        return written

    def decode(self, data: Buffer, options: Sequence[str]) -> Buffer:
        """The payload's bytes (blocking storage I/O)."""
        data = run_sync(self.decode_flow(data, options), self.encoding)
        return data

    async def adecode(self, data: Buffer, options: Sequence[str]) -> Buffer:
        """`decode`, with the storage I/O off the event loop."""
        data = await run_async(self.decode_flow(data, options), self.encoding)
        return data


def _copy_to(source: BinaryIO, write: Callable[[bytes], Any]) -> int:
    """An offloaded blob handed on in slices."""
    total = 0
    while piece := source.read(SLICE):
        write(piece)
        total += len(piece)
    return total


@contextlib.contextmanager
def _storage_errors(op: Op) -> Iterator[None]:
    """A provider's exception as a `PayloadStorageError` naming the blob."""
    try:
        yield
    except WorkflowEncodingError:
        raise
    except KeyError:
        raise PayloadStorageError(f"no offloaded payload at {op.key!r}") from None
    except Exception as exc:
        action = {Exists: "look up", Put: "store", Get: "read", Read: "read"}[type(op)]
        raise PayloadStorageError(
            f"could not {action} the offloaded payload {op.key!r}: {type(exc).__name__}: {exc}"
        ) from exc


def _perform(op: Op, store: Any) -> Any:
    with _storage_errors(op):
        if isinstance(op, Exists):
            return bool(store.exists(op.key))
        if isinstance(op, Put):
            return store.put(op.key, op.chunks, op.size)
        if isinstance(op, Read):
            opener = getattr(store, "open", None)
            if opener is None:
                return op.consume(io.BytesIO(store.get(op.key)))
            with opener(op.key) as source:
                return op.consume(source)
        return store.get(op.key)


async def _perform_async(op: Op, store: Any) -> Any:
    with _storage_errors(op):
        if isinstance(op, Exists):
            return bool(await store.aexists(op.key))
        if isinstance(op, Put):
            return await store.aput(op.key, op.chunks, op.size)
        if isinstance(op, Read):  # the async store gives bytes: consume them off the loop
            data = await store.aget(op.key)
            return await asyncio.to_thread(op.consume, io.BytesIO(data))
        return await store.aget(op.key)


_STORAGE = (Exists, Put, Get, Read)


def run_sync(
    flow: Generator[Any, Any, Any],
    encoding: WorkflowEncoding,
    other: Callable[[Any], Any] | None = None,
) -> Any:
    """Drive `flow`, doing its storage operations in this thread (and any other
    operation with `other`)."""

    def do(op: Any) -> Any:
        if other is not None and not isinstance(op, _STORAGE):
            return other(op)
        return _perform(op, _store(encoding))

    return drive_sync(flow, do)


async def run_async(
    flow: Generator[Any, Any, Any],
    encoding: WorkflowEncoding,
    other: Callable[[Any], Awaitable[Any]] | None = None,
) -> Any:
    """Drive `flow`; storage operations run in a worker thread (the providers' SDKs
    block), or awaited when the store has async methods (`aexists`, `aput`, `aget`)."""

    def do(op: Any) -> Awaitable[Any]:
        if other is not None and not isinstance(op, _STORAGE):
            return other(op)
        return _perform_off_loop(op, _store(encoding))

    return await drive_async(flow, do)


async def _perform_off_loop(op: Op, store: Any) -> Any:
    native = "aget" if isinstance(op, Read) else "a" + type(op).__name__.lower()
    if getattr(store, native, None) is not None:
        return await _perform_async(op, store)
    return await asyncio.to_thread(_perform, op, store)


def _store(encoding: WorkflowEncoding) -> Any:
    if encoding.offloading is None:  # pragma: no cover - the flows check first
        raise PayloadFormatError("offloading is not configured")
    return encoding.offloading.store()
