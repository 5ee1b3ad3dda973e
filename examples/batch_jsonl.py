#!/usr/bin/env python3
"""Run a batch job from a JSONL file: upload, create the job, wait, download the results.

.venv/bin/python examples/batch_jsonl.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

from _connect import connect

QUESTIONS = ["What is 2 + 2?", "Name a French cheese.", "Translate 'cat' to Italian."]
DONE = {"SUCCESS", "FAILED", "TIMEOUT_EXCEEDED", "CANCELLED"}


def write_requests(path: Path) -> None:
    with path.open("w") as out:
        for index, question in enumerate(QUESTIONS):
            body = {"max_tokens": 64, "messages": [{"role": "user", "content": question}]}
            out.write(json.dumps({"custom_id": f"q{index}", "body": body}) + "\n")


def main() -> int:
    path = Path(tempfile.mkdtemp()) / "requests.jsonl"
    write_requests(path)
    with connect() as client:
        print(f"== batch: {len(QUESTIONS)} requests from {path.name}")
        uploaded = client.files.upload(file=path, purpose="batch")
        job = client.batch.jobs.create(
            endpoint="/v1/chat/completions", model="mistral-small-latest", input_files=[uploaded.id]
        )
        print(f"   job {job.id}: {job.status}")
        delay = 0.2
        while job.status not in DONE:
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
            job = client.batch.jobs.get(UUID(job.id))
            print(f"   job {job.id}: {job.status} ({job.completed_requests}/{job.total_requests})")
        if job.status != "SUCCESS" or not job.output_file:
            print(f"   the job ended {job.status}")
            return 1
        for line in client.files.download(job.output_file).read().decode().splitlines():
            row = json.loads(line)
            answer = row["response"]["body"]["choices"][0]["message"]["content"]
            print(f"   {row['custom_id']}: {answer}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
