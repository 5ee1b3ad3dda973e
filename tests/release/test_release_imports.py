"""`import mistral_sdk`, and building both clients, execute no code of an optional
package: no module of any extra's distribution (read from the package's own metadata,
so a new extra is covered the day it is declared) is imported. The dev environment
installs most of them, so the check has something to catch."""

from __future__ import annotations

import importlib.metadata as md
import json
import re
import subprocess
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

TOOLS = {"dev", "generator"}  # extras for working on the SDK, not capabilities of it


def optional_distributions() -> set[str]:
    requires = [Requirement(r) for r in md.distribution("mistral-sdk").requires or []]
    core = {canonicalize_name(r.name) for r in requires if r.marker is None}
    optional = set()
    for r in requires:
        extra = re.search(r'extra == "([^"]+)"', str(r.marker or ""))
        if extra and extra[1] not in TOOLS and canonicalize_name(r.name) not in core:
            optional.add(canonicalize_name(r.name))
    return optional


def test_import_mistral_sdk_loads_no_optional_package() -> None:
    optional = optional_distributions()
    assert {"websockets", "mcp", "opentelemetry-api", "google-auth", "rich"} <= optional
    modules = {
        module
        for module, dists in md.packages_distributions().items()
        if any(canonicalize_name(d) in optional for d in dists)
    }
    assert modules, "no optional package is installed here: nothing would be caught"
    code = (
        "import json, sys\n"
        "import mistral_sdk\n"
        "mistral_sdk.Mistral(api_key='x'); mistral_sdk.AsyncMistral(api_key='x')\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(done.stdout))
    assert sorted((loaded - _http_library_own_imports()) & modules) == []


def _http_library_own_imports() -> set[str]:
    """What the HTTP library the clients run on imports by itself once installed (httpx
    decodes zstd bodies when zstandard, an extra of ours, is there): its doing, not ours."""
    code = (
        "import json, sys, mistral_sdk\n"
        "library = type(mistral_sdk.Mistral(api_key='x')._http).__module__.split('.')[0]\n"
        "print(library)\n"
    )
    library = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    alone = (
        f"import json, sys, {library}\n"
        f"{library}.Client(); {library}.AsyncClient()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", alone], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout))
