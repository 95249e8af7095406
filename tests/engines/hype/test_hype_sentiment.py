"""The classifier trains, predicts, and survives a save/load round trip; VADER reads emoji."""
import numpy as np
import pytest

from engines.hype.lexicon import FEATURES, lexicon_features, tokens
from engines.hype.sentiment import SentimentModel, lexicon_prediction, normalise, source_weights, train_sentiment

POS = ["love this airline", "great crew thanks", "amazing flight 😍", "best service ever", "so happy with the upgrade", "wonderful staff 👍"]
NEG = ["lost my bag again", "worst delay ever", "rude agent 😡", "cancelled flight no help", "terrible service", "never flying again 👎"]
NEU = ["what time is boarding", "flight 123 to boston", "is wifi on board", "gate change for 456", "how do i check in", "booking for tomorrow"]


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


def test_train_predict_roundtrip():
    texts, labels = POS + NEG + NEU, ["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 6
    model = train_sentiment(texts, labels, ["a", "b"] * 9, seed=0, word_bits=12)
    pred = model.predict(texts)
    assert np.mean(np.array(pred.labels) == np.array(labels)) > 0.9
    assert all(-1 <= s <= 1 for s in pred.scores)
    again = SentimentModel.from_arrays(model.to_arrays())
    assert again.predict(["awful lost bag"]).scores == model.predict(["awful lost bag"]).scores
    assert len(model.columns) < model.idf.size and model.trained_on == "18 posts from 2 sources"  # only seen hashed columns are kept
    assert model.predict([]).labels == []


def test_a_source_expert_serves_its_own_source_only():
    """An airline 'neutral' is a question: the expert, fitted on that source alone, learns it; posts of
    any other source (or none) get exactly the general model, before and after a save/load."""
    texts = POS + NEG + NEU + ["when does the flight leave", "where is my gate", "which terminal for boston"]
    labels = ["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 9
    sources = ["air"] * 4 + ["web"] * 2 + ["air"] * 4 + ["web"] * 2 + ["web"] * 6 + ["air"] * 3
    general = train_sentiment(texts, labels, sources, word_bits=12)
    model = train_sentiment(texts, labels, sources, word_bits=12, expert_sources=["air", "absent"])
    assert list(model.experts) == ["air"] and "an expert for air posts" in model.describe()
    post = ["where is the flight to boston"]
    assert np.allclose(model.predict_proba(post), general.predict_proba(post))
    assert np.allclose(model.predict_proba(post, ["web"]), general.predict_proba(post))
    assert not np.allclose(model.predict_proba(post, ["air"]), general.predict_proba(post))
    mixed = model.predict_proba(post * 2, ["air", "web"])
    assert np.allclose(mixed[0], model.predict_proba(post, ["air"])[0]) and np.allclose(mixed[1], general.predict_proba(post)[0])
    again = SentimentModel.from_arrays(model.to_arrays())
    assert list(again.experts) == ["air"] and again.predict(post, ["air"]).scores == model.predict(post, ["air"]).scores
    assert SentimentModel.from_arrays(general.to_arrays()).experts == {}
    with pytest.raises(ValueError, match="differ in length"):
        model.predict(post, ["air", "web"])


def test_a_source_missing_a_label_gets_no_expert():
    """An expert that never saw a label could not say it: such a source is left to the general model."""
    texts, labels = POS + NEG + NEU, ["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 6
    model = train_sentiment(texts, labels, ["pos_and_neg"] * 12 + ["other"] * 6, word_bits=10, expert_sources=["pos_and_neg"])
    assert model.experts == {}


def test_arrays_of_another_layout_are_refused():
    arrays = train_sentiment(POS + NEG, ["positive"] * 6 + ["negative"] * 6, ["a"] * 12, word_bits=10).to_arrays()
    with pytest.raises(ValueError, match="not a caeser-sentiment"):
        SentimentModel.from_arrays({**arrays, "name": np.array("hype_sentiment_v2")})
    with pytest.raises(ValueError, match="wrong shape"):
        SentimentModel.from_arrays({**arrays, "idf": arrays["idf"][:-1]})


def test_normalise_makes_sources_look_alike():
    assert normalise("@united sooooo late &amp; rude https://t.co/x") == "@user soo late & rude  http "


def test_source_weights_damp_big_sources_and_balance_classes():
    sources = ["big"] * 100 + ["small"] * 4
    labels = (["positive"] * 50 + ["negative"] * 50) + ["neutral"] * 4
    w = source_weights(sources, labels)
    assert np.isclose(w.mean(), 1.0)
    by_class = {lab: w[np.array(labels) == lab].sum() for lab in ("positive", "negative", "neutral")}
    assert np.allclose(list(by_class.values()), by_class["neutral"])  # no class prior
    sources2 = ["big"] * 100 + ["small"] * 4
    labels2 = ["neutral"] * 104
    w2 = source_weights(sources2, labels2)
    # per row, a small source counts √(100/4) = 5× a big one: big in total 100/10 = 10, small 4/2 = 2
    assert np.isclose(w2[-1] / w2[0], 5.0)
    w3 = source_weights(sources2, labels2, {"big": 2.0})  # a factor doubles a source's rows against the others
    assert np.isclose(w3[-1] / w3[0], 2.5) and np.isclose(w3.mean(), 1.0)


def test_unknown_label_and_ragged_input_are_refused():
    with pytest.raises(ValueError, match="unknown sentiment labels"):
        train_sentiment(["a", "b"], ["positive", "meh"], ["s", "s"])
    with pytest.raises(ValueError, match="differ in length"):
        train_sentiment(["a", "b"], ["positive", "negative"], ["s"])


def test_ngram_columns_are_scikit_learns_hashing_vectorizer():
    """Models trained before scoring stopped importing scikit-learn must keep their columns."""
    from sklearn.feature_extraction.text import HashingVectorizer

    from engines.hype.sentiment import ngram_counts

    texts = [normalise(t) for t in ["Not good at all!!", "love it 😍 sooo much", "café au lait, naïve", "", "a a a b"]]
    expected = HashingVectorizer(n_features=2**18, ngram_range=(1, 2), alternate_sign=False, norm=None, lowercase=False,
                                 tokenizer=tokens, token_pattern=None).transform(texts)
    got = ngram_counts(texts, 18)
    assert got.shape == expected.shape
    assert (got != expected).nnz == 0
