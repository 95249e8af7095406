"""What every chat front-end needs, built once per process and shared by its workers.

One `Agent` per process (its checkpointer is the conversation memory), so the bots take it here
rather than building their own; tests pass a stand-in with the same `ask`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agent.service import AgentReply
from bots.permissions import Permissions
from memory.owner import DEFAULT_OWNER, Owner
from memory.settings import Settings
from tools.base import ProgressFn


class Asker(Protocol):
    def ask(self, thread_id: str, text: str, progress: ProgressFn | None = None, deny_tools: frozenset[str] = frozenset(),
            owner: Owner = DEFAULT_OWNER) -> AgentReply: ...


@dataclass
class Deps:
    settings: Settings
    agent: Asker
    permissions: Permissions
