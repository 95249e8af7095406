"""The project's own sentence-transformers model, learned from our text alone.

Why it exists: the product must embed text on a bare machine with no hub access, so when no
pretrained model loads we build one from the catalog titles in the data dir.

How (count-based, no gradient descent, so it is exact-repeatable and takes seconds on 2 cores):
1. a `tokenizers` WordPiece tokenizer (BERT normalisation, lower-case) whose vocabulary is counted
   from the corpus (frequent words, then frequent prefixes and suffixes), so unseen product words
   still split into known pieces;
2. token co-occurrence counts inside each text over a window, weighted 1/distance;
3. positive PMI with the context distribution smoothed to the power 0.75 (Levy et al., 2015);
4. a truncated SVD of the PPMI matrix (`randomized_svd`, seeded), vectors = U * sqrt(S), each row
   scaled to unit length;
5. each row multiplied by the SIF weight a / (a + p(token)) (Arora et al., 2017): the module
   averages token vectors, so down-weighting frequent tokens such as "for", "'s" or "set" inside
   the vector itself gives a weighted average with the stock `StaticEmbedding` module.
The result is a `StaticEmbedding` module saved with `SentenceTransformer.save` (safetensors) and
reloaded with `SentenceTransformer(path)`, like any other model.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

UNK = "[UNK]"
META_FILE = "caeser_own_model.json"
SIF_A = 1e-3
PMI_ALPHA = 0.75


def train_tokenizer(texts: list[str], vocab_size: int, min_frequency: int = 2) -> Tokenizer:
    """A WordPiece tokenizer with a vocabulary counted from our corpus.

    Retail titles are full of brand names and model codes that a general vocabulary would shred,
    and no general vocabulary is on disk. The vocabulary is counted here rather than by
    `tokenizers`' WordPieceTrainer because that trainer breaks ties between equally frequent
    merges in hash order, so two trainings on the same text give different vocabularies.
    Contents, in order: [UNK]; every character seen, bare and as a `##` continuation (so any
    word of known characters tokenizes); whole words seen `min_frequency` times, most frequent
    first, up to 80% of the budget; then word prefixes and `##` suffixes ranked by how many
    characters they cover, so unseen words split into meaningful pieces.
    """
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    words: Counter[str] = Counter(
        word for text in texts for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
    )
    chars = sorted({ch for word in words for ch in word})
    vocab: dict[str, int] = {}
    for token in [UNK, *chars, *(f"##{ch}" for ch in chars)]:
        vocab.setdefault(token, len(vocab))
    frequent = sorted((w for w, n in words.items() if n >= min_frequency and len(w) > 1),
                      key=lambda w: (-words[w], w))
    for word in frequent[: max(0, int(0.8 * vocab_size) - len(vocab))]:
        vocab.setdefault(word, len(vocab))
    pieces: Counter[str] = Counter()
    for word, n in words.items():
        for i in range(2, len(word)):
            pieces[word[:i]] += n * (i - 1)
            pieces[f"##{word[-i:]}"] += n * (i - 1)
    ranked = sorted((p for p, score in pieces.items() if p not in vocab and score >= min_frequency),
                    key=lambda p: (-pieces[p], p))
    for piece in ranked[: max(0, vocab_size - len(vocab))]:
        vocab[piece] = len(vocab)
    tokenizer = Tokenizer(models.WordPiece(vocab=vocab, unk_token=UNK))
    tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.decoder = decoders.WordPiece()
    return tokenizer


def cooccurrence(token_ids: list[list[int]], vocab: int, window: int) -> sp.csr_matrix:
    """Symmetric counts of token pairs at most `window` apart inside one text, weighted 1/distance
    (near neighbours say more about a token than the far end of a long title)."""
    lengths = np.fromiter((len(ids) for ids in token_ids), dtype=np.int64, count=len(token_ids))
    flat = np.fromiter((t for ids in token_ids for t in ids), dtype=np.int64, count=int(lengths.sum()))
    text_of = np.repeat(np.arange(len(token_ids)), lengths)
    rows, cols, vals = [], [], []
    for d in range(1, window + 1):
        same = text_of[d:] == text_of[:-d]
        left, right = flat[:-d][same], flat[d:][same]
        weight = np.full(left.size, 1.0 / d)
        rows += [left, right]
        cols += [right, left]
        vals += [weight, weight]
    if not rows:
        return sp.csr_matrix((vocab, vocab))
    counts = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(vocab, vocab)
    )
    counts.sum_duplicates()
    return counts


def ppmi(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Positive PMI with context smoothing: rare contexts otherwise get huge, noisy PMI values."""
    coo = counts.tocoo()
    total = coo.data.sum()
    if total == 0:
        return counts
    row_p = np.asarray(counts.sum(axis=1)).ravel() / total
    ctx = np.asarray(counts.sum(axis=0)).ravel() ** PMI_ALPHA
    ctx_p = ctx / ctx.sum()
    pmi = np.log(coo.data / total / (row_p[coo.row] * ctx_p[coo.col]))
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep].astype(np.float32), (coo.row[keep], coo.col[keep])), shape=counts.shape)


def token_vectors(token_ids: list[list[int]], vocab: int, dim: int, window: int, seed: int) -> np.ndarray:
    """One float32 row per vocabulary entry: unit SVD vectors scaled by the SIF weight."""
    matrix = ppmi(cooccurrence(token_ids, vocab, window))
    k = max(1, min(dim, vocab - 1))
    vectors = np.zeros((vocab, dim), dtype=np.float64)
    if matrix.nnz:
        from sklearn.utils.extmath import randomized_svd  # only when training: importing scikit-learn costs ~1 s per process

        u, s, _ = randomized_svd(matrix, n_components=k, n_iter=3, random_state=seed)
        vectors[:, :k] = u * np.sqrt(s)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    freq = np.bincount(np.fromiter((t for ids in token_ids for t in ids), dtype=np.int64), minlength=vocab)
    p = freq / max(1, freq.sum())
    return (vectors * (SIF_A / (SIF_A + p))[:, None]).astype(np.float32)


def train_own_model(
    texts: list[str],
    out_dir: Path,
    dim: int = 192,
    seed: int = 0,
    vocab_size: int = 12_000,
    window: int = 8,
    corpus: str = "custom",
) -> Path:
    """Train the own model on `texts` and save it at `out_dir` (replacing what is there).

    Texts are de-duplicated first (catalogs repeat listings; repeats would only inflate counts).
    The model is written to a temporary sibling and renamed into place, so a crash never leaves a
    half-written model that a later run would mistake for a finished one.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding

    unique = list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))
    if not unique:
        raise ValueError("train_own_model needs at least one non-empty text")
    tokenizer = train_tokenizer(unique, vocab_size)
    token_ids = [e.ids for e in tokenizer.encode_batch(unique, add_special_tokens=False)]
    weights = token_vectors(token_ids, tokenizer.get_vocab_size(), dim, window, seed)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        model.save(str(tmp), create_model_card=False)
        meta = {"corpus": corpus, "texts": len(unique), "vocab": tokenizer.get_vocab_size(),
                "dim": dim, "window": window, "seed": seed, "method": "wordpiece+ppmi+svd+sif"}
        (tmp / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def own_model_meta(path: Path) -> dict[str, object]:
    """What a saved own model was trained on (for the log line that says which model is in use)."""
    try:
        return json.loads((Path(path) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
