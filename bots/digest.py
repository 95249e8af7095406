"""A scheduled report's digest: each re-run result in a line, its change since the schedule's
previous digest, its charts, and its result id for follow-ups — rendered for each destination.

The headline figure of a result is the number a marketer tracks week to week: a hype score, a
forecast's total units; other tools' `score`/`total`/`value` if they have one. "Change" is that
figure minus the same entry's figure in the previous sent digest of the same schedule (entries
are matched by position: the schedule's argument list is fixed), shown with the previous date.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bots.delivery import Message
from bots.render import truncate
from bots.slack.blocks import context, escape, section
from tools.base import ToolOutput
from tools.formatting import day, number

HEADLINES: dict[str, tuple[str, str]] = {"hype_score": ("hype score", "score"), "forecast_demand": ("forecast units", "total")}
FALLBACK_KEYS = ("score", "total", "value")
REPORT_EVENT = "caeser_report"


class DigestItem(BaseModel):
    label: str
    tool: str
    summary: str
    figure: str | None = None
    value: float | None = None
    previous: float | None = None
    result_id: str | None = None
    charts: list[str] = Field(default_factory=list)
    error: str | None = None  # this entry's re-run failed; the digest says why

    @property
    def change(self) -> str:
        if self.value is None:
            return ""
        if self.previous is None:
            return "first digest"
        delta = self.value - self.previous
        return "no change" if abs(delta) < 1e-9 else f"{'▲' if delta > 0 else '▼'} {'+' if delta > 0 else '−'}{number(abs(delta))}"

    def line(self, since: str | None) -> str:
        if self.error:
            return f"{self.label}: could not be re-run — {self.error}"
        figure = f"{self.figure} {number(self.value)}" if self.figure and self.value is not None else ""
        change = self.change + (f" since {since}" if since and self.previous is not None else "")
        head = f"{self.label}: {figure}" + (f" ({change})" if change and figure else "")
        return f"{head}. {self.summary}" if figure else f"{self.label}: {self.summary}"


class Digest(BaseModel):
    schedule_id: int
    name: str
    due_at: datetime
    timezone: str
    previous_due_at: datetime | None = None
    items: list[DigestItem]

    @property
    def when(self) -> str:
        local = self.due_at.astimezone(ZoneInfo(self.timezone))
        return f"{local:%a} {day(local)} {local:%H:%M} {self.timezone}"

    @property
    def since(self) -> str | None:
        return day(self.previous_due_at.astimezone(ZoneInfo(self.timezone))) if self.previous_due_at else None

    @property
    def title(self) -> str:
        return f"{self.name} — {self.when}"

    @property
    def follow_up(self) -> str:
        ids = [i.result_id for i in self.items if i.result_id]
        return f"Ask follow-ups with the result id (e.g. “export {ids[0]} as pdf”)." if ids else ""

    def text(self) -> str:
        lines = [self.title, *(f"• {item.line(self.since)}" for item in self.items)]
        ids = ", ".join(i.result_id for i in self.items if i.result_id)
        if ids:
            lines.append(f"Results: {ids}. {self.follow_up}")
        return "\n".join(lines)

    def message(self, key: str, attempt: int) -> Message:
        """The digest as Slack blocks, a Discord embed and a webhook body, with `key` for idempotency."""
        blocks = [section(f"*{escape(self.title)}*"), *(section("• " + escape(item.line(self.since)) + (f"\n_result {item.result_id}_" if item.result_id else ""))
                                                      for item in self.items)]
        if self.follow_up:
            blocks.append(context(escape(self.follow_up)))
        mark = f"report {key}"
        embed = {"title": truncate(self.title, 256), "description": truncate("\n".join(f"• {item.line(self.since)}" for item in self.items), 4000),
                 "fields": [{"name": item.label[:256], "value": f"result `{item.result_id}`", "inline": True} for item in self.items if item.result_id][:25],
                 "footer": {"text": f"{self.follow_up} · {mark}".strip(" ·")[:2048]}}
        webhook = {"text": self.text(), "run_key": key, "schedule": self.name, "due_at": self.due_at.isoformat(),
                   "items": [{**item.model_dump(mode="json"), "change": item.change} for item in self.items]}
        return Message(key=key, attempt=attempt, text=self.text(), event_type=REPORT_EVENT, what="report", slack_blocks=blocks,
                       discord={"content": truncate(self.title, 2000), "embeds": [embed]}, mark=mark, webhook=webhook,
                       files=[c for item in self.items for c in item.charts if Path(c).is_file()])

    def rows(self, key: str) -> list[list[Any]]:
        """One spreadsheet row per entry: when, schedule, what, figure, value, change, result id, summary, run key."""
        local = self.due_at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")
        return [[local, self.name, item.label, item.figure or "", item.value if item.value is not None else "", item.change, item.result_id or "",
                 item.error or item.summary, key] for item in self.items]


def _first_sentences(text: str, limit: int = 240) -> str:
    """The summary's opening, cut at a sentence end within `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = max(m.end() for m in re.finditer(r"[.!?](\s|$)", text[:limit])) if re.search(r"[.!?](\s|$)", text[:limit]) else 0
    return text[:cut].strip() if cut > 40 else text[: limit - 1].rstrip() + "…"


def headline(tool: str, data: Any) -> tuple[str | None, float | None]:
    if not isinstance(data, dict):
        return None, None
    figure, key = HEADLINES.get(tool, (None, None))
    keys = (key,) if key else FALLBACK_KEYS
    for k in keys:
        value = data.get(k)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return figure or k, float(value)
    return None, None


def label(tool: str, arguments: dict[str, Any], data: Any) -> str:
    """What an entry is about: the result's subject or target, else the first argument given."""
    if isinstance(data, dict) and data.get("ranking"):
        return "What's trending"  # hype_score without a subject: the ranking, whichever subject leads it
    if isinstance(data, dict):
        for key in ("subject", "target", "product"):
            if isinstance(data.get(key), str) and data[key]:
                return data[key]
    return next((str(v) for v in arguments.values() if isinstance(v, (str, int)) and not isinstance(v, bool)), tool)


def item_of(tool: str, arguments: dict[str, Any], out: ToolOutput, previous: DigestItem | None) -> DigestItem:
    data = out.model_dump(mode="json").get("data")
    figure, value = headline(tool, data)
    name = label(tool, arguments, data)
    summary = out.summary.removeprefix(f"{name}:").strip()  # the line starts with the label already
    return DigestItem(label=name, tool=tool, summary=_first_sentences(summary), figure=figure, value=value,
                      previous=previous.value if previous is not None and previous.figure == figure else None, result_id=out.result_id or None,
                      charts=[c.path for c in out.charts])


def failed_item(tool: str, arguments: dict[str, Any], error: str) -> DigestItem:
    return DigestItem(label=label(tool, arguments, None), tool=tool, summary="", error=error)
