"""CI parity: the GitHub workflows that check every pull request (ci.yml, and
release.yml's `make release-check`) run every step of .ci/run (the entry point of the
project's own CI), and ci.yml the installs on macOS and Windows."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TARGET = re.compile(r"\bmake\s+((?:[a-z][a-z-]*\s*)+)")


def _make_targets(commands: list[str]) -> set[str]:
    found: set[str] = set()
    for command in commands:
        for match in TARGET.finditer(command):
            found.update(t for t in match.group(1).split() if not t.startswith("-"))
    return found


def _workflow(name: str = "ci.yml") -> dict:  # type: ignore[type-arg]
    return dict(yaml.safe_load((REPO / ".github" / "workflows" / name).read_text()))


def _on_pull_requests(workflow: dict) -> bool:  # type: ignore[type-arg]
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on:` as true
    return "pull_request" in (triggers or {})


def _workflow_commands() -> list[str]:
    """The commands of every workflow that runs on pull requests."""
    workflows = [_workflow(p.name) for p in sorted((REPO / ".github" / "workflows").glob("*.yml"))]
    return [
        str(step["run"])
        for workflow in workflows
        if _on_pull_requests(workflow)
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "run" in step
    ]


def test_the_workflow_runs_every_step_of_ci_run() -> None:
    script = (REPO / ".ci" / "run").read_text()
    steps = [line for line in script.splitlines() if line.lstrip().startswith("limit ")]
    local = _make_targets(steps) - {"venv"}
    assert {"test", "test-extras", "lint", "types", "check-generated", "contract"} <= local
    missing = local - _make_targets(_workflow_commands())
    assert not missing, f"no workflow runs `make {' '.join(sorted(missing))}` on pull requests"


def test_the_workflow_installs_on_macos_and_windows() -> None:
    job = _workflow()["jobs"]["install"]
    assert {"macos-latest", "windows-latest"} <= set(job["strategy"]["matrix"]["os"])
    commands = " ".join(str(step.get("run", "")) for step in job["steps"])
    assert "check-install" in _make_targets([commands])
