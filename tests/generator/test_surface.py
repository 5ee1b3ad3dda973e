"""The API surface (`python -m generator surface`) and its diff (`python -m generator diff`)."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from gen_helpers import FIXTURE, REPO, write_spec

from generator import diff, surface

EXPECTED = """\
DELETE /v1/things/{thing_id} -> things.delete(thing_id: str) -> None [deprecated]
GET /v1/things/{thing_id} -> things.get(thing_id: str, *, verbose?: bool | None) -> Thing
POST /v1/chat -> chat.chat(*, prompt: str) -> ChatOut [body: ChatIn]
POST /v1/chat -> chat.stream(*, prompt: str) -> Stream[ChatOut] [body: ChatIn]
POST /v1/runs#stream -> runs.run_stream(*, name: str, size?: int) -> Stream[Shape] [body: ThingIn]
POST /v1/things -> things.create(*, name: str, size?: int) -> Thing [body: ThingIn]
alias Tags = list[str]
enum Color = "green" | "red"
model ChatIn(prompt: str, stream?: bool)
model ChatOut(text?: str)
model Circle(kind = "circle", r?: float)
model Square(kind = "square", side?: float)
model Thing(id: str, color: Color, shape?: Shape, note?: str | None)
model ThingIn(name: str, size?: int)
union Shape (tag "kind") = Circle | Square
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=REPO, capture_output=True, text=True
    )


def body_lines(text: str) -> str:
    return "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))


def test_surface_lines_of_a_fixture_spec(tmp_path: Path) -> None:
    """One sorted line per call and model: path parameters positional, `?` optional,
    the streaming twin of a JSON+SSE operation, the `#stream` path, 3.0 `nullable`,
    a discriminated union, constants, the flattened request body, deprecation."""
    spec = write_spec(tmp_path, FIXTURE)
    run = cli("surface", "--spec", str(spec))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# mistral-sdk API surface: Fixture API 1.0 (5 operations, 9 ")
    assert body_lines(run.stdout) == EXPECTED
    out = tmp_path / "surface.txt"
    assert cli("surface", "--spec", str(spec), "--out", str(out)).returncode == 0
    assert out.read_text() == run.stdout


def test_surface_text_reads_back(tmp_path: Path) -> None:
    s = surface.read_spec(write_spec(tmp_path, FIXTURE))
    text = surface.to_text(s)
    assert surface.parse_text(text) == s
    path = tmp_path / "surface.txt"
    path.write_text(text)
    assert surface.read(path) == s  # a surface file is read as one, a spec as a spec


