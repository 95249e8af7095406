"""The wordpiece CNN learns, its numpy scoring is torch's forward pass, a post scores the same in any
batch, and the arrays round-trip (a tiny wordpiece vocabulary stands in for MiniLM's)."""
import numpy as np
import pytest

from engines.hype.sentiment import SentimentModel, train_sentiment
from engines.hype.wordpiece_cnn import WIDTH, WordpieceCNN, Wordpieces, projected_table, train_cnn

POS = ["love this airline", "great crew thanks", "amazing flight", "best service ever", "so happy with the upgrade", "wonderful staff"]
NEG = ["lost my bag again", "worst delay ever", "rude agent", "cancelled flight no help", "terrible service", "never flying again"]
NEU = ["what time is boarding", "flight 123 to boston", "is wifi on board", "gate change for 456", "how do i check in", "booking for tomorrow"]
TEXTS, Y = POS + NEG + NEU, np.array([2] * 6 + [0] * 6 + [1] * 6)


@pytest.fixture(scope="module")
def wordpieces() -> Wordpieces:
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordPiece

    words = sorted({w for t in TEXTS for w in t.split()})
    vocab = {tok: i for i, tok in enumerate(["[PAD]", "[UNK]", *words, "##s"])}
    tokenizer = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    return Wordpieces(tokenizer.to_str(), np.random.default_rng(0).normal(size=(len(vocab), 24)).astype(np.float32))


@pytest.fixture(scope="module")
def cnn(wordpieces) -> WordpieceCNN:
    return train_cnn(TEXTS, Y, np.ones(len(TEXTS)), wordpieces, seed=0, epochs=100, dim=8, hidden=16, learning_rate=0.02)


def test_it_learns_the_training_posts_and_a_seed_fixes_the_result(cnn, wordpieces):
    assert (cnn.predict_proba(TEXTS).argmax(axis=1) == Y).mean() > 0.9
    again = train_cnn(TEXTS, Y, np.ones(len(TEXTS)), wordpieces, seed=0, epochs=100, dim=8, hidden=16, learning_rate=0.02)
    assert np.array_equal(again.conv, cnn.conv) and np.array_equal(again.table, cnn.table)


def test_numpy_scoring_is_the_torch_forward_pass(cnn):
    import torch
    from torch.nn import functional as F

    text = "lost my bag on the flight to boston"
    ids = torch.from_numpy(cnn.pieces([text])[0])[None]
    dim, hidden = cnn.table.shape[1], cnn.conv.shape[1]
    weight = torch.from_numpy(cnn.conv).reshape(WIDTH, dim, hidden).permute(2, 1, 0)
    h = F.relu(F.conv1d(torch.from_numpy(cnn.table)[ids].transpose(1, 2), weight, torch.from_numpy(cnn.conv_bias), padding=WIDTH // 2))
    logits = torch.cat([h.amax(2), h.mean(2)], 1) @ torch.from_numpy(cnn.out) + torch.from_numpy(cnn.out_bias)
    assert np.allclose(cnn.predict_proba([text])[0], F.softmax(logits, 1)[0].numpy(), atol=1e-5)


def test_a_post_scores_the_same_in_any_batch(cnn):
    """The [PAD] row is zero like the convolution's own padding, so batch-mates' lengths do not matter."""
    short = cnn.predict_proba(["rude agent"])
    assert np.allclose(cnn.predict_proba(["rude agent", "what time is boarding for the flight to boston tomorrow", ""])[0], short[0], atol=1e-6)


def test_arrays_round_trip_and_wrong_shapes_are_refused(cnn):
    again = WordpieceCNN.from_arrays(cnn.to_arrays("p_"), "p_")
    assert np.array_equal(again.predict_proba(TEXTS), cnn.predict_proba(TEXTS))
    with pytest.raises(ValueError, match="wrong shape"):
        WordpieceCNN.from_arrays({**cnn.to_arrays("p_"), "p_out": cnn.out[:-1]}, "p_")


def test_projected_table_is_centred_unit_variance_with_a_zero_pad_row(wordpieces):
    table = projected_table(wordpieces.vectors, 8)
    assert table.shape == (len(wordpieces.vectors), 8) and not table[0].any() and np.isclose(table[1:].std(), 1.0, atol=0.1)


def test_the_sentiment_model_averages_in_the_cnn_and_saves_it(wordpieces):
    labels = ["positive"] * 6 + ["negative"] * 6 + ["neutral"] * 6
    model = train_sentiment(TEXTS, labels, ["a", "b"] * 9, seed=0, word_bits=12, wordpieces=wordpieces, cnn_epochs=30)
    assert model.cnn is not None and "CNN over MiniLM wordpiece vectors" in model.describe()
    again = SentimentModel.from_arrays(model.to_arrays())
    assert again.cnn is not None and again.predict(TEXTS).scores == model.predict(TEXTS).scores
    linear = SentimentModel.from_arrays({k: v for k, v in model.to_arrays().items() if not k.startswith("cnn_")})
    assert linear.cnn is None and linear.predict(TEXTS).scores != model.predict(TEXTS).scores
