"""When a watched score counts as crossing its threshold, with hysteresis, and the alert's text.

A watch reads the score's 90 % interval, not the point score (`engines.hype.score`): "above 70"
fires only when the interval's lower end is ≥ 70 ("below 30": its upper end ≤ 30), so a quiet
subject whose range merely touches the threshold stays silent. With `days_in_row` = N it must hold
for the windows ending on each of the last N days (the latest and the N − 1 before it).
Hysteresis: a watch is *armed* until it fires; it re-arms only once the point score has gone back
past the threshold by HYSTERESIS points. A score hovering at 69–71 around 70 fires once, not on
every evaluation.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

HYSTERESIS = 5.0


class Reading(BaseModel):
    """One scored window as a watch sees it: the score and its 90 % interval."""

    score: float
    low: float
    high: float


class Decision(BaseModel):
    fire: bool
    armed: bool  # the watch's armed state after this evaluation


def decide(readings: Sequence[Reading], threshold: float, direction: str, armed: bool, days_in_row: int = 1, margin: float = HYSTERESIS) -> Decision:
    """`readings` newest first: the latest window, then the windows ending 1, 2, … days earlier."""
    def beyond(r: Reading) -> bool:
        return r.low >= threshold if direction == "above" else r.high <= threshold

    if armed and len(readings) >= days_in_row and all(beyond(r) for r in readings[:days_in_row]):
        return Decision(fire=True, armed=False)
    score = readings[0].score
    rearm = score < threshold - margin if direction == "above" else score > threshold + margin
    return Decision(fire=False, armed=armed or rearm)


def alert_text(subject: str, reading: Reading, state: str, threshold: float, direction: str, window: str, flags: Sequence[str], *,
               previous: float | None = None, days_in_row: int = 1, posts: int | None = None, drivers: Sequence[str] = ()) -> str:
    """The alert as one plain sentence (the rich renderings add sample posts, a chart and a
    details button): score and range, change since the watch's last reading, which side of the
    threshold for how many days, the window and its post count, the drivers, the flags."""
    change = "" if previous is None else f", {reading.score - previous:+.0f} since the last check ({previous:.0f})"
    days = f" on {days_in_row} days in a row" if days_in_row > 1 else ""
    count = f", {posts:,} posts" if posts is not None else ""
    text = (f"{state} {subject} hype is {reading.score:.0f}/100 (90% range {reading.low:.0f}–{reading.high:.0f}){change} — "
            f"{'above' if direction == 'above' else 'below'} your threshold of {threshold:.0f}{days} ({window}{count}).")
    if drivers:
        text += " Drivers: " + "; ".join(drivers) + "."
    if flags:
        text += " ⚠️ " + "; ".join(flags) + "."
    return text


class Channel(BaseModel):
    kind: Literal["slack", "discord", "webhook"]
    target: str  # Slack channel name/id, Discord channel id, webhook URL or webhook name


def parse_channel(text: str) -> Channel:
    """'slack:#launches' / 'slack:C0123', 'discord:<numeric channel id>', 'webhook:https://…' or
    'webhook:<name>' (a webhook the operator named). Raises ValueError naming the accepted forms;
    whether a webhook may be used at all is `tools.webhooks`' decision."""
    kind, _, target = text.strip().partition(":")
    kind, target = kind.lower(), target.strip()
    if kind == "slack" and re.fullmatch(r"#?[\w.-]{1,80}", target):
        return Channel(kind="slack", target=target)
    if kind == "discord" and re.fullmatch(r"\d{5,25}", target):
        return Channel(kind="discord", target=target)
    if kind == "webhook" and re.fullmatch(r"https?://[^\s]+|[\w-]{1,40}", target):
        return Channel(kind="webhook", target=target)
    raise ValueError(f"channel {text!r} is not one of 'slack:#channel', 'discord:<numeric channel id>', 'webhook:https://…' or 'webhook:<name>'")
