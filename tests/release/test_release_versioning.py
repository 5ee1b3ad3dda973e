"""The versioning policy (scripts/versioning.py): which version may follow which, given
the API surface diff since the last release."""

from __future__ import annotations

import pytest
import versioning
from versioning import Version

V = Version.parse


@pytest.mark.parametrize("text", ["1.2", "1.2.3.4", "01.2.3", "1.2.3rc1", "1.2.3+local", "x"])
def test_only_plain_three_part_versions(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not MAJOR\.MINOR\.PATCH"):
        V(text)


def test_parse_bump_and_order() -> None:
    assert V("v1.2.3") == Version(1, 2, 3) and str(V("1.2.3")) == "1.2.3"
    assert [str(V("1.2.3").bump(lv)) for lv in versioning.LEVELS] == ["1.2.4", "1.3.0", "2.0.0"]
    assert V("0.10.0") > V("0.9.9")
    assert versioning.level_of(V("0.1.0"), V("0.2.0")) == "minor"
    assert versioning.level_of(V("0.1.0"), V("0.3.0")) is None  # skips a version
    assert versioning.level_of(V("0.2.0"), V("0.1.1")) is None  # backwards


@pytest.mark.parametrize(
    ("previous", "breaking", "changed", "least"),
    [
        ("0.4.1", 3, True, "minor"),  # before 1.0: breaking -> minor
        ("0.4.1", 0, True, "patch"),  # before 1.0: anything else -> patch
        ("0.4.1", 0, False, "patch"),
        ("1.4.1", 1, True, "major"),  # from 1.0: breaking -> major
        ("1.4.1", 0, True, "minor"),  # compatible surface change -> minor
        ("1.4.1", 0, False, "patch"),  # no surface change -> patch
    ],
)
def test_least_bump(previous: str, breaking: int, changed: bool, least: str) -> None:
    assert versioning.required(V(previous), breaking, changed)[0] == least


def judge(
    previous: str | None, new: str, breaking: int = 0, changed: bool = False, why: str | None = None
) -> tuple[list[str], str]:
    return versioning.judge(V(previous) if previous else None, V(new), breaking, changed, why)


def test_a_breaking_change_before_1_0_needs_the_minor_bump() -> None:
    objections, _ = judge("0.4.1", "0.4.2", breaking=2, changed=True)
    assert objections == [
        "0.4.2 is a patch release, but the API surface has 2 breaking change(s) since 0.4.1: "
        "before 1.0 a breaking change bumps the minor version: release 0.5.0"
    ]
    assert judge("0.4.1", "0.5.0", breaking=2, changed=True) == (
        [],
        "0.5.0 is a minor release: the API surface has 2 breaking change(s) since 0.4.1: "
        "before 1.0 a breaking change bumps the minor version.",
    )


def test_a_breaking_change_after_1_0_needs_the_major_bump() -> None:
    objections, _ = judge("1.4.1", "1.5.0", breaking=1, changed=True)
    assert objections and objections[0].endswith("release 2.0.0")
    assert judge("1.4.1", "2.0.0", breaking=1, changed=True)[0] == []
    # additions need the minor bump after 1.0
    assert judge("1.4.1", "1.4.2", changed=True)[0][0].endswith("release 1.5.0")


def test_more_than_the_surface_asks_needs_a_reason() -> None:
    objections, _ = judge("0.4.1", "0.5.0", changed=True)
    assert "more than the API surface asks for (0.4.2" in objections[0]
    assert "WHY=" in objections[0]
    allowed, said = judge("0.4.1", "0.5.0", changed=True, why="Python 3.10 is no longer supported")
    assert allowed == [] and said.endswith("would do for it): Python 3.10 is no longer supported")
    assert judge("0.4.1", "1.0.0")[0] == []  # declaring the API stable needs no reason
    # already prepared (the release-check): the reason was recorded then
    assert versioning.judge(V("0.4.1"), V("0.5.0"), 0, True, None, recorded=True)[0] == []


def test_the_next_version_only_and_the_first_release_free() -> None:
    assert "the next version is one of 0.4.2, 0.5.0, 1.0.0" in judge("0.4.1", "0.6.0")[0][0]
    assert judge("0.4.1", "0.4.1")[0]  # not a new version
    assert judge(None, "0.1.0") == ([], "0.1.0 is the first release.")


def test_version_file_read_and_written() -> None:
    text = '"""The package version."""\n\n__version__ = "0.1.0"\n'
    assert versioning.current_version(text) == Version(0, 1, 0)
    assert versioning.version_file(V("0.2.0"), text).endswith('__version__ = "0.2.0"\n')
    with pytest.raises(ValueError, match="no `__version__"):
        versioning.current_version("VERSION = 1\n")
    assert versioning.current_version() == V(versioning.VERSION_FILE.read_text().split('"')[-2])
