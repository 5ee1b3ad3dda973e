"""AES-GCM as Mistral's workflow clients use it: `nonce (12 bytes) | ciphertext | tag
(16 bytes)`, no associated data, one random nonce per payload or field.

Data goes through OpenSSL in slices written straight into the output buffer: a
payload is never copied whole besides the one output.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._errors import EncodingConfigError, PayloadDecryptionError, PayloadFormatError, require

__all__ = ["NONCE_SIZE", "TAG_SIZE", "AesGcm"]

NONCE_SIZE = 12
TAG_SIZE = 16
_SLICE = 1024 * 1024  # bytes per call into OpenSSL (keeps the GIL-free stretches long)
_BATCH = 4096  # nonces per draw from the OS for the fields of a partial payload


def _ciphers() -> Any:
    return require(
        "cryptography.hazmat.primitives.ciphers", "workflow-encoding", "Payload encryption"
    )


class AesGcm:
    """Encrypts with the first key; decrypts with each key in turn (key rotation).

    Small data (a marked field, a reference) goes through OpenSSL's one-shot AEAD
    calls on objects built once; large data in slices into the output buffer."""

    __slots__ = ("_aeads", "_ciphers", "_invalid_tag", "_keys", "_nonces")

    def __init__(self, keys: tuple[bytes, ...], nonces: Callable[[int], bytes]) -> None:
        self._ciphers = _ciphers()
        aead = require(
            "cryptography.hazmat.primitives.ciphers.aead", "workflow-encoding", "Payload encryption"
        )
        self._invalid_tag = require(
            "cryptography.exceptions", "workflow-encoding", "Payload encryption"
        ).InvalidTag
        self._keys = keys
        self._aeads = [aead.AESGCM(key) for key in keys]
        self._nonces = nonces

    def _nonce(self) -> bytes:
        nonce = self._nonces(NONCE_SIZE)
        if not isinstance(nonce, bytes) or len(nonce) != NONCE_SIZE:
            raise EncodingConfigError(f"the nonce source must return {NONCE_SIZE} bytes")
        return nonce

    def seal_all(self, pieces: Sequence[bytes]) -> list[bytes]:
        """`nonce | ciphertext | tag` of each small piece (the marked fields of a
        payload). Random nonces are drawn from the OS a batch at a time (one system
        call per `_BATCH`, not per field; within this call only, so a fork never
        shares them)."""
        encrypt = self._aeads[0].encrypt
        out = []
        for start in range(0, len(pieces), _BATCH):
            batch = pieces[start : start + _BATCH]
            if self._nonces is os.urandom:
                block = os.urandom(NONCE_SIZE * len(batch))
                nonces = [block[i : i + NONCE_SIZE] for i in range(0, len(block), NONCE_SIZE)]
            else:
                nonces = [self._nonce() for _ in batch]
            out += [n + encrypt(n, piece, None) for n, piece in zip(nonces, batch, strict=True)]
        return out

    def encrypt(self, chunks: Iterable[bytes | bytearray | memoryview]) -> bytearray:
        """`nonce | ciphertext | tag` of the concatenated chunks."""
        parts = [memoryview(c).cast("B") for c in chunks]
        size = sum(len(p) for p in parts)
        if size < _SLICE:
            nonce = self._nonce()
            data = parts[0] if len(parts) == 1 else b"".join(parts)
            return bytearray(nonce + self._aeads[0].encrypt(nonce, data, None))
        return self.encrypt_stream(parts, size)

    def encrypt_stream(
        self, pieces: Iterable[bytes | bytearray | memoryview], size: int
    ) -> bytearray:
        """`encrypt` of `size` bytes arriving in pieces (each consumed before the next
        is read), written into the output as they come."""
        out = bytearray(NONCE_SIZE + size + TAG_SIZE)
        view = memoryview(out)
        nonce = self._nonce()
        view[:NONCE_SIZE] = nonce
        c = self._ciphers
        encryptor = c.Cipher(c.algorithms.AES(self._keys[0]), c.modes.GCM(nonce)).encryptor()
        pos = NONCE_SIZE
        for piece in pieces:
            part = memoryview(piece).cast("B")
            for start in range(0, len(part), _SLICE):
                chunk = part[start : start + _SLICE]
                if pos + len(chunk) > NONCE_SIZE + size:
                    raise PayloadFormatError(f"the payload is longer than its size, {size} bytes")
                pos += encryptor.update_into(chunk, view[pos : pos + len(chunk)])
        if pos != NONCE_SIZE + size:
            raise PayloadFormatError(
                f"the payload is {pos - NONCE_SIZE} bytes, not its size, {size} bytes"
            )
        encryptor.finalize()
        view[pos:] = encryptor.tag
        return out

    def decrypt(self, data: bytes | bytearray | memoryview) -> bytes | bytearray:
        """The plaintext, with the first key that authenticates it."""
        view = memoryview(data).cast("B")
        if len(view) < NONCE_SIZE + TAG_SIZE:
            raise PayloadDecryptionError(
                f"an encrypted payload is at least {NONCE_SIZE + TAG_SIZE} bytes, got {len(view)}"
            )
        nonce, sealed = view[:NONCE_SIZE], view[NONCE_SIZE:]
        for index, aead in enumerate(self._aeads):
            try:
                if len(sealed) < _SLICE:
                    plain: bytes = aead.decrypt(nonce, sealed, None)
                    return plain
                return self._decrypt_large(self._keys[index], nonce, sealed)
            except self._invalid_tag:
                continue
        which = "the main or the secondary key" if len(self._keys) > 1 else "the main key"
        raise PayloadDecryptionError(
            f"the payload does not decrypt with {which} (a wrong key, or the payload was "
            "changed after it was encrypted)"
        )

    def _decrypt_large(self, key: bytes, nonce: memoryview, sealed: memoryview) -> bytearray:
        body, tag = sealed[:-TAG_SIZE], sealed[-TAG_SIZE:]
        out = bytearray(len(body))
        target = memoryview(out)
        c = self._ciphers
        decryptor = c.Cipher(c.algorithms.AES(key), c.modes.GCM(nonce.tobytes())).decryptor()
        for start in range(0, len(body), _SLICE):
            piece = body[start : start + _SLICE]
            decryptor.update_into(piece, target[start : start + len(piece)])
        decryptor.finalize_with_tag(tag.tobytes())
        return out
