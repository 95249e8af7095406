"""What the agent refuses to read, and how it cleans what it reads, before any model sees a turn.

Every front end goes through `Agent.ask`, so one set of words answers empty, oversized, emoji-only
and non-English messages, and control characters never reach the planner, an LLM or a store.
"""
from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE_CHARS = 4000
EXAMPLE = "\"what's the hype on Stanley cups this week?\" or \"what can you do?\""

# Common function words of languages people may write in; English ones are checked separately.
_FOREIGN = {
    "es": {"el", "la", "los", "las", "de", "del", "que", "qué", "cuál", "cómo", "para", "por", "una", "con", "es", "en", "mi", "hola", "cuánto", "nuestro", "nuestra", "tal", "cuáles", "cuándo", "sobre", "un", "nuestras", "nuestros", "escribe", "dime", "esta", "este"},
    "fr": {"le", "la", "les", "des", "du", "est", "que", "quel", "quelle", "comment", "pour", "avec", "une", "sur", "bonjour", "notre", "nos", "combien"},
    "de": {"der", "die", "das", "und", "ist", "wie", "was", "für", "mit", "ein", "eine", "nicht", "hallo", "unser", "unsere", "wird", "welche"},
    "pt": {"o", "os", "as", "do", "da", "que", "como", "para", "com", "um", "uma", "olá", "nosso", "nossa", "quanto", "não"},
    "it": {"il", "lo", "gli", "della", "che", "come", "per", "con", "una", "ciao", "nostro", "nostra", "quanto", "sono"},
}
_ENGLISH = {"the", "a", "an", "what", "how", "is", "are", "for", "with", "of", "and", "to", "in", "on", "do", "does", "will", "our", "my", "me", "it",
            "hype", "forecast", "simulate", "launch", "personas", "watch", "search", "suggest", "find", "show", "compare", "export", "price", "sales", "vs"}


def clean_text(text: str) -> str:
    """The message without control characters (tabs and newlines become spaces) and with runs of
    whitespace collapsed: what a person meant, not what their terminal sent."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\u200d" else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def language_hint(text: str) -> str | None:
    """"non-latin" or a language code when the message is clearly not English, else None."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isascii() or unicodedata.name(ch, "").startswith("LATIN") for ch in letters) / len(letters) < 0.5:
        return "non-latin"
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 3:
        return None
    english = sum(w in _ENGLISH for w in words)
    best = max(_FOREIGN, key=lambda code: sum(w in _FOREIGN[code] for w in words))
    foreign = sum(w in _FOREIGN[best] for w in words)
    return best if foreign >= 2 and foreign > 2 * english else None


def check_message(text: str) -> str | None:
    """The reply to a message we won't run, or None when it is fine."""
    if not text or not text.strip():
        return f"Your message was empty. Ask me something like {EXAMPLE}."
    if len(text) > MAX_MESSAGE_CHARS:
        return f"Your message is {len(text):,} characters long; I read at most {MAX_MESSAGE_CHARS:,}. Please shorten it or split it into separate requests."
    cleaned = clean_text(text)
    if not any(ch.isalnum() for ch in cleaned):
        return f"I only see symbols or emoji there. Ask me in words, for example {EXAMPLE}."
    if language_hint(cleaned):
        return f"I can only read English for now. Try, for example, {EXAMPLE}."
    return None
