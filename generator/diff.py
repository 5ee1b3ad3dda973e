"""What changed between two API surfaces, each change marked breaking or not, as markdown.

Operations are the same operation across specs when their `METHOD /path` (spec path
template) is; definitions when their name is. Whether a change breaks callers depends
on which way a type travels: a definition reachable from a call's arguments is an input
(the caller builds it), one reachable from a return type an output (the caller reads
it), and one reachable from neither is treated as both. Inputs may widen and outputs
may narrow without breaking anyone; every other retyping is breaking.

A surface has two sources (docs/spec.md): the public spec and the supplement (what the
official SDK calls and the public spec lacks). What comes from the supplement is marked
so in the report, and an operation or model that moves from the supplement to the
public spec is a change of its own, never breaking: "now in the public spec".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .surface import Arg, Call, Definition, Operation, Surface, split_top

IN, OUT = "input", "output"


@dataclass(frozen=True)
class Change:
    text: str  # markdown
    breaking: bool
    kind: str = ""  # "value added" / "value removed" for enum values (they are counted)


@dataclass
class Changed:
    """An operation or definition present on both sides, and how it changed."""

    key: str
    title: str  # markdown naming it
    changes: list[Change]

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.changes)


@dataclass
class Gone:
    """A removed operation. When every call it had now sends one new operation (its
    path moved), Python callers keep their calls: only how those changed can break."""

    op: Operation
    moved_to: Operation | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return self.moved_to is None or any(c.breaking for c in self.changes)


@dataclass
class Diff:
    old: Surface
    new: Surface
    ops_added: list[Operation] = field(default_factory=list)
    ops_removed: list[Gone] = field(default_factory=list)
    ops_changed: list[Changed] = field(default_factory=list)
    defs_added: list[Definition] = field(default_factory=list)
    defs_removed: list[Definition] = field(default_factory=list)
    defs_changed: list[Changed] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (
            self.ops_added
            or self.ops_removed
            or self.ops_changed
            or self.defs_added
            or self.defs_removed
            or self.defs_changed
        )

    def changes(self) -> Iterable[Change]:
        for c in (*self.ops_changed, *self.defs_changed):
            yield from c.changes

    @property
    def breaking(self) -> int:
        """How many breaking changes: removals plus breaking changes inside entries."""
        return (
            sum(1 for g in self.ops_removed if g.breaking)
            + len(self.defs_removed)
            + sum(1 for c in self.changes() if c.breaking)
        )

    def enum_values(self, verb: str) -> int:
        return sum(1 for c in self.changes() if c.kind == f"value {verb}")

    @property
    def adopted(self) -> list[Changed]:
        """The operations now in the public spec that came from the supplement."""
        return [c for c in self.ops_changed if any(x.kind == ADOPTED for x in c.changes)]


# --- which way types travel ------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NAME = re.compile(r"[A-Za-z_]\w*")


def names_in(type_text: str) -> set[str]:
    return set(_NAME.findall(_STRING.sub("", type_text)))


def directions(surface: Surface) -> dict[str, set[str]]:
    """For each definition, whether callers build it (input), read it (output), or both."""
    defs = surface.definitions

    def refs(d: Definition) -> set[str]:
        texts = [f.type for f in d.fields] + list(d.members) + [d.type]
        return {n for t in texts for n in names_in(t) if n in defs}

    seeds: dict[str, set[str]] = {IN: set(), OUT: set()}
    for op in surface.operations.values():
        for call in op.calls:
            for a in call.args:
                seeds[IN] |= names_in(a.type)
            seeds[OUT] |= names_in(call.returns)
        seeds[IN] |= names_in(op.body.partition(": ")[2])
    out: dict[str, set[str]] = {name: set() for name in defs}
    for way, start in seeds.items():
        todo = [n for n in start if n in defs]
        while todo:
            name = todo.pop()
            if way in out[name]:
                continue
            out[name].add(way)
            todo.extend(refs(defs[name]))
    for ways in out.values():
        if not ways:
            ways.update((IN, OUT))
    return out


def members(type_text: str) -> set[str]:
    return set(split_top(type_text, " | "))


def retype_breaks(old: str, new: str, ways: set[str]) -> bool:
    """An input may accept more, an output may return less; nothing else is safe."""
    if IN in ways and not members(old) <= members(new):
        return True
    return OUT in ways and not members(new) <= members(old)


# --- operations ------------------------------------------------------------------


def call_name(call: str) -> str:
    return f"`client.{call}`"


def op_title(op: Operation) -> str:
    calls = ", ".join(call_name(c.call) for c in op.calls)
    return f"`{op.key}` → {calls}" + (" (supplement)" if op.source == "supplement" else "")


# the kind of the change of source that moves something into the public spec
ADOPTED = "now in the public spec"


def source_changes(old: Operation | Definition, new: Operation | Definition) -> list[Change]:
    """The move between the supplement and the public spec, which breaks nobody."""
    if old.source == new.source:
        return []
    if new.source == "spec":
        return [Change("now in the public spec (was from the supplement)", False, ADOPTED)]
    return [Change("now from the supplement (the public spec has it no more)", False)]


def _args_changes(old: Call, new: Call, prefix: str) -> list[Change]:
    out: list[Change] = []
    before = {a.name: a for a in old.args}
    after = {a.name: a for a in new.args}
    for name, a in after.items():
        if name not in before:
            need = "required" if a.required else "optional"
            out.append(Change(f"{prefix}argument `{name}` added, {need} (`{a.type}`)", a.required))
    for name, a in before.items():
        if name not in after:
            out.append(Change(f"{prefix}argument `{name}` removed (was `{a.type}`)", True))
            continue
        b = after[name]
        if a.type != b.type:
            out.append(
                Change(
                    f"{prefix}argument `{name}` retyped: `{a.type}` → `{b.type}`",
                    retype_breaks(a.type, b.type, {IN}),
                )
            )
        if a.required != b.required:
            now = "required" if b.required else "optional"
            out.append(Change(f"{prefix}argument `{name}` is now {now}", b.required))
    old_pos = [a.name for a in old.args if a.positional]
    new_pos = [a.name for a in new.args if a.positional]
    if old_pos != new_pos:
        text = f"{prefix}positional arguments: ({', '.join(old_pos)}) → ({', '.join(new_pos)})"
        out.append(Change(text, True))
    return out


def _call_changes(old: Call, new: Call) -> list[Change]:
    out: list[Change] = []
    prefix = f"{call_name(new.call)}: "
    if old.call != new.call:
        out.append(
            Change(f"Python call renamed: {call_name(old.call)} → {call_name(new.call)}", True)
        )
    out += _args_changes(old, new, prefix)
    if old.streaming != new.streaming:
        now = "streams its answer" if new.streaming else "no longer streams"
        out.append(Change(f"{prefix}{now}: `{old.returns}` → `{new.returns}`", True))
    elif old.returns != new.returns:
        out.append(
            Change(
                f"{prefix}response type: `{old.returns}` → `{new.returns}`",
                retype_breaks(old.returns, new.returns, {OUT}),
            )
        )
    return out


def operation_changes(old: Operation, new: Operation) -> list[Change]:
    out: list[Change] = []
    for a, b in zip(old.calls, new.calls, strict=False):  # the extra calls come next
        out += _call_changes(a, b)
    for extra in new.calls[len(old.calls) :]:
        kind = "streaming " if extra.streaming else ""
        out.append(Change(f"{kind}call {call_name(extra.call)} added", False))
    for gone in old.calls[len(new.calls) :]:
        kind = "streaming " if gone.streaming else ""
        out.append(Change(f"{kind}call {call_name(gone.call)} removed", True))
    if old.body != new.body:
        # the caller passes the body's fields, compared above; the model name is news only
        was, now = old.body or "no flattened body", new.body or "no flattened body"
        out.append(Change(f"request: `{was}` → `{now}`", False))
    if old.deprecated != new.deprecated:
        out.append(Change("deprecated" if new.deprecated else "no longer deprecated", False))
    return out + source_changes(old, new)


# --- definitions -----------------------------------------------------------------


def _field_text(f: Arg) -> str:
    return f"= {f.const}" if f.const is not None else f"`{f.type}`"


def _model_changes(old: Definition, new: Definition, ways: set[str]) -> list[Change]:
    out: list[Change] = []
    before = {f.name: f for f in old.fields}
    after = {f.name: f for f in new.fields}
    for name, f in after.items():
        if name not in before:
            need = "required" if f.required and f.const is None else "optional"
            breaking = need == "required" and IN in ways
            out.append(Change(f"field `{name}` added, {need} ({_field_text(f)})", breaking))
    for name, f in before.items():
        if name not in after:
            # a constant is sent by the SDK, never passed: only its readers miss it
            breaking = OUT in ways if f.const is not None else True
            out.append(Change(f"field `{name}` removed (was {_field_text(f)})", breaking))
            continue
        g = after[name]
        if f.const != g.const or (f.const is None and f.type != g.type):
            if f.const is not None and g.const is not None:
                breaking = OUT in ways  # the SDK sends the new constant itself
            else:
                breaking = f.const is not None or g.const is not None
                breaking = breaking or retype_breaks(f.type, g.type, ways)
            out.append(
                Change(f"field `{name}` retyped: {_field_text(f)} → {_field_text(g)}", breaking)
            )
        if f.required != g.required and f.const is None and g.const is None:
            now = "required" if g.required else "optional"
            # a caller building it must now pass it; a caller reading it may now miss it
            breaking = IN in ways if g.required else OUT in ways
            out.append(Change(f"field `{name}` is now {now}", breaking))
    if old.deprecated != new.deprecated:
        out.append(Change("deprecated" if new.deprecated else "no longer deprecated", False))
    return out


def definition_changes(old: Definition, new: Definition, ways: set[str]) -> list[Change]:
    if old.kind != new.kind:
        return [Change(f"now {article(new.kind)} (was {article(old.kind)})", True)]
    if old.kind == "model":
        return _model_changes(old, new, ways)
    out: list[Change] = []
    if old.kind == "enum":
        for v in sorted(set(new.values) - set(old.values)):
            out.append(Change(f"value `{v}` added", False, "value added"))  # open enums
        for v in sorted(set(old.values) - set(new.values)):
            out.append(Change(f"value `{v}` removed", IN in ways, "value removed"))
    elif old.kind == "union":
        for m in sorted(set(new.members) - set(old.members)):
            # an unknown variant decodes to `Unknown`; inputs just accept more
            out.append(Change(f"variant `{m}` added", False))
        for m in sorted(set(old.members) - set(new.members)):
            out.append(Change(f"variant `{m}` removed", IN in ways))
        if old.tag != new.tag:
            out.append(Change(f"tag: `{old.tag}` → `{new.tag}`", True))
    elif old.type != new.type:
        out.append(
            Change(f"type: `{old.type}` → `{new.type}`", retype_breaks(old.type, new.type, ways))
        )
    return out


def article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def def_title(d: Definition) -> str:
    return f"`{d.name}` ({d.kind}" + (", supplement)" if d.source == "supplement" else ")")


# --- the diff and its report ---------------------------------------------------------


def diff(old: Surface, new: Surface) -> Diff:
    result = Diff(old, new)
    for key in sorted(new.operations.keys() - old.operations.keys()):
        result.ops_added.append(new.operations[key])
    owner = {c.call: op for op in result.ops_added for c in op.calls}
    for key in sorted(old.operations.keys() - new.operations.keys()):
        op = old.operations[key]
        targets = {owner[c.call].key: owner[c.call] for c in op.calls if c.call in owner}
        if len(targets) == 1 and all(c.call in owner for c in op.calls):
            (target,) = targets.values()
            result.ops_removed.append(Gone(op, target, operation_changes(op, target)))
        else:
            result.ops_removed.append(Gone(op))
    for key in sorted(old.operations.keys() & new.operations.keys()):
        a, b = old.operations[key], new.operations[key]
        changes = operation_changes(a, b)
        if changes:
            result.ops_changed.append(Changed(key, op_title(b), changes))
    for name in sorted(new.definitions.keys() - old.definitions.keys()):
        result.defs_added.append(new.definitions[name])
    for name in sorted(old.definitions.keys() - new.definitions.keys()):
        result.defs_removed.append(old.definitions[name])
    ways_old, ways_new = directions(old), directions(new)
    for name in sorted(old.definitions.keys() & new.definitions.keys()):
        was, now = old.definitions[name], new.definitions[name]
        changes = definition_changes(was, now, ways_old[name] | ways_new[name])
        changes += source_changes(was, now)
        if changes:
            result.defs_changed.append(Changed(name, def_title(now), changes))
    return result


def mark(breaking: bool) -> str:
    return "**breaking**" if breaking else "compatible"


def summary(d: Diff) -> str:
    """One sentence with the counts (the CHANGELOG entry and the report's first line)."""
    if d.equal:
        return "No change to the API surface."
    adopted = f" ({len(d.adopted)} now in the public spec)" if d.adopted else ""
    parts = [
        f"operations: {len(d.ops_added)} added, {len(d.ops_removed)} removed, "
        f"{len(d.ops_changed)} changed{adopted}",
        f"models: {len(d.defs_added)} added, {len(d.defs_removed)} removed, "
        f"{len(d.defs_changed)} changed",
        f"enum values: {d.enum_values('added')} added, {d.enum_values('removed')} removed",
    ]
    return "; ".join(parts) + f". **{d.breaking} breaking change(s).**"


def sources(surface: Surface) -> str:
    """What a surface was read from, with its counts."""
    counts = f"{len(surface.operations)} operations, {len(surface.definitions)} models"
    if not surface.supplement:
        return f"{surface.label}: {counts}"
    own = sum(1 for op in surface.operations.values() if op.source == "supplement")
    return f"{surface.label} + supplement {surface.supplement} ({own} operations): {counts}"


def markdown(d: Diff, old_name: str, new_name: str) -> str:
    lines = [
        "# API surface diff",
        "",
        f"- old: `{old_name}` ({sources(d.old)})",
        f"- new: `{new_name}` ({sources(d.new)})",
        "",
        summary(d),
    ]
    if d.old.supplement != d.new.supplement:
        was, now = d.old.supplement or "none", d.new.supplement or "none"
        lines += ["", f"The supplement's official SDK release: {was} → {now}."]

    def section(title: str, count: int, items: list[str]) -> None:
        if count:
            lines.extend(["", f"## {title} ({count})", "", *items])

    moved_from = {g.moved_to.key: g.op.key for g in d.ops_removed if g.moved_to}
    added = [
        f"- compatible — {op_title(op)}"
        + (f" (moved from `{moved_from[op.key]}`)" if op.key in moved_from else "")
        for op in d.ops_added
    ]
    section("Operations added", len(added), added)
    removed: list[str] = []
    for g in d.ops_removed:
        moved = f"; its calls now send `{g.moved_to.key}`" if g.moved_to else ""
        removed.append(f"- {mark(g.breaking)} — {op_title(g.op)}{moved}")
        removed += [f"  - {mark(c.breaking)}: {c.text}" for c in g.changes]
    section("Operations removed", len(d.ops_removed), removed)
    adopted = [f"- compatible — {c.title}" for c in d.adopted]
    section("Now in the public spec", len(adopted), adopted)
    section("Operations changed", len(d.ops_changed), _changed_items(d.ops_changed))
    models_added = [f"- compatible — {def_title(x)}" for x in d.defs_added]
    section("Models added", len(models_added), models_added)
    models_removed = [f"- **breaking** — {def_title(x)}" for x in d.defs_removed]
    section("Models removed", len(models_removed), models_removed)
    section("Models changed", len(d.defs_changed), _changed_items(d.defs_changed))
    return "\n".join(lines) + "\n"


def _changed_items(entries: list[Changed]) -> list[str]:
    out: list[str] = []
    for e in entries:
        out.append(f"- {mark(e.breaking)} — {e.title}")
        out += [f"  - {mark(c.breaking)}: {c.text}" for c in e.changes]
    return out


def _calls(op: Operation) -> str:
    return ", ".join(call_name(c.call) for c in op.calls) + f" (`{op.key}`)"


def changelog_entry(d: Diff, title: str, level: int = 2) -> str:
    """A CHANGELOG.md entry: the summary, then every operation that changed, by call."""
    lines = [f"{'#' * level} {title}", "", summary(d)]
    items = [f"- added: {_calls(op)}" for op in d.ops_added]
    items += [
        f"- {'removed' if g.moved_to is None else 'moved'}"
        f"{' (breaking)' if g.breaking else ''}: {_calls(g.op)}"
        + (f" → `{g.moved_to.key}`" if g.moved_to else "")
        for g in d.ops_removed
    ]
    items += [
        f"- {ADOPTED}: {e.title}"
        if all(c.kind == ADOPTED for c in e.changes)
        else f"- changed{' (breaking)' if e.breaking else ''}: {e.title}"
        for e in d.ops_changed
    ]
    if items:
        lines += ["", *items]
    return "\n".join(lines) + "\n"


# --- a release's changes, area by area ---------------------------------------------


def area(op: Operation) -> str:
    """The client attribute an operation's calls live under (`beta.conversations`)."""
    call = op.calls[0].call if op.calls else ""
    return call.rpartition(".")[0] or "(client)"


def _item(
    verb: str, breaking: bool, what: str, changes: list[Change], op: Operation | None = None
) -> str:
    flag = "**breaking** " if breaking else ""
    # an operation with one call: its changes need not name it again
    said = f"{call_name(op.calls[0].call)}: " if op is not None and len(op.calls) == 1 else ""
    details = "; ".join(
        c.text.removeprefix(said) + (" (**breaking**)" if c.breaking else "") for c in changes
    )
    return f"- {flag}{verb}: {what}" + (f": {details}" if details else "")


def by_area(d: Diff, title: str) -> str:
    """A release's `### {title}` subsection of CHANGELOG.md: the summary, then what was
    added, removed and changed in each area of the client (the attribute an operation
    lives under), then in the models; every entry that breaks callers is marked."""
    areas: dict[str, list[str]] = {}
    for op in d.ops_added:
        areas.setdefault(area(op), []).append(_item("added", False, _calls(op), []))
    for g in d.ops_removed:
        verb = "removed" if g.moved_to is None else f"moved to `{g.moved_to.key}`"
        item = _item(verb, g.breaking, _calls(g.op), g.changes, g.op)
        areas.setdefault(area(g.op), []).append(item)
    for e in d.ops_changed:
        op = d.new.operations[e.key]
        item = _item("changed", e.breaking, _calls(op), e.changes, op)
        areas.setdefault(area(op), []).append(item)
    models = []
    if d.defs_added:
        names = ", ".join(f"`{x.name}`" for x in d.defs_added)
        models.append(_item("added", False, names, []))
    if d.defs_removed:
        names = ", ".join(f"`{x.name}`" for x in d.defs_removed)
        models.append(_item("removed", True, names, []))
    models += [_item("changed", e.breaking, e.title, e.changes) for e in d.defs_changed]
    lines = [f"### {title}", "", summary(d)]
    for name in sorted(areas):
        lines += ["", f"#### `client.{name}`", "", *areas[name]]
    if models:
        lines += ["", "#### Models", "", *models]
    return "\n".join(lines) + "\n"
