"""Peak RSS of uploading a 500 MB file: streamed from disk versus read into memory.

A sparse file of `--size` MB (default 500: the API's limit is 512 MB) is uploaded
with `files.upload` to a loopback server (in this process's sibling, so that its
buffers do not count) that reads and discards the body. Each variant runs in a
fresh interpreter and reports its peak resident set (`ru_maxrss`) before and
after the upload:

- `path`:  `files.upload(file="big.jsonl")`, the SDK streams the file;
- `file`:  `files.upload(file=open("big.jsonl", "rb"))`, streamed too;
- `bytes`: `files.upload(file=data)` after `data = f.read()`: the floor of what
  "loading the file" costs, for comparison.

Run: `python benchmarks/upload_rss.py [--size MB] [--variants path,file,bytes]`.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

CHILD = r"""
import json, resource, sys, time
import mistral_sdk

variant, path, url = sys.argv[1:4]
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
with mistral_sdk.Mistral(api_key="bench", base_url=url, max_retries=0) as client:
    client.files.with_raw_response.upload(file=("warm-up.txt", b"x"))  # imports, pool
    before = rss()
    start = time.perf_counter()
    if variant == "path":
        client.files.with_raw_response.upload(file=path)
    elif variant == "file":
        with open(path, "rb") as f:
            client.files.with_raw_response.upload(file=f)
    else:
        with open(path, "rb") as f:
            data = f.read()
        client.files.with_raw_response.upload(file=("big.jsonl", data))
    seconds = time.perf_counter() - start
print(json.dumps({"before": before, "after": rss(), "seconds": seconds}))
"""


def serve(sock: socket.socket, stop: threading.Event) -> None:
    """A minimal HTTP/1.1 server: read each request, discard its body, answer 200."""
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except TimeoutError:
            continue
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def handle(conn: socket.socket) -> None:
    buf = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buf:
                chunk = conn.recv(1 << 16)
                if not chunk:
                    return
                buf += chunk
            head, _, buf = buf.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            length -= len(buf)
            buf = b""
            while length > 0:
                chunk = conn.recv(min(1 << 20, length))
                if not chunk:
                    return
                length -= len(chunk)
            body = b'{"id": "file-1"}'
            conn.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(body), body)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=500, help="file size in MB")
    parser.add_argument("--variants", default="path,file,bytes")
    parser.add_argument("--write", action="store_true", help="into docs/reliability.md")
    args = parser.parse_args()

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop = threading.Event()
    threading.Thread(target=serve, args=(listener, stop), daemon=True).start()

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "big.jsonl")
        with open(path, "wb") as f:
            f.truncate(args.size * 1_000_000)  # sparse: no disk space, reads as zeros
        lines = [
            f"Upload of a {args.size} MB sparse file, peak RSS of the client process:",
            "",
            "| variant | peak RSS before | after | growth | MB/s |",
            "|---|---:|---:|---:|---:|",
        ]
        for variant in args.variants.split(","):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, variant, path, url],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(out.stdout)
            rate = args.size / r["seconds"]
            lines.append(
                f"| `{variant}` | {r['before']:.1f} MB | {r['after']:.1f} MB "
                f"| {r['after'] - r['before']:.1f} MB | {rate:.0f} |"
            )
            print(lines[-1], flush=True)
            time.sleep(0.1)
    stop.set()
    print("\n".join(lines))
    if args.write:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import docblock

        docblock.write("docs/reliability.md", "upload-bench", "upload_rss.py",
                       "make bench-upload", "\n".join(lines))  # fmt: skip


if __name__ == "__main__":
    main()
