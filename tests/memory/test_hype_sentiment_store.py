"""Stored posts get model sentiment once (kept in SQL), VADER only as a stated fallback; the build
trains only when its training files change, and a new model re-scores posts already scored."""
import time
import uuid
from datetime import datetime
from functools import partial

import pandas as pd
import pytest

import memory.hype_sentiment as hs
from engines.hype.posts import POST_COLUMNS
from engines.hype.sentiment import MODEL_NAME, train_sentiment
from memory.artifacts import save_arrays
from memory.posts import fingerprint, store_posts, subject_posts

TEXTS = {"positive": ["love it", "great crew", "amazing seats", "thanks so much"], "negative": ["lost my bag", "worst delay", "rude agent", "terrible food"],
         "neutral": ["what time", "gate number", "flight to boston", "check in where"]}
small_model = partial(train_sentiment, word_bits=10)
MINILM_WORDPIECES = hs.minilm_wordpieces


@pytest.fixture(autouse=True)
def _linear_only(monkeypatch):
    """These tests train many small models: the linear part alone (test_wordpiece_cnn covers the CNN)."""
    monkeypatch.setattr(hs, "minilm_wordpieces", lambda: None)


def test_minilm_wordpieces_come_from_the_packaged_model():
    from memory.embeddings import _packaged_minilm

    if _packaged_minilm() is None:
        pytest.skip("the minilm extra is not installed")
    pieces = MINILM_WORDPIECES()
    assert pieces.vectors.shape == (30522, 384) and '"WordPiece"' in pieces.tokenizer_json


def _store(settings, subject: str) -> None:
    rows = [{"source": "t", "external_id": f"{subject}-{i}", "subject": subject, "text": f"{t} {subject} {i}", "author": "a", "created_at": datetime(2024, 1, 1), "region": None,
             "likes": 0, "reposts": 0, "replies": 0, "sentiment": None, "label": None} for i, t in enumerate(["love this flight", "awful delay", "what gate"] * 2)]
    store_posts(settings, pd.DataFrame(rows, columns=list(POST_COLUMNS)), source=f"t-{subject}")


def test_model_scores_are_stored_and_vader_is_the_fallback(settings):
    subject = f"Sent{uuid.uuid4().hex[:8]}"
    _store(settings, subject)
    frame = subject_posts(settings, [subject.casefold()])
    scored, method = hs.score_unscored(settings, frame.copy())
    assert "VADER" in method and "not built" in method and scored["sentiment"].notna().all()
    assert subject_posts(settings, [subject.casefold()])["sentiment"].isna().all()  # fallback is not stored

    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [lab for lab, ts in TEXTS.items() for _ in ts]
    save_arrays(hs.model_path(settings), small_model(texts, labels, ["a", "b"] * 6).to_arrays())
    scored, method = hs.score_unscored(settings, frame.copy(), store_limit=4)
    assert MODEL_NAME in method and "12 posts from 2 sources" in method and "2 posts not yet classified scored by the VADER lexicon" in method
    stored = subject_posts(settings, [subject.casefold()])
    assert stored["sentiment"].notna().sum() == 4 and set(stored["label"].dropna()) <= {"positive", "negative", "neutral"}

    before = fingerprint(settings)
    save_arrays(hs.model_path(settings), small_model(texts, labels[::-1], ["a"] * 12).to_arrays())  # another model
    assert hs.rescore_all(settings, stored) == 6
    assert fingerprint(settings) != before  # snapshots made with the old scores are not reused


def test_stored_posts_reach_their_source_expert(settings):
    """Stored posts are classified with their stored source, so a training source's posts get its expert."""
    subject = f"Sent{uuid.uuid4().hex[:8]}"
    _store(settings, subject)
    frame = subject_posts(settings, [subject.casefold()])
    source = frame["source"].iloc[0]
    texts = [t for ts in TEXTS.values() for t in ts]
    labels = [lab for lab, ts in TEXTS.items() for _ in ts]
    model = small_model(texts, labels, [source, "b"] * 6, expert_sources=[source])
    save_arrays(hs.model_path(settings), model.to_arrays())
    scored, method = hs.score_unscored(settings, frame.copy())
    assert f"an expert for {source} posts" in method
    expected = model.predict(frame["text"].tolist(), [source] * len(frame)).scores
    assert scored["sentiment"].tolist() == expected != model.predict(frame["text"].tolist()).scores


def test_unloadable_model_counts_as_none(settings):
    hs.model_path(settings).parent.mkdir(parents=True, exist_ok=True)
    hs.model_path(settings).write_bytes(b"not a zip")
    assert hs.load_classifier(settings) is None


