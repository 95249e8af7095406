"""An agent reply as platform-neutral pieces: headline, key figures, charts, files, error, buttons.

Slack (Block Kit) and Discord (embeds) both draw from `Rendered`, so what counts as a key figure,
which follow-ups are offered and when a reply is an error is decided once, here, not twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.service import AgentReply

MAX_FIGURES = 8
# Fields that name or date the answer rather than measure it: they read badly as "key figures".
NOT_FIGURES = {"subject", "region", "window_start", "window_end", "method", "model", "tool", "format", "frequency", "exported_result_id"}
# Follow-up requests offered under an answer, per tool; `{name}` is filled from the call's arguments.
FOLLOWUPS: dict[str, list[tuple[str, str]]] = {
    "hype_score": [("30-day view", "what's the hype on {subject} over the last 30 days?")],
    "forecast_demand": [("Monthly view", "same, by month")],
    "audience_affinity": [("Compare audiences", "compare that with women 36 to 55")],
}


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class FollowUp:
    label: str
    request: str


@dataclass(frozen=True)
class Rendered:
    headline: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    error: str | None = None  # set when the request failed: shown as an error (ephemeral on Discord)
    result_id: str | None = None  # the latest stored result: the export buttons refer to it
    source: str | None = None
    followups: list[FollowUp] = field(default_factory=list)


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def key_figures(data: Any) -> list[Figure]:
    """The scalar measurements of a tool's `data`: numbers and short labels, in the tool's order; for
    a launch readout, its page-1 key numbers with their ranges (the same ones as its PDF)."""
    if not isinstance(data, dict):
        return []
    readout = data.get("readout")
    if isinstance(readout, dict) and readout.get("key_numbers"):
        return [Figure(label=k["label"], value=k["value"] + (f" ({k['range']})" if k.get("range") else "")) for k in readout["key_numbers"]][:MAX_FIGURES]
    figures = []
    for key, value in data.items():
        if key in NOT_FIGURES or value is None or isinstance(value, (dict, list)):
            continue
        if isinstance(value, str) and len(value) > 40:
            continue
        figures.append(Figure(label=key.replace("_", " ").capitalize(), value=format_value(value)))
    return figures[:MAX_FIGURES]


def followups(tool: str, args: dict[str, Any]) -> list[FollowUp]:
    offers = []
    for label, template in FOLLOWUPS.get(tool, []):
        try:
            offers.append(FollowUp(label=label, request=template.format_map(args)))
        except (KeyError, IndexError, ValueError):
            continue  # the call lacked an argument the follow-up needs
    return offers


def render(reply: AgentReply) -> Rendered:
    """A reply fails when it ran tools and none succeeded; its text then explains why."""
    ok = [(call, payload) for call, payload in zip(reply.tool_calls, reply.data) if call.ok and "error" not in payload]
    failed = bool(reply.tool_calls) and not ok
    last_call, last = ok[-1] if ok else (None, {})
    return Rendered(
        headline=reply.text.strip() or "(no answer)",
        figures=key_figures(last.get("data")),
        charts=[Path(p) for p in reply.charts if Path(p).is_file()],
        files=[Path(p) for p in reply.files if Path(p).is_file()],
        error=reply.text.strip() if failed else None,
        result_id=last.get("result_id") or None,
        source=last.get("source"),
        followups=followups(last_call.tool, last_call.args) if last_call else [],
    )


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
