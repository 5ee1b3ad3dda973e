"""The table of renamed models in docs/deprecations.md, from the overlay's `renamed`.

The overlay (spec/overlay.yaml, `renamed`) maps each former model name to the name now
(or to `str`, for an id that became a plain string) and says in which release the old
names go away; the parse keeps the entries that apply to the spec at hand
(generator/parse/renamed.py) and the renderer writes them into
`mistral_sdk/models/_deprecated.py`.

    python -m generator.deprecations --docs docs/deprecations.md

rewrites the table of renamed names in that page (between its `deprecated-names`
markers); `tests/generator/test_deprecations.py` fails when it is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import overlay as overlays
from .parse.renamed import STR

_MARKERS = ("<!-- deprecated-names:start -->", "<!-- deprecated-names:end -->")


def markdown(overlay: overlays.Overlay | None = None) -> str:
    """The table of renamed names for docs/deprecations.md (`overlay`: the project's)."""
    renamed = (overlay or overlays.default()).renamed
    if renamed is None:
        return "No renamed names."
    rows = [
        f"| `{old}` | {'`str`' if new == STR else f'`{new}`'} |"
        for old, new in sorted(renamed.models.items())
    ]
    return "\n".join(
        [
            f"Removed in **{renamed.removed_in}** ({len(rows)} names):",
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
    parser.add_argument(
        "--overlay", type=Path, default=overlays.DEFAULT, help="the overlay (spec/overlay.yaml)"
    )
    args = parser.parse_args(argv)
    page = args.docs.read_text(encoding="utf-8")
    table = markdown(overlays.load(args.overlay))
    args.docs.write_text(with_table(page, table), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
