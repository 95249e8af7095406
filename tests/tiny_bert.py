"""A tiny BERT-architecture encoder with its own small WordPiece tokenizer, as a sentence-transformers-
style folder: what the sentiment transformer's tests fine-tune instead of the packaged 90 MB MiniLM,
so they run in seconds and need no extra."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

WORDS = ["love", "great", "happy", "thanks", "awful", "hate", "worst", "rude", "gate", "time", "what", "where", "the", "flight", "it", "not", "bad", "good", "so", "this"]
CONFIG = {"model_type": "bert", "vocab_size": 0, "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32,
          "max_position_embeddings": 64, "type_vocab_size": 2, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.0,
          "attention_probs_dropout_prob": 0.0}


def tokenizer_json() -> str:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *WORDS])}
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return tok.to_str()


def write_tiny_bert(folder: Path, seed: int = 0) -> Path:
    """config.json, tokenizer.json and model.safetensors of a 1-layer, 16-wide BERT (random weights)."""
    import torch
    from safetensors.numpy import save_file
    from transformers import BertConfig, BertModel

    config = {**CONFIG, "vocab_size": 4 + len(WORDS)}
    torch.manual_seed(seed)
    model = BertModel(BertConfig(**config))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (folder / "tokenizer.json").write_text(tokenizer_json(), encoding="utf-8")
    save_file({k: np.ascontiguousarray(v.numpy()) for k, v in model.state_dict().items()}, str(folder / "model.safetensors"))
    return folder
