"""1,000 concurrent calls (half of them 8-event chat streams) over HTTP/2 and HTTP/1.1,
against one local server that speaks both (`h2_server.py`, hypercorn, cleartext HTTP/2
with prior knowledge; at most 100 concurrent streams per connection).

Programs (each run in a fresh interpreter, from cold, as in bench_scale.py):
- sdk: `AsyncMistral()`, HTTP/1.1, the pool the SDK builds;
- sdk-http2: `AsyncMistral(http_client=httpx2.AsyncClient(http2=True, http1=False))`;
- httpx2-http2: plain httpx2 over the same HTTP/2 client, a semaphore of 100 in front.

Needs the `h2` package (`pip install mistral-sdk[h2]`) and hypercorn (bench only).
"""

from __future__ import annotations

import bench_scale

PROGRAMS = ("sdk", "sdk-http2", "httpx2-http2")


def measure(repeats: int = 3) -> dict[str, dict[str, dict[str, float]]]:
    """{"async_1000": {program: {"seconds", "calls", "connections", "peak", "failures"}}}"""
    with bench_scale.server(script="h2_server.py") as url:
        return bench_scale.measure(
            url, repeats=repeats, scenarios=("async_1000",), programs=PROGRAMS
        )


if __name__ == "__main__":
    for program, row in measure(repeats=1)["async_1000"].items():
        print(f"{program:14} {row}")
