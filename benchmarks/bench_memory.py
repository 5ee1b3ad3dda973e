"""Memory, each program in a fresh interpreter, read from /proc/self/status (Linux):
resident memory after import and client construction (VmRSS), and the peak
(VmHWM) while downloading a large file from the loopback server to /dev/null
through each client's binary download path."""

from __future__ import annotations

import subprocess
import sys

from import_time import precompile

FILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

STATUS = """
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
"""

AFTER_IMPORT = {
    "mistral-sdk": "import mistral_sdk; client = mistral_sdk.Mistral(api_key='x')",
    "official": "from mistralai.client import Mistral; client = Mistral(api_key='x')",
    "floor": "import httpx2, msgspec; client = httpx2.Client()",
}

DOWNLOAD = {
    "mistral-sdk": """
import mistral_sdk
client = mistral_sdk.Mistral(api_key="x", base_url=URL)
size = 0
with client.files.download(FILE_ID) as content, open("/dev/null", "wb") as out:
    for chunk in content.iter_bytes():
        size += out.write(chunk)
""",
    "official": """
from mistralai.client import Mistral
client = Mistral(api_key="x", server_url=URL)
response = client.files.download(file_id=FILE_ID)
size = 0
with open("/dev/null", "wb") as out:
    for chunk in response.iter_bytes():
        size += out.write(chunk)
response.close()
""",
    "floor": """
import httpx2
with httpx2.Client() as http, http.stream("GET", URL + "/v1/files/" + FILE_ID + "/content") as r:
    size = 0
    with open("/dev/null", "wb") as out:
        for chunk in r.iter_bytes():
            size += out.write(chunk)
""",
}


def _run(program: str, key: str, url: str = "", size: int = 0) -> int:
    code = f"{STATUS}\nURL = {url!r}\nFILE_ID = {FILE_ID!r}\n{program}\nprint(status({key!r}))"
    if size:  # the whole file went through
        code += f"\nassert size == {size}, size"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout)


def measure(base_url: str, download_mb: int) -> dict[str, dict[str, float]]:
    """{benchmark: {program: bytes}}"""
    precompile()  # memory of compiling sources is not memory of the SDK
    size = download_mb * 2**20
    return {
        "rss_import": {name: _run(p, "VmRSS") for name, p in AFTER_IMPORT.items()},
        "peak_download": {name: _run(p, "VmHWM", base_url, size) for name, p in DOWNLOAD.items()},
    }


if __name__ == "__main__":
    from bench_overhead import loopback_server

    with loopback_server(200) as url:
        for bench, row in measure(url, 200).items():
            print(bench, {k: f"{v / 2**20:.1f} MB" for k, v in row.items()})
