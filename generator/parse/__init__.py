"""Document → intermediate model, in passes a reader can follow one at a time.

1. types (`schemas.py`): every component schema → a definition; inline schemas are
   hoisted under the names `inline_names.py` gives them;
2. unions (`unions.py`): which tagged unions msgspec decodes natively;
3. operations (`operations.py`): paths → operations with their parameters, bodies,
   responses and methods; their event streams are read by `streams.py`;
4. resources (`resources.py`): tags → the client's resource tree;
5. inputs (`inputs.py`): the request side's typed dictionaries, for type checkers;
6. renamed (`renamed.py`): former model names kept as deprecated aliases;
7. drift (`drift.py`): what the overlay names and the spec lacks, as warnings.

What the passes know about particular operations and schemas comes from the overlay
(spec/overlay.yaml, generator/overlay.py); they hold only the rules.
"""

from __future__ import annotations

from typing import Any

from .. import helpers, ir
from .. import overlay as overlays
from ..load import Problems
from . import drift, inputs, renamed, resources, unions
from .operations import Operations
from .schemas import Schemas


class Parse:
    """One run of the passes over `doc`; the passes' state stays for inspection."""

    def __init__(
        self,
        doc: dict[str, Any],
        problems: Problems,
        overlay: overlays.Overlay | None = None,
        supplement: ir.Supplement | None = None,
    ) -> None:
        overlay = overlay if overlay is not None else overlays.default()
        self.schemas = Schemas(doc, problems, overlay)
        self.schemas.define_all()  # 1. types
        unions.assign_tags(self.schemas.defs)  # 2. unions
        operations = Operations(self.schemas).all()  # 3. operations and their streams
        for op in operations:
            if supplement is not None and supplement.owns(op.pointer):
                op.source = "supplement"
        root, operations = resources.tree(operations, overlay, problems)  # 4. resources
        info = doc.get("info", {})
        self.api = ir.API(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            definitions=dict(sorted(self.schemas.defs.items())),
            operations=operations,
            root=root,
            exposed=sorted(self.schemas.components),
            supplement=supplement,
        )
        self.api.batch_enum = overlay.batch_endpoints_enum or ""
        self.api.batch_endpoints = helpers.batch_endpoints(self.api, overlay.batch_endpoints_enum)
        self.api.batch_job_fields = overlay.batch_job_fields
        self.api.inputs = inputs.build(self.api, doc, overlay, problems)  # 5.
        self.api.renamed = renamed.aliases(self.api.definitions, overlay, problems)  # 6.
        drift.check(self.api, doc, self.schemas.names.by_pointer, overlay, problems)  # 7.


def parse(
    doc: dict[str, Any],
    problems: Problems,
    overlay: overlays.Overlay | None = None,
    supplement: ir.Supplement | None = None,
) -> ir.API:
    """The intermediate model of `doc`, with what `overlay` (by default the project's,
    spec/overlay.yaml) says about its operations and schemas; `supplement` says which
    of them were merged in from the supplement (generator/merge.py)."""
    return Parse(doc, problems, overlay, supplement).api
