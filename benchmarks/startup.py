"""What starting costs: `import mistral_sdk` and a client, the first call, and touching
the resources that lead to a capability (`client.batch`, `client.beta.connectors`,
`client.audio.realtime`), each measured in a fresh interpreter (imports are cached
within one).

    python benchmarks/startup.py [--runs N] [--python PATH]

`--python` measures another install of the package (a virtualenv holding the wheel,
say) with that interpreter. Each step is timed in CPU time of the child process
(`time.process_time`: what the step costs rather than how long it waited for a core
on a shared machine); the fastest of N runs is kept, as in benchmarks/timing.py. The
first call is `chat.complete` answered by an `httpx2.MockTransport`: no socket, so what
it measures is the SDK's own first-call work (lazy imports, decoder building).
The `modules` column counts the `mistral_sdk` modules loaded after the step.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, sys, time
clock = time.process_time
steps = {}
start = clock()
import mistral_sdk
client = mistral_sdk.Mistral(api_key="x", base_url="http://mock.invalid")
steps["import + client"] = clock() - start
import httpx2
ANSWER = (b'{"id":"c","object":"chat.completion","model":"m","created":1,"choices":'
          b'[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"hi"}}],'
          b'"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}')
transport = httpx2.MockTransport(
    lambda request: httpx2.Response(200, content=ANSWER, headers={"content-type": "application/json"})
)
client = mistral_sdk.Mistral(
    api_key="x", base_url="http://mock.invalid", http_client=httpx2.Client(transport=transport)
)
def loaded():
    return sum(1 for m in sys.modules if m == "mistral_sdk" or m.startswith("mistral_sdk."))
counts = {"import + client": loaded()}
start = clock()
client.chat.complete(model="m", messages=[{"role": "user", "content": "hi"}])
steps["first call"] = clock() - start
counts["first call"] = loaded()
for name in ("batch", "beta.connectors", "audio.realtime"):
    before = loaded()
    start = clock()
    target = client
    for part in name.split("."):
        target = getattr(target, part)
    steps["client." + name] = clock() - start
    counts["client." + name] = loaded() - before
print(json.dumps({"steps": steps, "modules": counts}))
"""


def _run(python: str) -> dict[str, dict[str, float]]:
    done = subprocess.run(
        [python, "-c", CHILD], check=True, capture_output=True, text=True, cwd="/"
    )
    return dict(json.loads(done.stdout))


# As installing a wheel does: an editable install has no .pyc files, and with
# PYTHONDONTWRITEBYTECODE (set in CI) every run would compile the sources again.
PRECOMPILE = (
    "import compileall, mistral_sdk as m; [compileall.compile_dir(d, quiet=1) for d in m.__path__]"
)


def measure(python: str = sys.executable, runs: int = 15) -> dict[str, tuple[float, int]]:
    """{step: (fastest seconds, mistral_sdk modules it loaded)}"""
    subprocess.run([python, "-c", PRECOMPILE], check=True, capture_output=True)
    _run(python)  # warm the file cache
    samples = [_run(python) for _ in range(runs)]
    steps = samples[0]["steps"]
    return {
        step: (min(s["steps"][step] for s in samples), int(samples[-1]["modules"][step]))
        for step in steps
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--python", default=sys.executable, help="the interpreter to measure")
    args = parser.parse_args()
    print(f"{'step':24} {'CPU ms':>8} {'modules':>8}")
    for step, (seconds, modules) in measure(args.python, args.runs).items():
        print(f"{step:24} {seconds * 1000:8.2f} {modules:8d}")


if __name__ == "__main__":
    main()
