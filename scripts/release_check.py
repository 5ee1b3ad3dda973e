#!/usr/bin/env python3
"""`make release-check`: everything the release workflow checks before it publishes, run
here, in the same order; what it would publish is left in dist/ and build/release/.

    python scripts/release_check.py [--tag vX.Y.Z] [--on-branch REF] [--python P ...]

1. version     scripts/release.py check: the version against the API surface since the
               last release tag (and with --tag: the tag, the CHANGELOG section)
2. artifacts   scripts/dist_build.py: sdist and wheel built twice in two folders,
               byte-identical; the wheel's and the sdist's file lists; twine check
3. runtime     scripts/runtime_deps.py: the dependency tree against spec/runtime-deps.txt
   deps
4. smoke test  scripts/smoke_test.py in a clean environment per supported Python found
               here (every one with --python, or as the workflow's smoke jobs do)
5. release     build/release/: the SBOM (CycloneDX JSON, of the first smoke test's
   assets     environment), SHA256SUMS of the artifacts and the SBOM, and notes.md (the
               CHANGELOG section, the dependency tree, how to verify and reproduce)

Offline except for the package index. Exit status 1 when a check fails (every step
still runs, so one run shows every problem).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import changelog  # noqa: E402
import dist_build  # noqa: E402
import release  # noqa: E402
import runtime_deps  # noqa: E402
import smoke_test  # noqa: E402
import versioning  # noqa: E402
import wheel_info  # noqa: E402

ASSETS = ROOT / "build" / "release"
CYCLONEDX = "cyclonedx-bom==7.5.0"


_STARTED = time.perf_counter()


def step(name: str) -> None:
    print(f"\n--- {name} (at {time.perf_counter() - _STARTED:.1f}s)", flush=True)


def find_python(version: str) -> str | None:
    """An interpreter of `version` (3.N) on this machine: this one, `python3.N` on PATH,
    or a pyenv installation."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [sys.executable, f"python{version}"]
    candidates += sorted(
        glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"), reverse=True
    )
    for candidate in candidates:
        probe = [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == version:
            return candidate
    return None


def sbom(python: Path, wheel: Path, out: Path, epoch: str) -> None:
    """CycloneDX JSON of the environment `python` runs in (the wheel and its runtime
    dependencies), its root component being the wheel (name, version, purl, sha256)."""
    meta = wheel_info.metadata(wheel)
    requires = [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pyproject.toml"
        root.write_text(
            "[project]\n"
            f"name = {json.dumps(str(meta['Name']))}\n"
            f"version = {json.dumps(str(meta['Version']))}\n"
            f"description = {json.dumps(str(meta['Summary']))}\n"
            f"license = {json.dumps(str(meta['License-Expression']))}\n"
            f"dependencies = {json.dumps(requires)}\n",
            encoding="utf-8",
        )
        command = [
            dist_build.uv(), "tool", "run", "--quiet", "--from", CYCLONEDX, "cyclonedx-py",
            "environment", "--output-reproducible", "--mc-type", "library",
            "--pyproject", str(root), "-o", str(out), str(python),
        ]  # fmt: skip
        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "UV_PYTHON_DOWNLOADS": "never"}
        subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    document = json.loads(out.read_text(encoding="utf-8"))
    component = document["metadata"]["component"]
    component["purl"] = f"pkg:pypi/{meta['Name']}@{meta['Version']}"
    component["hashes"] = [{"alg": "SHA-256", "content": dist_build.sha256(wheel)}]
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def repository() -> str:
    """owner/name on GitHub: the workflow's, else the origin remote's, else a placeholder."""
    if os.environ.get("GITHUB_REPOSITORY"):
        return os.environ["GITHUB_REPOSITORY"]
    try:
        url = versioning.git("remote", "get-url", "origin").strip()
    except RuntimeError:
        return "OWNER/REPO"
    found = re.search(r"github\.com[:/](.+?)(?:\.git)?$", url)
    return found.group(1) if found else "OWNER/REPO"


def notes(version: str, files: list[Path], deps_tree: str, pythons: list[str], epoch: str) -> str:
    """The GitHub release's notes: the version's CHANGELOG section (Unreleased as a draft
    before `make release`), the runtime dependency tree, how to verify and reproduce."""
    text = release.CHANGELOG.read_text(encoding="utf-8") if release.CHANGELOG.exists() else ""
    _, sections = changelog.parse(text)
    section = changelog.find(sections, version)
    if section is None:
        draft = changelog.find(sections, changelog.UNRELEASED)
        body = "> Draft: CHANGELOG.md has no section for this version yet (`make release`).\n\n"
        body += draft.body if draft else ""
    else:
        body = section.body
    wheel = next(f.name for f in files if f.suffix == ".whl")
    repo = repository()
    sums = "\n".join(f"{dist_build.sha256(f)}  {f.name}" for f in files)
    return f"""{body.strip()}

## Runtime dependencies

`pip install mistral-sdk=={version}` installs this tree and nothing else (resolved at
release time for Python {pythons[0]} to {pythons[-1]} on every platform; `; marker`: only
where it holds). `import mistral_sdk` imports no optional package; each extra
(`[cli]`, `[mcp]`, `[otel]`, `[realtime]`, `[gcp]`, `[h2]`) adds its own.

```text
{deps_tree.rstrip()}
```

## Verify

SHA-256 (also in the `SHA256SUMS` asset, with the SBOM's):

```text
{sums}
```

```sh
python -m pip download mistral-sdk=={version} --no-deps --only-binary :all: -d mistral-sdk-{version}
cd mistral-sdk-{version}
gh release download v{version} --repo {repo} --pattern SHA256SUMS   # or from the release page
sha256sum --check --ignore-missing SHA256SUMS
# provenance: published by this repository's release workflow (PEP 740, Sigstore)
pypi-attestations verify pypi --repository https://github.com/{repo} pypi:{wheel}
gh attestation verify {wheel} --repo {repo}
```

The SBOM (`*.cdx.json`, CycloneDX) lists the components of an environment holding this
wheel and its dependencies. To rebuild the same bytes: `git checkout v{version}`, then
`SOURCE_DATE_EPOCH={epoch} uv build --build-constraints scripts/build-constraints.txt
--require-hashes` (docs/releasing.md, Reproducing a release).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tag", help="the release tag being published (vX.Y.Z)")
    parser.add_argument("--on-branch", help="require this commit to be on this ref")
    parser.add_argument("--python", action="append", help="smoke-test with these instead")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    failed: list[str] = []

    step("1. version")
    problems, said = release.check(args.tag or None, args.on_branch or None)
    for line in [said, *problems]:
        print(f"release: {line}")
    failed += ["version"] if problems else []

    step("2. artifacts: two builds, manifests, twine check")
    wheel, sdist, problems = dist_build.build_twice("HEAD", args.out)
    for line in problems:
        print(f"dist_build: {line}")
    failed += ["artifacts"] if problems else []

    step("3. runtime dependencies")
    root, deps = runtime_deps.resolve(wheel)
    problems = runtime_deps.compare(
        runtime_deps.locked(runtime_deps.LOCK.read_text(encoding="utf-8")), deps
    )
    print(runtime_deps.tree(root, deps), end="")
    for line in problems:
        print(f"runtime_deps: {line}")
    failed += ["runtime dependencies"] if problems else []

    step("4. smoke test in clean environments")
    pythons = wheel_info.supported_pythons(str(wheel_info.metadata(wheel)["Requires-Python"]))
    chosen = args.python or []
    if not chosen:
        for version in pythons:
            found = find_python(version)
            if found is None:
                print(f"smoke_test: Python {version}: not on this machine (the workflow tests it)")
            else:
                chosen.append(found)
    envs = ASSETS.parent / "smoke-envs"
    if smoke_test.main([str(wheel), "--keep", str(envs), *(f"--python={p}" for p in chosen)]):
        failed.append("smoke test")

    step("5. release assets")
    ASSETS.mkdir(parents=True, exist_ok=True)
    for old in ASSETS.iterdir():
        old.unlink()
    epoch = versioning.git("log", "-1", "--format=%ct", "HEAD").strip()
    version = str(wheel_info.metadata(wheel)["Version"])
    bom = ASSETS / f"mistral_sdk-{version}.cdx.json"
    bindir = envs / "env0" / ("Scripts" if os.name == "nt" else "bin")
    try:
        sbom(bindir / "python", wheel, bom, epoch)
    except (subprocess.CalledProcessError, OSError, KeyError) as exc:
        detail = getattr(exc, "stderr", "") or exc
        print(f"sbom: cyclonedx-py failed: {detail}")
        failed.append("sbom")
    files = [wheel, sdist] + ([bom] if bom.exists() else [])
    sums = "".join(f"{dist_build.sha256(f)}  {f.name}\n" for f in files)
    (ASSETS / "SHA256SUMS").write_text(sums, encoding="utf-8")
    text = notes(version, [wheel, sdist], runtime_deps.tree(root, deps), pythons, epoch)
    (ASSETS / "notes.md").write_text(text, encoding="utf-8")
    print(sums, end="")
    print(f"release assets: {', '.join(p.name for p in sorted(ASSETS.iterdir()))} in "
          f"{ASSETS.relative_to(ROOT)}/; artifacts in {args.out}")  # fmt: skip

    took = time.perf_counter() - started
    if failed:
        print(f"\nrelease-check: FAILED ({', '.join(failed)}) in {took:.0f}s", file=sys.stderr)
        return 1
    print(f"\nrelease-check: ok in {took:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
