"""Prism, the independent mock server of the contract suite: its documents and its process.

Prism reads the spec strictly, so it is fed the generator's normalised reading
(`generator.load`, which hoists the local `$defs` of QUIRKS 1), written as JSON.
Paths with a `#fragment` (QUIRKS 2) are sent without it: a fragment path whose
route and method are free joins the main document; one whose route and method
are taken by another operation (the `#stream` twins of the conversation and
transcription operations) goes into a second document, served by a second Prism.
"""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PRISM = HERE / "node_modules" / ".bin" / "prism"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
SEED = "mistral-sdk-contract"  # dynamic answers are the same on every run


def _route(path: str) -> str:
    """A path as a router sees it: no fragment, parameters unnamed."""
    return re.sub(r"\{[^}]*\}", "{}", path.split("#", 1)[0])


def split_documents(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Documents without fragment paths that together hold every operation once.

    The first holds every operation whose route is unique; the second (if any)
    the fragment operations that share a route and method with another one.
    """
    main = {**doc, "paths": {}}
    twins = {**doc, "paths": {}}
    taken = {
        (_route(path), method)
        for path, item in doc["paths"].items()
        if "#" not in path
        for method in item
        if method in HTTP_METHODS
    }
    for path, item in doc["paths"].items():
        target = main
        if "#" in path and any((_route(path), m) in taken for m in item if m in HTTP_METHODS):
            target = twins
        plain = path.split("#", 1)[0]
        target["paths"].setdefault(plain, {}).update(copy.deepcopy(item))
    documents = [d for d in (main, twins) if d["paths"]]
    for document in documents:
        document["paths"].update(_event_paths(doc))
    return documents


EVENTS_PATH = "/__contract/events/"


def _event_paths(doc: dict[str, Any]) -> dict[str, Any]:
    """`GET /__contract/events/<operationId>` answering the schema of one event of that
    operation's event stream as JSON: Prism cannot serialise a stream itself, but it
    can make (and check) the events' data. No operationId: these are not the API's."""
    paths = {}
    for item in doc["paths"].values():
        for method, op in item.items():
            if method not in HTTP_METHODS or not isinstance(op, dict):
                continue
            for code, response in (op.get("responses") or {}).items():
                media = ((response or {}).get("content") or {}).get("text/event-stream")
                if str(code).startswith("2") and media and "schema" in media:
                    content = {"application/json": {"schema": media["schema"]}}
                    paths[EVENTS_PATH + op["operationId"]] = {
                        "get": {
                            "security": [],
                            "responses": {"200": {"description": "one event", "content": content}},
                        }
                    }
    return paths


def parse_violations(header: str) -> list[dict[str, Any]]:
    """Prism's `sl-violations` header: a JSON list, or a cut one when it is long."""
    if not header:
        return []
    try:
        parsed = json.loads(header)
        return parsed if isinstance(parsed, list) else []
    except ValueError:
        pass
    # Prism cuts a long list: "Too many violations! [{...},{... (truncated)
    found = []
    for match in re.finditer(
        r'\{"location":\[([^\]]*)\],"severity":"(\w+)"[^{}]*?"message":"([^"]*)"', header
    ):
        location = [x.strip('"') for x in match.group(1).split(",")]
        found.append({"location": location, "severity": match.group(2), "message": match.group(3)})
    if not found:  # unreadable: better reported than ignored
        found.append({"location": ["request"], "severity": "Error", "message": header[:300]})
    return found


def operation_ids(doc: dict[str, Any]) -> set[str]:
    return {
        op["operationId"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS and isinstance(op, dict) and "operationId" in op
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PrismServer:
    """One `prism mock` process serving one document on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @classmethod
    def start(cls, document: dict[str, Any], workdir: Path, name: str) -> PrismServer:
        if not PRISM.exists():
            raise SystemExit(f"{PRISM} is missing: run `npm ci` in {HERE}")
        spec = workdir / f"{name}.json"
        spec.write_text(json.dumps(document), encoding="utf-8")
        port = _free_port()
        log = workdir / f"{name}.log"
        with log.open("wb") as out:
            # Without --errors: a request that violates the spec still gets 422
            # with `sl-violations`, and an answer that breaks the schema is still
            # served (flagged in `sl-violations`), so that decoding it is tried.
            process = subprocess.Popen(
                [
                    str(PRISM),
                    "mock",
                    str(spec),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "--seed",
                    SEED,
                    "-v",
                    "warn",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "NO_COLOR": "1"},
            )
        server = cls(process, f"http://127.0.0.1:{port}", log)
        server._wait_ready(port)
        return server

    def _wait_ready(self, port: int, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"prism exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"prism did not listen on port {port} within {timeout:.0f} s")

    def stop(self) -> None:
        """Stop this process (by its PID) and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
