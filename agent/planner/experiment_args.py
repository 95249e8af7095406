"""Arguments of the experiment and shopper-analytics tools from a message (the planner's builders
for start_experiment, experiment_results, stop_experiment and shopper_analytics).

"start an A/B test of personalised vs plain suggestions on 50% of traffic" → surface suggest,
traffic 0.5; "…search ranking… to detect a 3% lift… on conversion" → surface search, mde 0.03,
metric conversion. The control is always the plain ranking: it is what a test measures against."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.planner.arguments import PreviousCall
    from agent.planner.slots import Slots

EXPERIMENT_ID = re.compile(r"\bexp-[0-9a-f]{8}\b", re.IGNORECASE)
TRAFFIC = re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s?%\s*(?:of\s+)?(?:the\s+|our\s+|all\s+)?(?:traffic|users|shoppers|visitors|customers|sessions)\b", re.IGNORECASE)
HALF = re.compile(r"\bhalf\s+(?:of\s+)?(?:the\s+|our\s+)?(?:traffic|users|shoppers|visitors)\b", re.IGNORECASE)
MDE = re.compile(r"\b(\d{1,2}(?:\.\d+)?)\s?%\s*(?:lift|uplift|effect|change|improvement|increase|difference|mde)\b|\bmde\s*(?:of\s*)?(\d{1,2}(?:\.\d+)?)\s?%", re.IGNORECASE)
BASELINE = re.compile(r"\b(?:baseline|currently|today(?:'s)?|now)\b\D{0,25}(\d{1,2}(?:\.\d+)?)\s?%", re.IGNORECASE)
METRIC_WORDS = [(r"\bctr\b|click[- ]?through", "ctr"), (r"\brevenue\b|\bsales value\b|\baov\b", "revenue_per_user"),
                (r"\b(add(ed|s)?[- ]to[- ]cart|carts?|basket)\b", "add_to_cart_rate"), (r"\b(conversion|convert|purchases?|orders?|buy|bought)\b", "conversion"),
                (r"\bclick[- ]rate\b|\bclicks\b", "click_rate")]


def _experiment_ref(s: "Slots", prev: dict) -> dict[str, Any]:
    """An id when one is written (or was used just before), else the surface the words name."""
    if found := EXPERIMENT_ID.search(s.text):
        return {"experiment_id": found.group(0).lower()}
    if prev.get("experiment_id"):
        return {"experiment_id": prev["experiment_id"]}
    if re.search(r"\b(suggest\w*|autocomplete|auto-?suggest|type-?ahead)\b", s.text, re.IGNORECASE):
        return {"surface": "suggest"}
    if re.search(r"\b(search|ranking)\b", s.text, re.IGNORECASE):
        return {"surface": "search"}
    return {}


def start_experiment(s: "Slots", prev: dict, ctx: "PreviousCall | None") -> dict:
    args: dict[str, Any] = dict(prev)
    args["surface"] = "search" if re.search(r"\b(search|ranking|results? page|serp)\b", s.text, re.IGNORECASE) and not re.search(r"\b(suggest\w*|autocomplete|type-?ahead)\b", s.text, re.IGNORECASE) else args.get("surface", "suggest")
    if (traffic := TRAFFIC.search(s.text)) and 0 < float(traffic.group(1)) <= 100:
        args["traffic"] = float(traffic.group(1)) / 100
    elif HALF.search(s.text):
        args["traffic"] = 0.5
    if (mde := MDE.search(s.text)) and 0 < float(mde.group(1) or mde.group(2)) <= 100:
        args["mde"] = float(mde.group(1) or mde.group(2)) / 100
    if (base := BASELINE.search(s.text)) and 0 < float(base.group(1)) < 100:
        args["baseline"] = float(base.group(1)) / 100
    for pattern, metric in METRIC_WORDS:
        if re.search(pattern, s.text, re.IGNORECASE):
            args["metric"] = metric
            break
    args["variants"] = ["plain", "personalised"]
    return args


def experiment_results(s: "Slots", prev: dict, ctx: "PreviousCall | None") -> dict:
    return _experiment_ref(s, prev)


def stop_experiment(s: "Slots", prev: dict, ctx: "PreviousCall | None") -> dict:
    args = _experiment_ref(s, prev)
    why = re.search(r"\b(?:because|since|as)\s+(.{3,200})", s.text, re.IGNORECASE)
    if why:
        args["reason"] = why.group(1).strip(" .!?")
    return args


def shopper_analytics(s: "Slots", prev: dict, ctx: "PreviousCall | None") -> dict:
    args: dict[str, Any] = dict(prev)
    if s.user_id:
        args["user_id"] = s.user_id
    if re.search(r"\b(by|per|each|across)\s+(variant|arm|experiment arm)s?\b", s.text, re.IGNORECASE):
        args["segment_by"] = "variant"
    elif re.search(r"\b(new|returning|loyal|repeat)\b.{0,20}\b(vs\.?|versus|and|or)\b|\bby (activity|loyalty)\b|\b(new|returning|repeat) (shoppers|customers|users)\b", s.text, re.IGNORECASE):
        args["segment_by"] = "activity"
    if s.window_days:
        args["since"] = (s.today - timedelta(days=s.window_days - 1)).isoformat()
        args.pop("until", None)
    elif re.search(r"\byesterday\b", s.text, re.IGNORECASE):
        args["since"] = args["until"] = (s.today - timedelta(days=1)).isoformat()
    elif re.search(r"\btoday\b", s.text, re.IGNORECASE):
        args["since"] = s.today.isoformat()
    return args


EXPERIMENT_BUILDERS = {f.__name__: f for f in (start_experiment, experiment_results, stop_experiment, shopper_analytics)}
