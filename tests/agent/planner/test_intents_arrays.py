"""The fitted intent classifier survives a round trip through plain arrays (how it is cached)."""
from __future__ import annotations

import numpy as np

from agent.planner.intents import IntentClassifier, default_classifier

REQUESTS = ["We're launching Cyberpunk Sneakers — will they be a hit, and how should we market them?", "export that as a pdf", "forcast sku 85123A", ""]


def test_round_trip_through_arrays_gives_the_same_scores() -> None:
    fitted = default_classifier()
    arrays = fitted.to_arrays()
    assert set(arrays) == set(IntentClassifier.ARRAYS) and all(a.dtype != object for a in arrays.values())  # loadable without pickle
    restored = IntentClassifier.from_arrays(arrays)
    for text in REQUESTS:
        np.testing.assert_allclose(restored.probabilities(text), fitted.probabilities(text), rtol=0, atol=1e-12)
        assert restored.scores(text).best == fitted.scores(text).best
    assert fitted.scores(REQUESTS[0]).best == "analyze_launch" and abs(fitted.probabilities(REQUESTS[1]).sum() - 1) < 1e-9


def test_the_ngram_transform_matches_scikit_learns_and_so_do_the_probabilities() -> None:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from agent.planner.intents import CHARS, WORDS, load_exemplars, normalise

    texts, labels = load_exemplars()
    norm = [normalise(t) for t in texts]
    words, chars = TfidfVectorizer(**WORDS, min_df=1).fit(norm), TfidfVectorizer(**CHARS, min_df=2).fit(norm)
    model = LogisticRegression(C=8.0, max_iter=2000, random_state=0).fit(hstack([words.transform(norm), chars.transform(norm)]).tocsr(), labels)
    ours = default_classifier()
    for text in [*REQUESTS, "hw will cyberpnk sneakrs do w/ gen x guys 🔥", "  spaced   out\ttext ", "a", *texts[::40]]:
        row = normalise(text)
        for mine, theirs in ((ours.words, words), (ours.chars, chars)):
            columns, weights = mine.transform(row)
            expected = theirs.transform([row]).toarray()[0]
            got = np.zeros_like(expected)
            got[columns] = weights
            np.testing.assert_allclose(got, expected, atol=1e-12)
        np.testing.assert_allclose(ours.probabilities(text), model.predict_proba(hstack([words.transform([row]), chars.transform([row])]).tocsr())[0], atol=1e-9)
