"""schedule_report: create, list, pause, resume and remove scheduled reports.

A schedule re-runs one tool (once per argument set: "the hype digest for Delta and United" is
hype_score for Delta, then for United) when its cron expression comes due in its time zone, and
sends the digest to its destinations; `caeser serve watcher` runs them (bots/scheduler.py).
Everything a schedule needs is checked when it is made, so a mistake is said now, not next Monday:
the cron expression or the words for it ("every Monday 9am"), the zone, the tool and its
arguments (validated like a call), every destination (its form; webhooks against the allow-list;
"email me" against CAESER_USER_EMAIL). Schedules are the owner's: list/pause/remove see only theirs.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

from engines.cron import CronError, check, describe, from_words
from engines.destinations import parse_destination
from memory.schedules import ScheduleExists, ScheduleNotFound, create_schedule, list_schedules, pause_schedule, remove_schedule, resume_schedule, runs_of
from memory.tables import ReportSchedule, ScheduleRun
from tools.base import ToolContext, ToolError, ToolOutput
from tools.formatting import day
from tools.registry import register, validate_input
from tools.schemas import StrictInput
from tools.toolset import TOOL_MODULES
from tools.webhooks import WebhookRefused, check_destination

NOT_SCHEDULABLE = {"schedule_report", "export_report", "watch_hype", "list_watches", "record_engagement"}  # bookkeeping, not reports
REPORT_NAMES = {"hype_score": "hype digest", "forecast_demand": "forecast", "audience_affinity": "affinity report", "analyze_launch": "launch readout"}
STOP_WORDS = {"the", "a", "an", "my", "our", "that", "this", "one", "schedule", "scheduled", "report", "please", "me", "us"}


class ScheduleReportInput(StrictInput):
    action: Literal["create", "list", "pause", "resume", "remove"] = Field(default="create", description="create a schedule, list them, pause/resume one, or remove one.",
                                                                           examples=["create"])
    name: str | None = Field(default=None, max_length=120, description="The schedule's name (create: optional, made from the report; pause/resume/remove: its name, words of it, or its id).",
                             examples=["Monday hype digest"])
    tool: str | None = Field(default=None, max_length=64, description="The tool to re-run (create).", examples=["hype_score"])
    arguments: list[dict[str, Any]] = Field(default_factory=list, max_length=20, description="The tool's arguments, one object per re-run (create).",
                                            examples=[[{"subject": "Delta"}, {"subject": "United"}]])
    cron: str | None = Field(default=None, max_length=120, description="5-field cron expression (minute hour day-of-month month day-of-week), e.g. '0 9 * * 1'.", examples=["0 9 * * 1"])
    when: str | None = Field(default=None, max_length=200, description="The schedule in words instead of cron: 'every Monday 9am', 'on the 1st of each month'.", examples=["every Monday 9am"])
    timezone: str = Field(default="UTC", max_length=64, description="IANA time zone the times are in.", examples=["Europe/London"])
    destinations: list[str] = Field(default_factory=list, max_length=10, description="Where the digest goes: 'slack:#channel', 'discord:<channel id>', 'email:name@company.com' "
                                    "(or 'email:me'), 'sheets:<spreadsheet id>[/<tab>]', 'webhook:<name>'.", examples=[["slack:#brand"]])

    @field_validator("arguments", mode="before")
    @classmethod
    def _one_call(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


class RunInfo(BaseModel):
    due_at: datetime
    status: str
    attempts: int
    last_error: str | None
    result_ids: list[str]


class ScheduleInfo(BaseModel):
    schedule_id: int
    name: str
    when: str = Field(description="The schedule in words, with its zone.")
    cron: str
    timezone: str
    tool: str
    arguments: list[dict[str, Any]]
    destinations: list[str]
    paused: bool
    next_due_at: datetime | None
    status: str = Field(description="'paused', 'next: <date>', or the last run's failure with its reason.")
    last_result_ids: list[str]
    runs: list[RunInfo]


class ScheduleReportOutput(ToolOutput):
    data: list[ScheduleInfo]


def _local(moment: datetime, tz: str) -> str:
    local = (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))).astimezone(ZoneInfo(tz))
    return f"{local:%a} {day(local)} {local:%H:%M}"


def _info(schedule: ReportSchedule, runs: list[ScheduleRun]) -> ScheduleInfo:
    mine = [r for r in runs if r.schedule_id == schedule.id]
    last = mine[0] if mine else None
    if last is not None and last.status == "failed":
        status = f"last run ({_local(last.due_at, schedule.timezone)}) failed: {last.last_error}"
    elif last is not None and last.status == "pending" and last.last_error:
        status = f"retrying the {_local(last.due_at, schedule.timezone)} run (attempt {last.attempts}: {last.last_error})"
    elif schedule.paused:
        status = "paused"
    else:
        status = f"next {_local(schedule.next_due_at, schedule.timezone)}"
    return ScheduleInfo(schedule_id=schedule.id, name=schedule.name, when=f"{describe(schedule.cron)} {schedule.timezone}", cron=schedule.cron, timezone=schedule.timezone,
                        tool=schedule.tool, arguments=schedule.arguments, destinations=schedule.destinations, paused=schedule.paused,
                        next_due_at=None if schedule.paused else schedule.next_due_at, status=status, last_result_ids=schedule.last_result_ids,
                        runs=[RunInfo(due_at=r.due_at, status=r.status, attempts=r.attempts, last_error=r.last_error, result_ids=r.result_ids) for r in mine[:5]])


def _destination(ctx: ToolContext, text: str) -> str:
    """The stored form of one destination, or a ToolError saying what is wrong with it."""
    text = text.strip()
    if text.startswith("#"):
        text = f"{(ctx.origin_channel or 'slack:').split(':')[0]}:{text}"  # asked in Discord: its channel; else Slack's
    if re.fullmatch(r"(?:email|mailto):\s*me", text, re.IGNORECASE):
        if not ctx.settings.user_email or ctx.owner.kind != "cli":
            raise ToolError("invalid_argument", "Which address should I e-mail? Say it (e.g. 'email ana@shop.com'); from the terminal, CAESER_USER_EMAIL sets yours.", field="destinations")
        text = f"email:{ctx.settings.user_email}"
    try:
        destination = parse_destination(text)
        if destination.kind == "webhook":
            check_destination(destination.target, ctx.settings)
    except WebhookRefused as exc:
        raise ToolError("invalid_argument", f"I can't send reports to that webhook: {exc}.", field="destinations") from None
    except ValueError as exc:
        raise ToolError("invalid_argument", f"{str(exc)[0].upper()}{str(exc)[1:]}.", field="destinations") from None
    return destination.text


def _label(arguments: dict[str, Any]) -> str:
    return next((f"SKU {v}" if k == "sku" else str(v) for k, v in arguments.items() if k in ("subject", "sku", "product", "category", "description") and v), "")


def _default_name(tool: str, cron: str, arguments: list[dict[str, Any]]) -> str:
    labels = ", ".join(label for a in arguments if (label := _label(a)))
    words = describe(cron)
    cadence = "Daily" if words.startswith("every day") else "Monthly" if "of each month" in words else words.split(" at ")[0].removeprefix("every ") if words.startswith("every ") else "Scheduled"
    return f"{cadence} {REPORT_NAMES.get(tool, tool.replace('_', ' '))}" + (f" ({labels})" if labels else "")


def _create(inp: ScheduleReportInput, ctx: ToolContext) -> ScheduleReportOutput:
    if not inp.tool:
        raise ToolError("invalid_argument", "Which report should I send? Name the tool to re-run, e.g. hype_score for a hype digest or forecast_demand for a forecast.", field="tool")
    if inp.tool in NOT_SCHEDULABLE or inp.tool not in TOOL_MODULES:
        raise ToolError("invalid_argument", f"`{inp.tool}` can't be scheduled.", field="tool", options=sorted(set(TOOL_MODULES) - NOT_SCHEDULABLE))
    cron = inp.cron or (from_words(inp.when) if inp.when else None)
    if cron is None:
        raise ToolError("invalid_argument", f"When should it go out? {'I could not read a schedule in ' + repr(inp.when) + '; say' if inp.when else 'Say'} e.g. 'every Monday 9am', "
                        "'on the 1st of each month', or give a cron expression like '0 9 * * 1'.", field="when" if inp.when else "cron")
    try:
        cron = check(cron, inp.timezone)
    except CronError as exc:
        raise ToolError("invalid_argument", f"{str(exc)[0].upper()}{str(exc)[1:]}.", field="timezone" if "time zone" in str(exc) else "cron") from None
    if not inp.destinations:
        raise ToolError("invalid_argument", "Where should the report go? A Slack channel (#brand), 'email ana@shop.com', a Google Sheet (sheets:<id>) or a webhook name.", field="destinations")
    destinations = list(dict.fromkeys(_destination(ctx, d) for d in inp.destinations))
    calls = inp.arguments or [{}]
    for call in calls:
        validate_input(inp.tool, call)  # a bad argument is refused now, with the tool's own message
    name = (inp.name or _default_name(inp.tool, cron, calls)).strip()[:120]
    try:
        schedule = create_schedule(ctx.settings, ctx.owner, name=name, cron=cron, timezone=inp.timezone, tool=inp.tool, arguments=[validate_input(inp.tool, c).model_dump(exclude_unset=True)
                                   for c in calls], destinations=destinations)
    except ScheduleExists:
        raise ToolError("invalid_argument", f"You already have a schedule called “{name}”: give this one another name, or remove that one first.", field="name") from None
    info = _info(schedule, [])
    labels = [label for c in calls if (label := _label(c))]
    what = REPORT_NAMES.get(schedule.tool, f"`{schedule.tool}`") + (" for " + (", ".join(labels[:-1]) + " and " + labels[-1] if len(labels) > 1 else labels[0]) if labels else "")
    summary = (f"Scheduled “{schedule.name}”: the {what}, {info.when}, to {', '.join(destinations)}. "
               f"First one {_local(schedule.next_due_at, schedule.timezone)} {schedule.timezone}; each digest shows every result's change since the previous digest "
               "and its result id for follow-ups (`caeser serve watcher` sends them).")
    return ScheduleReportOutput(summary=summary, data=[info], source="report schedules")


def _find(ctx: ToolContext, name: str | None, action: str) -> ReportSchedule:
    """The one schedule `name` means: its id, its exact name, or the only one whose name, tool and destinations contain all its words."""
    schedules = list_schedules(ctx.settings, ctx.owner)
    if not schedules:
        raise ToolError("not_found", "You have no scheduled reports.", field="name")
    query = (name or "").strip()
    if not query and len(schedules) == 1:
        return schedules[0]
    exact = [s for s in schedules if str(s.id) == query.lstrip("#") or s.name.casefold() == query.casefold()]
    words = [w for w in re.findall(r"[\w#@.-]+", query.casefold()) if w not in STOP_WORDS]
    found = exact or [s for s in schedules if words and all(w.rstrip("s") in f"{s.name} {s.tool.replace('_', ' ')} {' '.join(s.destinations)} {describe(s.cron)}".casefold()
                                                              for w in words)]
    if len(found) == 1:
        return found[0]
    names = [f"{s.name} (#{s.id})" for s in (found or schedules)]
    which = "Which one" if found or not query else f"No schedule matches “{query}”; which one"
    raise ToolError("not_found" if not found else "invalid_argument", f"{which} should I {action}?", field="name", options=names)


@register("schedule_report", engine="schedules", input_model=ScheduleReportInput, output_model=ScheduleReportOutput, store=False, description="""
Schedule a report: re-run a tool (a hype digest, a forecast…) on a cron schedule in a time zone and
send the digest to Slack/Discord channels, e-mail (PDF/CSV attached), a Google Sheet or a webhook;
also list, pause, resume or remove schedules. Use for "every Monday 9am post the hype digest for
Delta to #brand", "email me the SKU 85123A forecast on the 1st of each month", "what's scheduled?".
""")
def schedule_report(inp: ScheduleReportInput, ctx: ToolContext) -> ScheduleReportOutput:
    if inp.action == "create":
        return _create(inp, ctx)
    if inp.action == "list":
        schedules = list_schedules(ctx.settings, ctx.owner)
        runs = runs_of(ctx.settings, [s.id for s in schedules], limit=20 * len(schedules)) if schedules else []
        infos = [_info(s, runs) for s in schedules]
        if not infos:
            return ScheduleReportOutput(summary="Nothing is scheduled yet. Try “every Monday 9am post the hype digest for Delta to #brand”.", data=[], source="report schedules")
        lines = [f"“{i.name}” — {i.when} → {', '.join(i.destinations)}: {i.status}" for i in infos]
        return ScheduleReportOutput(summary=f"{len(infos)} scheduled report(s): " + "; ".join(lines) + ".", data=infos, source="report schedules")
    schedule = _find(ctx, inp.name, inp.action)
    try:
        if inp.action == "pause":
            changed, said = pause_schedule(ctx.settings, ctx.owner, schedule.id), "Paused"
        elif inp.action == "resume":
            changed, said = resume_schedule(ctx.settings, ctx.owner, schedule.id), "Resumed"
        else:
            changed, said = remove_schedule(ctx.settings, ctx.owner, schedule.id), "Removed"
    except ScheduleNotFound:
        raise ToolError("not_found", f"The schedule “{schedule.name}” was just removed.", field="name") from None
    info = _info(changed, [])
    tail = {"Paused": "nothing goes out until you resume it", "Resumed": f"next one {info.status.removeprefix('next ')} {changed.timezone}",
            "Removed": "its past digests and their results are kept"}[said]
    return ScheduleReportOutput(summary=f"{said} “{changed.name}” ({info.when}); {tail}.", data=[info], source="report schedules")
