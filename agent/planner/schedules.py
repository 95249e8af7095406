"""Arguments for schedule_report from a sentence: which action, and for a new schedule the report
to re-run (the planner's own builder for that tool, on the sentence without its schedule words),
when (engines.cron reads the words), the zone and where it goes.

"every Monday 9am post the hype digest for Delta and United to #brand" → hype_score for Delta and
for United, when "every Monday 9am", to slack:#brand; "email me the SKU 85123A forecast on the 1st
of each month" → forecast_demand for 85123A, to email:me; "pause the Monday digest" → pause, name
"the Monday digest" (the tool finds the schedule by the words of its name)."""
from __future__ import annotations

import re
from typing import Any

from agent.planner.arguments import HYPE_STOP, TRENDING
from agent.planner.slots import Slots, extract, residue_runs
from engines.cron import WHEN, _TIME

LIST = re.compile(r"\bwhat'?s\s+(?:been\s+)?scheduled\b|\bwhat\s+(?:is|are|have i|have we)\s+(?:got\s+)?scheduled\b|\b(?:list|show|see|any|my|our|which|all)\b.{0,25}\b(?:schedules|scheduled|digests|recurring)\b"
                  r"|\bwhat (?:reports|digests|emails) (?:are|go|do)\b", re.IGNORECASE)
ACTIONS = (("resume", r"\b(?:resume|unpause|un-pause|restart|re-?enable|turn\b.{0,30}\bback on|start\b.{0,30}\bagain)\b"),
           ("pause", r"\b(?:pause|hold off|suspend|mute)\b"),
           ("remove", r"\b(?:stop|remove|delete|cancel|kill|drop|turn off|unschedule|get rid of|no more)\b"))
REPORTS = ((r"\b(?:hype|buzz|chatter|sentiment|trending|mentions)\b", "hype_score"), (r"\b(?:forecasts?|demand|projections?|outlook)\b", "forecast_demand"),
           (r"\bpersonas?\b", "build_personas"), (r"\b(?:readout|launch (?:plan|analysis))\b", "analyze_launch"), (r"\b(?:affinity|tastes?)\b", "audience_affinity"))
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
SHEET = re.compile(r"https://docs\.google\.com/spreadsheets/d/[\w-]+\S*|\b(?:google\s+)?(?:sheet|spreadsheet)\s+(?:id\s+)?([\w-]{20,})(?:\s+(?:tab|in tab)\s+['\"]?([\w ]+?)['\"]?(?:\s|$))?", re.IGNORECASE)
ZONE = re.compile(r"\b(UTC|GMT|[A-Z][a-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)\b")
NAMED_HOOK = re.compile(r"\b(?:the\s+)?([a-z][\w-]{0,39})\s+webhook\b|\bwebhook\s+([a-z][\w-]{0,39})\b", re.IGNORECASE)
DELIVERY_WORDS = re.compile(r"\b(?:e-?mail|mail|send|post|drop|share|put|push|write|add)\s+(?:it\s+|them\s+|me\s+|us\s+|the team\s+)?(?:to\s+|in(?:to)?\s+)?|\b(?:to|in|into|on)\s+(?=#|slack|discord|the\s+\w+\s+webhook)",
                            re.IGNORECASE)
REPORT_STOP = {"digest", "digests", "report", "reports", "summary", "update", "updates", "email", "e-mail", "mail", "post", "send", "please", "me", "us", "team", "schedule",
               "scheduled", "each", "every", "it", "to", "at"}


