"""A character vocabulary: every partial word is a valid prefix of the token stream, so the LM can
complete "harry po" without the tokenisation mismatch a word or BPE vocabulary has at a cut word."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, PrivateAttr

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")


class CharVocab(BaseModel):
    """Characters seen at least `min_count` times; the rest map to <unk> (non-Latin text included)."""

    chars: list[str]
    _idx: dict[str, int] = PrivateAttr(default_factory=dict)

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 5) -> CharVocab:
        counts = Counter(ch for text in texts for ch in text)
        return cls(chars=sorted(ch for ch, n in counts.items() if n >= min_count))

    @property
    def size(self) -> int:
        return len(SPECIALS) + len(self.chars)

    def _index(self) -> dict[str, int]:
        if not self._idx:
            self._idx = {ch: i + len(SPECIALS) for i, ch in enumerate(self.chars)}
        return self._idx

    def encode(self, text: str) -> list[int]:
        idx = self._index()
        return [idx.get(ch, UNK) for ch in text]

    def covers(self, text: str) -> bool:
        """Whether every character is known: the LM has nothing useful to say about <unk> prefixes."""
        idx = self._index()
        return all(ch in idx for ch in text)

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.chars[i - len(SPECIALS)] for i in ids if i >= len(SPECIALS))
