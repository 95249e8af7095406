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
