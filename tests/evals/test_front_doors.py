"""Every eval scores what its tool serves: the eval imports the very function the tool calls."""
from __future__ import annotations

import engines.affinity.audience
import engines.cadence.suggest
import engines.forecast.selection
import engines.hype.score
import engines.hype.sentiment
import evals.affinity
import evals.autosuggest
import evals.forecast
import evals.hype
import evals.sentiment
import memory.build.cadence
import memory.build.cadence_index
import memory.hype_sentiment
import tools.affinity.audience
import tools.cadence.suggest
import tools.forecast.demand
import tools.hype.score
from engines.cadence.index import Entry, PrefixIndex


def test_affinity_eval_and_tool_rank_through_local_affinity() -> None:
    assert evals.affinity.local_affinity is tools.affinity.audience.local_affinity is engines.affinity.audience.local_affinity


def test_autosuggest_eval_scores_the_suggester_suggest_queries_serves() -> None:
    index = PrefixIndex({"red dress": Entry(2.0)})
    assert isinstance(tools.cadence.suggest.suggester_for(index), evals.autosuggest.Suggester)
    assert evals.autosuggest.Suggester is engines.cadence.suggest.Suggester
    assert evals.autosuggest.index_entries is memory.build.cadence.index_entries is memory.build.cadence_index.index_entries  # the build's weights


def test_persona_eval_runs_simulate_launchs_buyers_fit_and_adoption() -> None:
    import engines.persona.simulate
    import evals.personas
    import tools.persona.personas

    assert evals.personas.BuyerFactory is tools.persona.personas.BuyerFactory  # population and trait formulas, as the tool draws them
    assert evals.personas.purchase_fit is tools.persona.personas.purchase_fit is engines.persona.simulate.purchase_fit
    assert evals.personas.simulate_adoption is engines.persona.simulate.simulate_adoption  # what simulate_buyers runs per scenario


def test_forecast_eval_runs_the_engine_forecast_demand_calls() -> None:
    assert evals.forecast.forecast is tools.forecast.demand.forecast is engines.forecast.selection.forecast


def test_sentiment_eval_trains_the_model_the_build_trains_for_hype_score() -> None:
    """`caeser build` trains the posts' classifier with `fit_model` (`train_sentiment` with the shipped
    settings) on `training_posts`; hype_score scores with what it saved."""
    assert evals.sentiment.fit_model is memory.hype_sentiment.fit_model and memory.hype_sentiment.train_sentiment is engines.hype.sentiment.train_sentiment
    assert evals.sentiment.training_posts is memory.hype_sentiment.training_posts


def test_hype_eval_scores_through_hype_scores_engine() -> None:
    assert evals.hype.score_subject is tools.hype.score.score_subject is engines.hype.score.score_subject
