"""Every Slack listener is registered here, one module per feature (bolt-python-assistant style)."""
from __future__ import annotations

from slack_bolt import App

from bots.deps import Deps
from bots.slack.listeners import actions, commands, events


def register_listeners(app: App, deps: Deps) -> None:
    commands.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
