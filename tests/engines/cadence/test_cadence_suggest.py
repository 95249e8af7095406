"""The autosuggest front door: indexed texts first, then the last word completed in context, then alone."""
from __future__ import annotations

from engines.cadence.index import Entry, PrefixIndex
from engines.cadence.suggest import Suggester


def index(texts: dict[str, float]) -> PrefixIndex:
    return PrefixIndex({t: Entry(w) for t, w in texts.items()})


def test_indexed_texts_come_first_then_context_then_word_completions() -> None:
    s = Suggester(index({"harry potter": 5.0, "red potter clay": 1.0, "pool table": 9.0, "cheap pool": 2.0}))
    got = [h.text for h in s.suggest("harry po", 10)]
    assert got[0] == "harry potter"  # tier 1: an indexed query
    got = [h.text for h in s.suggest("new harry po", 10)]
    assert got[0] == "new harry potter"  # tier 2: 'harry' is followed by 'potter', though 'pool' is more frequent alone
    assert got[1] == "new harry pool" and all(h.source == "completed" for h in s.suggest("new harry po", 10))


def test_typos_only_when_nothing_else_matches_and_category_filters_skip_completions() -> None:
    s = Suggester(PrefixIndex({"wooden train": Entry(3.0, "log", 1)}))
    assert [h.text for h in s.suggest("my wood", 5)] == ["my wooden"]
    assert [h.typo for h in s.suggest("woodne", 5)] == [True]
    assert s.suggest("my wood", 5, category=1) == []


def test_a_word_no_indexed_word_starts_with_is_completed_from_word_endings() -> None:
    s = Suggester(index({"www.nevadaappeal.com": 3.0, "www.drillinginfo.com": 2.0, "drill press": 1.0}))
    got = s.suggest("www.sunoco.c", 5)
    assert got[0].text == "www.sunoco.com" and got[0].source == "completed"  # the ending ".com" after ".c"
    assert [h.weight for h in got] == sorted((h.weight for h in got), reverse=True)  # the rerank keeps the tier's order
    assert all(h.text != "www.sunoco.c" for h in got)  # an ending equal to the typed characters is not a suggestion
    assert [h.text for h in s.suggest("drill", 5)][0] == "drill press"  # indexed texts still come first


def test_a_typo_match_comes_before_invented_endings() -> None:
    s = Suggester(index({"xbox controller": 3.0, "control room": 2.0}))
    got = s.suggest("xbox controllr", 5)
    assert got[0].text == "xbox controller" and got[0].typo
    assert all(h.source == "completed" for h in got[1:]) and all(h.weight < got[0].weight for h in got[1:])
