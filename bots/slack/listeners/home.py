"""The App Home tab: published when a user opens it, and again after one of its buttons changed
something (re-run, export PDF, stop watching). Each event or click is acked at once and its work
queued (`bots.slack.work`); re-runs and exports answer in the user's DM with the app."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bots.deps import Deps
from bots.slack.conversation import run_in_thread, thread_id
from bots.slack.home import HOME_EXPORT, HOME_OPEN, HOME_RERUN, HOME_UNWATCH, SHOWN_RESULTS, home_view
from bots.slack.work import Job, WorkQueue
from bots.toolcall import call_tool
from memory.dashboard import overview
from memory.owner import Owner
from memory.results import get_result
from memory.watches import remove_watch_by_id

log = logging.getLogger(__name__)


def publish_home(deps: Deps, client: WebClient, team: str | None, user: str) -> None:
    view = home_view(overview(deps.settings, Owner.slack(team), results=SHOWN_RESULTS), deps.settings.web_url or None)
    try:
        client.views_publish(user_id=user, view=view)
    except SlackApiError as exc:
        log.warning("could not publish the Home tab for %s: %s", user, exc.response.get("error"))


def dm_channel(client: WebClient, user: str) -> str:
    """The id of the user's DM with the app: answers are edited in place (chat.update), which needs it."""
    return client.conversations_open(users=user)["channel"]["id"]


def tell_user(client: WebClient, user: str, text: str) -> None:
    """A short note in the user's DM with the app (the Home tab has no thread to answer in)."""
    try:
        client.chat_postMessage(channel=dm_channel(client, user), text=text)
    except SlackApiError as exc:
        log.warning("could not message %s: %s", user, exc.response.get("error"))


def register(app: App, deps: Deps, work: WorkQueue) -> None:
    def who(body: dict[str, Any]) -> tuple[str | None, str]:
        return (body.get("team") or {}).get("id") or body.get("team_id") or (body.get("user") or {}).get("team_id"), body["user"]["id"]

    def submit(client: WebClient, user: str, run: Callable[[], None]) -> None:
        work.submit(Job(run=run, tell=lambda text: tell_user(client, user, text)))

    def rerun(team: str | None, user: str, result_id: str, client: WebClient) -> None:
        owner = Owner.slack(team)
        stored = get_result(deps.settings, result_id, owner)
        if stored is None:
            tell_user(client, user, f"I can't find the result {result_id} any more.")
        else:
            channel = dm_channel(client, user)
            run_in_thread(client, channel=channel, thread_ts=None, request=f"re-run {stored.tool} ({result_id})",
                          produce=lambda root, _p: call_tool(deps.settings, thread_id(team, channel, root), stored.tool, stored.arguments, owner))
        publish_home(deps, client, team, user)

    def export(team: str | None, user: str, result_id: str, client: WebClient) -> None:
        if not deps.permissions.may(f"slack:{team}", "export", user):
            tell_user(client, user, deps.permissions.refusal("export"))
            return
        channel = dm_channel(client, user)
        run_in_thread(client, channel=channel, thread_ts=None, request=f"export {result_id} as pdf",
                      produce=lambda root, _p: call_tool(deps.settings, thread_id(team, channel, root), "export_report", {"result_id": result_id, "format": "pdf"},
                                                         Owner.slack(team)))

    def unwatch(team: str | None, user: str, watch_id: str, client: WebClient) -> None:
        # creating and removing watches are one permission: whoever may set alerts may stop them
        if not deps.permissions.may(f"slack:{team}", "watch", user):
            tell_user(client, user, deps.permissions.refusal("watch"))
            return
        if watch_id.isdigit():
            remove_watch_by_id(deps.settings, Owner.slack(team), int(watch_id))
        publish_home(deps, client, team, user)

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab is the DM itself
        user, team = event["user"], body.get("team_id")
        submit(client, user, lambda: publish_home(deps, client, team, user))

    def clicked(act: Callable[[str | None, str, str, WebClient], None]) -> Callable[..., None]:
        def on_click(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
            ack()
            team, user = who(body)
            submit(client, user, lambda: act(team, user, action["value"], client))

        return on_click

    for prefix, act in ((HOME_RERUN, rerun), (HOME_EXPORT, export), (HOME_UNWATCH, unwatch)):
        app.action(re.compile(f"^{prefix}_"))(clicked(act))

    @app.action(re.compile(f"^{HOME_OPEN}_"))
    def on_open(ack: Ack) -> None:
        ack()  # Slack opens the link itself; the click still arrives and wants its ack
