#!/usr/bin/env python3
"""Upload a PDF, then OCR it by file id.

Needs: mistral-sdk only (`make venv`); without MISTRAL_API_KEY it runs against the local mock.

    .venv/bin/python examples/ocr_upload.py [path/to/file.pdf]

Without a path, a one-page PDF is written for the purpose.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _connect import connect


def tiny_pdf(text: str) -> bytes:
    """A minimal one-page PDF showing `text` (enough for OCR to read)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def main() -> int:
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        path = Path(tempfile.mkdtemp()) / "hello.pdf"
        path.write_bytes(tiny_pdf("Hello from mistral-sdk"))
    with connect() as client:
        print(f"== files.upload({path.name}) then ocr.process")
        uploaded = client.files.upload(file=path, purpose="ocr")
        print(f"   uploaded {uploaded.id} ({uploaded.bytes} bytes)")
        result = client.ocr.process(
            model="mistral-ocr-latest", document={"type": "file", "file_id": uploaded.id}
        )
        for page in result.pages:
            print(f"   page {page.index}: {page.markdown.strip()[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
