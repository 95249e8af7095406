"""The graph's state: the conversation, how many tool rounds this turn has used, and this turn's notes."""
from __future__ import annotations

from langgraph.graph import MessagesState


class AgentState(MessagesState):
    rounds: int
    notes: list[str]  # visible remarks for this turn, e.g. "answered by the offline planner"; reset each turn
