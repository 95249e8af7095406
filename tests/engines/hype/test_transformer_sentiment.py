"""The sentiment transformer learns from weighted posts, reproduces itself from its arrays, and is
averaged with the fast model by the stated formula."""
import numpy as np
import pytest

from engines.hype.sentiment import LABELS, prediction_from_proba
from engines.hype.transformer_sentiment import FineTuneSettings, TransformerSentiment, averaged, draw_posts, fine_tune
from memory.hype_transformer import base_model
from tests.tiny_bert import write_tiny_bert

POSTS = {"positive": ["love it", "great flight", "so happy", "thanks so much"], "negative": ["hate it", "worst flight", "so rude", "awful gate"],
         "neutral": ["what time", "where gate", "the flight", "what gate"]}
TEXTS = [t for ts in POSTS.values() for t in ts] * 4
LABELS_OF = [lab for lab, ts in POSTS.items() for _ in ts] * 4
RECIPE = FineTuneSettings(posts=len(TEXTS), epochs=12, learning_rate=3e-3, batch=8, threads=1)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> TransformerSentiment:
    return base_model(write_tiny_bert(tmp_path_factory.mktemp("bert")))


def test_fine_tuning_learns_the_posts_and_is_deterministic(base):
    model = fine_tune(base, TEXTS, LABELS_OF, np.ones(len(TEXTS)), RECIPE, seed=0)
    predicted = [LABELS[i] for i in model.predict_proba(TEXTS[:12]).argmax(1)]
    assert np.mean(np.array(predicted) == np.array(LABELS_OF[:12])) >= 0.9
    again = fine_tune(base, TEXTS, LABELS_OF, np.ones(len(TEXTS)), RECIPE, seed=0)
    assert all(np.array_equal(model.weights[k], again.weights[k]) for k in model.weights)
    assert not base.has_head  # the base is left as it was
    p = model.predict_proba(["LOVE it!!! https://t.co/x @united", "what time"])
    assert p.shape == (2, 3) and np.allclose(p.sum(1), 1.0, atol=1e-5)


def test_a_model_rebuilt_from_its_arrays_scores_the_same(base):
    model = fine_tune(base, TEXTS, LABELS_OF, np.ones(len(TEXTS)), RECIPE.model_copy(update={"epochs": 1}), seed=1)
    copy = TransformerSentiment(model.config, model.tokenizer_json, {k: v.copy() for k, v in model.weights.items()}, model.max_pieces)
    assert np.allclose(model.predict_proba(TEXTS), copy.predict_proba(TEXTS), atol=1e-6)


def test_draws_follow_the_weights():
    weights = np.array([0.0, 1.0, 1.0, 0.0, 8.0])
    drawn = draw_posts(weights, 10, seed=0)
    assert sorted(drawn) == [1, 2, 4]  # capped at the posts that can be drawn; zero weight never
    counts = np.bincount([draw_posts(weights, 1, seed=s)[0] for s in range(200)], minlength=5)
    assert counts[4] > 150 and counts[0] == counts[3] == 0


def test_bad_input_is_named(base):
    with pytest.raises(ValueError, match="differ in length"):
        fine_tune(base, ["a"], ["positive", "negative"], np.ones(2))
    with pytest.raises(ValueError, match="unknown labels"):
        fine_tune(base, ["a"], ["mixed"], np.ones(1))
    with pytest.raises(ValueError, match="no classification head"):
        base.predict_proba(["a"])
    broken = TransformerSentiment(base.config, base.tokenizer_json, {**base.weights, "encoder.layer.9.output.dense.weight": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="do not fit the config"):
        fine_tune(broken, ["a"], ["positive"], np.ones(1))


def test_the_average_is_the_stated_formula():
    fast = np.array([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    slow = np.array([[0.0, 0.2, 0.8], [0.1, 0.2, 0.7]])
    pred = averaged(fast, slow, weight=0.5)
    assert pred.labels == ["positive", "positive"] and pred.scores == pytest.approx([0.45 - 0.3, 0.6])
    assert averaged(fast, slow, weight=0.0) == prediction_from_proba(fast)
