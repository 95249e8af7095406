"""The planner's decision for one user turn: call a tool, ask a question, or just answer.

A turn is read against the thread: the last tool call (whose arguments a follow-up amends) and a
pending clarifying question (whose answer fills the missing argument). What makes a follow-up:
it is short, often opens with "and", "now", "what about", "try", and carries only argument values
— so it keeps the previous tool unless it names another tool's cue strongly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from agent.planner.arguments import RIVAL, PreviousCall, build_arguments, listed_products
from agent.planner.intents import METHOD, REASK, IntentClassifier, IntentScores, default_classifier
from agent.planner.slots import ALERT_WORDS, Slots, extract, residue
from agent.planner.style import Style

FOLLOWUP_OPENERS = re.compile(r"^\s*(and|also|now|what about|how about|wbu|same|instead|try|for|in|with|make it|add|but|then|ok(ay)?|what if|do|redo|rerun|re-run|again|only|just|plus|switch|change|compared (to|with)|vs\.?|versus|against|assume|assuming|at)\b", re.IGNORECASE)
STRONG = 0.9  # an intent this sure overrides a follow-up reading
METHOD_QUESTION = re.compile(METHOD + r"|\b(assumptions?|methodology|method)\b|\bwhere (does|did) (that|this|the) \w+ come from"
                             r"|\bhow (is|was) (that|this|it|the score|the hype score|the forecast) (calculated|computed|worked out|scored|made)", re.IGNORECASE)
DECLINE_FLOOR = 0.6  # the classifier alone declines a request only when this sure


@dataclass
class Pending:
    """A question the planner asked: which tool, what it had, what it still needs."""

    tool: str
    args: dict[str, Any]
    missing: list[str]


MAX_FORECASTS = 5  # SKUs or product groups forecast in one turn; more are left for the next


@dataclass
class Decision:
    kind: str  # "tool" | "clarify" | "help" | "greeting" | "decline" | "sources"
    intent: str
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    question: str | None = None
    pending: Pending | None = None
    followup: bool = False
    style: Style | None = None  # how the answer is to be written (bullets, short)
    also: list[dict[str, Any]] = field(default_factory=list)  # more calls of the same tool this turn ("forecast 84879 and 22423")


def is_followup_shaped(text: str, slots: Slots) -> bool:
    words = re.findall(r"\w+", text)
    if FOLLOWUP_OPENERS.match(text) and len(words) <= 10:
        return True
    has_values = any([slots.region, slots.age_min, slots.age_max, slots.gender, slots.prices, slots.starts, slots.horizon, slots.count, slots.max_price, slots.user_id,
                      slots.post_channel, slots.threshold is not None, slots.cancel, slots.window_days, slots.hype_level is not None, slots.channels, slots.position])
    return len(words) <= 6 and has_values


def slot_evidence(slots: Slots, scores: IntentScores) -> IntentScores:
    """Argument shapes that only one tool takes are evidence too: two audiences mean a comparison,
    a threshold with a channel means a watch, a price ceiling without a launch means a search."""
    bonus: dict[str, float] = {}
    if len(slots.audiences) >= 2:
        bonus["compare_audiences"] = 0.5
    if slots.threshold is not None and slots.post_channel:
        bonus["watch_hype"] = 0.5
    if len(slots.prices) >= 2 or (slots.prices and len(slots.starts) >= 2):
        bonus["simulate_launch"] = 0.3
    if (slots.max_price is not None or slots.min_price is not None) and not slots.prices:
        bonus["search_products"] = 0.3
    if slots.user_id and slots.action and (slots.item_id or slots.quoted or slots.rank):
        bonus["record_engagement"] = 0.4
    if slots.threshold is not None and slots.direction and ALERT_WORDS.search(slots.text):
        bonus["watch_hype"] = bonus.get("watch_hype", 0.0) + 0.4
    if len(slots.starts) >= 2 and re.search(r"\blaunch", slots.text, re.IGNORECASE):
        bonus["simulate_launch"] = bonus.get("simulate_launch", 0.0) + 0.4  # two launch dates compared: a what-if
    if len(slots.regions) >= 2 and not slots.prices and MORE_THAN.search(slots.text):
        bonus["compare_audiences"] = bonus.get("compare_audiences", 0.0) + 0.6  # "do people in the UK drink more wine than Germans?"
    if slots.price_order is not None:
        bonus["search_products"] = 0.6  # "the cheapest wooden train set", "which one is cheapest?"
    if slots.voices is not None:
        bonus["hype_score"] = 0.6  # "what are people complaining about?": posts
    if slots.hype_level is not None:
        bonus["hype_score"] = -0.6  # "assume hype of 80" is an input to a forecast or simulation, not a hype question
    if not bonus:
        return scores
    merged = dict(scores.ranked)
    for intent, value in bonus.items():
        merged[intent] = merged.get(intent, 0.0) + value
    cued = (scores.cued | {i for i, v in bonus.items() if v > 0}) - {i for i, v in bonus.items() if v < 0}
    return IntentScores(sorted(merged.items(), key=lambda kv: -kv[1]), frozenset(cued))


MORE_THAN = re.compile(r"\b(more|less|fewer|better|worse|higher|lower)\b.{0,40}\bthan\b", re.IGNORECASE)
#: "these numbers", "that score": a question about the last answer rather than about caeser's data in general
ABOUT_THE_ANSWER = re.compile(r"\b(these|those|that|this|the)\s+(numbers?|figures?|scores?|estimates?|results?|forecasts?|stats)\b", re.IGNORECASE)
AUDIENCE_TOOLS = ("audience_affinity", "compare_audiences")
BOTH = re.compile(r"\b(both|the two|each of them|them both|either)\b", re.IGNORECASE)
PERSONAS = re.compile(r"\bpersonas?\b", re.IGNORECASE)
CONVERSATIONAL = ("help", "greeting", "decline", "sources")
POINTABLE = ("search_products", "hype_score")  # tools whose arguments resolve "the second one" to a row they listed


def choose_tool(text: str, slots: Slots, scores: IntentScores, previous: PreviousCall | None, tool_names: set[str]) -> tuple[str, bool]:
    """The intent for this turn, and whether it continues the previous call."""
    if scores.best == "decline" and "decline" not in scores.cued and scores.confidence < DECLINE_FLOOR:
        scores = IntentScores([kv for kv in scores.ranked if kv[0] != "decline"], scores.cued)  # decline only on clear evidence
    best = scores.best
    if best in CONVERSATIONAL and scores.confidence >= 1.0:
        return best, False  # a rule-backed greeting, help request or out-of-scope ask is never a follow-up
    if previous is None:
        if best == "followup":
            best = next(intent for intent, _ in scores.ranked if intent != "followup")
        return best, False
    if previous.tool in ("hype_score", "forecast_demand") and len(slots.audiences) < 2 and RIVAL.search(text):
        return previous.tool, True  # "how does that compare w/ american?" after a hype score adds a rival; after a forecast, a second forecast
    if previous.tool in POINTABLE and slots.position is not None and previous.listed and not residue(slots).strip() and scores.confidence < STRONG:
        return previous.tool, True  # "tell me more about the second one" after a search: that row, read by the tool that listed it
    shaped = is_followup_shaped(text, slots)
    if best == "compare_audiences" and shaped and previous.tool not in AUDIENCE_TOOLS and not (slots.audiences or slots.age_min or slots.age_max or slots.gender):
        return previous.tool, True  # "ok and in spring vs autumn?" after a simulation: its scenarios, not audiences
    if best in tool_names and best != previous.tool and scores.confidence >= STRONG and (best in scores.cued or not shaped):
        return best, False
    if best == "followup" or shaped:
        return previous.tool, True  # a short follow-up ("at $25") keeps its tool unless its words name another one
    return best, best == previous.tool


def decide(text: str, previous: PreviousCall | None, pending: Pending | None, tool_names: set[str], classifier: IntentClassifier | None = None, today: date | None = None) -> Decision:
    slots = extract(text, today)
    if slots.style is not None and previous is not None and previous.ok and not residue(slots).strip():
        # "make it shorter", "as 3 bullet points": the last answer again, written that way
        return Decision(kind="tool", intent=previous.tool, tool=previous.tool, args=dict(previous.args), followup=True, style=slots.style)
    decision = _decide(text, slots, previous, pending, tool_names, classifier or default_classifier())
    decision.style = slots.style or decision.style
    return decision


def _decide(text: str, slots: Slots, previous: PreviousCall | None, pending: Pending | None, tool_names: set[str], classifier: IntentClassifier) -> Decision:
    scores = slot_evidence(slots, classifier.scores(text))
    if pending is not None and (scores.best not in tool_names or scores.confidence < STRONG or scores.best == pending.tool) and not (scores.best in CONVERSATIONAL and scores.confidence >= 1.0):
        # The user is answering our question: the reply fills the pending call.
        base = PreviousCall(pending.tool, pending.args, previous.listed if previous else [])
        args, missing = build_arguments(pending.tool, slots, base)
        if missing and missing[0][0] in pending.missing and text.strip():
            key = missing[0][0].split("|")[0]
            named = residue(slots)
            if key in ("subject", "product", "query", "prefix", "item_id", "user_id") and (named or not is_followup_shaped(text, slots)):
                # the answer names it; a reply of values only ("try it at $99") amends the call and the question stands
                args[key] = named or text.strip().strip("?!.'\"")
                args, missing = build_arguments(pending.tool, extract(""), PreviousCall(pending.tool, args))
        return _finish(pending.tool, args, missing, followup=True)
    if scores.best == "sources" and previous is not None and previous.ok and ABOUT_THE_ANSWER.search(text):
        return _rerun(previous, Style("method"))  # "where do these numbers come from?": how the last answer was worked out
    if scores.best == REASK and previous is not None and previous.tool not in ("build_personas", "analyze_launch") and PERSONAS.search(text):
        scores = IntentScores([kv for kv in scores.ranked if kv[0] != REASK], scores.cued)  # "which persona should the ad target?" after a simulation: build them
    if scores.best == REASK and previous is not None and previous.tool == "audience_affinity" and len(previous.audiences) >= 2 and BOTH.search(text):
        args, missing = build_arguments("compare_audiences", slots, previous)  # "which of those do both love most?": the two audiences side by side
        return _finish("compare_audiences", args, missing, followup=True)
    if scores.best == REASK:
        if previous is None:  # "why?" about nothing yet: say what can be asked; "how accurate are you?": where the numbers come from
            return Decision(kind="sources", intent="sources") if METHOD_QUESTION.search(text) else Decision(kind="help", intent="help")
        # the previous answer already says which scenario wins and why: run it again as it was; asked
        # how it was worked out, the answer leads with the method
        return _rerun(previous, Style("method") if METHOD_QUESTION.search(text) else None)
    intent, followup = choose_tool(text, slots, scores, previous, tool_names)
    if intent in CONVERSATIONAL:
        return Decision(kind=intent, intent=intent)
    if intent not in tool_names:
        intent = next((i for i, _ in scores.ranked if i in tool_names), "hype_score")
    args, missing = build_arguments(intent, slots, previous)
    decision = _finish(intent, args, missing, followup=followup)
    if decision.kind != "tool" or intent != "forecast_demand":
        return decision
    if followup and previous is not None and previous.tool == intent and RIVAL.search(text) and decision.args != previous.args:
        # "compare it with 84991": the last forecast and the new one, side by side
        return Decision(kind="tool", intent=intent, tool=intent, args=dict(previous.args), followup=True, also=[*previous.also, decision.args][:MAX_FORECASTS - 1])
    return _one_forecast_each(decision, slots)


def _one_forecast_each(decision: Decision, slots: Slots) -> Decision:
    """Several SKUs ("forecast 84879 and 22423") or product groups listed with "and" ("candles and
    christmas decorations") named in one turn: one forecast call each, in the order named."""
    args = decision.args
    if args.get("sku") == slots.sku and len(slots.skus) > 1:
        key, named = "sku", slots.skus
    else:
        key, named = "product", [] if slots.skus else listed_products(slots)
        if args.get("product") not in named:
            return decision
    if len(named) > 1:
        decision.args = {**args, key: named[0]}
        decision.also = [{**args, key: value} for value in named[1:MAX_FORECASTS]]
    return decision


def _rerun(previous: PreviousCall, style: Style | None) -> Decision:
    """The last turn's calls again, as they were; a turn that ran several ("which one grows more?") runs them all."""
    calls = [*previous.also, dict(previous.args)]
    return Decision(kind="tool", intent=previous.tool, tool=previous.tool, args=calls[0], followup=True, style=style, also=calls[1:])


def _finish(tool: str, args: dict[str, Any], missing: list[tuple[str, str]], *, followup: bool) -> Decision:
    if missing:
        keys = [k for k, _ in missing]
        return Decision(kind="clarify", intent=tool, tool=tool, args=args, question=missing[0][1], pending=Pending(tool, args, keys), followup=followup)
    return Decision(kind="tool", intent=tool, tool=tool, args=args, followup=followup)
