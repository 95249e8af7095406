"""A small pretrained transformer fine-tuned for post sentiment: the model that reads in context.

WHY: the fast model (`engines.hype.sentiment`, v6) reads n-grams, lexicon features and each wordpiece
alone, and stays at 0.646 macro-recall on TweetEval test; distilling a transformer into it kept none
of the gain (docs/hype.md). A transformer reads "not bad at all" and "in line for an iPad 2" in
context, but scores ~190 posts/s per core here, 10× under the hype path's 2,000 posts/s. So it
is the slow half of two-speed scoring: the build fine-tunes it and re-scores the stored posts ahead
of time, and posts that arrive later get the fast model at call time until the next build
(`memory.hype_transformer`).

The network: a BERT-architecture encoder (the packaged all-MiniLM-L6-v2: 6 layers, 384 wide) → mean
pooling over the post's real wordpieces → one linear layer → 3 logits (`LABELS`). Fine-tuned whole,
one pass over `FineTuneSettings.posts` training posts drawn without replacement with probability ∝
the caller's row weights (the fast model's source and class weights: no source and no class sets
the prior), AdamW with a linear warm-up then linear decay, batches of posts of similar length, at
most `max_pieces` wordpieces. Each setting is the one measured on TweetEval's validation split
(docs/hype.md: the model the build makes scores 0.722 alone, 0.737 averaged half and half with v6).

Text goes through the fast model's `normalise` first (links, @mentions, entities, stretched
letters), so both halves read the same post. Deterministic given the seed and thread count (torch
on the CPU). Pure: weights in, weights out; nothing here touches files. torch and transformers are
imported inside the functions, so importing this module costs nothing.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from engines.hype.sentiment import LABELS, MODEL_NAME, SentimentPrediction, normalise, prediction_from_proba

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer

TRANSFORMER_NAME = "caeser-sentiment-minilm-v1"
BASE_MODEL = "all-MiniLM-L6-v2"
HEAD_WEIGHT, HEAD_BIAS = "head.weight", "head.bias"
SCORE_BATCH = 64
#: The transformer's share when averaged with the fast model (`averaged`). Chosen on TweetEval validation
#: with the model the build makes: 0.3 / 0.4 / 0.5 / 0.6 / 0.7 gave 0.731 / 0.738 / 0.737 / 0.732 / 0.728
#: macro-recall, the transformer alone 0.722, v6 alone 0.714 (docs/hype.md).
TRANSFORMER_WEIGHT = 0.5
Report = Callable[[float, str], None]


class FineTuneSettings(BaseModel):
    """The fine-tuning recipe; the defaults are the settings measured on TweetEval validation."""

    posts: int = Field(default=45_000, ge=1, description="training posts drawn for the one pass")
    epochs: int = Field(default=1, ge=1)
    learning_rate: float = Field(default=8e-5, gt=0)
    warmup: float = Field(default=0.06, ge=0, lt=1, description="share of the steps with a rising learning rate")
    batch: int = Field(default=32, ge=1)
    max_pieces: int = Field(default=64, ge=8, description="wordpieces read per post, [CLS] and [SEP] included")
    threads: int = Field(default=2, ge=1, description="torch threads (the result depends on it, slightly)")


@dataclass
class TransformerSentiment:
    """An encoder with its classification head, as arrays: `weights` holds the encoder's parameters
    under BERT's names (`embeddings.…`, `encoder.layer.N.…`) and the head under `HEAD_WEIGHT` /
    `HEAD_BIAS`; `config` is the encoder's `config.json`; `tokenizer_json` its tokenizer."""

    config: dict[str, Any]
    tokenizer_json: str
    weights: dict[str, np.ndarray]
    max_pieces: int = 64
    _torch_model: Any = field(default=None, repr=False)

    @cached_property
    def tokenizer(self) -> "Tokenizer":
        from tokenizers import Tokenizer

        tok = Tokenizer.from_str(self.tokenizer_json)
        tok.no_padding()
        tok.enable_truncation(self.max_pieces)
        return tok

    @property
    def has_head(self) -> bool:
        return HEAD_WEIGHT in self.weights

    def _module(self) -> "torch.nn.Module":
        if self._torch_model is None:
            self._torch_model = _classifier_class().from_arrays(self.config, self.weights)
        return self._torch_model

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch([normalise(t) for t in texts])]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 3) class probabilities in `LABELS` order, in input order; posts batched by length."""
        import torch

        if not self.has_head:
            raise ValueError("this encoder has no classification head: fine-tune it first")
        ids = self.encode(texts)
        out = np.zeros((len(ids), len(LABELS)), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        model = self._module().eval()
        with torch.inference_mode():
            for start in range(0, len(order), SCORE_BATCH):
                rows = order[start:start + SCORE_BATCH]
                batch, mask = _padded([ids[i] for i in rows])
                out[rows] = torch.softmax(model(batch, mask), dim=-1).numpy()
        return out


def _padded(rows: Sequence[Sequence[int]]) -> tuple["torch.Tensor", "torch.Tensor"]:
    import torch

    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, :len(r)] = 1
    return ids, mask


@lru_cache(maxsize=1)
def _classifier_class() -> type:
    """The torch module class, defined on first use so that importing this module imports no torch."""
    import torch
    from transformers import BertConfig, BertModel

    class Classifier(torch.nn.Module):
        """BERT encoder → mean pooling over real wordpieces → linear head."""

        def __init__(self, config: dict[str, Any]) -> None:
            super().__init__()
            self.encoder = BertModel(BertConfig(**config), add_pooling_layer=False)
            self.head = torch.nn.Linear(int(config["hidden_size"]), len(LABELS))

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).to(hidden.dtype)
            return self.head((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9))

        @classmethod
        def from_arrays(cls, config: dict[str, Any], weights: dict[str, np.ndarray]) -> "Classifier":
            model = cls(config)
            # the pooler (BERT's [CLS] layer) is unused by mean pooling; position ids are a buffer
            encoder = {k.removeprefix("bert."): torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in weights.items()
                       if not k.startswith(("head.", "pooler.", "bert.pooler.")) and not k.endswith("position_ids")}
            missing, unexpected = model.encoder.load_state_dict(encoder, strict=False)
            if unexpected or [k for k in missing if not k.endswith("position_ids")]:
                raise ValueError(f"encoder weights do not fit the config: missing {missing[:3]}, unexpected {unexpected[:3]}")
            if HEAD_WEIGHT in weights:
                model.head.weight.data = torch.from_numpy(np.asarray(weights[HEAD_WEIGHT], dtype=np.float32)).clone()
                model.head.bias.data = torch.from_numpy(np.asarray(weights[HEAD_BIAS], dtype=np.float32)).clone()
            return model

        def to_arrays(self) -> dict[str, np.ndarray]:
            arrays = {k: v.detach().numpy().copy() for k, v in self.encoder.state_dict().items() if not k.endswith("position_ids")}
            return {**arrays, HEAD_WEIGHT: self.head.weight.detach().numpy().copy(), HEAD_BIAS: self.head.bias.detach().numpy().copy()}

    return Classifier


def draw_posts(weights: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Row positions of the posts for the pass: `n` (at most all) drawn without replacement with
    probability ∝ `weights`, in the drawn order."""
    p = np.asarray(weights, dtype=np.float64)
    p = p / p.sum()
    return np.random.default_rng(seed).choice(len(p), size=min(n, int((p > 0).sum())), replace=False, p=p)


