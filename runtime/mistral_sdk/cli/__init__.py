"""`mistral`: the command line of mistral-sdk.

    mistral workflows run NAME --input '{"q": 1}' --connector gmail --watch
    mistral batch run requests.jsonl --endpoint /v1/chat/completions -o results.jsonl
    mistral chat "Hello" --stream
    mistral api files.list --page-size 10 --all --jsonl
    mistral api --list

Installed as a console script by `pip install mistral-sdk[cli]` (`rich` draws the
live views and progress bars; without it, and whenever stdout is not a terminal,
the same information is printed as plain lines). Also `python -m mistral_sdk`.
The client is configured like `Mistral()`: `MISTRAL_API_KEY` (or a service-account
token file), `MISTRAL_BASE_URL`, or `--api-key` / `--base-url`; workflow payload
encoding by the `MISTRAL_WORKFLOW_*` variables (docs/workflows-encoding.md).

Exit codes (also in `mistral --help`):

- 0 `EXIT_OK`: done
- 1 `EXIT_FAILED`: the workflow run ended FAILED / CANCELED / TERMINATED / TIMED_OUT,
  or a batch job did not succeed (or some of its requests failed)
- 2 `EXIT_USAGE`: bad command line or arguments, missing configuration (API key)
- 3 `EXIT_API`: the API answered with an error status
- 4 `EXIT_CONNECTION`: no answer from the API (connection error, timeout)
- 5 `EXIT_TIMEOUT`: `--timeout` expired before the run or job ended
- 130 `EXIT_INTERRUPTED`: Ctrl-C

Importing this package has no side effects and imports neither the client nor rich.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "EXIT_API",
    "EXIT_CONNECTION",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_API = 3
EXIT_CONNECTION = 4
EXIT_TIMEOUT = 5
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default `sys.argv[1:]`); return the exit code."""
    from ._app import run

    return run(argv)
