"""schedule_report: what a marketer types becomes a checked schedule; mistakes are said at once;
list shows a failed run's reason; pause/resume/remove find a schedule by words of its name."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from memory.owner import Owner
from memory.schedules import claim_runs, enqueue_due, list_schedules, mark_failed
from tests.bots.test_scheduler import CREATED, forget
from tools.base import ToolContext, ToolError
from tools.registry import run_tool


@pytest.fixture
def me(settings):
    ctx = ToolContext(settings=settings.model_copy(update={"user_email": "ana@shop.example"}), owner=Owner.cli(f"ana{uuid.uuid4().hex[:6]}"))
    yield ctx
    forget(settings, [s.id for s in list_schedules(settings, ctx.owner)])


def call(ctx: ToolContext, **args):
    out = run_tool("schedule_report", args, ctx)
    CREATED.extend(i.schedule_id for i in out.data if args.get("action", "create") == "create")
    return out


def test_create_from_words_names_it_and_says_when(me):
    out = call(me, tool="hype_score", arguments=[{"subject": "Delta"}, {"subject": "United"}], when="every Monday 9am", timezone="Europe/London", destinations=["#brand"])
    [info] = out.data
    assert info.name == "Monday hype digest (Delta, United)" and info.cron == "0 9 * * 1" and info.destinations == ["slack:#brand"]
    assert "every Monday at 09:00 Europe/London" in out.summary and "First one Mon" in out.summary
    monthly = call(me, tool="forecast_demand", arguments={"sku": "85123A"}, when="on the 1st of each month", destinations=["email:me"]).data[0]
    assert monthly.name == "Monthly forecast (SKU 85123A)" and monthly.destinations == ["email:ana@shop.example"] and monthly.cron == "0 9 1 * *"


@pytest.mark.parametrize("args, field, words", [
    ({"cron": "0 25 * * *"}, "cron", "not valid"),
    ({"when": "whenever"}, "when", "could not read a schedule"),
    ({"timezone": "Mars/Base"}, "timezone", "Unknown time zone"),
    ({"destinations": ["fax:0123"]}, "destinations", "Unknown destination 'fax:0123'"),
    ({"destinations": ["webhook:https://evil.example/x"]}, "destinations", "not allowed"),
    ({"destinations": []}, "destinations", "Where should the report go"),
    ({"tool": "watch_hype"}, "tool", "can't be scheduled"),
    ({"arguments": [{"subject": "Delta", "windw": 3}]}, "windw", "Unknown argument"),
])
def test_mistakes_are_refused_with_the_reason(me, args, field, words):
    base = {"tool": "hype_score", "arguments": [{"subject": "Delta"}], "when": "every Monday", "destinations": ["#brand"]}
    with pytest.raises(ToolError) as err:
        call(me, **(base | args))
    assert words in err.value.message and err.value.info.field == field
    assert list_schedules(me.settings, me.owner) == []


def test_email_me_needs_an_address_outside_the_terminal(me):
    slack = ToolContext(settings=me.settings, owner=Owner.slack(f"T{uuid.uuid4().hex[:6]}"))
    with pytest.raises(ToolError, match="Which address should I e-mail"):
        call(slack, tool="hype_score", arguments={"subject": "Delta"}, when="weekly", destinations=["email:me"])


def test_list_pause_resume_remove_by_words_and_failed_runs_show_why(me):
    call(me, tool="hype_score", arguments=[{"subject": "Delta"}], when="every Monday 9am", destinations=["#brand"])
    forecast = call(me, tool="forecast_demand", arguments={"sku": "85123A"}, when="on the 1st of each month", destinations=["email:me"]).data[0]
    assert "paused" in call(me, action="pause", name="the Monday digest").summary.lower()
    with pytest.raises(ToolError) as err:
        call(me, action="pause", name="digest or forecast")
    assert "No schedule matches" in err.value.message and len(err.value.info.options) == 2
    later = datetime.now(timezone.utc) + timedelta(days=40)
    [run] = [r for r in enqueue_due(me.settings, later) if r.schedule_id == forecast.schedule_id]
    while run.id not in [r.id for r in claim_runs(me.settings, "w", 60, now=later)]:
        pass
    mark_failed(me.settings, run.id, "w", "email:ana@shop.example: the SMTP server refused the login (535)")
    listed = call(me, action="list")
    assert "paused" in listed.summary and "failed: email:ana@shop.example: the SMTP server refused the login (535)" in listed.summary
    assert "Resumed" in call(me, action="resume", name="monday").summary
    assert "Removed “Monthly forecast (SKU 85123A)”" in call(me, action="remove", name="the forecast email").summary
    assert [s.name for s in list_schedules(me.settings, me.owner)] == ["Monday hype digest (Delta)"]
    other = ToolContext(settings=me.settings, owner=Owner.cli(f"bo{uuid.uuid4().hex[:6]}"))
    assert call(other, action="list").data == []  # another tenant sees none of them
