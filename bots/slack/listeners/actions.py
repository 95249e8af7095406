"""Buttons under an answer: export the result (permission-checked) or ask a follow-up in its thread.
Each click is acked at once and its work queued (`bots.slack.work`)."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bots.slack.blocks import EXPORT_ACTION, FOLLOWUP_ACTION
from bots.deps import Deps
from bots.slack.conversation import ask_in_thread, run_in_thread, thread_id
from bots.slack.work import Job, WorkQueue
from bots.toolcall import call_tool
from memory.owner import Owner


def where(body: dict[str, Any]) -> tuple[str | None, str, str]:
    """(team, channel, root ts of the thread the clicked message lives in)."""
    message = body.get("message") or body.get("container") or {}
    root = message.get("thread_ts") or message.get("ts") or message.get("message_ts")
    return (body.get("team") or {}).get("id"), body["channel"]["id"], root


def queue(work: WorkQueue, client: WebClient, body: dict[str, Any], run: Callable[[], None]) -> None:
    """`run` on a worker; a busy notice goes to the clicking user only."""
    _team, channel, root = where(body)
    work.submit(Job(run=run, tell=lambda text: client.chat_postEphemeral(channel=channel, user=body["user"]["id"], thread_ts=root, text=text)))


def register(app: App, deps: Deps, work: WorkQueue) -> None:
    def export(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team, channel, root = where(body)
        user = body["user"]["id"]
        if not deps.permissions.may(f"slack:{team}", "export", user):
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=root, text=deps.permissions.refusal("export"))
            return
        result_id, _, fmt = action["value"].rpartition(":")
        run_in_thread(client, channel=channel, thread_ts=root, request=f"export {result_id} as {fmt}",
                      produce=lambda r, _p: call_tool(deps.settings, thread_id(team, channel, r), "export_report", {"result_id": result_id, "format": fmt}, Owner.slack(team)))

    def followup(body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        team, channel, root = where(body)
        ask_in_thread(deps, client, team=team, channel=channel, thread_ts=root, request=action["value"], user=body["user"]["id"])

    @app.action(re.compile(f"^{EXPORT_ACTION}_"))
    def on_export(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        queue(work, client, body, lambda: export(body, action, client))

    @app.action(re.compile(f"^{FOLLOWUP_ACTION}_"))
    def on_followup(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        queue(work, client, body, lambda: followup(body, action, client))
