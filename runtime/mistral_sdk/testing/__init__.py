"""Test code that calls Mistral, offline: record real exchanges once, replay them in CI.

    from mistral_sdk.testing import cassette

    with cassette("tests/cassettes/chat.jsonl", mode="once") as tape:
        tape.client.chat.complete(model="mistral-small-latest", messages=[...])

In pytest, the `mistral_cassette` fixture (mistral_sdk.testing._pytest_cassette) names
the cassette after the test and takes the mode from `--mistral-record` /
`$MISTRAL_RECORD`. See docs/testing.md.
"""

from ._cassette import Cassette, CassetteError, CassetteMode, UnmatchedRequestError, cassette
from ._cassette_transport import AsyncCassetteTransport, CassetteTransport

__all__ = [
    "AsyncCassetteTransport",
    "Cassette",
    "CassetteError",
    "CassetteMode",
    "CassetteTransport",
    "UnmatchedRequestError",
    "cassette",
]
