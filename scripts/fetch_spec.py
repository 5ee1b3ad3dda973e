#!/usr/bin/env python3
"""Fill spec/openapi.yaml with the tracked upstream spec and verify it against spec/lock.json.

    python scripts/fetch_spec.py                 # from $SPEC_SOURCE, ../shared/spec, or the lock's URL
    SPEC_SOURCE=path/or/url python scripts/fetch_spec.py
    python scripts/fetch_spec.py --update-lock   # accept a new spec: rewrite the lock from it

The spec itself is never committed (spec/openapi.yaml is git-ignored); only the lock is.
Standard library only, so it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "spec" / "lock.json"
TARGET = ROOT / "spec" / "openapi.yaml"
SHARED = ROOT.parent / "shared" / "spec" / "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _is_url(source: str) -> bool:
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source) is not None and not source.startswith(
        "file://"
    )


def read_source(source: str) -> bytes:
    if _is_url(source):
        request = urllib.request.Request(source, headers={"User-Agent": "mistral-sdk fetch_spec"})
        with urllib.request.urlopen(request, timeout=60) as response:
            data: bytes = response.read()
            return data
    path = Path(source.removeprefix("file://")).expanduser()
    if not path.is_absolute():
        path = (Path.cwd() / path).resolve()
    return path.read_bytes()


def default_source(lock: dict[str, object], *, upstream: bool = False) -> str:
    """$SPEC_SOURCE, else ../shared/spec/openapi.yaml when present, else the lock's URL.

    With `upstream` (accepting a new spec), the local copy is skipped: the lock's URL is the
    place new versions come from.
    """
    env = os.environ.get("SPEC_SOURCE")
    if env:
        return env
    if SHARED.is_file() and not upstream:
        return str(SHARED)
    return str(lock["url"])


def summarize(data: bytes) -> dict[str, object]:
    """info.version, operation and schema counts; needs PyYAML (only for --update-lock)."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - the generator extra provides it
        sys.exit("fetch_spec: --update-lock needs PyYAML (pip install -e '.[generator]')")
    doc = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C: 10x faster
    operations = sum(
        1 for item in doc.get("paths", {}).values() for key in item if key in HTTP_METHODS
    )
    return {
        "version": str(doc.get("info", {}).get("version", "")),
        "operations": operations,
        "schemas": len(doc.get("components", {}).get("schemas", {})),
    }


def lock_spec(lock: dict[str, object], data: bytes, source: str) -> None:
    """Make `data` (read from `source`) the tracked spec: update `lock` and spec/lock.json."""
    lock.update(summarize(data))
    lock["sha256"] = hashlib.sha256(data).hexdigest()
    lock["date"] = dt.date.today().isoformat()
    if _is_url(source):
        lock["url"] = source
    LOCK.write_text(json.dumps(lock, indent=2) + "\n", encoding="utf-8")


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The spec is public and read by other tools (Prism, editors, other users of the
# checkout): readable by all, whatever mkstemp's private 0600 default.
SPEC_MODE = 0o644


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, SPEC_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", help="path or URL of the spec (default: $SPEC_SOURCE, ../shared, lock URL)"
    )
    parser.add_argument(
        "--update-lock",
        action="store_true",
        help="accept the source as the new tracked spec: rewrite spec/lock.json from it",
    )
    args = parser.parse_args(argv)

    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    source = args.source or default_source(lock, upstream=args.update_lock)
    expected = str(lock["sha256"])

    # Fast path: the spec is already there and matches the lock.
    default = not (args.update_lock or args.source or os.environ.get("SPEC_SOURCE"))
    if default and TARGET.is_file() and _sha256_file(TARGET) == expected:
        print(f"fetch_spec: {TARGET.relative_to(ROOT)} is up to date (sha256 {expected})")
        return 0

    try:
        data = read_source(source)
    except (OSError, ValueError) as exc:
        print(f"fetch_spec: cannot read {source}: {exc}", file=sys.stderr)
        return 1
    actual = hashlib.sha256(data).hexdigest()

    if args.update_lock:
        lock_spec(lock, data, source)
        print(
            f"fetch_spec: lock updated: sha256 {actual}, version {lock['version']}, "
            f"{lock['operations']} operations, {lock['schemas']} schemas"
        )
    elif actual != expected:
        # Never leave a spec that does not match the lock behind.
        if TARGET.is_file() and _sha256_file(TARGET) != expected:
            TARGET.unlink()
        print(
            "fetch_spec: sha256 mismatch for " + source + "\n"
            f"  expected (spec/lock.json): {expected}\n"
            f"  actual:                    {actual}\n"
            "The upstream spec changed. Review it, then accept it with "
            "`python scripts/fetch_spec.py --update-lock` (or `make spec-update`).",
            file=sys.stderr,
        )
        return 1

    write_atomically(TARGET, data)
    print(f"fetch_spec: wrote {TARGET.relative_to(ROOT)} from {source} (sha256 {actual})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
