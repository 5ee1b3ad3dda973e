"""Import and client construction, each in a fresh interpreter (imports are cached
within one): mistral-sdk, the official SDK, and the floor (httpx2 + msgspec).

The programs alternate so that machine noise hits each alike; medians compared.
Run alone: `python benchmarks/import_time.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

PROGRAMS = {
    "mistral-sdk": "import mistral_sdk; mistral_sdk.Mistral(api_key='x')",
    "official": "from mistralai.client import Mistral; Mistral(api_key='x')",
    "floor": "import httpx2, msgspec; httpx2.Client()",
}

TIMER = """
import time
start = time.perf_counter()
{program}
print((time.perf_counter() - start))
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
    """{"import_client": {program: median seconds}}"""
    precompile()
    for program in PROGRAMS.values():  # warm the OS file cache
        _run(program)
    samples: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for _ in range(runs):
        for name, program in PROGRAMS.items():
            samples[name].append(_run(program))
    return {"import_client": {name: statistics.median(v) for name, v in samples.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for name, seconds in measure(args.runs)["import_client"].items():
        print(f"{name}: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
