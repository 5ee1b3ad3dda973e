"""Renamed models kept as deprecated aliases, from `spec/deprecated_names.yaml`.

The file maps each old name to the name now (or to `str`, for an id that became a
plain string) and says in which release the old names go away. `resolve` keeps the
entries that apply to the spec at hand: the new name must be one of its models and
the old one must not be (a spec that brings the old name back wins); the others are
warnings, as for `naming.MODEL_NAMES`. The renderer writes the rest into
`mistral_sdk/models/_deprecated.py`.

    python -m generator.deprecations --docs docs/deprecations.md

rewrites the table of renamed names in that page (between its `deprecated-names`
markers); `tests/generator/test_deprecations.py` fails when it is stale.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from . import ir
from .load import Problems

FILE = Path(__file__).resolve().parent.parent / "spec" / "deprecated_names.yaml"
STR = "str"  # the new "name" of an id that is a plain string now
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MARKERS = ("<!-- deprecated-names:start -->", "<!-- deprecated-names:end -->")


def load(path: Path | None = None) -> tuple[str, dict[str, str]]:
    """(the release that removes the old names, {old: new}), checked for shape."""
    path = path or FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    removed_in = data.get("removed_in")
    renamed = data.get("renamed") or {}
    if not isinstance(removed_in, str) or not isinstance(renamed, dict):
        raise ValueError(f"{path}: expected `removed_in: <version>` and a `renamed:` mapping")
    for old, new in renamed.items():
        if not (isinstance(old, str) and isinstance(new, str)):
            raise ValueError(f"{path}: `{old}: {new}` is not a pair of names")
        if not (_NAME.fullmatch(old) and _NAME.fullmatch(new)):
            raise ValueError(f"{path}: `{old}: {new}` is not a pair of Python names")
    return removed_in, dict(sorted(renamed.items()))


def resolve(api: ir.API, problems: Problems, path: Path | None = None) -> list[ir.Renamed]:
    """The renamed names that apply to `api`, each with what its new name is."""
    path = path or FILE
    if not path.is_file():
        return []
    removed_in, renamed = load(path)
    out: list[ir.Renamed] = []
    for old, new in renamed.items():
        target = api.definitions.get(new)
        if old in api.definitions:
            problems.warn(f"{path.name}#{old}", f"`{old}` is a model of this spec again: no alias")
        elif target is None and new != STR:
            problems.warn(f"{path.name}#{old}", f"`{old}` was renamed `{new}`, not in this spec")
        else:
            out.append(ir.Renamed(old, new, removed_in, isinstance(target, ir.Model)))
    return out


def markdown(path: Path | None = None) -> str:
    """The table of renamed names for docs/deprecations.md."""
    removed_in, renamed = load(path)
    rows = [
        f"| `{old}` | {'`str`' if new == STR else f'`{new}`'} |" for old, new in renamed.items()
    ]
    return "\n".join(
        [
            f"Removed in **{removed_in}** ({len(renamed)} names):",
            "",
            "| old name | use instead |",
            "|---|---|",
            *rows,
        ]
    )


def with_table(page: str, table: str) -> str:
    """`page` with the text between its markers replaced by `table`."""
    start, end = _MARKERS
    before, found, rest = page.partition(start)
    _, found_end, after = rest.partition(end)
    if not (found and found_end):
        raise ValueError(f"the page has no {start} ... {end} block")
    return f"{before}{start}\n{table}\n{end}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.deprecations")
    parser.add_argument("--docs", type=Path, required=True, help="the page to update")
    args = parser.parse_args(argv)
    page = args.docs.read_text(encoding="utf-8")
    args.docs.write_text(with_table(page, markdown()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