def schedule_arguments(s: Slots, prev: dict[str, Any], ok: bool, builders: dict[str, Any], last: tuple[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """`prev` is the thread's last schedule_report call: a create that asked a question (something
    missing) or failed is completed by this turn ("#brand", "Delta and United"); otherwise a turn starts
    afresh. `last` is the thread's last other call (tool, arguments): what "that forecast" schedules."""
    text = s.text
    if LIST.search(text) and not WHEN.search(text):
        return {"action": "list"}
    for action, pattern in ACTIONS:
        verb = re.search(pattern, text, re.IGNORECASE)
        if verb and not WHEN.search(text):
            name = re.sub(r"^\s*(?:the|my|our|that|this)\s+", "", text[verb.end():]).strip(" ?!.\"'")
            return {"action": action, "name": name} if name and name.lower() not in ("it", "that", "this", "one") else {"action": action}
    unfinished = (prev.get("action") == "create" and (not ok or not all(prev.get(k) for k in ("tool", "when", "destinations", "arguments")))
                  and not WHEN.search(text))  # a turn that says when is a new request, not an answer
    args: dict[str, Any] = dict(prev) if unfinished else {"action": "create"}
    when, at = max(WHEN.finditer(text), key=lambda m: len(m.group(0)), default=None), _TIME.search(text)  # "weekly … every monday": the fuller one
    if when:
        args["when"] = " ".join(m.group(0) for m in (when, at) if m)
    zone = ZONE.search(text)
    if zone:
        args["timezone"] = zone.group(1)
    args["destinations"] = list(dict.fromkeys([*args.get("destinations", []), *destinations(s)]))
    tool = next((t for pattern, t in REPORTS if re.search(pattern, text, re.IGNORECASE)), None) or args.get("tool")
    pointed = last is not None and re.search(r"\b(?:that|this|it|the same)\b", text, re.IGNORECASE) and (tool is None or tool == last[0])
    if pointed and last is not None:
        tool = last[0]  # "a weekly email of that forecast": the thread's last forecast, as it was asked
    if tool is not None:
        args["tool"] = tool
        args["arguments"] = report_arguments(tool, report_text(s), builders) or ([dict(last[1])] if pointed and last else []) or args.get("arguments", [])
    return args


def destinations(s: Slots) -> list[str]:
    text, found = s.text, []
    sheet = SHEET.search(text)
    if sheet:
        found.append("sheets:" + (sheet.group(1) + (f"/{sheet.group(2).strip()}" if sheet.group(2) else "") if sheet.group(1) else sheet.group(0)))
    if s.post_channel and not (sheet and "docs.google.com" in s.post_channel):
        found.append(s.post_channel)
    found += [f"email:{address}" for address in EMAIL.findall(text)]
    if not any(d.startswith("email:") for d in found) and re.search(r"\b(?:e-?mail|mail)\s+(?:it\s+|this\s+)?(?:to\s+)?me\b|\bto my (?:e-?mail|inbox)\b", text, re.IGNORECASE):
        found.append("email:me")
    hook = NAMED_HOOK.search(text)
    if hook and not any(d.startswith("webhook:") for d in found):
        found.append(f"webhook:{hook.group(1) or hook.group(2)}")
    return found


def report_text(s: Slots) -> str:
    """The sentence without its schedule, time, zone and delivery words: what the report is."""
    text = s.text
    for pattern in (WHEN, _TIME, ZONE, SHEET, EMAIL, NAMED_HOOK, re.compile(r"https?://\S+|(?<![\w&])#[\w-]+|\bdiscord(?: channel)?\s*#?\d+", re.IGNORECASE), DELIVERY_WORDS,
                    re.compile(r"^\s*(?:ok(?:ay)?\s+|please\s+|can you\s+)*(?:set(?:\s+up)?|schedule|create|make)\b", re.IGNORECASE)):
        text = pattern.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" ,.?!")


def report_arguments(tool: str, text: str, builders: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool's own builder on the report text; several subjects ("Delta and United") give one call each."""
    slots = extract(text, None)
    args = {k: v for k, v in builders[tool](slots, {}, None).items() if v not in (None, "", [], {})}
    if tool != "hype_score":
        return [args] if args else []
    subjects = residue_runs(slots, REPORT_STOP | HYPE_STOP) or ([args["subject"]] if args.get("subject") and args["subject"].lower() not in REPORT_STOP else [])
    common = {k: v for k, v in args.items() if k not in ("subject", "versus")}
    if not subjects and TRENDING.search(text):
        return [common]  # "a weekly email of what's trending": the ranking of every subject
    return [{"subject": subject, **common} for subject in subjects[:10]]
