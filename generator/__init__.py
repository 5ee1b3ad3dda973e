"""mistral-sdk's code generator: OpenAPI document → intermediate model → Python SDK."""
