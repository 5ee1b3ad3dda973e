"""Startup of the `mistral` command: `mistral --help` and `mistral version`, each in a
fresh process (what a user waits for), next to a bare `python -c pass`.

Medians of N runs, the programs alternating so that machine noise hits each alike.
Run: `make bench-cli` or `python benchmarks/bench_cli.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

PROGRAMS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "mistral --help": [sys.executable, "-m", "mistral_sdk", "--help"],
    "mistral version": [sys.executable, "-m", "mistral_sdk", "version"],
    "mistral api --list": [sys.executable, "-m", "mistral_sdk", "api", "--list", "--plain"],
}


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for argv in PROGRAMS.values():  # warm the page cache and write .pyc files
        _once(argv)
    times: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for _ in range(args.runs):
        for name, argv in PROGRAMS.items():
            times[name].append(_once(argv))
    print(f"{'command':<22} {'median ms':>10} {'min ms':>8}  ({args.runs} runs)")
    for name, values in times.items():
        print(f"{name:<22} {statistics.median(values) * 1e3:>10.1f} {min(values) * 1e3:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
