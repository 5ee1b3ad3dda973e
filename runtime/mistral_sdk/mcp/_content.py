"""MCP tool results → what the model reads and what the caller keeps (pure, no I/O).

A `CallToolResult` holds content blocks (text, image, audio, embedded resource,
resource link) and maybe structured content. The model's function result is text:
text blocks as they are, structured content as JSON (unless a text block already
says the same), and every other block described in one line (`[image: image/png,
67 bytes]`) so the model knows it exists. The blocks themselves are kept, converted
to the API's content chunks (`ImageURLChunk` with a data URI, `AudioChunk`,
`DocumentURLChunk`, `TextChunk`), on `ToolResult.content`. An `isError` result is
an error for the model (`error: ...`), not a success.

Blocks are read by attribute (`type`, `text`, `data`, `mime_type`, …), so this
module never imports `mcp`.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .._tools import ToolOutput

__all__ = ["tool_output"]


def _size(data: str) -> int:
    """Decoded size of base64 data, without decoding it."""
    data = data.strip()
    return len(data) * 3 // 4 - (len(data) - len(data.rstrip("=")))


def _says(text: str, structured: Any) -> bool:
    """The text block already carries the structured content: as its JSON, or as the
    bare value a server wrapped as `{"result": value}` (what MCP servers built with
    the `mcp` package do for tools returning a str, number or list)."""
    if isinstance(structured, dict) and list(structured) == ["result"]:
        if structured["result"] == text:
            return True
        structured = structured["result"]
    try:
        return bool(msgspec.json.decode(text) == structured)
    except msgspec.DecodeError:
        return False


def _block(block: Any) -> tuple[str, Any | None]:
    """One content block: (text for the model, content chunk or None)."""
    from .. import models

    kind = getattr(block, "type", None)
    mime = getattr(block, "mime_type", None)
    if kind == "text":
        return block.text, models.TextChunk(text=block.text)
    if kind == "image":
        return (
            f"[image: {mime}, {_size(block.data)} bytes]",
            models.ImageURLChunk(image_url=f"data:{mime};base64,{block.data}"),
        )
    if kind == "audio":
        return f"[audio: {mime}, {_size(block.data)} bytes]", models.AudioChunk(
            input_audio=block.data
        )
    if kind == "resource":
        resource = block.resource
        mime = getattr(resource, "mime_type", None)
        head = f"[resource {resource.uri}" + (f" ({mime})" if mime else "")
        text = getattr(resource, "text", None)
        if isinstance(text, str):
            described = f"{head}]\n{text}"
            return described, models.TextChunk(text=described)
        blob = getattr(resource, "blob", "")
        return f"{head}, {_size(blob)} bytes]", models.DocumentURLChunk(
            document_url=f"data:{mime or 'application/octet-stream'};base64,{blob}",
            document_name=str(resource.uri),
        )
    if kind == "resource_link":
        parts = [f"[resource link: {block.name} <{block.uri}>"]
        if mime:
            parts.append(f" ({mime})")
        if getattr(block, "description", None):
            parts.append(f": {block.description}")
        return "".join(parts) + "]", models.DocumentURLChunk(
            document_url=str(block.uri), document_name=block.name
        )
    # A block type newer than this SDK: its JSON, so nothing is silently dropped.
    dump = getattr(block, "model_dump_json", None)
    return (dump(by_alias=True, exclude_none=True) if callable(dump) else str(block)), None


def tool_output(result: Any) -> ToolOutput:
    """A `CallToolResult` as the run loop's `ToolOutput`."""
    texts: list[str] = []
    chunks: list[Any] = []
    for block in getattr(result, "content", None) or ():
        text, chunk = _block(block)
        texts.append(text)
        if chunk is not None:
            chunks.append(chunk)
    structured = getattr(result, "structured_content", None)
    if structured is not None and not any(
        getattr(b, "type", None) == "text" and _says(b.text, structured)
        for b in getattr(result, "content", None) or ()
    ):
        texts.append(msgspec.json.encode(structured).decode())
    text = "\n".join(texts)
    if getattr(result, "is_error", False):
        return ToolOutput(f"error: {text}" if text else "error", error=True, content=tuple(chunks))
    return ToolOutput(text, content=tuple(chunks))
