"""The classifier trains, predicts, and survives a save/load round trip; VADER reads emoji."""
import numpy as np
import pytest

from engines.hype.sentiment import SentimentClassifier, classify, lexicon_features, train_classifier, vader_compound, vader_labels

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


def test_vader_reads_emoji_and_negation():
    scores = vader_compound(["😍", "😠", "not good at all", "the flight"])
    assert list(vader_labels(scores)) == ["positive", "negative", "negative", "neutral"]
    # VADER scores 👎 as 0; the emoji counts make it visible to the classifier
    feats = lexicon_features(["great 😍😍 !", "no, not that", "👎"])
    assert feats.shape == (3, 9) and feats[0, 4] > 0 and feats[1, 6] > 0 and feats[2, 3] == 0 and feats[2, 5] > 0


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

