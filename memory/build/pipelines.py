"""Every step `caeser build` runs, registered in running order, each calling the pipeline that makes
its output (`memory.build.hype`, `memory.build.forecast`, `memory.build.cadence`).

The pipelines are imported inside the step functions: registering the steps and checking their state
costs a server nothing (no torch, chromadb or scikit-learn).
"""
from __future__ import annotations

from memory.build.steps import BuildContext, StepState, build_step
from memory.cadence_store import cadence_state
from memory.settings import Settings

HYPE_STEP = "hype: posts and sentiment model"
TRANSFORMER_STEP = "hype-transformer"
FORECAST_STEP = "forecast: sales history and analog index"
CADENCE_STEP = "cadence"
GENERATOR_STEP = "cadence-generator"


def sentiment_state(settings: Settings) -> StepState:
    """`memory.hype_sentiment.sentiment_state`, imported when asked: that module loads pandas and the
    posts store, which a server or a suggest call that only lists the steps should not pay for."""
    from memory.hype_sentiment import sentiment_state as state

    return state(settings)


@build_step(HYPE_STEP, order=40, label="the sentiment model", state=sentiment_state)
def build_hype(ctx: BuildContext) -> str:
    from memory.build.hype import run_build

    return run_build(ctx.settings, ctx.report)


def transformer_state(settings: Settings) -> StepState:
    """`memory.hype_transformer.transformer_state`, imported when asked (as `sentiment_state`)."""
    from memory.hype_transformer import transformer_state as state

    return state(settings)


@build_step(TRANSFORMER_STEP, order=70, label="the sentiment transformer", state=transformer_state)
def build_transformer(ctx: BuildContext) -> str:
    """The slow half of two-speed sentiment (memory/hype_transformer.py): ~12 min on 2 cores, so it
    runs last (the search indexes are not kept waiting) and only under `caeser build` or a server's
    start-up build, never from a hype call; hype answers with the fast model meanwhile."""
    from memory.build.hype import run_transformer

    return run_transformer(ctx.settings, ctx.report)


@build_step(FORECAST_STEP, order=45)
def build_forecast(ctx: BuildContext) -> str:
    from memory.build.forecast import run_build

    return run_build(ctx.settings, ctx.report)


@build_step(CADENCE_STEP, order=60, label="the search and suggestion indexes", state=cadence_state)
def build_cadence(ctx: BuildContext) -> str:
    from memory.build.cadence import run_build

    return run_build(ctx.settings, ctx.report)


@build_step(GENERATOR_STEP, order=61, label="the neural query generator", default=False)
def build_generator(ctx: BuildContext) -> str:
    from memory.build.cadence import GeneratorConfig, run_generator

    return run_generator(ctx.settings, GeneratorConfig(), ctx.report)
