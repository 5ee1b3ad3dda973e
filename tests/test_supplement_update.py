"""`make spec-update` and the supplement (docs/spec.md), against a copy of the repository:

- the public spec gains an operation of the supplement and a newer official release
  appears (here, the pinned release under another version number): one run re-extracts
  the supplement from the new release, unpacked, against the new spec, so the operation
  leaves it; the report says "now in the public spec" and names both sources; the
  Python call stays; the lock and the dev extra pin the new release;
- the same spec and an older or equal release: nothing to do, nothing touched;
- a release that is not the pinned package changes nothing;
- the pieces: version order, the dev extra's pin, a wheel's name.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import shutil
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

import official_release  # noqa: E402
from spec_update_helpers import copy_repo, snapshot, spec_update  # noqa: E402
from spec_values import find_spec, tracked_lock  # noqa: E402

from generator.merge import localized, reached  # noqa: E402

PIN = tracked_lock()["supplement"]
ADOPTED = ("/v1/triggers", "post")  # the operation the public spec gains here


def _installed() -> bool:
    try:
        return metadata.version(PIN["package"]) == PIN["version"]
    except metadata.PackageNotFoundError:
        return False


def _public() -> Path | None:
    path = find_spec()
    sha = hashlib.sha256(path.read_bytes()).hexdigest() if path else None
    return path if sha == tracked_lock()["sha256"] else None


def _in_supplement(path: str, verb: str) -> bool:
    document = yaml.safe_load((REPO / "spec" / "supplement.yaml").read_text(encoding="utf-8"))
    return verb in document["paths"].get(path, {})


needs_release_and_spec = pytest.mark.skipif(
    not _installed() or _public() is None or shutil.which("make") is None,
    reason=f"needs {PIN['package']}=={PIN['version']} (the dev extra), the pinned public spec"
    " (make spec) and make",
)
needs_adoptable = pytest.mark.skipif(
    not _in_supplement(*ADOPTED), reason="the public spec has POST /v1/triggers already"
)


def relabelled_wheel(folder: Path, version: str) -> Path:
    """A wheel of the installed pinned release, its version changed to `version` (its
    RECORD rewritten to match): what the index would give for a release with the same
    code."""
    dist = metadata.distribution(PIN["package"])
    old_info = f"{PIN['package']}-{PIN['version']}.dist-info"
    new_info = f"{PIN['package']}-{version}.dist-info"
    entries: dict[str, bytes] = {}
    for file in dist.files or ():
        name = str(file)
        if name.startswith(("..", "/")) or "__pycache__" in name or name.endswith("RECORD"):
            continue
        if not (name.startswith(f"{PIN['package']}/") or name.startswith(old_info)):
            continue
        data = Path(str(dist.locate_file(file))).read_bytes()
        if name == f"{old_info}/METADATA":
            data = data.replace(
                f"Version: {PIN['version']}".encode(), f"Version: {version}".encode(), 1
            )
        entries[name.replace(old_info, new_info, 1)] = data
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in sorted(entries.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        writer.writerow([name, f"sha256={digest.decode()}", len(data)])
    writer.writerow([f"{new_info}/RECORD", "", ""])
    path = folder / f"{PIN['package']}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in sorted(entries.items()):
            archive.writestr(name, data)
        archive.writestr(f"{new_info}/RECORD", record.getvalue())
    return path


def adopting_spec(folder: Path) -> Path:
    """The tracked public spec once it has POST /v1/triggers as Mistral's own spec does
    (the supplement's operationId and tag) with the schemas it reaches."""
    public_path = _public()
    assert public_path is not None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    public: dict[str, Any] = yaml.load(public_path.read_bytes(), Loader=loader)
    supplement = yaml.safe_load((REPO / "spec" / "supplement.yaml").read_text(encoding="utf-8"))
    path, verb = ADOPTED
    operation = dict(supplement["paths"][path][verb])
    del operation["x-official"]
    own, theirs = supplement["components"]["schemas"], public["components"]["schemas"]
    for name in reached(operation, own, theirs) - set(theirs):
        theirs[name] = localized(own[name])
    public["paths"].setdefault(path, {})[verb] = localized(operation)
    target = folder / "adopting.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    target.write_text(yaml.dump(public, Dumper=dumper, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The copy `make spec-update` runs in, the supplement and the public spec included."""
    spec = (
        f"spec/{name}" for name in ("lock.json", "surface.txt", "overlay.yaml", "supplement.yaml")
    )
    root = copy_repo(tmp_path, "README.md", "pyproject.toml", "CHANGELOG.md", *spec)
    public = _public()
    if public is not None:
        shutil.copy2(public, root / "spec" / "openapi.yaml")
    return root


@needs_release_and_spec
@needs_adoptable
def test_a_newer_spec_and_release_in_one_run(repo: Path, tmp_path: Path) -> None:
    wheel = relabelled_wheel(tmp_path, "3.99.0")
    run = spec_update(repo, adopting_spec(tmp_path), SUPPLEMENT_RELEASE=str(wheel))
    assert run.returncode == 0, run.stdout + run.stderr
    assert (repo / "tests-ran").exists()
    assert "supplement → mistralai 3.99.0" in run.stdout

    lock = json.loads((repo / "spec" / "lock.json").read_text())
    assert lock["supplement"] == {
        "package": PIN["package"],
        "version": "3.99.0",
        "wheel": wheel.name,
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
    }
    assert lock["operations"] == tracked_lock()["operations"] + 1
    assert f'"{PIN["package"]}==3.99.0"' in (repo / "pyproject.toml").read_text()

    supplement = yaml.safe_load((repo / "spec" / "supplement.yaml").read_text())
    assert supplement["x-source"]["version"] == "3.99.0"
    assert "post" not in supplement["paths"].get(ADOPTED[0], {})  # left it: now public
    assert supplement["x-source"]["operations_here"] == len(_supplement_routes()) - 1

    surface = (repo / "spec" / "surface.txt").read_text()
    public_part, supplement_part = surface.split("# supplement: ")
    line = "POST /v1/triggers -> triggers.create("  # the call did not move
    assert line in public_part and line not in supplement_part
    assert supplement_part.startswith("mistralai 3.99.0 (")

    report = (repo / "build" / "spec-diff.md").read_text()
    assert "supplement mistralai 3.99.0" in report  # both sources, named
    assert "The supplement's official SDK release: mistralai 3.7.0 → mistralai 3.99.0." in report
    assert "## Now in the public spec (1)" in report
    assert "`POST /v1/triggers` → `client.triggers.create`" in report
    assert "(1 now in the public spec)" in report and "**0 breaking change(s).**" in report
    changelog = (repo / "CHANGELOG.md").read_text()
    assert "supplement mistralai 3.99.0" in changelog
    assert "- now in the public spec: `POST /v1/triggers` → `client.triggers.create`" in changelog
    operations = (repo / "generated" / "mistral_sdk" / "_operations.py").read_text()
    assert 'release="mistralai 3.99.0"' in operations
    readme = (repo / "README.md").read_text()
    public_count = tracked_lock()["operations"] + 1
    assert f"({public_count} from the public spec, {len(_supplement_routes()) - 1} from" in readme

    # again: the spec and the release are the pinned ones; nothing to do, nothing touched
    (repo / "tests-ran").unlink()
    before = snapshot(repo)
    again = spec_update(repo, adopting_spec(tmp_path), SUPPLEMENT_RELEASE=str(wheel))
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stdout
    assert snapshot(repo) == before


def _supplement_routes() -> list[tuple[str, str]]:
    document = yaml.safe_load((REPO / "spec" / "supplement.yaml").read_text())
    return [(m, p) for p, item in document["paths"].items() for m in item]


@needs_release_and_spec
def test_the_same_spec_and_release_change_nothing(repo: Path, tmp_path: Path) -> None:
    spec = repo / "spec" / "openapi.yaml"
    before = snapshot(repo)
    same = relabelled_wheel(tmp_path, PIN["version"])  # not newer than the pin
    run = spec_update(repo, spec, SUPPLEMENT_RELEASE=str(same))
    assert run.returncode == 0, run.stderr
    assert "is unchanged" in run.stdout and "nothing to do" in run.stdout
    assert snapshot(repo) == before
    pinned = spec_update(repo, spec, SUPPLEMENT_RELEASE="pinned")
    assert pinned.returncode == 0 and "nothing to do" in pinned.stdout
    assert snapshot(repo) == before


@needs_release_and_spec
def test_a_wheel_of_another_package_changes_nothing(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other_pkg-9.0.0-py3-none-any.whl"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("other_pkg/__init__.py", "")
    before = snapshot(repo)
    run = spec_update(repo, repo / "spec" / "openapi.yaml", SUPPLEMENT_RELEASE=str(other))
    assert run.returncode == 0, run.stderr
    assert "no new official release considered" in run.stderr
    assert "is not mistralai" in run.stderr
    assert snapshot(repo) == before


def test_release_numbers_order_as_the_index_publishes_them() -> None:
    key = official_release.version_key
    assert key("3.10.0") > key("3.9.1") > key("3.9.0") > key("3.9.0rc1") > key("3.8.99")
    assert key("3.7.0") == key("3.7.0")


def test_the_dev_extra_pin_moves_once_or_not_at_all(tmp_path: Path) -> None:
    wheel = official_release.Wheel("mistralai", "3.8.0", tmp_path / "w.whl", "0" * 64)
    text = '[project.optional-dependencies]\ndev = [\n  "pytest",\n  "mistralai==3.7.0",\n]\n'
    assert '"mistralai==3.8.0"' in official_release.repin_pyproject(text, wheel)
    with pytest.raises(official_release.ReleaseError, match="pins mistralai 0 times"):
        official_release.repin_pyproject('dev = ["pytest"]\n', wheel)


def test_a_wheel_is_read_from_its_name(tmp_path: Path) -> None:
    path = tmp_path / "mistralai-3.8.0-py3-none-any.whl"
    path.write_bytes(b"wheel")
    wheel = official_release.Wheel.read(path)
    assert (wheel.package, wheel.version) == ("mistralai", "3.8.0")
    assert wheel.sha256 == hashlib.sha256(b"wheel").hexdigest()
    assert wheel.newer_than({"version": "3.7.0"}) and not wheel.newer_than({"version": "3.8.0"})
    with pytest.raises(official_release.ReleaseError, match="not a wheel"):
        official_release.Wheel.read(tmp_path / "mistralai.tar.gz")
