"""Two-speed sentiment in the store: the transformer is trained once per training data, re-scores the
stored posts it covers (not the airline posts, which keep their expert), records which model scored
each post, and the hype source line counts them."""
import sqlite3
import uuid
from datetime import datetime
from functools import partial

import numpy as np
import pandas as pd
import pytest

import memory.hype_sentiment as hs
import memory.hype_transformer as ht
from engines.hype.posts import POST_COLUMNS
from engines.hype.sentiment import MODEL_NAME, train_sentiment
from engines.hype.transformer_sentiment import TRANSFORMER_NAME, FineTuneSettings
from memory.build.hype import run_transformer
from memory.db import dispose_engines
from memory.posts import AIRLINE_SOURCE, fingerprint, save_sentiment, store_posts, subject_posts
from tests.memory.test_hype_sentiment_store import _data_dir
from tests.tiny_bert import write_tiny_bert


@pytest.fixture
def tiny(settings, tmp_path, monkeypatch):
    """Settings over a miniature data dir, with a tiny BERT as the base model and a short recipe."""
    base = write_tiny_bert(tmp_path / "bert")
    monkeypatch.setattr(ht, "_base_dir", lambda: base)
    monkeypatch.setattr(ht, "recipe", lambda: FineTuneSettings(posts=24, batch=8, threads=1))
    monkeypatch.setattr(hs, "minilm_wordpieces", lambda: None)
    monkeypatch.setattr(hs, "train_sentiment", partial(train_sentiment, word_bits=10))
    return settings.model_copy(update={"data_dir": _data_dir(tmp_path / "data")})


def _store(settings, subject: str, source: str) -> None:
    rows = [{"source": source, "external_id": f"{subject}-{i}", "subject": subject, "text": f"{t} {subject} {i}", "author": "a", "created_at": datetime(2024, 1, 1),
             "region": None, "likes": 0, "reposts": 0, "replies": 0, "sentiment": None, "label": None} for i, t in enumerate(["love this flight", "awful delay", "what gate"])]
    store_posts(settings, pd.DataFrame(rows, columns=list(POST_COLUMNS)), source=source)


def test_state_follows_the_training_file_and_the_build_trains_once(tiny):
    assert ht.transformer_state(tiny) == "missing"
    first = ht.train_transformer(tiny)
    assert first.trained and first.posts == 24 and first.sources == 2 and first.bytes > 0 and TRANSFORMER_NAME in first.sentence()
    assert ht.transformer_state(tiny) == "built" and ht.load_transformer(tiny).has_head
    again = ht.train_transformer(tiny)
    assert not again.trained and "up to date" in again.sentence()
    (tiny.data_dir / "sentiment" / "train_multi.csv").write_text("text,label,source\nok,neutral,x\nbad,negative,x\ngood,positive,x\n", encoding="utf-8")
    assert ht.transformer_state(tiny) == "stale"
    assert ht.train_transformer(tiny).posts == 3


def test_no_data_without_the_training_file_or_the_base_model(tiny, monkeypatch, tmp_path):
    assert ht.transformer_state(tiny.model_copy(update={"data_dir": tmp_path / "empty"})) == "no_data"
    monkeypatch.setattr(ht, "_base_dir", lambda: None)
    assert ht.transformer_state(tiny) == "no_data"
    with pytest.raises(FileNotFoundError, match="minilm"):
        ht.train_transformer(tiny)


def test_an_unloadable_file_counts_as_missing(tiny):
    ht.transformer_path(tiny).parent.mkdir(parents=True, exist_ok=True)
    ht.transformer_path(tiny).write_bytes(b"not a zip")
    assert ht.load_transformer(tiny) is None and ht.transformer_state(tiny) == "missing"


