"""Names type checkers must refuse or flag (issue 26, point 1). `# E`: an error here."""
# pyright: strict
# The comment at the end of a line says what the checkers find there:
# fmt: off

from __future__ import annotations

from typing import reveal_type

import mistral_sdk
import mistral_sdk.mcp
from mistral_sdk import models

# the file: every line is an error for both checkers
a: models.DoesNotExistAtAll = 1  # E
b = models.ChatCompletionRequestTools0Item(type="function")  # E
c = mistral_sdk.NoSuchThing  # E
d = mistral_sdk.mcp.MCPToolSorce  # E

# a renamed class is flagged as deprecated (the typeshed way: a deprecated subclass)
event: models.StreamV1WorkflowsExecutionsExecutionIdStreamGetEvent | None = None  # E
old_form = models.FilesApiRoutesUploadFileForm  # E

# a renamed union is still the union (PEP 702 cannot mark an alias as deprecated)
def use(tool: models.ChatCompletionRequestTools0Item) -> None:
    reveal_type(tool)  # R: Tool | WebSearchTool | WebSearchPremiumTool | CodeInterpreterTool | ImageGenerationTool | DocumentLibraryTool | CustomConnector

# real names are real
reveal_type(models.UserMessage(content="hi"))  # R: UserMessage
reveal_type(mistral_sdk.Mistral(api_key="k"))  # R: Mistral
reveal_type(mistral_sdk.mcp.MCPToolSource.stdio("python"))  # R: MCPToolSource