def _batches(lengths: Sequence[int], batch: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Posts of similar length together (sorted, cut into batches), the batches in random order:
    little padding, and no run of long posts at the end of the pass."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    chunks = [order[i:i + batch] for i in range(0, len(order), batch)]
    return [chunks[i] for i in rng.permutation(len(chunks))]


def fine_tune(base: TransformerSentiment, texts: Sequence[str], labels: Sequence[str], weights: np.ndarray,
              settings: FineTuneSettings | None = None, *, seed: int = 0, report: Report | None = None) -> TransformerSentiment:
    """Fine-tune `base` (its head, when it has none, starts at random) on posts drawn ∝ `weights`
    (see `draw_posts`); returns a new model, `base` is left as it was."""
    import torch

    settings = settings or FineTuneSettings()
    if not len(texts) == len(labels) == len(weights):
        raise ValueError(f"texts, labels and weights differ in length: {len(texts)}, {len(labels)}, {len(weights)}")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels {unknown[:3]}; expected {list(LABELS)}")
    threads = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    try:
        return _fine_tune(base, texts, labels, weights, settings, seed, report)
    finally:
        torch.set_num_threads(threads)  # the process's own setting again


def _fine_tune(base: TransformerSentiment, texts: Sequence[str], labels: Sequence[str], weights: np.ndarray,
               settings: FineTuneSettings, seed: int, report: Report | None) -> TransformerSentiment:
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    drawn = draw_posts(weights, settings.posts, seed)
    model = TransformerSentiment(base.config, base.tokenizer_json, {}, settings.max_pieces)
    ids = model.encode([texts[i] for i in drawn])
    y = torch.tensor([LABELS.index(labels[i]) for i in drawn], dtype=torch.long)
    net = _classifier_class().from_arrays(base.config, base.weights).train()
    batches = [b for _ in range(settings.epochs) for b in _batches([len(r) for r in ids], settings.batch, rng)]
    optimiser = torch.optim.AdamW(net.parameters(), lr=settings.learning_rate)
    warm = max(1, math.ceil(settings.warmup * len(batches)))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min((s + 1) / warm, max(0.0, (len(batches) - s) / max(1, len(batches) - warm))))
    loss_fn = torch.nn.CrossEntropyLoss()
    for step, rows in enumerate(batches):
        batch, mask = _padded([ids[i] for i in rows])
        loss = loss_fn(net(batch, mask), y[torch.from_numpy(rows)])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if report is not None:
            report((step + 1) / len(batches), f"fine-tuning: batch {step + 1:,} of {len(batches):,}, loss {loss.item():.3f}")
    return TransformerSentiment(base.config, base.tokenizer_json, net.to_arrays(), settings.max_pieces)


def averaged(p_fast: np.ndarray, p_transformer: np.ndarray, weight: float = TRANSFORMER_WEIGHT) -> SentimentPrediction:
    """The two-speed model's probabilities: `(1 − weight)·p(fast) + weight·p(transformer)`."""
    return prediction_from_proba((1.0 - weight) * np.asarray(p_fast) + weight * np.asarray(p_transformer))


def describe_transformer() -> str:
    """What `TRANSFORMER_NAME` is, in words, for the sentence naming the method."""
    return f"{BASE_MODEL} fine-tuned here on {FineTuneSettings().posts:,} labelled posts, averaged with {MODEL_NAME} ({TRANSFORMER_WEIGHT:.0%} each)"
