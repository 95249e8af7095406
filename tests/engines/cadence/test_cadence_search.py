from engines.cadence.search import BM25, rrf


def test_bm25_prefers_rare_matching_terms_and_filters():
    docs = ["wooden toy train", "toy car", "toy doll", "red dress", "wooden spoon"]
    bm25 = BM25(docs)
    assert bm25.top("wooden train", 3) == [0, 4]
    assert bm25.top("train", 5, mask=__import__("numpy").array([False, True, True, True, True])) == []
    assert bm25.top("nothing here", 5) == []


def test_rrf_rewards_agreement():
    fused = rrf([[1, 2, 3], [3, 1, 4]])
    assert [d for d, _ in fused][:2] == [1, 3]
    assert {d for d, _ in fused} == {1, 2, 3, 4}