def test_the_pass_rescores_covered_posts_once_and_the_source_line_counts_them(tiny):
    brand, airline = f"Brand{uuid.uuid4().hex[:8]}", f"Air{uuid.uuid4().hex[:8]}"
    _store(tiny, brand, "reddit-import")
    _store(tiny, airline, AIRLINE_SOURCE)
    subjects = [brand.casefold(), airline.casefold()]
    hs.train_and_save(tiny)
    hs.score_unscored(tiny, subject_posts(tiny, subjects))  # at call time: the fast model
    frame = subject_posts(tiny, subjects)
    assert set(frame["scored_by"]) == {MODEL_NAME}
    assert ht.rescore_with_transformer(tiny, frame) == 0  # nothing to average with yet
    ht.train_transformer(tiny)
    before = fingerprint(tiny)
    assert ht.rescore_with_transformer(tiny, frame) == 3  # the airline posts keep v6 and its expert
    after = subject_posts(tiny, subjects)
    assert after.groupby("source")["scored_by"].agg(set).to_dict() == {"reddit-import": {TRANSFORMER_NAME}, AIRLINE_SOURCE: {MODEL_NAME}}
    fast, slow = hs.load_classifier(tiny), ht.load_transformer(tiny)
    brand_rows = after.loc[after["source"] == "reddit-import"]
    expected = ht.two_speed_scores(fast, slow, brand_rows["text"].tolist())[0]
    assert np.allclose(brand_rows["sentiment"].astype(float), expected, atol=1e-4) and fingerprint(tiny) != before
    assert ht.rescore_with_transformer(tiny, after) == 0  # scored once per model
    _, method = hs.score_unscored(tiny, after)
    assert f"of 3 posts by {TRANSFORMER_NAME} (all-MiniLM-L6-v2 fine-tuned here" in method and f"of 3 by {MODEL_NAME}" in method
    _, method = hs.score_unscored(tiny, after, counted=(after["source"] == AIRLINE_SOURCE).to_numpy())  # the subject's own posts, not its peers'
    assert method.startswith(f"sentiment by {MODEL_NAME}") and TRANSFORMER_NAME not in method
    hs.train_and_save(tiny, force=True)
    hs.rescore_all(tiny, subject_posts(tiny, subjects))  # a new fast model re-scores everything, so the pass runs again
    assert ht.rescore_with_transformer(tiny, subject_posts(tiny, subjects)) == 3


def test_the_build_step_trains_and_rescores(tiny):
    subject = f"Step{uuid.uuid4().hex[:8]}"
    _store(tiny, subject, "reddit-import")
    assert "not built" in run_transformer(tiny, lambda f, m: None)  # no fast model to average with
    hs.train_and_save(tiny)
    heard: list[float] = []
    text = run_transformer(tiny, lambda f, m: heard.append(f))
    assert "up to date" in text and "re-scored with it" in text and heard == sorted(heard) and heard[-1] == 1.0


def test_an_old_database_gains_scored_by_and_keeps_its_scores(settings):
    if settings.is_postgres:
        return  # the upgrade path is SQLite's here (a Postgres schema that predates the column runs the same ALTER in CI)
    subject = f"Old{uuid.uuid4().hex[:8]}"
    _store(settings, subject, "reddit-import")
    frame = subject_posts(settings, [subject.casefold()])
    save_sentiment(settings, frame["id"].tolist(), [0.5, -0.5, 0.0], ["positive", "negative", "neutral"], MODEL_NAME)
    with sqlite3.connect(settings.sqlite_path) as conn:
        conn.execute("ALTER TABLE posts DROP COLUMN scored_by")  # as an older version made it
    dispose_engines()
    old = subject_posts(settings, [subject.casefold()])
    assert old["sentiment"].tolist() == [0.5, -0.5, 0.0] and old["scored_by"].isna().all()


def test_the_method_names_each_model_by_its_share():
    model = train_sentiment(["good", "bad", "ok"], ["positive", "negative", "neutral"], ["a"] * 3, word_bits=8)
    assert hs.method_sentence(model, pd.Series([MODEL_NAME, None])) == f"sentiment by {MODEL_NAME} (word n-grams + VADER lexicon, trained on 3 posts from 1 sources)"
    assert hs.method_sentence(model, pd.Series([TRANSFORMER_NAME] * 2)).startswith(f"sentiment by {TRANSFORMER_NAME} (all-MiniLM-L6-v2 fine-tuned here on 45,000")
    assert hs.method_sentence(None, pd.Series([TRANSFORMER_NAME])).startswith("sentiment by the VADER lexicon")
