"""Every Slack listener is registered here, one module per feature (bolt-python-assistant style)."""
from __future__ import annotations

from slack_bolt import App

from bots.deps import Deps
from bots.slack.listeners import actions, commands, events, home
from bots.slack.work import WorkQueue


def register_listeners(app: App, deps: Deps, work: WorkQueue) -> None:
    """Listeners only check, ack and queue: the work runs on `work`'s own threads."""
    commands.register(app, deps, work)
    events.register(app, deps, work)
    actions.register(app, deps, work)
    home.register(app, deps, work)
