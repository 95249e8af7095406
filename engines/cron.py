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
