"""Coverage: whether a product title is what the query asked for, not merely the best-ranked thing."""
from __future__ import annotations

from engines.cadence.coverage import MATCH_FLOOR, content_words, coverage


def test_an_unrelated_top_result_is_not_a_match() -> None:
    assert coverage("wireless earbuds", "Diecast 1:43 Cadillac hearse") == 0.0 < MATCH_FLOOR
    assert coverage("wireless earbuds under $50", "Boat Rockerz wireless earbuds, black") == 1.0


def test_plurals_word_starts_and_stopwords() -> None:
    assert coverage("dinosaur puzzles", "Dinosaur Puzzle 100 pieces") == 1.0
    assert coverage("lego sets", "LEGO City 60200") == 1.0  # "sets" says nothing about the product
    assert coverage("ear", "Heart shaped mirror") == 0.0  # inside a word is not a match
    assert content_words("the best new gifts for my mum") == ["mum"]
    assert coverage("the best gifts", "anything") == 1.0  # nothing specific asked: nothing to contradict
