"""Names for the schemas the spec leaves unnamed (inline objects, enums and unions).

The rule: `<Owner><Field>` for a property, the operation's Python call for what an
operation defines, array items in the singular, a parameter of two words or more by
its own name; equal schemas share a name, a taken name moves on to a longer form, and
a number is the last resort. The overlay's `inline_schemas` names a few by pointer.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from .. import ir
from ..naming import item_name, pascal, snake

# Keys that do not change what a schema accepts: two inline schemas equal but for
# these share one name.
_PROSE = {"title", "description", "example", "examples"}


def _canonical(schema: Any) -> str:
    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _PROSE}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return json.dumps(strip(schema), sort_keys=True, default=str)


class InlineNames:
    """The names given so far; `defs` and `components` are the names already taken."""

    def __init__(
        self,
        defs: Mapping[str, ir.Definition],
        components: Collection[str],
        chosen: Mapping[str, str],
    ) -> None:
        self.defs = defs
        self.components = components
        self.chosen = chosen  # pointer → name, from the overlay
        # every name given to an inline schema, with that schema's canonical form
        self._inline: dict[str, str] = {}
        # hints of operation responses: an array response's item is `<Operation>Item`
        self._response_hints: set[str] = set()
        # inline names the rule could only tell apart by a number (the tests want none)
        self.numbered: list[str] = []
        # the qualified hint to use when a parameter's short hint is taken
        self._fallbacks: dict[str, str] = {}
        # the name given to the inline schema at each pointer
        self.by_pointer: dict[str, str] = {}

    def response_hint(self, hint: str) -> str:
        """The hint for an operation's JSON answer (`hint` names the operation)."""
        self._response_hints.add(f"{hint}Response")
        return f"{hint}Response"

    def param_hint(self, op_hint: str, wire: str) -> str:
        """The hint for a parameter's inline schema.

        A name of two words or more (`connector_id_or_name`, `deployment_status`) says
        enough alone and is shared by the operations whose schema for it is equal; a
        one-word name (`order`, `type`) or a taken one is qualified by the operation.
        """
        qualified = f"{op_hint}{pascal(wire)}"
        if len(snake(wire).split("_")) < 2:
            return qualified
        self._fallbacks[pascal(wire)] = qualified
        return pascal(wire)

    def param_done(self) -> None:
        """A parameter's schema is named: its fallback hint is no longer needed."""
        self._fallbacks.clear()

    def item_hint(self, hint: str) -> str:
        """The hint for the items of the array hinted `hint` (singular: `ChatTools` → `ChatTool`)."""
        if hint in self._response_hints:
            return f"{hint.removesuffix('Response')}Item"
        return item_name(hint)

    def name(self, hint: str, schema: Any, pointer: str, kind: str) -> tuple[str, bool]:
        """The name of the inline schema at `pointer`, and whether it is defined already.

        Candidates, in order: the overlay's name for `pointer`, `hint`, the
        operation-qualified hint of a parameter (`param_hint`), `hint` + `kind`
        (`Union`, `Model`, `Enum`). A candidate already given to an equal schema (the
        same property inherited through `allOf`, the same parameter on several
        operations) is shared; one taken by a different schema is skipped. A number
        is the last resort, recorded in `numbered` (the tests over every spec want none).
        """
        if pointer in self.by_pointer:
            return self.by_pointer[pointer], True
        canonical = _canonical(schema)
        fallback = self._fallbacks.pop(hint, None)
        candidates = [
            pascal(h) for h in (self.chosen.get(pointer), hint, fallback, f"{hint}{kind}") if h
        ]
        known = False
        for name in candidates:
            if name in self._inline:
                if self._inline[name] == canonical:
                    known = True
                    break
            elif name not in self.defs and name not in self.components:
                break
        else:
            n = 2
            while f"{candidates[0]}{n}" in self.defs or f"{candidates[0]}{n}" in self.components:
                n += 1
            name = f"{candidates[0]}{n}"
            self.numbered.append(name)
        self._inline[name] = canonical
        self.by_pointer[pointer] = name
        return name, known
