import random

import numpy as np

from engines.cadence.index import Entry, PrefixIndex


def _entries(n: int, seed: int = 0) -> dict[str, Entry]:
    rng = random.Random(seed)
    words = ["red", "read", "road", "dress", "drone", "shoe", "shirt", "sh", "toy", "train", "track"]
    out = {}
    while len(out) < n:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        out[text] = Entry(rng.random(), rng.choice(["log", "generated"]), rng.randint(0, 2))
    return out


def _brute(entries, prefix, k, category=None):
    rows = [(t, e.weight) for t, e in entries.items() if t.startswith(prefix) and (category is None or e.category == category)]
    return [t for t, _ in sorted(rows, key=lambda x: -x[1])[:k]]


def test_topk_matches_brute_force_for_heavy_and_light_nodes():
    entries = _entries(600)
    index = PrefixIndex(entries, heavy=8, k_max=20, typo_min_len=100)
    assert index.heavy_nodes > 5  # some nodes are precomputed
    for prefix in ["", "r", "re", "red ", "sh", "shirt t", "toy train", "zzz"]:
        for k in (1, 5, 20):
            assert [h.text for h in index.search(prefix, k)] == _brute(entries, prefix, k)


def test_category_filter_returns_only_that_category():
    entries = _entries(300, seed=1)
    index = PrefixIndex(entries, heavy=8)
    hits = index.search("t", 10, category=1)
    assert hits and all(h.category == 1 for h in hits)
    assert [h.text for h in hits] == _brute(entries, "t", 10, category=1)
    assert index.search("t", 10, category=99) == []


def test_one_edit_typos_from_four_characters():
    entries = {"dress red": Entry(5.0), "drone": Entry(3.0), "train set": Entry(2.0)}
    index = PrefixIndex(entries, typo_min_len=4)
    for typo in ["drss", "dresx", "derss", "drexss", "trian"]:  # deletion, substitution, transposition, insertion
        hits = index.search(typo, 5)
        assert hits and hits[0].typo, typo
        assert hits[0].weight < entries[hits[0].text].weight  # penalised
    assert index.search("drs", 5) == []  # below 4 characters: exact only
    assert index.search("dxxss", 5) == []  # two edits away


def test_typos_are_tried_only_when_nothing_matches_exactly():
    entries = {"dress": Entry(1.0), "drems": Entry(9.0)}
    index = PrefixIndex(entries)
    assert [(h.text, h.typo) for h in index.search("dres", 5)] == [("dress", False)]
    assert [(h.text, h.typo) for h in index.search("drefs", 5)] == [("drems", True), ("dress", True)]
    assert index.contains("dress") and not index.contains("dres")


def test_sources_and_weights_survive():
    index = PrefixIndex({"a b": Entry(2.0, "generated", 3)})
    (hit,) = index.search("a", 3)
    assert (hit.source, hit.category, hit.weight) == ("generated", 3, 2.0)
    assert np.isclose(index.search("a b", 1)[0].weight, 2.0)
