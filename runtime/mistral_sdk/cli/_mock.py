"""`mistral mock`: the local mock of the whole API over HTTP (mistral_sdk.testing,
docs/mock.md), in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import time
from typing import Any

from ._output import Output


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    mock = commands.add_parser(
        "mock",
        parents=[common],
        help="serve the local mock of the API (no key, no network)",
        description=(
            "Serve the local mock of the whole Mistral API on a port, until Ctrl-C. Point a "
            "client at it with MISTRAL_BASE_URL=<its URL> and any MISTRAL_API_KEY."
        ),
    )
    mock.add_argument("--port", type=int, default=8080, help="default 8080; 0 picks a free one")
    mock.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    mock.add_argument("--quiet", action="store_true", help="do not log each request")
    mock.set_defaults(func=_serve)


def _serve(args: argparse.Namespace, out: Output) -> int:
    from ..testing import Mock
    from . import EXIT_OK

    with Mock() as mock:
        url = mock.serve(args.port, host=args.host, verbose=not args.quiet)
        out.text(f"mock Mistral API at {url}  (MISTRAL_BASE_URL={url}); Ctrl-C to stop")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return EXIT_OK
