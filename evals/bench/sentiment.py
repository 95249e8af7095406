"""Benchmark: how many posts per second the hype path's sentiment model scores on one core.

Target: ≥ 2,000 posts/s (issue 18: a cold `hype_score` over a subject and its peers classifies
thousands of posts). Run: `python -m evals.bench.sentiment [--n 20000]`. It times the model built
by `caeser build` under CAESER_HOME; without one it trains a stand-in on a 20,000-post sample of
the training set (scoring cost does not depend on how many posts trained the model) and says so.
Posts: the airline and SXSW texts with their stored sources (the airline posts reach the model's
airline expert, as stored ones do), cycled to `--n`; BLAS and OpenMP held to one thread. The rate is
posts per second of this process's CPU time (one core's work; on a shared machine the wall clock
also counts other people's jobs), the wall time is printed beside it. When the build has made the
sentiment transformer, its pass over 1,000 SXSW posts is timed on one core too: the build's cost
per stored post, not the hype path's.
"""
from __future__ import annotations

import argparse
import time

from threadpoolctl import threadpool_limits

from engines.hype.sentiment import lexicon_prediction
from engines.hype.transformer_sentiment import TRANSFORMER_NAME
from memory.datadir import load_airline_tweets, load_sxsw_posts
from memory.hype_sentiment import fit_model, load_classifier, model_path, training_posts
from memory.posts import AIRLINE_SOURCE, SXSW_SOURCE
from memory.hype_transformer import load_transformer
from memory.settings import Settings, get_settings

TARGET_POSTS_PER_S = 2000.0
STAND_IN_POSTS = 20_000
TRANSFORMER_POSTS = 1_000


def transformer_rate(settings: Settings, posts: list[str]) -> None:
    """The build's transformer pass on one core (not the hype path: it re-scores stored posts ahead of time)."""
    transformer = load_transformer(settings)
    if transformer is None or not posts:
        print(f"transformer pass: not timed ({TRANSFORMER_NAME} is not built; `caeser build` makes it)")
        return
    import torch

    torch.set_num_threads(1)
    transformer.predict_proba(posts[:64])  # first call builds the network
    cpu = time.process_time()
    transformer.predict_proba(posts)
    cpu = time.process_time() - cpu
    print(f"transformer pass (build time, not the hype path): {len(posts) / cpu:,.0f} posts/s on one core over {len(posts)} SXSW posts ({cpu:.2f} s CPU)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    settings = get_settings()
    airline = load_airline_tweets(settings.data_dir)["text"].astype(str).tolist()
    texts = airline + load_sxsw_posts(settings.data_dir)["tweet_text"].dropna().astype(str).tolist()
    sources = [AIRLINE_SOURCE] * len(airline) + [SXSW_SOURCE] * (len(texts) - len(airline))
    posts = [texts[i % len(texts)] for i in range(args.n)]
    post_sources = [sources[i % len(texts)] for i in range(args.n)]
    model = load_classifier(settings)
    if model is None:
        sample = training_posts(settings).sample(STAND_IN_POSTS, random_state=args.seed)
        model = fit_model(sample, seed=args.seed)
        print(f"no built model at {model_path(settings)}: timing a stand-in trained on {STAND_IN_POSTS} sampled posts")
    with threadpool_limits(1):
        model.predict(posts[:100], post_sources[:100])  # first call builds the tokenizer caches
        wall, cpu = time.perf_counter(), time.process_time()
        model.predict(posts, post_sources)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        lexicon_cpu = time.process_time()
        lexicon_prediction(posts)
        lexicon_cpu = time.process_time() - lexicon_cpu
    rate = len(posts) / cpu
    print(f"lexicon fallback: {len(posts) / lexicon_cpu:,.0f} posts/s")
    transformer_rate(settings, [p for p, s in zip(posts, post_sources) if s != AIRLINE_SOURCE][:TRANSFORMER_POSTS])
    print(f"sentiment bench: {rate:,.0f} posts/s on one core over {len(posts)} posts ({cpu:.2f} s CPU, {wall:.2f} s wall; target ≥ {TARGET_POSTS_PER_S:,.0f}) "
          f"{'met' if rate >= TARGET_POSTS_PER_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
