"""The Batch API lifecycle of the local mock (`_app.py` mounts it).

Standard library only. Jobs read their JSONL input files from the mock's file store,
go QUEUED → RUNNING (with `completed_requests` / `succeeded_requests` /
`failed_requests` advancing as time passes) → SUCCESS, and then have an output file
(the responses) and an error file (the failed requests) in the same store, served
by `GET /v1/files/{id}/content`. `POST /v1/batch/jobs/{id}/cancel` moves a running
job to CANCELLATION_REQUESTED, then CANCELLED with the results of the requests done.

Routes: `POST /v1/batch/jobs` (from `input_files` or inline `requests`),
`GET /v1/batch/jobs`, `GET /v1/batch/jobs/{id}`, `POST /v1/batch/jobs/{id}/cancel`.

Scripted by the requests themselves (a marker anywhere in a request's body):

- `MOCK_FAIL`       the request fails (a line in the error file, status 400)
- `MOCK_FLAKY`      fails the first time its custom id is run, succeeds after
- `MOCK_MALFORMED`  its output line is not JSON
- `MOCK_SHAPE`      its output line is JSON without a response or an error
- `MOCK_BADBODY`    its response body does not match the endpoint's response type

and by the job's `metadata`: `mock_rate` (requests completed per second, default
200; `0` never completes, for timeouts) and `mock_queue` (seconds QUEUED, default 0.05).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from ._answers import embeddings

__all__ = ["BatchMock"]

Answer = tuple[int, Any]
FileStore = dict[str, tuple[dict[str, Any], bytes]]
FileObject = Callable[[str, str, int, str, "int | None"], dict[str, Any]]

_JOB = re.compile(r"^/v1/batch/jobs/(?P<id>[^/]+)(?P<cancel>/cancel)?$")
RUNNING = ("QUEUED", "RUNNING", "CANCELLATION_REQUESTED")


def _text(body: Any) -> str:
    """The user text of a request body, whatever the endpoint."""
    for key in ("messages", "inputs", "input", "prompt"):
        value = body.get(key) if isinstance(body, dict) else None
        if isinstance(value, str):
            return value
        if isinstance(value, list) and value:
            last = value[-1]
            if isinstance(last, dict):
                content = last.get("content")
                return content if isinstance(content, str) else json.dumps(content)
            return " ".join(map(str, value))
    return ""


def _usage() -> dict[str, int]:
    return {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}


def response_body(endpoint: str, body: dict[str, Any], model: str) -> dict[str, Any]:
    """A response of the endpoint's response type for `body`."""
    now = int(time.time())
    rid = uuid.uuid4().hex
    if endpoint in ("/v1/chat/completions", "/v1/fim/completions"):
        message = {"role": "assistant", "content": f"(mock) {_text(body)}"}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return {
            "id": rid,
            "object": "chat.completion",
            "model": model,
            "created": now,
            "choices": [choice],
            "usage": _usage(),
        }
    if endpoint == "/v1/embeddings":
        return embeddings({**body, "model": model})
    if endpoint in ("/v1/moderations", "/v1/chat/moderations"):
        verdict = {"categories": {"violence": False}, "category_scores": {"violence": 0.01}}
        return {"id": rid, "model": model, "results": [verdict]}
    if endpoint in ("/v1/classifications", "/v1/chat/classifications"):
        return {"id": rid, "model": model, "results": [{"label": {"scores": {"yes": 0.9}}}]}
    if endpoint == "/v1/ocr":
        page = {"index": 0, "markdown": "(mock)", "images": [], "dimensions": None}
        return {"pages": [page], "model": model, "usage_info": {"pages_processed": 1}}
    return {"id": rid, "model": model, "echo": body}