def test_committed_surface_matches_the_generated_signatures() -> None:
    """spec/surface.txt lists each call's arguments as the generated method takes them."""
    import mistral_sdk

    client = mistral_sdk.Mistral(api_key="k")
    extras = {"extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}
    tracked = surface.parse_text((REPO / "spec" / "surface.txt").read_text(encoding="utf-8"))
    calls = [c for op in tracked.operations.values() for c in op.calls]
    # one call per method of every operation the client has (OPERATIONS comes from the
    # generated tree, the surface from the spec: two sources, one count)
    methods = [c for op in mistral_sdk.OPERATIONS.values() for c in (op.call, op.stream_call) if c]
    assert sorted(c.call for c in calls) == sorted(methods)
    for c in calls:
        method = client
        for attr in c.call.split("."):
            method = getattr(method, attr)
        params = [p for p in inspect.signature(method).parameters.values() if p.name not in extras]
        seen = [(p.name, p.kind == p.POSITIONAL_OR_KEYWORD, p.default is p.empty) for p in params]
        listed = [(a.name, a.positional, a.required) for a in c.args]
        assert seen == listed, c.call


def test_unreadable_surface_lines_are_errors() -> None:
    with pytest.raises(surface.SurfaceFormatError, match="unreadable line: what is this"):
        surface.parse_text(f"{surface.MAGIC} x\nwhat is this\n")
    with pytest.raises(surface.SurfaceFormatError, match="bad argument `oops`"):
        surface.parse_text(f"{surface.MAGIC} x\nGET /a -> a.get(oops) -> None\n")
    with pytest.raises(surface.SurfaceFormatError, match="not a surface file"):
        surface.parse_text("GET /a -> a.get() -> None\n")


def test_split_top_respects_brackets_and_strings() -> None:
    text = 'a: dict[str, int], b?: Literal["x, y", "z\\" | w"] | None, c = ", "'
    assert surface.split_top(text, ", ") == [
        "a: dict[str, int]",
        'b?: Literal["x, y", "z\\" | w"] | None',
        'c = ", "',
    ]


# --- diff rules, on surfaces written as text --------------------------------------


def surf(*lines: str) -> surface.Surface:
    return surface.parse_text("\n".join([f"{surface.MAGIC} Test 1", *lines]) + "\n")


BASE = (
    "GET /v1/a/{id} -> a.get(id: str, *, page?: int) -> A",
    "POST /v1/a -> a.create(*, name: str, tags?: list[str]) -> A [body: AIn]",
    "model A(id: str, kind: Kind, extra?: str)",
    "model AIn(name: str, tags?: list[str])",
    'enum Kind = "x" | "y"',
    'union Event (tag "type") = Done | Delta',
    'model Done(type = "done")',
    'model Delta(type = "delta", text: str)',
    "GET /v1/events -> events.stream() -> Stream[Event]",
)


def changes_of(*replaced: tuple[str, str]) -> dict[str, list[tuple[str, bool]]]:
    """Apply (old line, new line) replacements to BASE; the changes, by entry."""
    new = list(BASE)
    for old, repl in replaced:
        if old:
            new.remove(old)
        if repl:
            new.append(repl)
    d = diff.diff(surf(*BASE), surf(*new))
    out: dict[str, list[tuple[str, bool]]] = {}
    for entry in (*d.ops_changed, *d.defs_changed):
        out[entry.key] = [(c.text, c.breaking) for c in entry.changes]
    return out


def test_equal_surfaces_have_no_changes() -> None:
    d = diff.diff(surf(*BASE), surf(*reversed(BASE)))
    assert d.equal and d.breaking == 0
    assert "No change to the API surface." in diff.markdown(d, "old", "new")


@pytest.mark.parametrize(
    ("new_line", "expected"),
    [
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: int, size?: int) -> A",
            [("`client.a.get`: argument `size` added, optional (`int`)", False)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: int, size: int) -> A",
            [("`client.a.get`: argument `size` added, required (`int`)", True)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str) -> A",
            [("`client.a.get`: argument `page` removed (was `int`)", True)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: int | None) -> A",
            [("`client.a.get`: argument `page` retyped: `int` → `int | None`", False)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: str) -> A",
            [("`client.a.get`: argument `page` retyped: `int` → `str`", True)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page: int) -> A",
            [("`client.a.get`: argument `page` is now required", True)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: int) -> A | None",
            [("`client.a.get`: response type: `A` → `A | None`", True)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: int) -> Stream[A]",
            [("`client.a.get`: streams its answer: `A` → `Stream[A]`", True)],
        ),
        (
            "GET /v1/a/{id} -> a.retrieve(id: str, *, page?: int) -> A",
            [("Python call renamed: `client.a.get` → `client.a.retrieve`", True)],
        ),
        (
            "GET /v1/a/{id} -> a.get(id: str, *, page?: int) -> A [deprecated]",
            [("deprecated", False)],
        ),
    ],
)
def test_operation_changes(new_line: str, expected: list[tuple[str, bool]]) -> None:
    assert changes_of((BASE[0], new_line)) == {"GET /v1/a/{id}": expected}


def test_request_model_renamed_is_news_not_breaking() -> None:
    new = "POST /v1/a -> a.create(*, name: str, tags?: list[str]) -> A [body: AInput]"
    assert changes_of((BASE[1], new))["POST /v1/a"] == [
        ("request: `body: AIn` → `body: AInput`", False)
    ]


