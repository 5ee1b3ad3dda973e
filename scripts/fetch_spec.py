#!/usr/bin/env python3
"""Fill spec/openapi.yaml with the tracked upstream spec and verify it against spec/lock.json.

    python scripts/fetch_spec.py                 # from $SPEC_SOURCE, ../shared/spec, or the lock's URL
    SPEC_SOURCE=path/or/url python scripts/fetch_spec.py
    python scripts/fetch_spec.py --update-lock   # accept a new spec: rewrite the lock from it

The spec itself is never committed (spec/openapi.yaml is git-ignored); only the lock is.
The lock's `url` names the upstream file at one commit (`commit`), a URL whose bytes
cannot move, so a clone verifies against the same spec years later; accepting a new
spec (`--update-lock` without a source, `make spec-update`) asks GitHub for the newest
commit of `path` on `branch` in `repository` and pins that one.

The spec is needed only to regenerate: generated/ is committed, so the SDK, `make demo`
and the examples work without it.
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
RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{path}"
COMMITS_URL = (
    "https://api.github.com/repos/{repository}/commits?sha={branch}&path={path}&per_page=1"
)
MISSING_HINT = (
    "The spec is needed only to regenerate (make generate, check-generated, spec-update):\n"
    "generated/ is committed, so the SDK, `make demo` and the examples work without it.\n"
    "To regenerate offline, put the spec at spec/openapi.yaml or set SPEC_SOURCE=path."
)


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


def pinned_url(lock: dict[str, object], commit: str) -> str:
    """The raw URL of the lock's upstream file at `commit` (bytes that never change)."""
    return RAW_URL.format(repository=lock["repository"], commit=commit, path=lock["path"])


def latest_commit(lock: dict[str, object]) -> str:
    """The newest commit of the lock's upstream file on its branch (GitHub's API)."""
    url = COMMITS_URL.format(
        repository=lock["repository"], branch=lock["branch"], path=lock["path"]
    )
    try:
        commits = json.loads(read_source(url))
        return str(commits[0]["sha"])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"no commit of {lock['path']} found at {url}") from exc


def upstream_source(lock: dict[str, object]) -> tuple[str, str | None]:
    """Where a new spec comes from, and the commit it is pinned at (None: not pinned):
    $SPEC_SOURCE as given, else the newest upstream commit's URL."""
    env = os.environ.get("SPEC_SOURCE")
    if env:
        return env, None
    commit = latest_commit(lock)
    return pinned_url(lock, commit), commit


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


def lock_spec(lock: dict[str, object], data: bytes, source: str, commit: str | None = None) -> None:
    """Make `data` (read from `source`, the upstream file at `commit` when known) the
    tracked spec: update `lock` and spec/lock.json. With a commit the lock's URL pins it;
    a spec from elsewhere keeps the URL given (a file keeps the old one: say the commit)."""
    lock.update(summarize(data))
    lock["sha256"] = hashlib.sha256(data).hexdigest()
    lock["date"] = dt.date.today().isoformat()
    if commit:
        lock["commit"] = commit
        lock["url"] = pinned_url(lock, commit)
    elif _is_url(source):
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
    parser.add_argument(
        "--commit", help="with --update-lock: the upstream commit the source is (pins the URL)"
    )
    args = parser.parse_args(argv)

    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    commit: str | None = args.commit
    try:
        if args.source or not args.update_lock or os.environ.get("SPEC_SOURCE"):
            source = args.source or default_source(lock, upstream=args.update_lock)
        else:
            source, commit = upstream_source(lock)
    except (OSError, ValueError) as exc:
        print(f"fetch_spec: cannot find the newest upstream spec: {exc}", file=sys.stderr)
        return 1
    expected = str(lock["sha256"])

    # Fast path: the spec is already there and matches the lock.
    default = not (args.update_lock or args.source or os.environ.get("SPEC_SOURCE"))
    if default and TARGET.is_file() and _sha256_file(TARGET) == expected:
        print(f"fetch_spec: {TARGET.relative_to(ROOT)} is up to date (sha256 {expected})")
        return 0

    try:
        data = read_source(source)
    except (OSError, ValueError) as exc:
        print(f"fetch_spec: cannot read {source}: {exc}\n{MISSING_HINT}", file=sys.stderr)
        return 1
    actual = hashlib.sha256(data).hexdigest()

    if args.update_lock:
        lock_spec(lock, data, source, commit)
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
