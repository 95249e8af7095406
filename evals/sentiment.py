"""Sentiment eval: the hype engine's model against VADER and a TF-IDF + LR baseline, on every
benchmark set in one run.

Training (engine and baseline alike): `sentiment/train_multi.csv` plus a seeded (`--seed`, 0)
stratified 80 % of the deduplicated airline posts. The engine is two-speed, as stored posts are
scored (memory/hype_transformer.py):
- its fast model is `memory.hype_sentiment.fit_model` (what `caeser build` trains) with its fixed
  settings (chosen on TweetEval's validation split, docs/hype.md), its wordpiece CNN included when the
  `minilm` extra is installed, trained here without the airline 20 %;
- its transformer is the one `caeser build` fine-tunes (`memory.hype_transformer`), loaded from the
  models dir, or fine-tuned and saved there first when it is missing (~12 min on 2 cores). It is
  trained on `train_multi.csv` alone, so no airline post, and no set scored here, is in its training.
Each set is scored as the build's pass scores stored posts: the airline posts by the fast model with
their source (they reach its airline expert and are not re-scored by the transformer), the others
(SXSW, TweetEval and `--file` are not training sources) by the fast model and the transformer
averaged. `--fast-only` scores every set with the fast model alone, as posts that arrived after the
last build are scored. The baseline is word 1–2-gram
TF-IDF (min_df 2, sublinear tf) + logistic regression with scikit-learn's defaults (C = 1, no
weights) — the baseline the data README measured. VADER is its reference implementation with its
documented ±0.05 compound cut-offs.
Scored on: TweetEval's sentiment test split (the official metric is macro-averaged recall; macro-F1
too), the airline 20 %, the SXSW 2011 brand posts (another brand and year: "Positive/Negative
emotion" and "No emotion toward brand or product" kept, "I can't tell" dropped) and, with
`--file F`, any CSV with columns `text,label` (labels negative|neutral|positive).
The last two lines are the headline set's macro-recall, then
`sentiment macro-F1 engine=X vader=Y tfidf=Z (n=N)`; the headline set is F when given, else
TweetEval test.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support, recall_score
from sklearn.model_selection import train_test_split

from engines.hype.sentiment import LABELS, MODEL_NAME, compound_labels
from engines.hype.transformer_sentiment import TRANSFORMER_NAME, TransformerSentiment
from memory.datadir import load_labelled_sentiment, load_sxsw_posts
from memory.hype_sentiment import EXPERT_SOURCES, fit_model, training_posts
from memory.hype_transformer import load_transformer, train_transformer, transformer_state, two_speed_scores
from memory.posts import AIRLINE_SOURCE
from memory.settings import Settings, get_settings

SEED = 0
TWEETEVAL_TEST = "sentiment/tweeteval_test.csv"
SXSW_LABELS = {"Positive emotion": "positive", "Negative emotion": "negative", "No emotion toward brand or product": "neutral"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, help="CSV with columns text,label (negative|neutral|positive) to score on; the headline set")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the airline 80/20 split and the models")
    parser.add_argument("--fast-only", action="store_true", help="score with the fast model alone, as posts are scored before the transformer's build pass")


def read_labelled(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"text", "label"} - set(df.columns)
    if missing:
        raise SystemExit(f"{path}: missing column(s) {sorted(missing)}; expected text,label")
    df["label"] = df["label"].str.strip().str.lower()
    bad = df.loc[~df["label"].isin(LABELS)]
    if len(bad):
        raise SystemExit(f"{path}: line {bad.index[0] + 2} has label {bad['label'].iloc[0]!r}; expected one of {list(LABELS)}")
    return df.loc[df["text"].str.strip() != ""].reset_index(drop=True)


def sxsw_labelled(settings: Settings) -> pd.DataFrame:
    df = load_sxsw_posts(settings.data_dir)
    df = df.loc[df["tweet_text"].notna() & df["is_there_an_emotion_directed_at_a_brand_or_product"].isin(SXSW_LABELS)]
    return pd.DataFrame({"text": df["tweet_text"].astype(str), "label": df["is_there_an_emotion_directed_at_a_brand_or_product"].map(SXSW_LABELS)}).drop_duplicates("text").reset_index(drop=True)


def vader_labels(texts: list[str]) -> np.ndarray:
    """VADER's reference implementation, post by post, with its documented ±0.05 cut-offs."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return compound_labels(np.array([analyzer.polarity_scores(t)["compound"] for t in texts]))


