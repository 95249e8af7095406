"""Mentions in channels and direct messages: both are conversations keyed by their Slack thread.

Events are acked by Bolt before the listener runs (auto-ack), so the agent's seconds of work happen
on a worker thread; repeated deliveries were already dropped by `bots.slack.dedupe`.
"""
from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from agent.service import check_message
from bots.deps import Deps
from bots.slack.conversation import ask_in_thread

DM_CONVERSATION = "dm"
MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def request_text(text: str | None) -> str:
    """The request without the bot's @-mention(s)."""
    return MENTION.sub("", text or "").strip()


def handle(deps: Deps, client: WebClient, event: dict[str, Any], team: str | None, thread_ts: str | None, conversation: str | None = None) -> None:
    text = request_text(event.get("text"))
    refusal = check_message(text)
    if refusal:
        client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, text=refusal)
        return
    ask_in_thread(deps, client, team=team, channel=event["channel"], thread_ts=thread_ts, request=text, user=event.get("user"), conversation=conversation)


def register(app: App, deps: Deps) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # In a channel every mention is answered in a thread: the top-level message starts one.
        handle(deps, client, event, body.get("team_id"), event.get("thread_ts") or event["ts"])

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # Only plain user messages in DMs; channel messages reach us as app_mention instead.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        # A DM's top level is one running conversation, answered unthreaded; a thread in the DM is its own.
        thread_ts = event.get("thread_ts")
        handle(deps, client, event, body.get("team_id"), thread_ts, conversation=None if thread_ts else DM_CONVERSATION)
