"""What the fuzz tests share: the settings profile, a hang guard, the response types.

Profiles (choose with MISTRAL_FUZZ_PROFILE): `fuzz-ci`, the default, modest so
that the suite stays fast, and `fuzz-deep` for a long run
(`MISTRAL_FUZZ_PROFILE=fuzz-deep .venv/bin/python -m pytest tests/fuzz`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from spec_values import SPEC_MISSING_REASON, Values, find_spec, load_api

import mistral_sdk
from generator import ir
from mistral_sdk._pagination import PageResponse

_common: dict[str, Any] = {
    "deadline": None,  # hangs are caught by `no_hang`, not by timing examples
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
}
settings.register_profile("fuzz-ci", max_examples=40, **_common)
settings.register_profile("fuzz-deep", max_examples=2000, **_common)

PROFILE = os.environ.get("MISTRAL_FUZZ_PROFILE", "fuzz-ci")
FUZZ = settings.get_profile(PROFILE)
DEEP = PROFILE == "fuzz-deep"


class Hang(Exception):
    """An input took longer than the guard allows."""


@contextlib.contextmanager
def no_hang(seconds: float = 5.0) -> Iterator[None]:
    """Fail (instead of blocking the suite) when the body takes too long.

    SIGALRM: the tests run in the main thread on POSIX."""

    def fire(signum: int, frame: Any) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class ResponseType:
    label: str  # "chat.complete", "chat.stream", ...
    spec: Any  # the runtime's response spec: JsonResponse / SSEResponse
    ir_type: ir.TypeExpr  # the same type in the generator's IR (for valid values)


class _Captured(Exception):
    def __init__(self, spec: Any) -> None:
        self.spec = spec


class _Capturing(mistral_sdk.Mistral):
    """Calls nothing: records the response spec a generated method passes."""

    def request(self, method: str, path: str, *, response: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        raise _Captured(response)


@functools.cache
def api() -> tuple[Values, ir.API]:
    path = find_spec()
    if path is None:  # valid bodies are generated from the spec's schemas
        pytest.skip(SPEC_MISSING_REASON, allow_module_level=True)
    doc, api_, _ = load_api(str(path))
    return Values(doc, api_), api_


@functools.cache
def response_types() -> tuple[ResponseType, ...]:
    """Every JSON and event-stream response of every operation, as the
    generated methods declare them (one entry per distinct type)."""
    values, api_ = api()
    client = _Capturing(api_key="fuzz", base_url="https://api.test")
    found: dict[str, ResponseType] = {}
    for op in api_.operations:
        operation = mistral_sdk.OPERATIONS[op.operation_id]
        calls = [operation.call, operation.stream_call]
        for method, call in zip(op.methods, calls, strict=False):
            if method.response.kind not in ("json", "sse") or method.response.type is None:
                continue
            plan = values.plan(op, method)
            target: Any = client
            for part in call.split("."):
                target = getattr(target, part)
            try:
                target(*plan.args, **plan.kwargs)
            except _Captured as captured:
                spec = captured.spec
            if isinstance(spec, PageResponse):
                spec = spec._inner  # a page's body is decoded by a JsonResponse
            key = f"{type(spec).__name__}:{spec.type!r}:{getattr(spec, 'envelope', '')}"
            found.setdefault(key, ResponseType(call, spec, method.response.type))
    return tuple(found[k] for k in sorted(found))