class BatchMock:
    """The batch jobs of one mock server, over its file store (`files`)."""

    def __init__(self, files: FileStore, file_object: FileObject) -> None:
        self.files = files
        self.file_object = file_object
        self.jobs: dict[str, dict[str, Any]] = {}
        self.flaky_seen: set[str] = set()
        self.lock = threading.Lock()

    def handle(self, method: str, path: str, body: dict[str, Any] | None) -> Answer | None:
        """The answer to a batch route, or None when `path` is not one."""
        if path == "/v1/batch/jobs":
            if method == "POST":
                return self.create(body or {})
            with self.lock:
                data = [self.view(job) for job in self.jobs.values()]
            return 200, {"object": "list", "data": data, "total": len(data)}
        match = _JOB.match(path)
        if match is None:
            return None
        with self.lock:
            job = self.jobs.get(match.group("id"))
            if job is None:  # an id never handed out: the mock's generic answer
                return None
            if match.group("cancel"):
                if method != "POST":
                    return 405, {"detail": "Method Not Allowed"}
                self.advance(job)
                if job["status"] in RUNNING:
                    job["status"] = "CANCELLATION_REQUESTED"
            else:
                self.advance(job)
            return 200, self.view(job)

    def create(self, body: dict[str, Any]) -> Answer:
        requests: list[dict[str, Any]] = []
        for file_id in body.get("input_files") or []:
            stored = self.files.get(str(file_id))
            if stored is None:
                return 404, {"detail": f"file {file_id} not found"}
            for line in stored[1].decode().splitlines():
                if line.strip():
                    requests.append(json.loads(line))
        requests += body.get("requests") or []
        if not body.get("endpoint"):
            return 422, {"detail": [{"loc": ["body", "endpoint"], "msg": "Field required"}]}
        metadata = body.get("metadata") or {}
        job = {
            "id": str(uuid.uuid4()),
            "object": "batch",
            "input_files": body.get("input_files") or [],
            "metadata": metadata or None,
            "endpoint": body["endpoint"],
            "model": body.get("model"),
            "agent_id": body.get("agent_id"),
            "output_file": None,
            "error_file": None,
            "errors": [],
            "status": "QUEUED",
            "created_at": int(time.time()),
            "total_requests": len(requests),
            "completed_requests": 0,
            "succeeded_requests": 0,
            "failed_requests": 0,
            "_created": time.monotonic(),
            "_rate": float(metadata.get("mock_rate", 200)),
            "_queue": float(metadata.get("mock_queue", 0.05)),
            "_requests": requests,
            "_output": [],
            "_error": [],
        }
        with self.lock:
            self.jobs[job["id"]] = job
            return 200, self.view(job)

    @staticmethod
    def view(job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if not k.startswith("_")}

    def advance(self, job: dict[str, Any]) -> None:
        """Run the requests that are due by now; finish the job when they are all done."""
        if job["status"] not in RUNNING:
            return
        if job["status"] == "CANCELLATION_REQUESTED":
            self.finish(job, "CANCELLED")
            return
        elapsed = time.monotonic() - job["_created"] - job["_queue"]
        if elapsed < 0:
            return
        if job["status"] == "QUEUED":
            job["status"] = "RUNNING"
            job["started_at"] = int(time.time())
        rate = job["_rate"]  # 0: the job never gets anywhere (timeouts)
        due = min(job["total_requests"], int(elapsed * rate) + 1) if rate > 0 else 0
        while job["completed_requests"] < due:
            self.run_one(job, job["_requests"][job["completed_requests"]])
        if job["completed_requests"] >= job["total_requests"]:
            self.finish(job, "SUCCESS")

    def run_one(self, job: dict[str, Any], request: dict[str, Any]) -> None:
        custom_id = request.get("custom_id")
        body = request.get("body") or {}
        text = json.dumps(body)
        job["completed_requests"] += 1
        flaky = "MOCK_FLAKY" in text and custom_id not in self.flaky_seen
        if flaky:
            self.flaky_seen.add(str(custom_id))
        if "MOCK_FAIL" in text or flaky:
            job["failed_requests"] += 1
            error = {"object": "error", "message": "mock failure", "type": "invalid_request_error"}
            job["_error"].append(
                json.dumps(
                    {
                        "id": uuid.uuid4().hex,
                        "custom_id": custom_id,
                        "response": {"status_code": 400, "body": error},
                        "error": {"message": "mock failure", "code": "400"},
                    }
                )
            )
            return
        job["succeeded_requests"] += 1
        if "MOCK_MALFORMED" in text:
            job["_output"].append(f'{{"custom_id": "{custom_id}", "response": {{"status_')
            return
        if "MOCK_SHAPE" in text:
            job["_output"].append(json.dumps({"custom_id": custom_id, "outcome": "unknown"}))
            return
        model = body.get("model") or job.get("model") or "mock-model"
        answer = response_body(job["endpoint"], body, model)
        if "MOCK_BADBODY" in text:
            answer = {"id": 42, "choices": "not a list"}
        job["_output"].append(
            json.dumps(
                {
                    "id": uuid.uuid4().hex,
                    "custom_id": custom_id,
                    "response": {"status_code": 200, "body": answer},
                    "error": None,
                }
            )
        )

    def finish(self, job: dict[str, Any], status: str) -> None:
        for kind in ("output", "error"):
            lines = job[f"_{kind}"]
            if not lines:
                continue
            data = ("\n".join(lines) + "\n").encode()
            file_id = str(uuid.uuid4())
            name = f"batch-{job['id']}-{kind}.jsonl"
            self.files[file_id] = (
                self.file_object(file_id, name, len(data), "batch", len(lines)),
                data,
            )
            job[f"{kind}_file"] = file_id
        job["status"] = status
        job["completed_at"] = int(time.time())
