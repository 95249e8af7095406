"""Cron expressions in a time zone: validation with a readable error, and the due times they name.

WHY `croniter` under a thin layer: cron semantics (ranges, steps, names, day-of-month OR day-of-week)
and daylight-saving edges are easy to get subtly wrong; croniter is the widely used parser. This
module pins what caeser accepts — exactly five fields (minute hour day-of-month month day-of-week),
an IANA zone name — and returns aware UTC datetimes, so the stores never see local times.
Daylight saving: times are wall-clock times in the zone. A time skipped by a spring-forward runs at
the first valid minute after the gap (02:30 → 03:00 in Europe/London's 01:00 gap → 02:00), and a time
repeated in autumn runs once.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")


class CronError(ValueError):
    """A cron expression or time zone that cannot be used; the message names the problem and the accepted form."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (e.g. 'Europe/London', 'America/New_York', 'UTC')."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"unknown time zone {name!r}: use an IANA name such as 'Europe/London', 'America/New_York' or 'UTC'") from None


def check(expression: str, tz: str) -> str:
    """The normalised expression (single spaces) if it is a valid 5-field cron in a known zone, else CronError."""
    zone(tz)
    fields = expression.split()
    if len(fields) != len(FIELDS):
        raise CronError(f"cron expression {expression!r} has {len(fields)} field(s); it needs 5: {' '.join(FIELDS)} (e.g. '0 9 * * 1' = Mondays at 09:00)")
    normalised = " ".join(fields)
    try:
        croniter(normalised, datetime(2000, 1, 1))
    except (CroniterError, ValueError, KeyError) as exc:
        raise CronError(f"cron expression {expression!r} is not valid ({exc}); fields are {' '.join(FIELDS)}, e.g. '0 9 1 * *' = the 1st of each month at 09:00") from None
    return normalised


def next_after(expression: str, tz: str, after: datetime) -> datetime:
    """The first due time strictly after `after` (aware), as aware UTC."""
    local = after.astimezone(zone(tz))
    return croniter(expression, local).get_next(datetime).astimezone(timezone.utc)


def latest_due(expression: str, tz: str, now: datetime) -> datetime:
    """The last due time at or before `now` (aware UTC): a scheduler that was down for three Mondays
    sends one digest, for the latest, not four."""
    local = (now + timedelta(seconds=1)).astimezone(zone(tz))  # croniter steps whole seconds: a time due exactly now counts
    return croniter(expression, local).get_prev(datetime).astimezone(timezone.utc)


# --- schedules said in words ------------------------------------------------------------------------

DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")  # cron's day numbers 0–6
_DAY = r"(?:sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day)?s?"
_TIME = re.compile(r"\b(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)|\bat\s+(\d{1,2}):(\d{2})\b|\b(noon|midday|midnight)\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+)?of\s+(?:each|every|the|a)\s+month\b|\b(?:on\s+)?the\s+(first|1st|last)\s+(?:day\s+)?of\s+(?:each|every|the|a)\s+month\b",
                      re.IGNORECASE)
WHEN = re.compile(rf"\b(?:every|each)\s+(?:single\s+)?(?:day|morning|weekday|week|month|hour|{_DAY})(?:\s+(?:and|&)\s+{_DAY})*\b|\b(?:daily|weekly|monthly|hourly)\b|\bon\s+{_DAY}(?:\s+(?:and|&)\s+{_DAY})*\b"
                  rf"|{_ORDINAL.pattern}", re.IGNORECASE)


def _day_number(word: str) -> int:
    return next(i for i, d in enumerate(DAYS) if d.startswith(word.lower()[:3]))


def from_words(text: str) -> str | None:
    """A 5-field cron for a schedule said in words — "every Monday 9am", "on the 1st of each month",
    "daily at 17:30", "every weekday at 8am", "weekly" — or None when the text names no recurrence.
    No time given means 09:00; "weekly" means Mondays."""
    if not WHEN.search(text):
        return None
    minute, hour = 0, 9
    t = _TIME.search(text)
    if t:
        if t.group(6):
            hour = {"noon": 12, "midday": 12, "midnight": 0}[t.group(6).lower()]
        elif t.group(4):
            hour, minute = int(t.group(4)), int(t.group(5))
        else:
            hour, minute = int(t.group(1)) % 12, int(t.group(2) or 0)
            hour += 12 if t.group(3).lower().startswith("p") else 0
    lowered = text.lower()
    if re.search(r"\bevery\s+hour\b|\bhourly\b", lowered):
        return f"{minute if t else 0} * * * *"
    month_day = _ORDINAL.search(text)
    if month_day:
        which = (month_day.group(1) or month_day.group(2)).lower()
        day = "L" if which == "last" else "1" if which in ("first", "1st") else str(int(which))
        return f"{minute} {hour} {day} * *"
    if re.search(r"\bevery\s+month\b|\bmonthly\b", lowered):
        return f"{minute} {hour} 1 * *"
    if re.search(r"\b(every|each)\s+weekday\b", lowered):
        return f"{minute} {hour} * * 1-5"
    days = [_day_number(m.group(1)) for m in re.finditer(rf"\b({_DAY})\b", lowered)]
    if days:
        return f"{minute} {hour} * * {','.join(str(d) for d in sorted(set(days)))}"
    if re.search(r"\b(every|each)\s+week\b|\bweekly\b", lowered):
        return f"{minute} {hour} * * 1"
    return f"{minute} {hour} * * *"


def describe(expression: str) -> str:
    """The common shapes in words ("every Monday at 09:00", "on day 1 of each month at 09:00"); others as the cron itself."""
    fields = expression.split()
    minute, hour, dom, month, dow = fields
    if not (minute.isdigit() and hour.isdigit()):
        return "every hour" if (minute.isdigit() and hour == "*" and dom == month == dow == "*") else f"cron '{expression}'"
    at = f"at {int(hour):02d}:{int(minute):02d}"
    if month != "*":
        return f"cron '{expression}'"
    if dom == dow == "*":
        return f"every day {at}"
    if dom == "*" and dow == "1-5":
        return f"every weekday {at}"
    if dom == "*" and all(d.isdigit() and int(d) < 7 for d in dow.split(",")):
        return "every " + " and ".join(DAYS[int(d)].capitalize() for d in dow.split(",")) + f" {at}"
    if dow == "*" and (dom.isdigit() or dom == "L"):
        return f"on the {'last day' if dom == 'L' else _ordinal(int(dom))} of each month {at}"
    return f"cron '{expression}'"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
