from engines.cadence.completion import MPC, EngineSuggester, MPCLastWord, fit_alpha, reciprocal_rank

LOG = ["harry potter"] * 3 + ["harry styles"] * 2 + ["hat"] + ["red dress", "red dress", "blue dress", "dresser"]


def test_mpc_ranks_by_popularity():
    assert MPC(LOG).suggest("har", 2) == ["harry potter", "harry styles"]
    assert MPC(LOG).suggest("zz", 5) == []


def test_mpc_lw_completes_last_word_keeping_the_head():
    lw = MPCLastWord(LOG)
    assert lw.suggest("green dre", 3) == ["green dress", "green dresser"]
    assert lw.suggest("har", 2) == ["harry potter", "harry styles"]  # MPC first


def test_rank_and_fit_alpha_choose_on_validation():
    cands = [[("a", -1.0, 0.0), ("b", -3.0, 2.0)]]
    assert EngineSuggester.rank(cands[0], 0.0, 2) == ["a", "b"]
    assert EngineSuggester.rank(cands[0], 2.0, 2) == ["b", "a"]
    alpha, curve = fit_alpha(cands, ["b"], grid=(0.0, 2.0))
    assert alpha == 2.0 and curve[2.0] == 1.0 and curve[0.0] == 0.5
    assert reciprocal_rank(["x", "y"], "y") == 0.5 and reciprocal_rank(["x"], "z") == 0.0
