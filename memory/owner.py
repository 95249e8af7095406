"""Who a stored thing belongs to, and who is asking: the tenancy key every store filters on.

Each front end names its tenant: a Slack workspace, a Discord guild, an MCP token or JWT subject,
a CLI user. Results, exports, charts, watches, persona sets and engagement rows carry that owner's
`key`, and every read is scoped to it, so one tenant never lists, reads or exports another's.
`admin` is the explicit exception (the watcher process, an MCP token granted the admin scope): it
sees every tenant, including the rows stored before owners existed, which belong to `LEGACY`.
"""
from __future__ import annotations

import getpass
import hashlib
import os
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import true
from sqlalchemy.sql.elements import ColumnElement

OwnerKind = Literal["slack", "discord", "mcp", "cli", "api", "system", "legacy"]
OWNER_MAX = 200  # the width of every `owner` column
LEGACY_KEY = "legacy:unowned"  # rows written before tenancy: visible to admin scope only
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.@-]")


def _fit(raw: str, room: int) -> str:
    """`raw` with unsafe characters replaced, cut to `room` with a hash of the whole so that two
    long ids never collide."""
    clean = _ID_CHARS.sub("_", raw.strip()) or "-"
    if len(clean) <= room:
        return clean
    return clean[: room - 17] + "-" + hashlib.sha256(raw.encode()).hexdigest()[:16]


class Owner(BaseModel):
    """A tenant (and whether the caller may see every tenant). `key` is what the stores keep."""

    model_config = ConfigDict(frozen=True)

    kind: OwnerKind
    id: str = Field(min_length=1, max_length=OWNER_MAX - 10)
    admin: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def slug(self) -> str:
        """A directory name for this owner's files (exports, charts): safe and collision-free."""
        return f"{self.kind}-{_fit(self.id, 60)}-{hashlib.sha256(self.key.encode()).hexdigest()[:8]}"

    @classmethod
    def slack(cls, team: str | None) -> "Owner":
        return cls(kind="slack", id=_fit(team or "-", 120))

    @classmethod
    def discord(cls, guild: int | str | None) -> "Owner":
        """Direct messages have no guild: each DM user is a tenant of their own."""
        return cls(kind="discord", id=_fit(str(guild) if guild is not None else "dm", 120))

    @classmethod
    def mcp(cls, principal: str, *, admin: bool = False) -> "Owner":
        return cls(kind="mcp", id=_fit(principal, 120), admin=admin)

    @classmethod
    def cli(cls, user: str | None = None, *, admin: bool = False) -> "Owner":
        return cls(kind="cli", id=_fit(user or cli_user(), 120), admin=admin)

    @classmethod
    def api(cls, storefront: str) -> "Owner":
        """A storefront of the HTTP API (bots/api), named by its key's label, never the key."""
        return cls(kind="api", id=_fit(storefront, 120))

    @classmethod
    def system(cls) -> "Owner":
        """Background processes (the watcher): they act for every tenant."""
        return cls(kind="system", id="caeser", admin=True)


def cli_user() -> str:
    """The terminal user: `CAESER_USER`, else the login name."""
    name = os.environ.get("CAESER_USER")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "local"


DEFAULT_OWNER = Owner(kind="cli", id="local")  # in-process callers that name nobody (tests, evals, benches)


def visible_to(column: ColumnElement, owner: Owner) -> ColumnElement[bool]:
    """The SQL condition "this row is `owner`'s" (always true in admin scope)."""
    return true() if owner.admin else column == owner.key


def owner_from_key(key: str) -> Owner:
    """The Owner a stored `owner` column names (background jobs act as the owner of what they run)."""
    kind, _, ident = key.partition(":")
    return Owner(kind=kind, id=ident)  # type: ignore[arg-type] - validated by the model
