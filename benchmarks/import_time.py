"""Import and client construction, each in a fresh interpreter (imports are cached
within one): the five programs of the side-by-side table (`bench_scale.PROGRAMS`).

Two rows: import and the sync client; import and both clients (sync and async). The
figure is the CPU time the program takes in its interpreter (`time.process_time`
around the import and construction, interpreter start-up excluded): on a machine
shared with other jobs, time spent waiting for a core is not the program's. The
programs alternate so that what noise remains hits each alike; medians compared.

    python benchmarks/import_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

QUIET = "import warnings; warnings.simplefilter('ignore', DeprecationWarning)\n"
SYNC = {
    "sdk": "import mistral_sdk; mistral_sdk.Mistral(api_key='x')",
    "sdk-httpx": QUIET
    + "import httpx, mistral_sdk; mistral_sdk.Mistral(api_key='x', http_client=httpx.Client())",
    "httpx2": "import httpx2, msgspec; httpx2.Client()",
    "httpx": "import httpx, msgspec; httpx.Client()",
    "official": "from mistralai.client import Mistral; Mistral(api_key='x')",
}
BOTH = {
    "sdk": SYNC["sdk"] + "; mistral_sdk.AsyncMistral(api_key='x')",
    "sdk-httpx": SYNC["sdk-httpx"]
    + "; mistral_sdk.AsyncMistral(api_key='x', http_client=httpx.AsyncClient())",
    "httpx2": SYNC["httpx2"] + "; httpx2.AsyncClient()",
    "httpx": SYNC["httpx"] + "; httpx.AsyncClient()",
    # one client object for both modes: it builds its sync and async httpx2 clients
    "official": SYNC["official"],
}
ROWS = {"import_sync": SYNC, "import_both": BOTH}

TIMER = """
import time
start = time.process_time()
{program}
print(time.process_time() - start)
"""


def _run(program: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", TIMER.format(program=program)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def precompile() -> None:
    """Write mistral-sdk's .pyc files, as installing a wheel does: an editable install
    has none, and with PYTHONDONTWRITEBYTECODE (set in CI) every import would
    compile the sources again, which the installed packages it is compared with never do."""
    import compileall

    import mistral_sdk

    for directory in mistral_sdk.__path__:
        compileall.compile_dir(directory, quiet=1)


def measure(runs: int = 15) -> dict[str, dict[str, float]]:
    """{row: {program: median CPU seconds}}"""
    precompile()
    results: dict[str, dict[str, float]] = {}
    for row, programs in ROWS.items():
        for program in programs.values():  # warm the OS file cache
            _run(program)
        samples: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(runs):
            for name, program in programs.items():
                samples[name].append(_run(program))
        results[row] = {name: statistics.median(v) for name, v in samples.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for row, values in measure(args.runs).items():
        print(row, {name: f"{seconds * 1000:.1f} ms" for name, seconds in values.items()})


if __name__ == "__main__":
    main()
