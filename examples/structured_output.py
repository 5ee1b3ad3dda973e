#!/usr/bin/env python3
"""Ask for a typed answer: `chat.parse(response_format=Book)` returns a `Book`.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

.venv/bin/python examples/structured_output.py
"""

from __future__ import annotations

import sys

import msgspec
from _connect import connect

from mistral_sdk import OutputValidationError


class Book(msgspec.Struct):
    """A book and its authors."""

    title: str
    authors: list[str]
    year: int


def main() -> int:
    with connect() as client:
        print("== chat.parse(response_format=Book)")
        try:
            parsed = client.chat.parse(
                model="mistral-small-latest",
                messages=[{"role": "user", "content": "Name one classic novel about a whale."}],
                response_format=Book,
            )
        except OutputValidationError as exc:
            print(f"   the reply did not match: {exc}")
            return 1
        book = parsed.parsed
        print(f"   {book.title!r} by {', '.join(book.authors)} ({book.year})")
        print(f"   usage: {parsed.response.usage.total_tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
