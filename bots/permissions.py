"""Who may create watches and exports, and which channels may receive alerts — per workspace/guild.

Configured with `CAESER_BOT_PERMISSIONS`: inline JSON, or a path to a JSON file. Keys are
`slack:<team id>`, `discord:<guild id>` or `*` (the fallback). Each value may hold:
- `watch`, `export`, `schedule`: who may create watches / exports / scheduled reports — user ids, `role:<discord role id or name>`,
  `admin` (Discord members with Manage Server) or `*`. A missing list means everyone.
- `alert_channels`: channel ids (Slack `C…` or names like `#launches`, Discord ids) where watches
  may post alerts. A missing list means any channel.
With no configuration at all everyone may do everything (a fresh install works in a test workspace);
production deployments should set it. A workspace without an entry uses `*`.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

Action = Literal["watch", "export", "schedule"]
ENV = "CAESER_BOT_PERMISSIONS"
ACTION_WORDS = {"watch": "create hype watches", "export": "export reports", "schedule": "schedule reports"}
ACTION_TOOLS: dict[str, str] = {"watch": "watch_hype", "export": "export_report", "schedule": "schedule_report"}


class Policy(BaseModel):
    watch: list[str] | None = None
    export: list[str] | None = None
    schedule: list[str] | None = None
    alert_channels: list[str] | None = None


class PermissionsError(ValueError):
    pass


class Permissions:
    def __init__(self, policies: dict[str, Policy] | None = None) -> None:
        self.policies = policies or {}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Permissions":
        """Read CAESER_BOT_PERMISSIONS; a broken value stops the bot at start, not at the first refusal."""
        raw = (environ if environ is not None else os.environ).get(ENV, "").strip()
        if not raw:
            return cls()
        if not raw.startswith("{"):
            path = Path(raw)
            if not path.is_file():
                raise PermissionsError(f"{ENV} names {raw!r}, which is not a file (give inline JSON or a JSON file path)")
            raw = path.read_text(encoding="utf-8")
        try:
            data = json.loads(raw)
            return cls({key: Policy.model_validate(value) for key, value in data.items()})
        except (json.JSONDecodeError, AttributeError, ValidationError) as exc:
            raise PermissionsError(f"{ENV} is not valid: {exc}") from None

    def policy(self, workspace: str) -> Policy:
        return self.policies.get(workspace) or self.policies.get("*") or Policy()

    def may(self, workspace: str, action: Action, user_id: str, roles: Iterable[str] = (), is_admin: bool = False) -> bool:
        allowed = getattr(self.policy(workspace), action)
        if allowed is None or "*" in allowed or user_id in allowed:
            return True
        if is_admin and "admin" in allowed:
            return True
        return any(f"role:{role}" in allowed for role in roles)

    def denied_tools(self, workspace: str, user_id: str, roles: Iterable[str] = (), is_admin: bool = False) -> frozenset[str]:
        """The tools free-text requests may not run for this user: the agent refuses them politely."""
        return frozenset(tool for action, tool in ACTION_TOOLS.items() if not self.may(workspace, action, user_id, roles, is_admin))  # type: ignore[arg-type]

    def channel_allowed(self, workspace: str, channel: str) -> bool:
        allowed = self.policy(workspace).alert_channels
        return allowed is None or channel in allowed or channel.lstrip("#") in {c.lstrip("#") for c in allowed}

    @staticmethod
    def refusal(action: Action) -> str:
        return (f"Sorry — you don't have permission to {ACTION_WORDS[action]} in this workspace. "
                f"Ask an admin to add you to the `{action}` list in {ENV}.")

    @staticmethod
    def channel_refusal(channel: str) -> str:
        return (f"Sorry — alerts can't be posted to {channel} here: it is not on this workspace's alert channel "
                f"allow-list. Pick an allowed channel or ask an admin to add it to `alert_channels` in {ENV}.")
