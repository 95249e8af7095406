"""Sentiment eval: the hype engine's classifier against VADER, TextBlob polarity and TF-IDF + LR.

Default: the deduplicated airline posts, a seeded stratified 80/20 split; the engine and the TF-IDF
baseline train on the 80 % (the engine with fixed settings, the baseline's C chosen by 3-fold CV
inside the 80 %), everything is scored on the 20 %.
`--file F` (CSV `text,label`, labels negative|neutral|positive): both train on all airline posts
and are scored on F — the out-of-domain check. `--sxsw` writes such a file from the SXSW 2011
posts (another brand, another year: "Positive/Negative emotion" and "No emotion" kept, "I can't
tell" dropped) and scores it.
TextBlob baseline: `textblob`'s pattern lexicon polarity (the seed projects' method), > 0
positive, < 0 negative, 0 neutral. VADER: its documented ±0.05 compound cut-offs.
Last line: `sentiment macro-F1 engine=X vader=Y tfidf=Z (n=N)`.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import GridSearchCV, train_test_split

from engines.hype.sentiment import LABELS, compound_labels, train_classifier
from memory.datadir import load_airline_tweets, load_sxsw_posts
from memory.embeddings import embed_texts
from memory.settings import Settings, get_settings

SEED = 0
SXSW_LABELS = {"Positive emotion": "positive", "Negative emotion": "negative", "No emotion toward brand or product": "neutral"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, help="CSV with columns text,label (negative|neutral|positive) to score on")
    parser.add_argument("--sxsw", action="store_true", help="score on the SXSW 2011 brand posts (another brand and period)")
    parser.add_argument("--seed", type=int, default=SEED)


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


def textblob_labels(texts: list[str]) -> np.ndarray:
    from textblob import TextBlob

    polarity = np.array([TextBlob(t).sentiment.polarity for t in texts])
    return np.where(polarity > 0, "positive", np.where(polarity < 0, "negative", "neutral"))


def tfidf_baseline(train_texts: list[str], train_labels: list[str], test_texts: list[str], seed: int) -> np.ndarray:
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    search = GridSearchCV(LogisticRegression(max_iter=3000, random_state=seed), {"C": [1.0, 3.0, 10.0]}, scoring="f1_macro", cv=3)
    search.fit(vec.fit_transform(train_texts), train_labels)
    return search.predict(vec.transform(test_texts))


def report(name: str, truth: list[str], pred: np.ndarray) -> float:
    p, r, f, n = precision_recall_fscore_support(truth, pred, labels=list(LABELS), zero_division=0)
    macro = float(f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0))
    cells = "  ".join(f"{lab[:3]} P={p[i]:.3f} R={r[i]:.3f} F1={f[i]:.3f}" for i, lab in enumerate(LABELS))
    print(f"{name:<9} {cells}  macro-F1={macro:.3f}")
    return macro


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    airline = load_airline_tweets(settings.data_dir)
    texts, labels = airline["text"].astype(str).tolist(), airline["airline_sentiment"].tolist()
    if args.file or args.sxsw:
        test = read_labelled(args.file) if args.file else sxsw_labelled(settings)
        train_texts, train_labels = texts, labels
        test_texts, test_labels = test["text"].tolist(), test["label"].tolist()
        where = f"trained on {len(texts)} airline posts, scored on {args.file or 'SXSW 2011 brand posts'}"
    else:
        train_idx, test_idx = train_test_split(np.arange(len(texts)), test_size=0.2, random_state=args.seed, stratify=labels)
        train_texts, train_labels = [texts[i] for i in train_idx], [labels[i] for i in train_idx]
        test_texts, test_labels = [texts[i] for i in test_idx], [labels[i] for i in test_idx]
        where = f"airline posts, seeded (seed={args.seed}) stratified 80/20 split: {len(train_texts)} train, {len(test_texts)} test"
    print(f"sentiment eval — {where}")
    model = train_classifier(embed_texts(settings, train_texts), train_texts, train_labels, seed=args.seed)
    engine_pred = np.array(model.predict(embed_texts(settings, test_texts), test_texts).labels)
    engine = report("engine", test_labels, engine_pred)
    vader = report("vader", test_labels, vader_labels(test_texts))
    report("textblob", test_labels, textblob_labels(test_texts))
    tfidf = report("tfidf", test_labels, tfidf_baseline(train_texts, train_labels, test_texts, args.seed))
    print(f"sentiment macro-F1 engine={engine:.2f} vader={vader:.2f} tfidf={tfidf:.2f} (n={len(test_texts)})")
    return 0
