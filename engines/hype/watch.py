"""When a watched score counts as crossing its threshold, with hysteresis, and the alert's text.

Hysteresis: a watch is *armed* until it fires; it fires when armed and the score is on the alert
side of the threshold (≥ for "above", ≤ for "below"); it re-arms only once the score has gone back
past the threshold by HYSTERESIS points. A score hovering at 69–71 around a threshold of 70 fires
once, not on every evaluation.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

HYSTERESIS = 5.0


class Decision(BaseModel):
    fire: bool
    armed: bool  # the watch's armed state after this evaluation


def decide(score: float, threshold: float, direction: str, armed: bool, margin: float = HYSTERESIS) -> Decision:
    beyond = score >= threshold if direction == "above" else score <= threshold
    if armed and beyond:
        return Decision(fire=True, armed=False)
    rearm = score < threshold - margin if direction == "above" else score > threshold + margin
    return Decision(fire=False, armed=armed or rearm)


def alert_text(subject: str, score: float, state: str, threshold: float, direction: str, window: str, flags: Sequence[str]) -> str:
    text = f"{state} {subject} hype is {score:.0f}/100 — {'above' if direction == 'above' else 'below'} your threshold of {threshold:.0f} ({window})."
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
