import pytest
import torch

from engines.cadence.generate import Component, blocked, complete, generate_for_category
from engines.cadence.lm import CadenceLM, LMConfig, TrainConfig, completion_logprob, encode_batch, train_lm
from engines.cadence.vocab import BOS, CharVocab

TINY = LMConfig(vocab_size=1, embed=16, hidden=48, attn=16, dropout=0.0)
QUERIES = ["harry potter", "harry potter books", "hamster cage", "red dress", "red shoes", "wooden train"] * 4


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)  # tiny matrices: threads only add contention
    vocab = CharVocab.build(QUERIES, min_count=1)
    model = train_lm(QUERIES, vocab, TINY.model_copy(update={"vocab_size": vocab.size}), TrainConfig(epochs=150, batch=24, lr=1e-2, seed=0))
    return model, vocab


def test_incremental_decoding_matches_the_full_forward_pass():
    torch.manual_seed(0)
    vocab = CharVocab.build(QUERIES, min_count=1)
    model = CadenceLM(LMConfig(vocab_size=vocab.size, n_categories=3, embed=8, hidden=16, attn=8, layers=2)).eval()
    ids = torch.tensor([[BOS] + vocab.encode("red shoes")])
    cats = torch.tensor([2])
    full = torch.log_softmax(model(ids, cats), dim=-1)[0]
    state, lp = model.start(ids[:, :3], cats)
    assert torch.allclose(lp[0], full[2], atol=1e-5)
    for t in range(3, ids.shape[1]):
        state, lp = model.step(state, ids[:, t])
        assert torch.allclose(lp[0], full[t], atol=1e-5)


def test_training_is_deterministic_and_learns(trained):
    model, vocab = trained
    config = TINY.model_copy(update={"vocab_size": vocab.size})
    one, two = (train_lm(QUERIES, vocab, config, TrainConfig(epochs=3, batch=8, seed=1)) for _ in range(2))
    for a, b in zip(one.state_dict().values(), two.state_dict().values()):
        assert torch.equal(a, b)
    good, bad = completion_logprob(model, vocab, ["har", "har"], ["harry potter", "harxy qotter"])
    assert good > bad + 5


def test_beam_completes_partial_words_best_first(trained):
    model, vocab = trained
    (results,) = [complete([Component(model)], vocab, ["harry po"], beam=4, n_best=3)]
    texts = [t for t, _ in results[0]]
    assert texts[0].startswith("harry potter") and all(t.startswith("harry po") for t in texts)
    scores = [s for _, s in results[0]]
    assert scores == sorted(scores, reverse=True)
    # batched prefixes of different lengths give the same answer as one at a time
    batched = complete([Component(model)], vocab, ["re", "harry po", "wo"], beam=4, n_best=3)
    assert [t for t, _ in batched[1]] == texts
    assert batched[2][0][0] == "wooden train"


def test_beam_scores_equal_exact_completion_logprob(trained):
    model, vocab = trained
    text, score = complete([Component(model)], vocab, ["red"], beam=4, n_best=1)[0][0]
    assert score == pytest.approx(float(completion_logprob(model, vocab, ["red"], [text])[0]), abs=1e-4)


def test_generation_blocks_repeats_and_respects_quota(trained):
    model, vocab = trained
    out = generate_for_category([Component(model)], vocab, ["red ", "harry "], quota=3)
    assert len(out) <= 3 and len({t for t, _ in out}) == len(out)
    assert blocked("red red dress") and blocked("for men for men") and not blocked("red dress")
    known = generate_for_category([Component(model)], vocab, ["red ", "harry "], quota=10, known_words={"red", "dress", "harry"})
    assert known and all(set(t.split()) <= {"red", "dress", "harry"} for t, _ in known)


def test_long_sequences_are_cut_without_eos():
    vocab = CharVocab.build(["abc"], min_count=1)
    (seq,) = encode_batch(vocab, ["abcabc"], max_len=4)
    assert len(seq) == 5 and seq[-1] != 2
