"""CHANGELOG.md (scripts/changelog.py): spec updates go under Unreleased below the
hand-written summary, and a release turns Unreleased into its section."""

from __future__ import annotations

from pathlib import Path

import changelog
import pytest

ENTRY_1 = "### Upstream spec 2026-05-01 (1.0.0, sha256 aaaa)\n\nNo change to the API surface.\n"
ENTRY_2 = "### Upstream spec 2026-05-02 (1.0.0, sha256 bbbb)\n\n- added: `client.x.get`\n"
OLD = "## 0.1.0 — 2026-04-01\n\nThe first release.\n"


def test_spec_entries_under_unreleased_newest_first() -> None:
    text = changelog.add_spec_entry(None, ENTRY_1)
    assert text.startswith(changelog.HEAD)
    text = changelog.add_spec_entry(text, ENTRY_2)
    _, sections = changelog.parse(text)
    assert [s.title for s in sections] == ["Unreleased"]
    body = sections[0].body
    assert body.index("sha256 bbbb") < body.index("sha256 aaaa")
    assert sections[0].summary() == ""


def test_spec_entry_keeps_the_summary_first_and_older_releases_below() -> None:
    text = changelog.HEAD + "\n## Unreleased\n\nFaster streams.\n\n" + ENTRY_1 + "\n" + OLD
    text = changelog.add_spec_entry(text, ENTRY_2)
    _, sections = changelog.parse(text)
    assert [s.version for s in sections] == ["Unreleased", "0.1.0"]
    assert sections[0].summary() == "Faster streams."
    assert sections[0].subsections().startswith("### Upstream spec 2026-05-02")
    assert sections[1].body == "The first release."
    # a changelog with only older releases gets a new Unreleased on top
    again = changelog.add_spec_entry(changelog.HEAD + "\n" + OLD, ENTRY_1)
    assert [s.version for s in changelog.parse(again)[1]] == ["Unreleased", "0.1.0"]


def test_release_turns_unreleased_into_the_version() -> None:
    text = changelog.HEAD + "\n## Unreleased\n\nFaster streams.\n\n" + ENTRY_1 + "\n" + OLD
    out = changelog.release(
        text,
        "0.2.0",
        "2026-06-01",
        "### API surface since 0.1.0\n\n- added",
        "### Runtime dependencies\n\n- added: x",
    )
    head, sections = changelog.parse(out)
    assert head == changelog.HEAD
    assert [s.title for s in sections] == ["0.2.0 — 2026-06-01", "0.1.0 — 2026-04-01"]
    body = sections[0].body
    order = ["Faster streams.", "### API surface since 0.1.0", "### Upstream spec", "### Runtime"]
    assert [body.index(part) for part in order] == sorted(body.index(part) for part in order)
    assert changelog.find(sections, "0.2.0") is sections[0]


def test_release_needs_a_summary_and_a_new_version() -> None:
    only_spec = changelog.add_spec_entry(changelog.HEAD + "\n" + OLD, ENTRY_1)
    with pytest.raises(ValueError, match="no hand-written summary under `## Unreleased`"):
        changelog.release(only_spec, "0.2.0", "2026-06-01", "")
    text = changelog.HEAD + "\n## Unreleased\n\nAgain.\n\n" + OLD
    with pytest.raises(ValueError, match=r"already has a section for 0\.1\.0"):
        changelog.release(text, "0.1.0", "2026-06-01", "")


def test_the_committed_changelog_reads() -> None:
    text = (Path(__file__).resolve().parents[2] / "CHANGELOG.md").read_text()
    head, sections = changelog.parse(text)
    assert head.startswith("# Changelog\n") and sections
    assert changelog.render(head, sections) == text
