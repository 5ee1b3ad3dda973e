"""An httpx2 transport over aiohttp, against httpx2's own (httpcore2), many calls at once.

openai, anthropic and google-genai offer aiohttp under their async clients. This
measures what it would give this SDK: `AsyncMistral(http_client=httpx2.AsyncClient(
transport=AiohttpTransport()))`, the transport of the `httpx-aiohttp` package
(`httpx_aiohttp.httpx2`, aiohttp's connector: 100 connections), against the SDK's own
client, and the same two clients used directly. The runs are `bench_scale.py`'s (a fresh
interpreter each, half `chat.complete`, half `chat.stream`, against `scale_server.py`),
64 and 1,000 calls in flight. The SDK offers the transport as an extra only if it is at
least 1.3x as fast at 1,000 in flight (docs/benchmarks.md).

    python benchmarks/bench_aiohttp.py [--repeats N]   # needs aiohttp, httpx-aiohttp
"""

from __future__ import annotations

import argparse

import bench_scale

PROGRAMS = ("sdk", "sdk-aiohttp", "httpx2", "httpx2-aiohttp")
SCENARIOS = ("async_64", "async_1000")


def measure(url: str, repeats: int = 2) -> dict[str, dict[str, dict[str, float]]]:
    """{scenario: {program: {"seconds", "calls", "connections", "peak", "failures"}}}"""
    return bench_scale.measure(url, repeats=repeats, scenarios=SCENARIOS, programs=PROGRAMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with bench_scale.server() as url:
        results = measure(url, args.repeats)
    for scenario, rows in results.items():
        for program, row in rows.items():
            print(f"{scenario:11} {program:15} {row}")
        ratio = rows["sdk"]["cpu"] / rows["sdk-aiohttp"]["cpu"]
        print(f"{scenario:11} sdk-aiohttp is {ratio:.2f}x as fast as sdk (client CPU time)")


if __name__ == "__main__":
    main()
