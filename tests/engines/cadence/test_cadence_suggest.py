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
    got = s.suggest("woodne", 5)  # the indexed text one edit away, then the word corrected (tier 4b)
    assert [(h.text, h.typo) for h in got] == [("wooden train", True), ("wooden", False)]
    assert s.suggest("my wood", 5, category=1) == []


def test_a_word_no_indexed_word_starts_with_is_completed_from_word_endings() -> None:
    s = Suggester(index({"www.nevadaappeal.com": 3.0, "www.drillinginfo.com": 2.0, "www.pogo.com": 1.0, "drill press": 1.0}))
    got = s.suggest("www.sunoco.c", 5)
    assert got[0].text == "www.sunoco.com" and got[0].source == "completed"  # the ending "o.com" of two words after "o.c"
    assert [h.weight for h in got] == sorted((h.weight for h in got), reverse=True)  # the rerank keeps the tier's order
    assert all(h.text != "www.sunoco.c" for h in got)  # an ending equal to the typed characters is not a suggestion
    assert [h.text for h in s.suggest("drill", 5)][0] == "drill press"  # indexed texts still come first


def test_a_typo_is_corrected_to_a_known_word_not_completed_into_an_invented_one() -> None:
    s = Suggester(index({"xbox controller": 3.0, "ballroom dance": 2.0}))
    got = s.suggest("xbox controllr", 5)
    assert got[0].text == "xbox controller" and got[0].typo  # tier 4: the indexed text one edit away
    assert not any("controllroom" in h.text for h in got)  # the ending of "ballroom" after "llr"
    got = s.suggest("my xbox controllr", 5)  # no indexed text is one edit away: the word is corrected (tier 4b)
    assert [h.text for h in got] == ["my xbox controller"] and got[0].source == "completed"


def test_an_unknown_word_no_known_word_is_one_edit_from_still_completes_from_word_endings() -> None:
    s = Suggester(index({"hypostomus catfish": 2.0, "chaetostomus": 1.0, "xbox controller": 3.0, "ballroom dance": 2.0, "mushroom": 1.0}))
    assert [h.text for h in s.suggest("plecostomu", 5)] == ["plecostomus"]  # "stomus" ends two words
    assert [h.text for h in s.suggest("xbox controllroo", 5)] == ["xbox controllroom"]  # no correction is one edit away
    assert [h.text for h in s.suggest("hypostomu", 5)] == ["hypostomus catfish", "hypostomus"]  # known: nothing invented beside it


def test_an_ending_of_a_single_word_is_not_offered() -> None:
    s = Suggester(index({"hypostomus catfish": 2.0}))
    assert s.suggest("plecostomu", 5) == []


def test_an_unknown_earlier_word_is_corrected_before_the_partial_one_is_completed() -> None:
    s = Suggester(index({"nintendo switch": 2.0, "swimming pool": 5.0, "wireless mouse": 3.0}))
    assert [h.text for h in s.suggest("ninteno swi", 5)][0] == "nintendo switch"  # the corrected context first
    assert [h.text for h in s.suggest("wireles mou", 5)][0] == "wireless mouse"  # a letter missing at the end
    assert [h.text for h in s.suggest("nintendo swi", 5)] == ["nintendo switch", "nintendo swimming"]  # known words are kept


def test_one_word_with_many_texts_does_not_fill_every_slot() -> None:
    crowd = {f"lapguard {brand} battery {i}": 0.9 - i * 0.001 for i, brand in enumerate(["hp", "sony", "acer", "dell", "asus", "lenovo"] * 6)}
    s = Suggester(index({**crowd, "laptop case": 0.5, "laptop stand": 0.4, "lapel pin": 0.3}))
    got = [h.text for h in s.suggest("lap", 10)]
    assert sum(t.startswith("lapguard") for t in got[:6]) == 3  # at most three before the others
    assert {"laptop case", "laptop stand"} <= set(got[:6])  # found though 36 heavier texts crowd the prefix
    assert got.index("laptop case") < got.index("laptop stand") and len(got) == 10  # the crowd fills the rest, after
    assert all(a.weight >= b.weight for a, b in zip(s.suggest("lap", 10), s.suggest("lap", 10)[1:]))  # a weight rerank keeps the order


def test_a_phrase_and_its_extensions_take_two_slots() -> None:
    s = Suggester(index({"lapguard hp": 0.9, "lapguard hp pavilion": 0.8, "lapguard hp pavilion cell": 0.7, "lapguard sony": 0.6}))
    assert [h.text for h in s.suggest("lap", 4)] == ["lapguard hp", "lapguard hp pavilion", "lapguard sony", "lapguard hp pavilion cell"]
