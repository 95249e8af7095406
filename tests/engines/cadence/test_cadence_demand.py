"""Search demand counted from raw titles and a query log."""
from __future__ import annotations

from engines.cadence.demand import term_demand


def test_counts_titles_and_logged_queries_per_term_with_plurals() -> None:
    titles = ["RED HORSE Sneakers", "Savie Shoes Sneaker", "Cotton Kurta", "Cyberpunk poster"]
    queries = ["cheap sneakers", "cheap sneakers", "sneakers for men", "sneakerplus.com", "cyberpunk sneakers", "kurta"]
    d = term_demand(["Sneakers", "cyberpunk"], titles, queries)
    assert [(t.term, t.titles, t.queries) for t in d.terms] == [("sneakers", 2, 4), ("cyberpunk", 1, 1)]
    assert (d.titles, d.queries) == (3, 4)  # "sneakerplus.com" is not the word
    assert d.top_queries[0] == ("cyberpunk sneakers", 1)  # both terms first, then by frequency
    assert d.top_queries[1] == ("cheap sneakers", 2)


def test_no_match_is_zero_not_an_error() -> None:
    d = term_demand(["zzqx"], ["a title"], ["a query"])
    assert (d.titles, d.queries, d.top_queries) == (0, 0, [])
