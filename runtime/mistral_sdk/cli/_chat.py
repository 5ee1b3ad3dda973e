"""`mistral chat` and `mistral conversations start | append`.

The answer's text goes to stdout (word by word with `--stream`); the conversation id
and tool calls go to stderr as notes. `--tool` lets the model use an MCP server's
tools: a URL (streamable HTTP) or a command line (a stdio server), repeatable;
the SDK's run loop lists the tools, calls them and answers the model.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TYPE_CHECKING, Any

from . import EXIT_OK
from ._app import CommandError, add_repeatable, command_group, make_client
from ._output import Output

if TYPE_CHECKING:
    # the requests are built as dicts, checked like a user's (docs/typing.md)
    from ..params import (
        ChatCompletionRequestMessageParam,
        ChatParseArguments,
        ConversationRunArguments,
    )
    from ..resources.beta.conversations import BetaConversations

__all__ = ["mcp_server", "register"]

DEFAULT_MODEL = "mistral-small-latest"


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    chat = commands.add_parser(
        "chat",
        parents=[common],
        help="one chat completion",
        description="Send one prompt to chat.complete (or chat.stream).",
    )
    chat.add_argument("prompt", help="the user message ('-' reads stdin)")
    chat.add_argument("--model", "-m", default=DEFAULT_MODEL, help=f"default {DEFAULT_MODEL}")
    chat.add_argument("--system", help="a system message first")
    chat.add_argument("--stream", action="store_true", help="print the answer as it comes")
    chat.add_argument("--temperature", type=float)
    chat.add_argument("--max-tokens", type=int)
    chat.set_defaults(func=_chat)

    verbs = command_group(
        commands, "conversations", "start or continue a conversation", __doc__, common
    )
    start = verbs.add_parser("start", parents=[common], help="start a conversation")
    start.add_argument("prompt", help="the user message ('-' reads stdin)")
    who = start.add_mutually_exclusive_group()
    who.add_argument("--model", "-m", help=f"default {DEFAULT_MODEL} (unless --agent-id)")
    who.add_argument("--agent-id", help="talk to this agent")
    start.add_argument("--instructions", help="instructions for the model")
    append = verbs.add_parser("append", parents=[common], help="continue a conversation")
    append.add_argument("conversation_id", metavar="CONVERSATION_ID")
    append.add_argument("prompt", help="the user message ('-' reads stdin)")
    for verb in (start, append):
        verb.add_argument("--stream", action="store_true", help="print the answer as it comes")
        add_repeatable(
            verb,
            "--tool",
            "URL|COMMAND",
            "allow an MCP server's tools: an http(s) URL or a command line",
        )
        verb.add_argument(
            "--approve",
            action="store_true",
            help="approve every tool call that asks for confirmation",
        )
        verb.set_defaults(func=_conversation)


def mcp_server(spec: str) -> Any:
    """`--tool` → an `MCPToolSource`: a URL is a streamable-HTTP server, else a command
    (its stderr goes to the SDK's log, shown with --verbose, and into its errors)."""
    from ..mcp import MCPToolSource

    if spec.startswith(("http://", "https://")):
        return MCPToolSource.http(spec)
    words = shlex.split(spec)
    if not words:
        raise CommandError("--tool: empty command")
    return MCPToolSource.stdio(words[0], words[1:])


def _prompt(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


def _chat(args: argparse.Namespace, out: Output) -> int:
    messages: list[ChatCompletionRequestMessageParam] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": _prompt(args.prompt)})
    options: ChatParseArguments = {"model": args.model, "messages": messages}
    if args.temperature is not None:
        options["temperature"] = args.temperature
    if args.max_tokens is not None:
        options["max_tokens"] = args.max_tokens
    with make_client(args) as client:
        if not args.stream:
            response = client.chat.complete(**options)
            if out.scripted:
                out.json(response)
            else:
                message = response.choices[0].message if response.choices else None
                out.text(_chat_text(getattr(message, "content", None)))
            return EXIT_OK
        with client.chat.stream(**options) as stream:
            for event in stream:
                if out.scripted:
                    out.jsonl(event)
                    continue
                for choice in event.data.choices:
                    out.text(_chat_text(choice.delta.content), end="")
        if not out.scripted:
            out.text("")
    return EXIT_OK


def _chat_text(content: Any) -> str:
    """The text of a message content: a string, or text chunks."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, (list, tuple)):
        return "".join(_chat_text(part) for part in content)
    text = getattr(content, "text", None)
    return text if isinstance(text, str) else ""


def _entry_text(entry: Any) -> str:
    if getattr(entry, "type", None) != "message.output":
        return ""
    return _chat_text(getattr(entry, "content", None))


def _conversation(args: argparse.Namespace, out: Output) -> int:
    prompt = _prompt(args.prompt)
    options: ConversationRunArguments = {}
    conversation_id = getattr(args, "conversation_id", None)
    if conversation_id is None:
        if getattr(args, "agent_id", None):
            options["agent_id"] = args.agent_id
        else:
            options["model"] = args.model or DEFAULT_MODEL
        if args.instructions:
            options["instructions"] = args.instructions
    with make_client(args) as client:
        tools = [mcp_server(spec) for spec in args.tool]
        conversations = client.beta.conversations
        if tools:
            # the SDK's run loop calls the MCP tools and answers the model
            return _run_with_tools(
                conversations, prompt, tools, conversation_id, options, args, out
            )
        if args.stream:
            stream = (
                conversations.start_stream(inputs=prompt, **options)
                if conversation_id is None
                else conversations.append_stream(conversation_id, inputs=prompt)
            )
            with stream:
                for event in stream:
                    _show_event(event, out)
            if not out.scripted:
                out.text("")
            return EXIT_OK
        response = (
            conversations.start(inputs=prompt, **options)
            if conversation_id is None
            else conversations.append(conversation_id, inputs=prompt)
        )
        if out.scripted:
            out.json(response)
        else:
            out.note(f"conversation {response.conversation_id}")
            out.text("".join(_entry_text(e) for e in response.outputs))
    return EXIT_OK


def _show_event(event: Any, out: Output) -> None:
    """One streamed conversation event: text to stdout, the rest as notes."""
    from .. import models
    from .._conversations import ToolResult

    if out.scripted:
        out.jsonl(event)
        return
    if isinstance(event, ToolResult):
        state = " (denied)" if event.denied else " (error)" if event.error else ""
        out.note(f"\n[tool {event.name}{state}] {event.result[:200]}")
        return
    data = event.data
    if isinstance(data, models.ResponseStartedEvent):
        out.note(f"conversation {data.conversation_id}")
    elif isinstance(data, models.MessageOutputEvent):
        out.text(_chat_text(data.content), end="")
    elif isinstance(data, models.ResponseErrorEvent):
        out.note(f"\nerror: {data.message}")


def _run_with_tools(
    conversations: BetaConversations,
    prompt: str,
    tools: list[Any],
    conversation_id: str | None,
    options: ConversationRunArguments,
    args: argparse.Namespace,
    out: Output,
) -> int:
    def confirm(call: Any) -> bool:
        if args.approve:
            return True
        if not sys.stdin.isatty():
            out.note(f"[tool {call.name}] needs confirmation: denied (use --approve)")
            return False
        answer = input(f"allow tool {call.name}({call.arguments})? [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    if args.stream:
        stream = conversations.run_stream(
            prompt, tools=tools, on_confirmation=confirm, conversation_id=conversation_id, **options
        )
        for item in stream:
            _show_event(item, out)
        result = stream.until_done()  # the stream is over: its result
        if not out.scripted:
            out.text("")
    else:
        result = conversations.run(
            prompt, tools=tools, on_confirmation=confirm, conversation_id=conversation_id, **options
        )
        if not out.scripted:
            for tool in result.tool_results:
                out.note(f"[tool {tool.name}] {tool.result[:200]}")
            out.text(result.output_text)
    if out.scripted and not args.stream:
        out.json(
            {
                "conversation_id": result.conversation_id,
                "output_text": result.output_text,
                "outputs": result.outputs,
                "tool_results": result.tool_results,
            }
        )
    elif not out.scripted:
        out.note(f"conversation {result.conversation_id}")
    return EXIT_OK
