#!/usr/bin/env python3
"""Writes docs/cli-watch.svg: the view of `mistral workflows run NAME --watch`.

Runs a real workflow run on the local mock (mistral_sdk.testing) through the
command's own view (`mistral_sdk.cli._watch.RunView`) and records two frames with
rich: while the run waits for the user to authorize its gmail connector, and at
the end, followed by the result the command prints.

    .venv/bin/python scripts/capture_watch_view.py [OUT.svg]
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.json import JSON
from rich.rule import Rule

from mistral_sdk import ConnectorSlot, Mistral
from mistral_sdk.cli._watch import RunView
from mistral_sdk.testing import Mock

COMMAND = 'mistral workflows run triage --input \'{"q": "today"}\' --connector gmail --watch'


def main() -> int:
    out = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).parents[1] / "docs" / "cli-watch.svg"
    )
    console = Console(
        record=True, width=100, force_terminal=True, color_system="truecolor", file=io.StringIO()
    )
    mock = Mock()
    base_url, stop = mock.serve(), mock.close
    try:
        with Mistral(api_key="mock-key", base_url=base_url) as client:
            view = RunView(execution_id="", workflow="triage")
            console.print(f"$ {COMMAND}", style="bold", highlight=False)
            shown: list[bool] = []

            def on_event(event: Any) -> None:
                payload = event.data.data
                view.execution_id = view.execution_id or payload.workflow_exec_id
                view.feed(event)
                waiting = any(status == "waiting_for_auth" for status, _ in view.auth.values())
                if waiting and not shown:
                    shown.append(True)  # one frame of the wait is enough
                    console.print(Rule("while the run waits for the user", style="dim"))
                    console.print(view)

            execution = client.workflows.execute_and_wait(
                "triage",
                input={"q": "today"},
                connectors=[ConnectorSlot("gmail")],
                on_event=on_event,
            )
            view.finish(str(execution.status), execution.result)
            console.print(Rule("at the end", style="dim"))
            console.print(view)
            console.print(view.summary(), style="dim", highlight=False)
            console.print(JSON(json.dumps(execution.result)))
    finally:
        stop()
    console.save_svg(str(out), title="mistral workflows run --watch")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
