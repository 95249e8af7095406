"""One request in a Slack thread: a "working…" message, progress in it, then the answer in its place.

Runs on a `bots.slack.work` worker after the ack, so it may take as long as the agent needs. The thread
(channel + root ts) is the agent's conversation, so replies in it are follow-ups.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from agent.service import AgentReply
from bots.deps import Deps
from bots.render import Rendered, render, truncate
from bots.slack.blocks import answer_blocks, escape, working_blocks
from memory.owner import Owner
from tools.base import ProgressFn

log = logging.getLogger(__name__)

PROGRESS_EVERY_S = 1.0  # chat.update is Tier 3 (~50/min): one progress edit a second at most


def thread_id(team: str | None, channel: str, root_ts: str) -> str:
    return f"slack:{team or '-'}:{channel}:{root_ts}"


def throttled_progress(client: WebClient, channel: str, ts: str, request: str) -> ProgressFn:
    lock, last = threading.Lock(), [0.0]

    def progress(_fraction: float, message: str) -> None:
        with lock:
            if time.monotonic() - last[0] < PROGRESS_EVERY_S:
                return
            last[0] = time.monotonic()
        try:
            client.chat_update(channel=channel, ts=ts, text=f"Working… {escape(message)}", blocks=working_blocks(request, message))
        except SlackApiError as exc:  # progress is a courtesy: never fail the request over it
            log.info("progress update failed: %s", exc.response.get("error"))

    return progress


def fallback_text(rendered: Rendered) -> str:
    """The notification / screen-reader text that goes with the blocks; escaped like them, or a
    `<!channel>` in an answer would notify the whole channel."""
    return escape(truncate(rendered.error or rendered.headline, 3000))


def post_rendered(client: WebClient, channel: str, message_ts: str, root_ts: str, rendered: Rendered) -> None:
    client.chat_update(channel=channel, ts=message_ts, text=fallback_text(rendered), blocks=answer_blocks(rendered))
    for path in [*rendered.charts, *rendered.files]:
        client.files_upload_v2(channel=channel, thread_ts=root_ts, file=str(path), filename=path.name, title=path.stem.replace("_", " "))


def run_in_thread(client: WebClient, *, channel: str, thread_ts: str | None, request: str, produce: Callable[[str, ProgressFn], AgentReply],
                  on_unreachable: Callable[[str], None] | None = None) -> None:
    """Post "working…" (in `thread_ts`, or as a new root), call `produce(root_ts, progress)`, then
    replace the working message with the answer and upload its charts into the thread."""
    try:
        working = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=f"Working on “{escape(truncate(request, 200))}”…", blocks=working_blocks(request))
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        log.warning("could not post in %s: %s", channel, error)
        if on_unreachable is not None:
            hint = " Invite me first: `/invite @caeser`." if error in ("not_in_channel", "channel_not_found") else ""
            on_unreachable(f"I couldn't post in this channel ({error}).{hint}")
        return
    ts = working["ts"]
    root = thread_ts or ts
    try:
        rendered = render(produce(root, throttled_progress(client, channel, ts, request)))
    except Exception as exc:  # a bug below us: the user gets a sentence, the log gets the trace
        log.exception("request failed")
        message = f"Something went wrong on my side ({type(exc).__name__}); it was logged. Please try again."
        rendered = Rendered(headline=message, error=message)
    try:
        post_rendered(client, channel, ts, root, rendered)
    except SlackApiError as exc:
        log.warning("could not post the answer in %s: %s", channel, exc.response.get("error"))


def ask_in_thread(deps: Deps, client: WebClient, *, team: str | None, channel: str, thread_ts: str | None, request: str,
                  user: str | None = None, on_unreachable: Callable[[str], None] | None = None, conversation: str | None = None) -> None:
    """Free text → the agent, in the conversation of this Slack thread (or `conversation`, where the
    answers are not threaded, e.g. a DM's top level). Tools the user may not use are denied to the agent."""
    deny = deps.permissions.denied_tools(f"slack:{team}", user or "")
    run_in_thread(client, channel=channel, thread_ts=thread_ts, request=request, on_unreachable=on_unreachable,
                  produce=lambda root, progress: deps.agent.ask(thread_id(team, channel, conversation or root), request, progress, deny, Owner.slack(team),
                                                                  origin_channel=f"slack:{channel}"))