def _data_dir(tmp_path):
    (tmp_path / "sentiment").mkdir(parents=True)
    (tmp_path / "posts").mkdir()
    rows = [(t, lab, src) for src in ("reddit", "news") for lab, ts in TEXTS.items() for t in ts]
    pd.DataFrame(rows, columns=["text", "label", "source"]).to_csv(tmp_path / "sentiment" / "train_multi.csv", index=False)
    airline = pd.DataFrame({"tweet_id": [str(570306133677760513 + i) for i in range(6)], "airline_sentiment": ["positive", "negative", "neutral"] * 2,
                            "text": ["@united thanks!", "@united lost my bag", "@united gate?", "@delta great crew", "@delta awful", "@delta which terminal"],
                            "tweet_created": "2015-02-24 11:35:52 -0800"})
    airline.to_csv(tmp_path / "posts" / "airline_tweets.csv", index=False)
    return tmp_path


def test_build_trains_once_per_training_data(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(hs, "train_sentiment", small_model)
    settings = settings.model_copy(update={"data_dir": _data_dir(tmp_path / "data")})
    first = hs.train_and_save(settings)
    assert first.trained and first.posts == 30 and first.sources == 3 and first.bytes > 0
    assert "trained on 30 posts from 3 sources" in first.sentence()
    assert hs.load_classifier(settings).trained_on == "30 posts from 3 sources"
    again = hs.train_and_save(settings)
    assert not again.trained and "up to date" in again.sentence()
    (settings.data_dir / "sentiment" / "train_multi.csv").write_text("text,label,source\nok,neutral,x\nbad,negative,x\ngood,positive,x\n", encoding="utf-8")
    assert hs.train_and_save(settings).posts == 9


def test_missing_or_bad_training_file_is_named(settings, tmp_path):
    settings = settings.model_copy(update={"data_dir": tmp_path})
    with pytest.raises(FileNotFoundError, match="sentiment/train_multi.csv"):
        hs.train_and_save(settings)
    (tmp_path / "sentiment").mkdir()
    (tmp_path / "sentiment" / "train_multi.csv").write_text("text,label,source\nok,mixed,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="labels"):
        hs.training_posts(settings)


def test_training_and_rescoring_report_progress(settings, tmp_path, monkeypatch):
    """The fit reports nothing itself: a timed estimate moves the bar, never to 100 % before it ends."""
    def slow_model(*args, **kw):
        time.sleep(0.35)
        return small_model(*args, **kw)

    monkeypatch.setattr(hs, "train_sentiment", slow_model)
    monkeypatch.setattr(hs, "SECONDS_PER_POST", 0.001)  # 30 posts: an expected 0.03 s, so the estimate saturates
    settings = settings.model_copy(update={"data_dir": _data_dir(tmp_path / "data")})
    heard: list[tuple[float, str]] = []
    monkeypatch.setattr(hs, "_ticking", partial(hs._ticking, every_s=0.05))
    hs.train_and_save(settings, report=lambda f, m: heard.append((f, m)))
    assert heard[0] == (0.0, "training the sentiment model on 30 posts") and len(heard) >= 3
    assert max(f for f, _ in heard) == 0.95

    subject = f"Prog{uuid.uuid4().hex[:8]}"
    _store(settings, subject)
    monkeypatch.setattr(hs, "CLASSIFY_CHUNK", 4)
    steps: list[tuple[float, str]] = []
    assert hs.rescore_all(settings, subject_posts(settings, [subject.casefold()]), lambda f, m: steps.append((f, m))) == 6
    assert [m for _, m in steps] == ["classified 4 of 6 stored posts", "classified 6 of 6 stored posts"]


def test_sentiment_state_follows_the_training_files(settings, tmp_path, monkeypatch):
    """What the background build keys on: no files → no_data, no model → missing, changed files → stale."""
    monkeypatch.setattr(hs, "train_sentiment", small_model)
    settings = settings.model_copy(update={"data_dir": tmp_path / "data"})
    assert hs.sentiment_state(settings) == "no_data"
    _data_dir(tmp_path / "data")
    assert hs.sentiment_state(settings) == "missing"
    hs.train_and_save(settings)
    assert hs.sentiment_state(settings) == "built"
    (settings.data_dir / "sentiment" / "train_multi.csv").write_text("text,label,source\nok,neutral,x\nbad,negative,x\ngood,positive,x\n", encoding="utf-8")
    assert hs.sentiment_state(settings) == "stale"
