"""CHANGELOG.md as data: its `## ` sections, the `## Unreleased` one that hand-written
notes and spec updates go to, and the release section `make release` turns it into.

    # Changelog                  title and introduction (kept as they are)
    ## Unreleased                the next release: a hand-written summary first, then one
                                 `### Upstream spec …` entry per spec update, newest first
    ## 0.2.0 — 2026-06-01        a release: summary, the API surface since the previous
                                 release by area, its spec updates, dependency changes

Used by scripts/spec_update.py (spec entries) and scripts/release.py (releases, notes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNRELEASED = "Unreleased"
SPEC_ENTRY = "### Upstream spec"
HEAD = (
    "# Changelog\n\n"
    "What changed in each release of mistral-sdk. Versions follow the API surface\n"
    "(README.md, Versioning; docs/releasing.md). Every upstream spec that `make spec-update`\n"
    "(the daily spec-sync job) takes adds an entry under Unreleased; `make release\n"
    "VERSION=…` turns Unreleased into the release's section, with the API surface diff\n"
    "since the previous release, area by area.\n"
)


@dataclass
class Section:
    title: str  # the heading without "## "
    body: str  # the text below it, without surrounding blank lines

    @property
    def version(self) -> str:
        """The first word of the title: the version, or "Unreleased"."""
        return self.title.split(" ", 1)[0]

    def summary(self) -> str:
        """The hand-written text: everything before the first `### ` subsection."""
        at = _subsection(self.body)
        return self.body[:at].strip()

    def subsections(self) -> str:
        return self.body[_subsection(self.body) :].strip()


def _subsection(body: str) -> int:
    found = re.search(r"^### ", body, re.MULTILINE)
    return found.start() if found else len(body)


def parse(text: str) -> tuple[str, list[Section]]:
    """The head (title and introduction) and the `## ` sections, in file order."""
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    head = parts[0].rstrip() + "\n"
    sections = []
    for part in parts[1:]:
        title, _, body = part.partition("\n")
        sections.append(Section(title.strip(), body.strip()))
    return head, sections


def render(head: str, sections: list[Section]) -> str:
    out = [head.rstrip()]
    for s in sections:
        out.append(f"## {s.title}" + (f"\n\n{s.body}" if s.body else ""))
    return "\n\n".join(out) + "\n"


def find(sections: list[Section], version: str) -> Section | None:
    return next((s for s in sections if s.version == version), None)


def add_spec_entry(text: str | None, entry: str) -> str:
    """`entry` (a `### Upstream spec …` subsection) into Unreleased, above the older spec
    entries and below the hand-written summary; Unreleased is created when missing."""
    head, sections = parse(text) if text else (HEAD, [])
    unreleased = find(sections, UNRELEASED)
    if unreleased is None:
        unreleased = Section(UNRELEASED, "")
        sections.insert(0, unreleased)
    body = unreleased.body
    found = re.search(f"^{SPEC_ENTRY}", body, re.MULTILINE)
    at = found.start() if found else len(body)
    before, after = body[:at], body[at:]
    unreleased.body = "\n\n".join(p.strip() for p in (before, entry, after) if p.strip())
    return render(head, sections)


def release(text: str, version: str, date: str, surface: str, extra: str = "") -> str:
    """Unreleased → `## {version} — {date}`: its summary, then `surface` (the API surface
    since the previous release), then its spec entries and other subsections, then
    `extra` (dependency changes). Raises ValueError when there is nothing hand-written."""
    head, sections = parse(text)
    if find(sections, version) is not None:
        raise ValueError(f"CHANGELOG.md already has a section for {version}")
    unreleased = find(sections, UNRELEASED)
    if unreleased is None or not unreleased.summary():
        raise ValueError(
            "CHANGELOG.md has no hand-written summary under `## Unreleased`: write what this "
            "release brings there (a few sentences, above any `### ` entry), then run it again"
        )
    parts = (unreleased.summary(), surface, unreleased.subsections(), extra)
    unreleased.title = f"{version} — {date}"
    unreleased.body = "\n\n".join(p.strip() for p in parts if p.strip())
    return render(head, sections)
