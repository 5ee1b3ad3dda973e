"""Which recorded request a live one is: matchers by name, and what differs when none
matches (for the error a test shows). Pure, no I/O."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._cassette_format import body_value

__all__ = ["DEFAULT_MATCH_ON", "MATCHERS", "Matcher", "closest", "describe", "resolve_matchers"]

Matcher = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
"""A custom rule: called with the recorded request and the live one (both as the
cassette writes them: `method`, `url`, `headers`, and the body's key), True when
they are the same request."""


def _part(name: str) -> Callable[[Mapping[str, Any]], object]:
    def get(request: Mapping[str, Any]) -> object:
        split = urlsplit(str(request["url"]))
        if name == "method":
            return str(request["method"]).upper()
        if name == "query":
            return sorted(parse_qsl(split.query, keep_blank_values=True))
        if name == "body":
            return body_value(request)
        if name == "headers":
            return request.get("headers", {})
        if name == "host":
            return split.hostname
        return getattr(split, name)  # scheme, port, path

    return get


_PARTS = ("method", "scheme", "host", "port", "path", "query", "body", "headers")
_GETTERS = {name: _part(name) for name in _PARTS}


def _same(get: Callable[[Mapping[str, Any]], object]) -> Matcher:
    def rule(recorded: Mapping[str, Any], live: Mapping[str, Any]) -> bool:
        return get(recorded) == get(live)

    return rule


MATCHERS: Mapping[str, Matcher] = {name: _same(get) for name, get in _GETTERS.items()}
DEFAULT_MATCH_ON: tuple[str, ...] = ("method", "path", "query", "body")


def resolve_matchers(match_on: Iterable[str | Matcher]) -> list[tuple[str, Matcher]]:
    """`match_on` as (name, rule) pairs; an unknown name is an error naming the choices."""
    if isinstance(match_on, str):
        raise TypeError(f"match_on: expected a list of rules, got the string {match_on!r}")
    rules: list[tuple[str, Matcher]] = []
    for item in match_on:
        if isinstance(item, str):
            if item not in MATCHERS:
                raise ValueError(
                    f"match_on: unknown rule {item!r}; the rules are {', '.join(_PARTS)} "
                    "(or a callable (recorded, live) -> bool)"
                )
            rules.append((item, MATCHERS[item]))
        elif callable(item):
            rules.append((getattr(item, "__name__", repr(item)), item))
        else:
            raise TypeError(f"match_on: expected a rule name or a callable, got {item!r}")
    if not rules:
        raise ValueError("match_on: at least one rule is needed")
    return rules


def failures(
    rules: Sequence[tuple[str, Matcher]], recorded: Mapping[str, Any], live: Mapping[str, Any]
) -> list[str]:
    return [name for name, rule in rules if not rule(recorded, live)]


def closest(
    rules: Sequence[tuple[str, Matcher]],
    recorded: Sequence[Mapping[str, Any]],
    live: Mapping[str, Any],
) -> tuple[int, list[str]] | None:
    """The recorded request that fails the fewest rules (the first on a tie), and those rules."""
    best: tuple[int, list[str]] | None = None
    for index, candidate in enumerate(recorded):
        failed = failures(rules, candidate, live)
        if best is None or len(failed) < len(best[1]):
            best = (index, failed)
    return best


def describe(request: Mapping[str, Any]) -> str:
    """`POST /v1/chat/completions?x=1`, as a person names a request."""
    split = urlsplit(str(request["url"]))
    return f"{request['method']} {split.path}{'?' + split.query if split.query else ''}"


def show(name: str, request: Mapping[str, Any], limit: int = 300) -> str:
    """The part of a request a rule looks at, shortened for an error message."""
    getter = _GETTERS.get(name)
    value: object = request if getter is None else getter(request)
    if name == "body" and isinstance(value, tuple):
        value = value[1]  # (kind, value): the value tells enough
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