def built_transformer(settings: Settings) -> TransformerSentiment | None:
    """The transformer `caeser build` makes (trained here first, and saved for the build, when it is
    missing: ~12 min on 2 cores), or None without its training file or the `minilm` extra."""
    state = transformer_state(settings)
    if state == "no_data":
        print(f"  no {TRANSFORMER_NAME}: its training file or the `minilm` extra is missing; the engine is {MODEL_NAME} alone")
        return None
    if state != "built":
        print(f"  {TRANSFORMER_NAME} is not built: fine-tuning it now, as `caeser build` would (~12 min on 2 cores)")
    trained = train_transformer(settings)
    print(f"  {trained.sentence()}")
    return load_transformer(settings)


class Scores(BaseModel):
    macro_recall: float
    macro_f1: float


def scores(truth: list[str], pred: np.ndarray) -> Scores:
    return Scores(macro_recall=float(recall_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)),
                  macro_f1=float(f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)))


def report(name: str, truth: list[str], pred: np.ndarray) -> Scores:
    p, r, f, _ = precision_recall_fscore_support(truth, pred, labels=list(LABELS), zero_division=0)
    s = scores(truth, pred)
    cells = "  ".join(f"{lab[:3]} P={p[i]:.3f} R={r[i]:.3f} F1={f[i]:.3f}" for i, lab in enumerate(LABELS))
    print(f"  {name:<7} {cells}  macro-recall={s.macro_recall:.3f} macro-F1={s.macro_f1:.3f}")
    return s


class Baseline:
    """Word 1–2-gram TF-IDF + logistic regression, scikit-learn defaults."""

    def __init__(self, texts: list[str], labels: list[str], seed: int) -> None:
        self.vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.model = LogisticRegression(max_iter=1000, random_state=seed).fit(self.vec.fit_transform(texts), labels)

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.model.predict(self.vec.transform(texts))


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    posts = training_posts(settings)
    airline = np.flatnonzero(posts["source"].to_numpy() == AIRLINE_SOURCE)
    held = train_test_split(airline, test_size=0.2, random_state=args.seed, stratify=posts["label"].iloc[airline])[1]
    train = posts.drop(index=held)
    # The headline set goes last: the file when given, else TweetEval test.
    sets = {"airline 20 % split": posts.loc[held], "SXSW 2011 brand posts": sxsw_labelled(settings),
            "TweetEval test": load_labelled_sentiment(settings.data_dir, TWEETEVAL_TEST)}
    if args.file:
        sets[str(args.file)] = read_labelled(args.file)
    texts, labels = train["text"].tolist(), train["label"].tolist()
    print(f"sentiment eval — engine and TF-IDF trained on {len(train)} posts ({train['source'].nunique()} sources; "
          f"airline: a seeded (seed={args.seed}) stratified 80 %, the other 20 % scored below)")
    start = time.perf_counter()
    engine = fit_model(train, seed=args.seed)
    print(f"  engine's fast model trained in {time.perf_counter() - start:.0f} s")
    transformer = None if args.fast_only else built_transformer(settings)
    baseline = Baseline(texts, labels, args.seed)
    result: dict[str, Scores] = {}
    for name, df in sets.items():
        test_texts, truth = df["text"].tolist(), df["label"].tolist()
        sources = df["source"].tolist() if "source" in df else None
        two_speed = transformer is not None and not (sources and set(sources) <= set(EXPERT_SOURCES))
        how = f"engine = {TRANSFORMER_NAME}, the build's pass" if two_speed else f"engine = {MODEL_NAME}" + (", with its source's expert" if sources else "")
        print(f"{name} (n={len(df)}; {how}):")
        predicted = two_speed_scores(engine, transformer, test_texts)[1] if two_speed else engine.predict(test_texts, sources).labels  # as the build's pass scores
        result["engine"] = report("engine", truth, np.array(predicted))
        result["vader"] = report("vader", truth, vader_labels(test_texts))
        result["tfidf"] = report("tfidf", truth, baseline.predict(test_texts))
    print(f"sentiment macro-recall engine={result['engine'].macro_recall:.3f} vader={result['vader'].macro_recall:.3f} tfidf={result['tfidf'].macro_recall:.3f} ({name})")
    print(f"sentiment macro-F1 engine={result['engine'].macro_f1:.2f} vader={result['vader'].macro_f1:.2f} tfidf={result['tfidf'].macro_f1:.2f} (n={len(df)})")
    return 0
