"""Command line: `python -m generator generate --spec PATH --out DIR`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .load import Problems, SpecError, load
from .parse import parse
from .render import Renderer, format_files, write


def build(spec: Path) -> tuple[dict[str, str], Problems]:
    """Parse `spec` and render every file; raise SpecError when the spec has errors."""
    problems = Problems()
    doc = load(spec, problems)
    api = parse(doc, problems)
    if problems.errors:
        raise SpecError(problems.errors)
    return format_files(Renderer(api).files()), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="generate the SDK from an OpenAPI spec")
    gen.add_argument("--spec", required=True, type=Path)
    gen.add_argument("--out", required=True, type=Path)
    gen.add_argument("--quiet", action="store_true", help="do not print warnings")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        files, problems = build(args.spec)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {args.spec}: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        for problem in problems.warnings:
            print(problem, file=sys.stderr)
    write(files, args.out)
    elapsed = time.perf_counter() - started
    print(
        f"generated {len(files)} files into {args.out} in {elapsed:.2f}s "
        f"({len(problems.warnings)} warnings)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
