""""How did you calculate that?": the method behind the last answer, in words, with its own figures.

Each line says what the tool computes and names the doc that holds the formula, so every number a
user sees can be traced; the hype score adds its breakdown (each component's points add up to the
score) because "why 50?" is the question people ask of it.
"""
from __future__ import annotations

from typing import Any

METHOD: dict[str, str] = {
    "hype_score": ("Each metric of the window (velocity, growth, acceleration, net sentiment, engagement rate, reach, share of voice, new authors) is compared "
                   "with its usual level — the subject's own earlier windows, else comparable subjects — and only the part of a deviation beyond the 95% band "
                   "of chance counts: z beyond ±1.96 moves a metric from its neutral half. Score = 100 × Σ weight × Φ(excess z); 50 means as usual. The 90% range "
                   "comes from 200 bootstrap resamples of the posts (docs/hype.md). Each post's sentiment is p(positive) − p(negative) from caeser's own "
                   "models, trained on about 155,000 labelled posts from 13 sources: a fast one (n-grams, lexicon and wordpiece features) for new posts, "
                   "and once `caeser build` has run, the fast one averaged with a MiniLM transformer fine-tuned here for stored posts; the source line "
                   "counts which scored how many. Measured on tweets they never saw (TweetEval test, 12,284 posts, macro-recall): 0.687 for the "
                   "averaged model, 0.646 for the fast one alone, 0.570 for the VADER lexicon; on held-out airline posts 0.78 macro-F1."),
    "forecast_demand": ("Up to 10 candidate models (naive, seasonal naive, recent mean and median, exponential smoothing, Theta, Croston, TSB; Holt–Winters and "
                        "Prophet with two seasons of history) are backtested on rolling origins of the item's own sales; the 3 with the lowest MASE are averaged "
                        "with weights ∝ 1/MASE, and the 80% intervals are split-conformal on that combination's backtest errors. A new product is forecast from "
                        "its closest sold analogs (docs/forecast.md)."),
    "simulate_launch": ("Synthetic buyers are sampled from public census tables of the region (age, sex, income, household, urban), each with a price "
                        "sensitivity and a willingness to pay around the category's reference price; each week a buyer adopts with a Bass-type hazard "
                        "(innovation + imitation of their peer segment, times the retail season), at most once. Scenarios share the same buyers and random "
                        "draws, over 5 seeds (docs/persona.md)."),
    "build_personas": ("The same synthetic buyers as the launch simulation, kept where the product fits them at the price, clustered (HDBSCAN) on their traits; "
                       "each persona is a cluster's medians and shares (docs/persona.md)."),
    "audience_affinity": ("For each survey item: the share of the audience's respondents who love it, smoothed toward everyone's share with 10 pseudo-respondents "
                          "(a Beta posterior, 90% interval), and lift = that share ÷ everyone's. With seed items, people like those who love the seeds are "
                          "modelled instead (docs/affinity.md)."),
    "compare_audiences": ("Each audience's share of survey respondents who love each item (smoothed toward everyone's share) and its lift over everyone "
                          "(docs/affinity.md)."),
    "analyze_launch": ("Every engine runs on the product at once — affinity by age band, hype of the product and its themes, a new-product forecast from "
                       "analogs, a what-if simulation grid of price × month × channel × region, and search demand — and the plan picks each recommendation "
                       "from those figures, citing them (docs/launch.md)."),
    "suggest_queries": ("Completions of the typed prefix from an index of logged queries and queries generated from the catalog by two language models "
                        "(CADENCE), ranked by frequency and model score, at most 3 completing the typed word the same way, re-ranked by the user's "
                        "engagement (docs/cadence.md)."),
    "search_products": ("BM25 over product titles and MiniLM vector search, fused by reciprocal rank, re-ranked by the user's engagement (docs/cadence.md)."),
}


def explain(tool: str, payload: dict[str, Any]) -> str:
    """The method paragraph for a tool's last answer; the hype score's breakdown when it has one."""
    text = "How it was worked out: " + METHOD.get(tool, "see the source line below for the data and the model.")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    parts = [c for c in data.get("components") or [] if isinstance(c, dict) and isinstance(c.get("points"), (int, float))]
    if tool == "hype_score" and parts:
        reference = f" against {data['reference']}" if data.get("reference") not in (None, "none") else ""
        lines = ", ".join(f"{str(c.get('metric', '')).replace('_', ' ')} {c['points']:.1f}/{100 * float(c.get('weight', 0)):.0f}"
                          + (f" (z {c['z']:+.1f})" if isinstance(c.get("z"), (int, float)) else "") for c in parts)
        text += f" This score{reference}: {lines} = {sum(c['points'] for c in parts):.0f}."
    return text
