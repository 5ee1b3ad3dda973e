"""The `mcp` extra stays optional: nothing imports it until an MCP session opens,
and without it the error names the extra to install."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISTRAL_")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )


def test_nothing_without_mcp_imports_it() -> None:
    proc = _run("""
        import json, sys
        import httpx2
        import mistral_sdk
        from mistral_sdk.mcp import MCPToolSource, OAuth

        def shout(text: str) -> str:
            return text.upper()

        def handler(request):
            return httpx2.Response(200, json={"conversation_id": "c", "outputs": [
                {"type": "message.output", "content": "hi", "role": "assistant"}], "usage": {}})

        client = mistral_sdk.Mistral(api_key="x", base_url="https://api.test",
                                     http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
        client.beta.conversations.run("hi", model="m", tools=[shout])
        client.beta.connectors.http("gmail").build("GET", "me")
        client.beta.connectors.mcp("gmail")
        MCPToolSource.stdio("server"), MCPToolSource.http("https://x.test/mcp")
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("mcp", "mcp_types"))))
    """)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_missing_extra_names_it() -> None:
    proc = _run("""
        import sys
        sys.modules["mcp"] = None  # as if the extra were not installed
        import httpx2
        import mistral_sdk
        from mistral_sdk.mcp import MCPToolSource, MCPExtraMissing

        client = mistral_sdk.Mistral(api_key="x", base_url="https://api.test",
                                     http_client=httpx2.Client(transport=httpx2.MockTransport(None)))
        try:
            client.beta.conversations.run("hi", model="m", tools=[MCPToolSource.stdio("server")])
        except MCPExtraMissing as exc:
            assert isinstance(exc, ImportError) and isinstance(exc, mistral_sdk.MistralError)
            print(exc)
    """)
    assert proc.returncode == 0, proc.stderr
    assert "pip install mistral-sdk[mcp]" in proc.stdout
