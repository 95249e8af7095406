"""Cron expressions in a zone: clear errors, due times in UTC across daylight saving."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engines.cron import CronError, check, latest_due, next_after

UTC = timezone.utc


def test_monday_nine_follows_london_time_across_the_clock_change():
    first = next_after("0 9 * * 1", "Europe/London", datetime(2026, 3, 23, 9, 0, tzinfo=UTC))  # 09:00 GMT is due exactly now: next is the week after
    assert first == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # BST: 09:00 local = 08:00 UTC


def test_first_of_the_month_in_new_york():
    assert next_after("0 9 1 * *", "America/New_York", datetime(2026, 1, 15, tzinfo=UTC)) == datetime(2026, 2, 1, 14, 0, tzinfo=UTC)


def test_latest_due_counts_a_time_due_exactly_now_and_skips_missed_ones():
    now = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    assert latest_due("0 9 * * 1", "UTC", now) == now
    assert latest_due("0 9 * * 1", "UTC", datetime(2026, 4, 7, tzinfo=UTC)) == datetime(2026, 4, 6, 9, 0, tzinfo=UTC)  # three Mondays missed: only the last


@pytest.mark.parametrize("expression, words", [("0 9 * *", "needs 5"), ("61 9 * * *", "not valid"), ("0 9 * * funday", "not valid"), ("0 9 * * 1 2026", "needs 5")])
def test_bad_expressions_say_what_is_wrong(expression, words):
    with pytest.raises(CronError, match=words):
        check(expression, "UTC")


def test_unknown_zone_names_the_accepted_form():
    with pytest.raises(CronError, match="unknown time zone 'Mars/Base'.*IANA"):
        check("0 9 * * 1", "Mars/Base")
    assert check("0  9 * *   1", "Europe/Paris") == "0 9 * * 1"
