"""1,000 concurrent calls (half of them 8-event chat streams) over HTTP/2 and HTTP/1.1,
against one local server that speaks both (`h2_server.py`, hypercorn, cleartext HTTP/2
with prior knowledge; at most 100 concurrent streams per connection).

Programs (each run in a fresh interpreter, from cold, as in bench_scale.py):
- mistral-sdk: `AsyncMistral()`, HTTP/1.1, the pool the SDK builds;
- mistral-sdk, HTTP/2: `AsyncMistral(http_client=httpx2.AsyncClient(http2=True, http1=False))`;
- floor, HTTP/2: plain httpx2 over the same HTTP/2 client, a semaphore of 100 in front.

Needs the `h2` package (`pip install mistral-sdk[h2]`) and hypercorn (bench only).
"""

from __future__ import annotations

import bench_scale

PROGRAMS = ("mistral-sdk", "mistral-sdk, HTTP/2", "floor, HTTP/2")


def measure(repeats: int = 3) -> dict[str, dict[str, dict[str, float]]]:
    """{"http2_1000": {program: {"calls_per_s", "connections", "peak", "failures"}}}"""
    saved = bench_scale.PROGRAMS
    bench_scale.PROGRAMS = PROGRAMS
    try:
        with bench_scale.server(script="h2_server.py") as url:
            rows = bench_scale.measure(url, repeats=repeats, scenarios=("async_1000",))
    finally:
        bench_scale.PROGRAMS = saved
    return {"http2_1000": rows["async_1000"]}


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown: the HTTP/2 run, one column per program."""
    rows = results["http2_1000"]
    return "\n".join(
        [
            "| 1,000 calls in flight, half streams | " + " | ".join(PROGRAMS) + " |",
            "|---|" + "---:|" * len(PROGRAMS),
            "| calls/s · connections opened | "
            + " | ".join(bench_scale._cell(rows[p]) for p in PROGRAMS)
            + " |",
        ]
    )


if __name__ == "__main__":
    for program, row in measure(repeats=1)["http2_1000"].items():
        print(f"{program:22} {row}")
