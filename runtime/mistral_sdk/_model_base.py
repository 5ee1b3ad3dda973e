"""`ModelBase`, the base class of every generated model."""

from __future__ import annotations

import msgspec

from ._request_ids import request_id_for

__all__ = ["ModelBase"]


class ModelBase(msgspec.Struct, kw_only=True, weakref=True):
    """A msgspec Struct (keyword-only, weakly referenceable: `extra_fields` and the
    request id are kept beside each decoded model, never in it)."""

    @property
    def _request_id(self) -> str | None:
        """The id the server gave the request this model answered (`x-request-id`),
        for support tickets and logs; None for a model not received from the API.
        Not a field: `encode()` and `repr()` leave it out."""
        return request_id_for(self)
