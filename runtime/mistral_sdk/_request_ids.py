"""The request id the server gave each parsed result: `mistral_sdk.request_id(result)`
(also `result._request_id`, openai-python's name).

The server names every request (`x-request-id`, see `_errors.request_id_of`); support
asks for it. Errors carry it as `.request_id`; a successful result carries it as
`_request_id` (openai-python's name), without going through `with_raw_response`:

- a model: decoded models are msgspec Structs, with no room for an attribute that is
  not a field (and nothing but fields may show in `to_dict()`, `repr()` or `encode()`),
  so the id lives beside the model: id(model) → (weak reference, request id), read by
  the `_request_id` property every generated model has;
- a page, a stream, a downloaded body: their own attribute or property.

A result that is a plain list, str or None has no attribute to carry it: the raw
response (`with_raw_response`) has `.request_id`.
"""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["remember", "request_id", "request_id_for"]

# id(model) -> (weak reference to it, request id). No callback per entry (the cheapest
# per call): entries of dead models are swept when their number has doubled.
_ids: dict[int, tuple[weakref.ref[Any], str]] = {}
_sweep_at = [1024]


def remember(value: object, request_id: str | None) -> None:
    """Record that `value` was parsed from the answer to request `request_id`."""
    if request_id is None:
        return
    try:
        ref = weakref.ref(value)
    except TypeError:  # a list, str, None or a Struct without `weakref=True`
        return
    _ids[id(value)] = (ref, request_id)
    if len(_ids) > _sweep_at[0]:
        for key, (old, _) in list(_ids.items()):  # a copy: other threads may add meanwhile
            if old() is None and _ids.get(key, (None,))[0] is old:
                _ids.pop(key, None)
        _sweep_at[0] = max(1024, 2 * len(_ids))


def request_id_for(value: object) -> str | None:
    """The request id `value` was parsed from (None when unknown)."""
    entry = _ids.get(id(value))
    # the weak reference tells a live model from a new object that reuses a dead one's id
    return entry[1] if entry is not None and entry[0]() is value else None


def request_id(result: object) -> str | None:
    """The id the server gave the request `result` came from (`x-request-id`), for
    support tickets and logs; None when there is none (a model built in code, a plain
    list or string).

        reply = client.chat.complete(...)
        mistral_sdk.request_id(reply)

    `result` is what a method returned: a model, a page, a stream (or what its
    `final()` assembled), a download, a raw response (`with_raw_response`); or an
    `APIStatusError` (its `.request_id`).
    """
    if isinstance(result, BaseException):
        found = getattr(result, "request_id", None)
    else:
        # models, pages, streams and downloads: `_request_id`; raw responses: `request_id`
        found = getattr(result, "_request_id", None)
        if found is None and hasattr(result, "http_response"):
            found = getattr(result, "request_id", None)
    return found if isinstance(found, str) else None
