"""The classifier trains, predicts, and survives a save/load round trip; VADER reads emoji."""
import numpy as np
import pytest

from engines.hype.lexicon import FEATURES, lexicon_features, tokens
from engines.hype.sentiment import SentimentClassifier, classify, lexicon_prediction, train_classifier

POS = ["love this airline", "great crew thanks", "amazing flight 😍", "best service ever", "so happy with the upgrade", "wonderful staff 👍"]
NEG = ["lost my bag again", "worst delay ever", "rude agent 😡", "cancelled flight no help", "terrible service", "never flying again 👎"]
NEU = ["what time is boarding", "flight 123 to boston", "is wifi on board", "gate change for 456", "how do i check in", "booking for tomorrow"]


def fake_embed(texts):
    """Deterministic stand-in for MiniLM: hashed character trigrams, L2-normalised."""
    out = np.zeros((len(texts), 32), dtype=np.float32)
    for i, t in enumerate(texts):
        for j in range(len(t) - 2):
            out[i, hash(t[j:j + 3]) % 32] += 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_lexicon_reads_emoji_emoticons_and_negation():
    assert lexicon_prediction(["😍", "😭", "not good at all", "the flight", ":)", "I don't hate it"]).labels == ["positive", "negative", "negative", "neutral", "positive", "positive"]
    assert tokens("Not GOOD, didn't like it") == ["not", "neg_good", ",", "didn't", "neg_like", "neg_it"]
    # VADER's emoji descriptions leave 👎 at 0; the emoji counts make it visible to the classifier
    feats = lexicon_features(["great 😍😍 !", "no, not that", "👎", ""])
    col = {name: i for i, name in enumerate(FEATURES)}
    assert feats.shape == (4, len(FEATURES)) and feats[0, col["positive_emoji"]] > 0 and feats[0, col["exclamations"]] > 0
    assert feats[1, col["negators"]] > 0 and feats[2, col["compound"]] == 0 and feats[2, col["negative_emoji"]] > 0
    assert not feats[3].any()


def test_lexicon_matches_vader_on_plain_cases():
    """The vectorised lexicon agrees in sign with VADER's reference scorer where VADER is sure."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    texts = POS + NEG + NEU
    vader = np.array([SentimentIntensityAnalyzer().polarity_scores(t)["compound"] for t in texts])
    ours = np.array(lexicon_prediction(texts).scores)
    sure = np.abs(vader) > 0.3
    assert sure.sum() >= 6 and (np.sign(ours[sure]) == np.sign(vader[sure])).all()


def test_train_predict_roundtrip(tmp_path):
    texts, labels = POS + NEG + NEU, ["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 6
    model = train_classifier(fake_embed(texts), texts, labels, seed=0)
    pred = classify(model, fake_embed, texts)
    assert np.mean(np.array(pred.labels) == np.array(labels)) > 0.9
    assert all(-1 <= s <= 1 for s in pred.scores)
    model.save(tmp_path / "m.npz")
    again = SentimentClassifier.load(tmp_path / "m.npz")
    assert classify(again, fake_embed, ["awful lost bag"]).scores == classify(model, fake_embed, ["awful lost bag"]).scores
    assert classify(model, fake_embed, []).labels == []


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match="unknown sentiment labels"):
        train_classifier(fake_embed(["a", "b"]), ["a", "b"], ["positive", "meh"])

