#!/usr/bin/env python3
"""Contract suite: every operation, through the SDK, against Prism serving the spec.

Prism (an independent implementation of OpenAPI) validates each request against
the spec; a request that does not match is answered 422 with the violations listed
in its `sl-violations` header, and that is always a failure of ours.
Each operation is called sync and async, once answered with the spec's example
and once with Prism's schema-generated data (`Prefer: dynamic=true`); every
answer must decode to the declared type. Arguments come from the spec's
examples and schemas (`tests/spec_values.py`, shared with `test_operations.py`).

Prism cannot serialise an event stream; `stand_in.py` builds one from Prism's
own data for the spec's event schema, so streams are decoded from independent
data too. Cases the spec itself gets wrong, or that Prism cannot serve, are listed in
`allowlist.py` with the reason; an entry that no longer fails the way it says
is reported, so the list cannot go stale silently.

The spec is the generator's merged document: the public spec with its supplement (the
operations the official SDK calls and the public spec lacks, docs/spec.md), so Prism
checks those against their official shape too.

Run: `make contract` (installs Prism with `npm ci` first), or
`python contract/run.py [-k SUBSTRING] [--source spec|supplement] [-v]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from allowlist import ALLOWED, ALLOWED_KINDS  # noqa: E402
from prism import PrismServer, operation_ids, parse_violations, split_documents  # noqa: E402
from spec_values import SPEC_MISSING_REASON, CallPlan, Values, find_spec, load_api  # noqa: E402
from stand_in import AsyncStreamStandIn, StreamStandIn  # noqa: E402

import mistral_sdk  # noqa: E402
from mistral_sdk import models  # noqa: E402
from mistral_sdk._pagination import AsyncPage, SyncPage  # noqa: E402

API_KEY = "contract-test-key"
ANSWERS = ("example", "dynamic")
PREFER = {"example": {}, "dynamic": {"Prefer": "dynamic=true"}}


@dataclass(frozen=True)
class Case:
    op_id: str
    which: str  # "call" or "stream_call" (the second method of a JSON-or-SSE operation)
    answer: str  # "example" or "dynamic"

    def __str__(self) -> str:
        method = "" if self.which == "call" else " [stream]"
        return f"{self.op_id}{method} ({self.answer})"


@dataclass(frozen=True)
class Outcome:
    """`kind`: pass; request (we sent what the spec forbids); response (an answer
    that did not decode, and that Prism itself says breaks the spec's schema);
    no-stream (Prism cannot produce the event stream); prism (Prism failed to build
    an answer); decode (a valid answer we could not decode); error (anything else)."""

    kind: str
    detail: str = ""


PASS = Outcome("pass")


class LastResponse:
    """The last response's `sl-violations` (set by an httpx2 event hook): a
    successful call returns a model, not its response."""

    def __init__(self) -> None:
        self.violations: list[dict[str, Any]] = []

    def record(self, response: httpx2.Response) -> None:
        self.violations = parse_violations(response.headers.get("sl-violations", ""))

    async def arecord(self, response: httpx2.Response) -> None:
        self.record(response)

    def errors(self, where: str) -> list[str]:
        """Violations of severity Error in the `request` or the `response`
        (warnings, such as a deprecated parameter, do not make a request invalid)."""
        return [
            _violation(v)
            for v in self.violations
            if v.get("location", [""])[0] == where and v.get("severity") == "Error"
        ]


def _violation(v: dict[str, Any]) -> str:
    where = ".".join(str(x) for x in v.get("location", []))
    return f"{where}: {v.get('message', v)}"


def _status_outcome(exc: mistral_sdk.APIStatusError, last: LastResponse) -> Outcome:
    body = exc.body if isinstance(exc.body, dict) else {}
    problem = str(body.get("type", ""))
    violations = last.errors("request")
    if violations or exc.status_code in (401, 422):
        detail = "\n".join(violations) or _short(exc.body)
        return Outcome("request", f"HTTP {exc.status_code}: {detail}")
    if problem.endswith(("#NO_COMPLEX_OBJECT_TEXT", "#NOT_ACCEPTABLE")):
        return Outcome(
            "no-stream", f"HTTP {exc.status_code}: {body.get('title')}: {body.get('detail')}"
        )
    if problem.startswith("https://stoplight.io/prism/errors#"):
        return Outcome("prism", f"HTTP {exc.status_code}: {body.get('title')}")
    return Outcome("error", f"HTTP {exc.status_code}: {_short(exc.body)}")


def _short(value: Any, limit: int = 600) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "…"


class Runner:
    def __init__(self, values: Values, ops: dict[str, Any]) -> None:
        self.values = values
        self.ops = ops
        self.framed_names: list[str] = []  # the event names of the stream `frame` built

    def plan(self, case: Case) -> tuple[CallPlan, str]:
        self.framed_names = []  # a new call: no stream framed yet
        op = self.ops[case.op_id]
        operation = mistral_sdk.OPERATIONS[case.op_id]
        method = op.methods[0] if case.which == "call" else op.methods[1]
        call = operation.call if case.which == "call" else operation.stream_call
        assert call is not None, case
        return self.values.plan(op, method), call

    def frame(self, op_id: str, events: list[Any]) -> bytes:
        """An event stream of these event values, framed as the spec's event schema says:
        an envelope's `event` / `id` / `data` fields become lines, else the value is the
        `data:`; streams that end with a done marker (chat, FIM) get it."""
        op = self.ops[op_id]
        method = next(m for m in op.methods if m.response.kind == "sse")
        self.framed_names = []
        envelope = self.values.is_envelope_stream(op)
        chunks = []
        for event in events:
            lines = []
            if envelope and isinstance(event, dict):
                for field in ("event", "id"):
                    if isinstance(event.get(field), str):
                        lines.append(f"{field}: {event[field]}")
                self.framed_names.append(str(event.get("event", "")))
                event = event.get("data")
            else:
                self.framed_names.append("")
            lines.append("data: " + json.dumps(event))
            chunks.append("\n".join(lines) + "\n\n")
        if method.response.done_marker:
            chunks.append(f"data: {method.response.done_marker}\n\n")
        return "".join(chunks).encode()

    def check(self, plan: CallPlan, decoded: list[Any]) -> Outcome:
        t = plan.method.response.type
        for value in decoded:
            problem = self.values.check(value, t, models) if t is not None else None
            if problem:
                return Outcome(
                    "decode", f"decoded value does not have the declared type: {problem}"
                )
        return PASS

    def run_sync(self, client: mistral_sdk.Mistral, last: LastResponse, case: Case) -> Outcome:
        plan, call = self.plan(case)
        kind = plan.method.response.kind
        try:
            result = _resolve(client, call)(
                *plan.args, **plan.kwargs, extra_headers=PREFER[case.answer]
            )
            if kind == "json":
                decoded = [_first_answer(result)]
            elif kind == "empty":
                decoded = [] if result is None else [result]
            elif kind == "binary":
                result.read()
                decoded = []
            else:
                with result:
                    decoded = list(result)
        except mistral_sdk.APIStatusError as exc:
            return _status_outcome(exc, last)
        except mistral_sdk.MistralError as exc:
            return self._failed(exc, last, plan)
        return self._after_call(plan, last, decoded)

    async def run_async(
        self, client: mistral_sdk.AsyncMistral, last: LastResponse, case: Case
    ) -> Outcome:
        plan, call = self.plan(case)
        kind = plan.method.response.kind
        try:
            result = await _resolve(client, call)(
                *plan.args, **plan.kwargs, extra_headers=PREFER[case.answer]
            )
            if kind == "json":
                decoded = [_first_answer(result)]
            elif kind == "empty":
                decoded = [] if result is None else [result]
            elif kind == "binary":
                await result.read()
                decoded = []
            else:
                async with result:
                    decoded = [event async for event in result]
        except mistral_sdk.APIStatusError as exc:
            return _status_outcome(exc, last)
        except mistral_sdk.MistralError as exc:
            return self._failed(exc, last, plan)
        return self._after_call(plan, last, decoded)

    def _failed(self, exc: mistral_sdk.MistralError, last: LastResponse, plan: CallPlan) -> Outcome:
        """A stream framed from Prism's data may hold an error event (the schema lets
        any event name go with any data) or lack the event that ends the stream: the
        SDK raising APIStreamError / IncompleteStreamError is then what it promises,
        and the typed events those errors carry must still have the declared type."""
        if self.framed_names:
            if isinstance(exc, mistral_sdk.IncompleteStreamError):
                return self._after_call(plan, last, list(exc.events))
            errors = [n for n in self.framed_names if n == "error" or n.endswith(".error")]
            if isinstance(exc, mistral_sdk.APIStreamError) and errors:
                if exc.event is None:  # the schema has no typed error event
                    return PASS
                return self._after_call(plan, last, [exc.event])
        return _failed(exc, last)

    def _after_call(self, plan: CallPlan, last: LastResponse, decoded: list[Any]) -> Outcome:
        violations = last.errors("request")
        if violations:  # answered anyway, but the request did not match
            return Outcome("request", "\n".join(violations))
        if plan.method.response.kind == "empty" and decoded:
            return Outcome("decode", f"expected no body, decoded {decoded!r}")
        if plan.method.response.kind == "sse" and not decoded:
            return Outcome("decode", "the event stream gave no events")
        outcome = self.check(plan, decoded)
        return _blame_answer(outcome, last)


def _failed(exc: mistral_sdk.MistralError, last: LastResponse) -> Outcome:
    if not isinstance(exc, mistral_sdk.APIResponseValidationError):
        return Outcome("error", f"{type(exc).__name__}: {exc}")
    body = exc.body.decode(errors="replace") if isinstance(exc.body, bytes) else exc.body
    detail = f"{exc}\n  raw body: {_short(body, 400)}"
    return _blame_answer(Outcome("decode", detail), last)


def _blame_answer(outcome: Outcome, last: LastResponse) -> Outcome:
    """A body that does not decode is the spec's fault when Prism itself says the
    answer it served (the spec's example, or its generated data) breaks the schema."""
    if outcome.kind != "decode":
        return outcome
    broken = last.errors("response")
    if not broken:
        return outcome
    unique = list(dict.fromkeys(broken))
    return Outcome("response", outcome.detail + "".join(f"\n  Prism: {v}" for v in unique))


def _first_answer(result: Any) -> Any:
    """The decoded answer: a list operation that pages returns its first page, which
    holds it (later pages are not fetched: one request per case)."""
    if isinstance(result, (SyncPage, AsyncPage)):
        return result.response
    return result


def _resolve(client: Any, call: str) -> Any:
    target = client
    for part in call.split("."):
        target = getattr(target, part)
    return target


def _cases(selected: set[str]) -> list[Case]:
    cases = []
    for op_id in sorted(selected):
        operation = mistral_sdk.OPERATIONS[op_id]
        for which in ("call", "stream_call"):
            if which == "stream_call" and operation.stream_call is None:
                continue
            cases += [Case(op_id, which, answer) for answer in ANSWERS]
    return cases


def _judge(case: Case, mode: str, outcome: Outcome) -> str | None:
    """None when the case passes (or fails exactly as allow-listed); else the message."""
    entry = ALLOWED.get((case.op_id, case.which, case.answer))
    if entry is None:
        if outcome.kind == "pass":
            return None
        return f"FAIL {case} [{mode}] {outcome.kind}:\n" + _indent(outcome.detail)
    kind, match, reason = entry
    if outcome.kind == kind and match in outcome.detail:
        return None
    if outcome.kind == "pass":
        return f"STALE allow-list entry: {case} [{mode}] passes now ({reason})"
    return (
        f"FAIL {case} [{mode}] {outcome.kind}, not the allow-listed {kind} {match!r}:\n"
        + _indent(outcome.detail)
    )


def _indent(text: str, limit: int = 12) -> str:
    lines = text.splitlines()
    if len(lines) > limit:
        lines = [*lines[:limit], f"… {len(lines) - limit} more lines"]
    return "\n".join("    " + line for line in lines)


async def _run_all_async(
    runner: Runner, cases: list[Case], base_url: Callable[[str], str]
) -> list[Outcome]:
    last = LastResponse()
    stand_in = AsyncStreamStandIn(runner.frame)
    clients: dict[str, mistral_sdk.AsyncMistral] = {}
    outcomes = []
    try:
        for case in cases:
            url = base_url(case.op_id)
            if url not in clients:
                clients[url] = mistral_sdk.AsyncMistral(
                    api_key=API_KEY,
                    base_url=url,
                    max_retries=0,
                    http_client=httpx2.AsyncClient(
                        transport=stand_in, event_hooks={"response": [last.arecord]}
                    ),
                )
            stand_in.op_id = case.op_id
            outcomes.append(await runner.run_async(clients[url], last, case))
    finally:
        for client in clients.values():
            await client.close()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default="", help="only operations whose id contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="list allow-listed cases")
    parser.add_argument(
        "--source",
        choices=("spec", "supplement"),
        help="only the public spec's operations, or only the supplement's (docs/spec.md)",
    )
    args = parser.parse_args()

    spec = find_spec()
    if spec is None:
        raise SystemExit(SPEC_MISSING_REASON)
    doc, api, _ = load_api(str(spec))
    values = Values(doc, api)
    ops = {op.operation_id: op for op in api.operations}
    bad = [
        key
        for key, (kind, _, _) in ALLOWED.items()
        if key[0] not in ops or key[2] not in ANSWERS or kind not in ALLOWED_KINDS
    ]
    if bad:
        raise SystemExit(f"contract/allowlist.py: entries that name no case or kind: {bad}")
    selected = {
        op_id
        for op_id, operation in mistral_sdk.OPERATIONS.items()
        if args.k in op_id and args.source in (None, operation.source)
    }
    cases = _cases(selected)

    started = time.monotonic()
    servers: list[tuple[PrismServer, set[str]]] = []
    with tempfile.TemporaryDirectory(prefix="contract-") as tmp:
        try:
            for i, document in enumerate(split_documents(doc)):
                server = PrismServer.start(document, Path(tmp), f"prism-{i}")
                servers.append((server, operation_ids(document)))
                print(
                    f"prism {server.process.pid} serves {len(servers[-1][1])} operations at "
                    f"{server.base_url}",
                    flush=True,
                )
            homes = {op_id: s.base_url for s, ids in servers for op_id in ids}
            missing = sorted(selected - homes.keys())
            if missing:
                raise SystemExit(f"operations no Prism document serves: {missing}")

            runner = Runner(values, ops)
            last = LastResponse()
            stand_in = StreamStandIn(runner.frame)
            sync_clients = {
                s.base_url: mistral_sdk.Mistral(
                    api_key=API_KEY,
                    base_url=s.base_url,
                    max_retries=0,
                    http_client=httpx2.Client(
                        transport=stand_in, event_hooks={"response": [last.record]}
                    ),
                )
                for s, _ in servers
            }
            results: dict[tuple[Case, str], Outcome] = {}
            for case in cases:
                client = sync_clients[homes[case.op_id]]
                stand_in.op_id = case.op_id
                results[(case, "sync")] = runner.run_sync(client, last, case)
            for client in sync_clients.values():
                client.close()
            outcomes = asyncio.run(_run_all_async(runner, cases, homes.__getitem__))
            results.update({(case, "async"): o for case, o in zip(cases, outcomes, strict=True)})
        finally:
            for server, _ in servers:
                server.stop()
                print(f"prism {server.process.pid} stopped", flush=True)

    return _report(selected, results, args.verbose, time.monotonic() - started)


def _report(
    selected: set[str], results: dict[tuple[Case, str], Outcome], verbose: bool, seconds: float
) -> int:
    failing: dict[str, list[str]] = {}
    allowed: dict[str, set[str]] = {}
    for (case, mode), outcome in results.items():
        message = _judge(case, mode, outcome)
        if message:
            failing.setdefault(case.op_id, []).append(message)
        elif outcome.kind != "pass":
            allowed.setdefault(ALLOWED[(case.op_id, case.which, case.answer)][0], set()).add(
                case.op_id
            )
            if verbose:
                print(f"allowed: {case} [{mode}] {outcome.kind}: {outcome.detail.splitlines()[0]}")
    for op_id in sorted(failing):
        print("\n".join(failing[op_id]))
    print(f"\n{len(results)} calls in {seconds:.0f} s.")
    for kind, ops in sorted(allowed.items()):
        print(f"allow-listed ({kind}, contract/allowlist.py): {len(ops)} operations")
    print(_summary(selected, set(failing), set().union(*allowed.values())))
    return 0 if not failing else 1


def _summary(selected: set[str], failing: set[str], allow_listed: set[str]) -> str:
    """What the run showed, each operation counted once: verified (every case of it
    passed), accepted only through the allow-list (some case failed as the list says),
    or failing."""
    accepted = (allow_listed & selected) - failing
    verified = len(selected) - len(failing) - len(accepted)
    text = f"{verified} verified + {len(accepted)} accepted by the allow-list"
    if failing:
        text += f", {len(failing)} failing"
    return f"{text}, of {len(selected)} operations"


if __name__ == "__main__":
    sys.exit(main())
