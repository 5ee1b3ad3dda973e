"""The errors of workflow payload encoding.

Every message names what failed and where (the execution and the field once the
client knows them), never a key nor the payload itself.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .._errors import MistralError

__all__ = [
    "EncodingConfigError",
    "MissingExtraError",
    "PayloadDecryptionError",
    "PayloadFormatError",
    "PayloadStorageError",
    "WorkflowEncodingError",
    "require",
]


class WorkflowEncodingError(MistralError):
    """A workflow payload could not be encoded or decoded; nothing was sent.

    `execution_id` and `field` say where (None when not known, e.g. when the codec
    is used on its own); `reason` is the message without them.
    """

    def __init__(
        self, reason: str, *, execution_id: str | None = None, field: str | None = None
    ) -> None:
        self.reason = reason
        self.execution_id = execution_id
        self.field = field
        where = []
        if execution_id is not None:
            where.append(f"execution {execution_id!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)

    def located(self, execution_id: str | None, field: str | None) -> WorkflowEncodingError:
        """The same error with the place filled in (what is already known is kept)."""
        located = type(self)(
            self.reason,
            execution_id=self.execution_id or execution_id,
            field=self.field or field,
        )
        located.__cause__ = self.__cause__
        return located


class EncodingConfigError(WorkflowEncodingError, ValueError):
    """The encoding configuration is invalid (a bad key, size or storage)."""


class MissingExtraError(WorkflowEncodingError, ImportError):
    """An optional package the configuration needs is not installed (names the extra)."""


class PayloadDecryptionError(WorkflowEncodingError):
    """A payload does not decrypt: the wrong key, or the payload was tampered with."""


class PayloadFormatError(WorkflowEncodingError):
    """An encoded payload is malformed (an envelope, an option or a reference)."""


class PayloadStorageError(WorkflowEncodingError):
    """Offloaded payload storage failed (a missing blob, a refused upload, ...)."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import an optional dependency, or say which extra brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs the `{module.split('.')[0]}` package: pip install 'mistral-sdk[{extra}]'"
        ) from None
