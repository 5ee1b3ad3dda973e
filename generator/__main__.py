"""Command line of the generator.

    python -m generator generate --spec PATH --out DIR   write the SDK
    python -m generator unasync [--check]                rewrite the blocking twins only
    python -m generator surface --spec PATH [--out FILE] print the API surface
    python -m generator diff OLD NEW [--out FILE]        markdown report of what changed

`diff` takes OpenAPI documents or surface files (`spec/surface.txt`) on either side and
exits like diff(1): 0 when the surfaces are equal, 1 when they differ, 2 on error.
A spec is read with the overlay (what the generator knows about particular operations
and schemas): spec/overlay.yaml, or `--overlay FILE` given before the command.

A spec is merged with its supplement (the operations the official SDK calls and the
public spec lacks, docs/spec.md): the `supplement.yaml` beside it when there is one,
or `--supplement FILE` (generate, surface); none with `--no-supplement`.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from . import diff, ir, read_api, surface, unasync
from . import overlay as overlays
from .load import Problems, SpecError
from .merge import SupplementChoice
from .render import Renderer, format_files, write


def build(
    spec: Path, overlay: overlays.Overlay | None = None, supplement: SupplementChoice = None
) -> tuple[dict[str, str], Problems]:
    """Parse `spec` (with `overlay`, by default the project's, and `supplement`, by
    default the one beside it) and render every file; raise SpecError when the spec
    has errors."""
    api, problems = read_api(spec, overlay, supplement)
    return render_files(api, hashlib.sha256(spec.read_bytes()).hexdigest()), problems


def render_files(api: ir.API, sha256: str) -> dict[str, str]:
    """Every file of the SDK for `api` (parsed from the spec whose sha256 is given)."""
    return format_files(Renderer(api, sha256).files())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--overlay",
        type=Path,
        help=f"the overlay to read specs with (default: {overlays.DEFAULT.parent.name}/"
        f"{overlays.DEFAULT.name})",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="generate the SDK from an OpenAPI spec")
    gen.add_argument("--spec", required=True, type=Path)
    gen.add_argument("--out", required=True, type=Path)
    gen.add_argument("--quiet", action="store_true", help="do not print warnings")
    supplement_options(gen)
    twins = sub.add_parser(
        "unasync",
        help="write the blocking twins of the runtime's async code into generated/ "
        "(generate writes them too)",
    )
    twins.add_argument("--check", action="store_true", help="compare only; exit 1 when stale")
    surf = sub.add_parser("surface", help="print the API surface of an OpenAPI spec")
    surf.add_argument("--spec", required=True, type=Path)
    surf.add_argument("--out", type=Path, help="write it to this file instead of stdout")
    supplement_options(surf)
    dif = sub.add_parser("diff", help="markdown report of the API changes between two specs")
    dif.add_argument("old", type=Path, help="OpenAPI document or surface file")
    dif.add_argument("new", type=Path, help="OpenAPI document or surface file")
    dif.add_argument("--out", type=Path, help="write the report to this file instead of stdout")
    dif.add_argument("--old-label", help="name OLD so in the report (default: its path)")
    dif.add_argument("--new-label", help="name NEW so in the report (default: its path)")
    supplement_options(dif, explicit=False)
    args = parser.parse_args(argv)

    if args.command == "unasync":  # reads no spec
        return unasync.run(check=args.check)
    try:
        # None: the project's, read when a spec is (a diff of two surface files needs none)
        overlay = overlays.load(args.overlay) if args.overlay else None
        supplement: SupplementChoice = (
            False if args.no_supplement else getattr(args, "supplement", None)
        )
        if supplement and not Path(supplement).is_file():
            raise InputError(f"cannot read the supplement {supplement}: no such file")
        if args.command == "surface":
            reader = functools.partial(surface.read_spec, overlay=overlay, supplement=supplement)
            return emit(surface.to_text(read(args.spec, reader)), args.out)
        if args.command == "diff":
            reader = functools.partial(surface.read, overlay=overlay, supplement=supplement)
            result = diff.diff(read(args.old, reader), read(args.new, reader))
            labels = (args.old_label or str(args.old), args.new_label or str(args.new))
            emit(diff.markdown(result, *labels), args.out)
            return 0 if result.equal else 1
        return generate(args.spec, args.out, args.quiet, overlay, supplement)
    except (SpecError, InputError, overlays.OverlayError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def supplement_options(command: argparse.ArgumentParser, explicit: bool = True) -> None:
    """`--supplement FILE` (unless the command reads two specs) and `--no-supplement`."""
    group = command.add_mutually_exclusive_group()
    if explicit:
        group.add_argument(
            "--supplement",
            type=Path,
            help="the supplement to merge into the spec (default: the supplement.yaml "
            "beside it, when there is one)",
        )
    group.add_argument(
        "--no-supplement",
        action="store_true",
        help="read the spec alone, even with a supplement.yaml beside it",
    )


class InputError(Exception):
    pass


T = TypeVar("T")


def read(path: Path, reader: Callable[[Path], T]) -> T:
    """`reader(path)`, with any failure to read the file reported against its name."""
    try:
        return reader(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def emit(text: str, out: Path | None) -> int:
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


def generate(
    spec: Path,
    out: Path,
    quiet: bool,
    overlay: overlays.Overlay | None,
    supplement: SupplementChoice = None,
) -> int:
    started = time.perf_counter()
    files, problems = read(spec, functools.partial(build, overlay=overlay, supplement=supplement))
    # the blocking twins of the runtime's async code (mistral_sdk._blocking) belong to
    # the generated half too: a tree written here is a whole SDK with the runtime
    files = {**files, **unasync.render_all()}
    if not quiet:
        for problem in problems.warnings:
            print(problem, file=sys.stderr)
    write(files, out)
    elapsed = time.perf_counter() - started
    print(
        f"generated {len(files)} files into {out} in {elapsed:.2f}s "
        f"({len(problems.warnings)} warnings)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
