"""Stored posts get classifier sentiment once (kept in SQL), VADER only as a stated fallback."""
import uuid
from datetime import datetime

import numpy as np
import pandas as pd

import memory.hype_sentiment as hs
from engines.hype.posts import POST_COLUMNS
from engines.hype.sentiment import train_classifier
from memory.posts import store_posts, subject_posts

TEXTS = {"positive": ["love it", "great crew", "amazing seats", "thanks so much"], "negative": ["lost my bag", "worst delay", "rude agent", "terrible food"],
         "neutral": ["what time", "gate number", "flight to boston", "check in where"]}


def fake_embed(settings, texts):
    return np.array([[len(t) % 7, t.count("o"), t.count("e")] for t in texts], dtype=np.float32)


def test_classifier_scores_are_stored_and_vader_is_the_fallback(settings, monkeypatch):
    subject = f"Sent{uuid.uuid4().hex[:8]}"
    rows = [{"source": "t", "external_id": f"{subject}-{i}", "subject": subject, "text": f"{t} {subject} {i}", "author": "a", "created_at": datetime(2024, 1, 1), "region": None,
             "likes": 0, "reposts": 0, "replies": 0, "sentiment": None, "label": None} for i, t in enumerate(["love this flight", "awful delay", "what gate"] * 2)]
    store_posts(settings, pd.DataFrame(rows, columns=list(POST_COLUMNS)), source=f"t-{subject}")
    frame = subject_posts(settings, [subject.casefold()])
    scored, method = hs.score_unscored(settings, frame.copy())
    assert "VADER" in method and "not built" in method and scored["sentiment"].notna().all()
    assert subject_posts(settings, [subject.casefold()])["sentiment"].isna().all()  # fallback is not stored

    monkeypatch.setattr(hs, "embed_texts", fake_embed)
    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [lab for lab, ts in TEXTS.items() for _ in ts]
    train_classifier(fake_embed(settings, texts), texts, labels).save(hs.model_path(settings))
    scored, method = hs.score_unscored(settings, frame.copy(), store_limit=4)
    assert "trained classifier" in method and "2 posts not yet classified scored by the VADER lexicon" in method
    stored = subject_posts(settings, [subject.casefold()])
    assert stored["sentiment"].notna().sum() == 4 and set(stored["label"].dropna()) <= {"positive", "negative", "neutral"}
