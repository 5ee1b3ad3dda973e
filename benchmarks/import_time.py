"""Import and client construction: mistral-sdk against the floor (httpx + msgspec).

Each measurement is a fresh interpreter (imports are cached within one), the two
programs alternate so that machine noise hits both alike, and the medians are
compared. Run: `python benchmarks/import_time.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

PROGRAMS = {
    "mistral-sdk": "import mistral_sdk; mistral_sdk.Mistral(api_key='x')",
    "floor (httpx + msgspec)": "import httpx, msgspec; httpx.Client()",
}

TIMER = """
import time
start = time.perf_counter()
{program}
print((time.perf_counter() - start) * 1000)
"""


def measure(program: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", TIMER.format(program=program)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for program in PROGRAMS.values():  # warm the OS file cache and .pyc files
        measure(program)
    samples: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for _ in range(args.runs):
        for name, program in PROGRAMS.items():
            samples[name].append(measure(program))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = medians["floor (httpx + msgspec)"]
    print(f"| program | median ms ({args.runs} runs) | ratio to floor |")
    print("|---|---:|---:|")
    for name, value in medians.items():
        print(f"| {name} | {value:.1f} | {value / floor:.2f}x |")


if __name__ == "__main__":
    main()