def test_streaming_twin_added_and_removed() -> None:
    twin = "POST /v1/a -> a.stream(*, name: str, tags?: list[str]) -> Stream[A] [body: AIn]"
    d = diff.diff(surf(*BASE), surf(*BASE, twin))
    assert [(c.text, c.breaking) for c in d.ops_changed[0].changes] == [
        ("streaming call `client.a.stream` added", False)
    ]
    back = diff.diff(surf(*BASE, twin), surf(*BASE))
    assert [(c.text, c.breaking) for c in back.ops_changed[0].changes] == [
        ("streaming call `client.a.stream` removed", True)
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # A is read (a response): new required fields are fine, losing one is not
        (
            BASE[2],
            "model A(id: str, kind: Kind, extra?: str, more: int)",
            [("field `more` added, required (`int`)", False)],
        ),
        (BASE[2], "model A(id: str, kind: Kind)", [("field `extra` removed (was `str`)", True)]),
        (
            BASE[2],
            "model A(id: str, kind: Kind, extra: str)",
            [("field `extra` is now required", False)],
        ),
        (
            BASE[2],
            "model A(id?: str, kind: Kind, extra?: str)",
            [("field `id` is now optional", True)],
        ),
        (
            BASE[2],
            "model A(id: str | None, kind: Kind, extra?: str)",
            [("field `id` retyped: `str` → `str | None`", True)],
        ),
        # AIn is built (a request body): the other way round
        (
            BASE[3],
            "model AIn(name: str, tags?: list[str], more: int)",
            [("field `more` added, required (`int`)", True)],
        ),
        (
            BASE[3],
            "model AIn(name: str, tags: list[str])",
            [("field `tags` is now required", True)],
        ),
        (
            BASE[3],
            "model AIn(name?: str, tags?: list[str])",
            [("field `name` is now optional", False)],
        ),
        (
            BASE[3],
            "model AIn(name: str | None, tags?: list[str])",
            [("field `name` retyped: `str` → `str | None`", False)],
        ),
        # enums are open (an unknown value stays a string): only a removed input value breaks
        (BASE[4], 'enum Kind = "x" | "y" | "z"', [('value `"z"` added', False)]),
        (BASE[4], 'enum Kind = "x"', [('value `"y"` removed', False)]),
        # an unknown variant decodes to `Unknown`
        (
            BASE[5],
            'union Event (tag "type") = Done | Delta | Error',
            [("variant `Error` added", False)],
        ),
        (BASE[5], 'union Event (tag "kind") = Done | Delta', [("tag: `type` → `kind`", True)]),
        (
            BASE[6],
            'model Done(type = "finished")',
            [('field `type` retyped: = "done" → = "finished"', True)],
        ),
        (BASE[4], "alias Kind = str", [("now an alias (was an enum)", True)]),
    ],
)
def test_definition_changes_by_direction(
    old: str, new: str, expected: list[tuple[str, bool]]
) -> None:
    name = old.split()[1].split("(")[0]
    assert changes_of((old, new)) == {name: expected}


def test_input_enum_value_removed_is_breaking() -> None:
    base = ('enum Kind = "x" | "y"', "GET /v1/k -> k.list(*, kind?: Kind) -> None")
    d = diff.diff(surf(*base), surf('enum Kind = "x"', base[1]))
    assert [(c.text, c.breaking, c.kind) for c in d.defs_changed[0].changes] == [
        ('value `"y"` removed', True, "value removed")
    ]
    assert d.enum_values("removed") == 1 and d.breaking == 1


def test_added_removed_and_moved_operations() -> None:
    new = [line for line in BASE if not line.startswith("GET /v1/a/")]
    new += [
        "GET /v2/a/{id} -> a.get(id: str, *, page?: int) -> A",  # moved: same call
        "DELETE /v1/a/{id} -> a.delete(id: str) -> None",
    ]
    new.remove(BASE[-1])
    d = diff.diff(surf(*BASE), surf(*new))
    assert [op.key for op in d.ops_added] == ["DELETE /v1/a/{id}", "GET /v2/a/{id}"]
    assert [(g.op.key, g.moved_to and g.moved_to.key, g.breaking) for g in d.ops_removed] == [
        ("GET /v1/a/{id}", "GET /v2/a/{id}", False),
        ("GET /v1/events", None, True),
    ]
    assert d.breaking == 1
    report = diff.markdown(d, "old.txt", "new.txt")
    assert "## Operations added (2)" in report
    assert (
        "- compatible — `GET /v2/a/{id}` → `client.a.get` (moved from `GET /v1/a/{id}`)" in report
    )
    assert "- **breaking** — `GET /v1/events` → `client.events.stream`" in report
    assert "operations: 2 added, 2 removed, 0 changed" in report
    assert "**1 breaking change(s).**" in report
    entry = diff.changelog_entry(d, "Upstream spec x")
    assert entry.startswith("## Upstream spec x\n")
    assert "- removed (breaking): `client.events.stream` (`GET /v1/events`)" in entry
    assert "- moved: `client.a.get` (`GET /v1/a/{id}`) → `GET /v2/a/{id}`" in entry


