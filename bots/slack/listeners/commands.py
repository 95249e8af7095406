"""`/caeser …`: free text goes to the agent; `help`, `watch` and `export` are typed subcommands.

Anything we refuse (empty, too long, malformed, not permitted) is answered in the ack itself — an
ephemeral reply in the HTTP response, so it costs no Web API call and cannot be lost. Everything
else is acked at once and queued (`bots.slack.work`): the listener never waits for the agent.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from agent.service import check_message
from bots.deps import Deps
from bots.slack.blocks import escape
from bots.slack.conversation import ask_in_thread, run_in_thread, thread_id
from bots.slack.work import Job, WorkQueue, ack_and_submit
from bots.toolcall import call_tool
from memory.owner import Owner

USAGE = """*How to use /caeser*
• `/caeser <question>` — ask anything, e.g. `/caeser what's the hype on Stanley cups this week?`
• `/caeser watch <subject> above|below <0-100> [in #channel]` — post an alert when hype crosses the threshold
• `/caeser export <result id> [csv|pdf|json]` — export a past result (ids are under each answer)
• `/caeser help` — this message
Reply in an answer's thread (mentioning me) to follow up in the same conversation."""

WATCH_RE = re.compile(r"^(?P<subject>.+?)\s+(?P<direction>above|below|over|under|>|<)\s*(?P<threshold>\d{1,3}(?:\.\d+)?)(?:\s+in\s+(?P<channel>\S+))?$", re.I)
EXPORT_RE = re.compile(r"^(?P<result_id>[\w.:-]{1,40})(?:\s+(?P<format>csv|pdf|json))?$", re.I)
CHANNEL_REF = re.compile(r"^<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>$|^(?P<name>#[\w.-]{1,80})$")
SUBCOMMAND_LIKE = re.compile(r"^[a-z][\w-]{0,30}$", re.I)


def parse_channel_ref(text: str | None, current: str) -> str | None:
    """`<#C123|name>` (escaped mention), `#name`, or nothing (this channel) → a Slack channel; None if unreadable."""
    if not text:
        return current
    match = CHANNEL_REF.match(text)
    return None if match is None else (match["id"] or match["name"])


def watch_args(rest: str, current_channel: str) -> dict[str, Any] | str:
    """Arguments for watch_hype, or the sentence explaining what was wrong."""
    match = WATCH_RE.match(rest.strip())
    if match is None:
        return "I couldn't read that watch. Use `/caeser watch <subject> above|below <0-100> [in #channel]`, e.g. `/caeser watch Stanley cups above 70 in #launches`."
    threshold = float(match["threshold"])
    if threshold > 100:
        return f"The threshold must be a hype score between 0 and 100 (you gave {threshold:g})."
    channel = parse_channel_ref(match["channel"], current_channel)
    if channel is None:
        return f"I couldn't read the channel “{escape(match['channel'])}”: pick one with `#` so Slack links it, e.g. `in #launches`."
    direction = "above" if match["direction"].lower() in ("above", "over", ">") else "below"
    return {"action": "create", "subject": match["subject"].strip(), "threshold": threshold, "direction": direction, "channel": f"slack:{channel}"}


def register(app: App, deps: Deps, work: WorkQueue) -> None:
    @app.command("/caeser")
    def caeser_command(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        text = (command.get("text") or "").strip()
        team, channel, user = command.get("team_id"), command["channel_id"], command["user_id"]
        refusal = check_message(text)
        if refusal:
            return ack(text=f"{refusal}\n\n{USAGE}" if not text else refusal)
        first, _, rest = text.partition(" ")
        sub = first.lower()
        workspace = f"slack:{team}"

        def unreachable(message: str) -> None:
            respond(text=message, response_type="ephemeral")

        def typed(tool: str, args: dict[str, Any]) -> Job:
            produce = lambda root: call_tool(deps.settings, thread_id(team, channel, root), tool, args, Owner.slack(team))  # noqa: E731
            return Job(run=lambda: run_typed(client, channel, text, produce, unreachable), tell=unreachable)

        if sub == "help":
            return ack(text=USAGE)
        if sub == "watch":
            args = watch_args(rest, channel)
            if isinstance(args, str):
                return ack(text=args)
            if not deps.permissions.may(workspace, "watch", user):
                return ack(text=deps.permissions.refusal("watch"))
            target = args["channel"].removeprefix("slack:")
            if not deps.permissions.channel_allowed(workspace, target):
                return ack(text=deps.permissions.channel_refusal(target))
            return ack_and_submit(work, ack, typed("watch_hype", args))
        if sub == "export":
            match = EXPORT_RE.match(rest.strip())
            if match is None:
                return ack(text="Use `/caeser export <result id> [csv|pdf|json]`; the result id is shown under each answer (or use its Export buttons).")
            if not deps.permissions.may(workspace, "export", user):
                return ack(text=deps.permissions.refusal("export"))
            args = {"result_id": match["result_id"], "format": (match["format"] or "pdf").lower()}
            return ack_and_submit(work, ack, typed("export_report", args))
        if not rest and SUBCOMMAND_LIKE.match(first) and not first.endswith("?"):
            return ack(text=f"I don't know the subcommand `{first}`. Ask a full question instead, or:\n\n{USAGE}")
        ack_and_submit(work, ack, Job(run=lambda: ask_in_thread(deps, client, team=team, channel=channel, thread_ts=None, request=text, user=user, on_unreachable=unreachable),
                                      tell=unreachable))


def run_typed(client: WebClient, channel: str, request: str, produce: Callable[[str], Any], unreachable: Callable[[str], None]) -> None:
    run_in_thread(client, channel=channel, thread_ts=None, request=request, produce=lambda root, _progress: produce(root), on_unreachable=unreachable)
