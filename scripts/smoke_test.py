#!/usr/bin/env python3
"""Install a built wheel into a clean environment per Python and use it as a user would:
import it from there, build both clients, make one call with each (sync and async) to a
local stand-in of the API, and run `mistral --help`.

    python scripts/smoke_test.py WHEEL [--python PYTHON ...] [--keep DIR]

Each PYTHON (a path or command; default: this interpreter) gets a new virtual
environment holding only the wheel and its runtime dependencies from the package index
(made with uv when it is at hand, else with venv and pip). The checks then run in that
environment's interpreter in isolated mode (-I) from an empty directory, so nothing of
this checkout can be imported. --keep DIR keeps the environments there (the SBOM of
`make release-check` describes the first). Exit status 1 when a check fails.

Standard library only: the same file runs inside those environments (`--inside`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

ANSWER = {
    "id": "smoke-1",
    "object": "chat.completion",
    "model": "mistral-small-latest",
    "created": 1700000000,
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "pong"},
        }
    ],
}


# --- inside the clean environment ------------------------------------------------------


class _StandIn(BaseHTTPRequestHandler):
    """POST /v1/chat/completions answers ANSWER; every request is recorded."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        self.seen.append(
            {"path": self.path, "auth": self.headers.get("authorization"), "body": json.loads(body)}
        )
        ok = self.path == "/v1/chat/completions"
        payload = json.dumps(ANSWER if ok else {"message": "not found"}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke test failed: {what}")


def _content(reply: Any) -> object:
    """The first choice's message text, decoded into the SDK's models."""
    from mistral_sdk import models

    message = reply.choices[0].message
    return message.content if isinstance(message, models.AssistantMessage) else message


def inside(version: str) -> None:
    import mistral_sdk

    where = Path(mistral_sdk.__file__).resolve()
    _check("site-packages" in where.parts, f"mistral_sdk imported from {where}, not the install")
    _check(
        mistral_sdk.__version__ == version,
        f"mistral_sdk.__version__ is {mistral_sdk.__version__}, the wheel is {version}",
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    messages = [{"role": "user", "content": "ping"}]
    try:
        with mistral_sdk.Mistral(api_key="smoke-key", base_url=url, max_retries=0) as client:
            reply = client.chat.complete(model="mistral-small-latest", messages=messages)
        _check(_content(reply) == "pong", f"sync reply {reply!r}")

        async def call() -> Any:
            async with mistral_sdk.AsyncMistral(api_key="smoke-key", base_url=url) as client:
                return await client.chat.complete(model="mistral-small-latest", messages=messages)

        areply = asyncio.run(call())
        _check(_content(areply) == "pong", f"async reply {areply!r}")
    finally:
        server.shutdown()
    _check(len(_StandIn.seen) == 2, f"the stand-in got {len(_StandIn.seen)} requests, not 2")
    for request in _StandIn.seen:
        _check(request["auth"] == "Bearer smoke-key", f"authorization {request['auth']!r}")
        _check(request["body"]["messages"] == messages, f"request body {request['body']!r}")
    command = Path(sys.executable).parent / ("mistral.exe" if os.name == "nt" else "mistral")
    helped = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=60)
    _check(helped.returncode == 0, f"mistral --help exited {helped.returncode}: {helped.stderr}")
    _check("usage:" in helped.stdout, f"mistral --help printed {helped.stdout[:200]!r}")


# --- outside: one clean environment per Python -----------------------------------------


def _uv() -> str | None:
    local = Path(sys.executable).parent / "uv"
    return str(local) if local.exists() else shutil.which("uv")


def make_env(python: str, wheel: Path, where: Path) -> Path:
    """A new virtual environment at `where` for `python`, holding the wheel and its
    runtime dependencies only; return its interpreter."""
    shutil.rmtree(where, ignore_errors=True)  # a kept one from an earlier run
    uv = _uv()
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def run(command: list[str]) -> None:
        subprocess.run(command, check=True, capture_output=True, text=True, env=env)

    run(
        [uv, "venv", "--quiet", "--python", python, str(where)]
        if uv
        else [python, "-m", "venv", str(where)]
    )
    bindir = where / ("Scripts" if os.name == "nt" else "bin")
    interpreter = bindir / ("python.exe" if os.name == "nt" else "python")
    if uv:
        run([uv, "pip", "install", "--quiet", "--python", str(interpreter), str(wheel)])
    else:
        run([str(interpreter), "-m", "pip", "install", "--quiet", str(wheel)])
    return interpreter


def smoke(python: str, wheel: Path, where: Path) -> str:
    """Make the environment and run the checks in it; return its Python version."""
    interpreter = make_env(python, wheel, where)
    version = wheel.name.split("-")[1]
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(
            [str(interpreter), "-I", str(Path(__file__).resolve()), "--inside", version],
            cwd=empty,
            capture_output=True,
            text=True,
            timeout=120,
            env={k: v for k, v in os.environ.items() if not k.startswith(("MISTRAL_", "PYTHON"))},
        )
    if done.returncode != 0:
        raise SystemExit(done.stderr.strip() or done.stdout.strip() or "smoke test failed")
    probe = [str(interpreter), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"]
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()


def _timed(python: str, wheel: Path, where: Path) -> tuple[bool, str]:
    """(True, "3.12.1 (2.0s)") or (False, what went wrong), for the report."""
    started = time.perf_counter()
    try:
        version = smoke(python, wheel, where)
    except (SystemExit, subprocess.CalledProcessError) as exc:
        return False, str(exc.stderr if isinstance(exc, subprocess.CalledProcessError) else exc)
    return True, f"{version} ({time.perf_counter() - started:.1f}s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, nargs="?")
    parser.add_argument("--python", action="append", help="interpreter (repeatable)")
    parser.add_argument("--keep", type=Path, help="keep the environments in this directory")
    parser.add_argument("--inside", metavar="VERSION", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        inside(args.inside)
        return 0
    if args.wheel is None:
        parser.error("the wheel is required")
    pythons = args.python or [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        # two at a time: mostly process start-up and waiting on the index
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [
                pool.submit(_timed, p, args.wheel.resolve(), base / f"env{i}")
                for i, p in enumerate(pythons)
            ]
            results = [job.result() for job in jobs]
    failed = 0
    for python, (ok, text) in zip(pythons, results, strict=True):
        if ok:
            print(
                f"smoke_test: Python {text}: import, Mistral and AsyncMistral calls, mistral --help: ok"
            )
        else:
            print(f"smoke_test: {python}: FAILED\n{text}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
