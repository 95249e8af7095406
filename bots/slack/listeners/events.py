"""Mentions in channels and direct messages: both are conversations keyed by their Slack thread.

Events are acked by Bolt as soon as the listener returns (auto-ack), and the listener only queues
the work (`bots.slack.work`), so the agent's seconds happen on a worker thread; repeated deliveries
were already dropped by `bots.slack.dedupe`.
"""
from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from agent.service import check_message
from bots.deps import Deps
from bots.slack.conversation import ask_in_thread
from bots.slack.work import Job, WorkQueue

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


def queue(work: WorkQueue, deps: Deps, client: WebClient, event: dict[str, Any], team: str | None, thread_ts: str | None, conversation: str | None = None) -> None:
    """`handle` on a worker; a busy notice goes where the answer will."""
    work.submit(Job(run=lambda: handle(deps, client, event, team, thread_ts, conversation),
                    tell=lambda text: client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, text=text)))


def register(app: App, deps: Deps, work: WorkQueue) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # In a channel every mention is answered in a thread: the top-level message starts one.
        queue(work, deps, client, event, body.get("team_id"), event.get("thread_ts") or event["ts"])

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # Only plain user messages in DMs; channel messages reach us as app_mention instead.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        # A DM's top level is one running conversation, answered unthreaded; a thread in the DM is its own.
        thread_ts = event.get("thread_ts")
        queue(work, deps, client, event, body.get("team_id"), thread_ts, conversation=None if thread_ts else DM_CONVERSATION)