def test_report_names_operations_both_ways() -> None:
    new = [line for line in BASE if line != BASE[0]]
    new.append("GET /v1/a/{id} -> a.get(id: str) -> A")
    new.remove(BASE[4])
    report = diff.markdown(diff.diff(surf(*BASE), surf(*new)), "old.txt", "new.txt")
    assert "## Operations changed (1)" in report
    assert "- **breaking** — `GET /v1/a/{id}` → `client.a.get`" in report
    assert "  - **breaking**: `client.a.get`: argument `page` removed (was `int`)" in report
    assert "## Models removed (1)\n\n- **breaking** — `Kind` (enum)" in report


# --- the CLI ------------------------------------------------------------------------


def test_diff_cli_exit_status(tmp_path: Path) -> None:
    old = write_spec(tmp_path, FIXTURE, "old.yaml")
    changed = FIXTURE.replace("enum: [red, green]", "enum: [red, green, blue]")
    new = write_spec(tmp_path, changed, "new.yaml")
    same = cli("diff", str(old), str(old))
    assert (same.returncode, same.stderr) == (0, "")
    assert "No change to the API surface." in same.stdout
    differ = cli("diff", str(old), str(new), "--old-label", "main")
    assert differ.returncode == 1, differ.stderr
    assert "- old: `main` (Fixture API 1.0: 5 operations, 9 models)" in differ.stdout
    assert '  - compatible: value `"blue"` added' in differ.stdout
    # a committed surface file against a spec: the same report
    surface_file = tmp_path / "surface.txt"
    assert cli("surface", "--spec", str(old), "--out", str(surface_file)).returncode == 0
    mixed = cli("diff", str(surface_file), str(new), "--old-label", "main")
    assert (mixed.returncode, mixed.stdout) == (1, differ.stdout)


def test_diff_cli_errors_exit_2(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, FIXTURE)
    missing = cli("diff", str(tmp_path / "nope.yaml"), str(spec))
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr and "nope.yaml" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n")
    not_openapi = cli("diff", str(spec), str(bad))
    assert not_openapi.returncode == 2 and "no `paths`" in not_openapi.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("paths: {a: [}\n")
    assert cli("diff", str(spec), str(broken)).returncode == 2


def test_release_changelog_by_area() -> None:
    new = [line for line in BASE if line not in (BASE[0], BASE[4], BASE[-1])]
    new += [
        "GET /v1/a/{id} -> a.get(id: str) -> A",  # argument removed: breaking
        "GET /v1/b -> beta.b.list() -> list[A]",  # a new area
        'enum Kind = "x" | "y" | "z"',  # a value added
        "model B(id: str)",
    ]
    text = diff.by_area(diff.diff(surf(*BASE), surf(*new)), "API surface since 0.1.0")
    assert text.startswith("### API surface since 0.1.0\n\noperations: 1 added, 1 removed, 1")
    a = text.index("#### `client.a`")
    beta = text.index("#### `client.beta.b`")
    events = text.index("#### `client.events`")
    models = text.index("#### Models")
    assert a < beta < events < models
    assert (
        "- **breaking** changed: `client.a.get` (`GET /v1/a/{id}`): argument `page` removed "
        "(was `int`) (**breaking**)" in text[a:beta]
    )
    assert "- added: `client.beta.b.list` (`GET /v1/b`)" in text[beta:events]
    assert "- **breaking** removed: `client.events.stream` (`GET /v1/events`)" in text[events:]
    assert "- added: `B`" in text[models:]
    assert '- changed: `Kind` (enum): value `"z"` added' in text[models:]
