"""Old names and argument orders that still run but are deprecated: type checkers must
say so (PEP 702), on exactly the lines marked `# deprecated`."""

from mistral_sdk import Mistral
from mistral_sdk.mcp import (
    MCPToolSource,
)
from mistral_sdk.otel import instrument, uninstrument

server = MCPToolSource.stdio("python", ["server.py"])
client = Mistral(api_key="k")
hooks = instrument(client)
uninstrument(client)
uninstrument(client, hooks)
uninstrument(None, hooks)
uninstrument()
uninstrument(hooks, client)  # deprecated
uninstrument(hooks)  # deprecated
