"""How the asker wants an answer written: a few bullet points for a deck, or short.

The engines' summaries lead with the headline and add one fact per sentence, so the first sentences
are the ones to keep: bullets are the summary's first N sentences (3 unless a number is said), short
is its first sentence. Charts and the source line still follow, so nothing shown loses its trace.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
DEFAULT_BULLETS = 3

BULLETS = re.compile(r"(?:\b(?:i\s+)?(?:need|want|give me|write|make|put|turn|do|format)\s+(?:me\s+)?(?:it|that|this)?\s*(?:into|as|in)?\s*)?"
                     r"\b(?:(?P<n>\d|one|two|three|four|five|six)\s+)?(?:bullet(?:s|ed| points?)?|talking points|key points|takeaways)\b"
                     r"(?:\s+for\s+(?:a|the|my|our)\s+(?:pitch\s+)?(?:deck|slides?|presentation|board|boss|exec\w*|client|team|e-?mail|update))?\s*[:\-–—]?"
                     r"|\bfor\s+(?:a|the|my|our)\s+(?:pitch\s+)?(?:deck|slides?)\b\s*[:\-–—]?", re.IGNORECASE)
SHORT = re.compile(r"\b(?:make|keep)\s+(?:it|that|this)\s+(?:shorter|short|brief|snappier|tighter)\b|\bshorter(?:\s+(?:please|pls|version))?\b|\btl;?dr\b"
                   r"|\bin (?:one|a) (?:line|sentence)\b|\bone[- ]liner\b|\b(?:give me |just )?(?:the |a )?(?:one[- ](?:line|sentence)|quick|short|brief) (?:summary|version|answer)(?: of)?\b|\b(?:summari[sz]e|sum up) (?:it|that|this)\b|\b(?:short|brief) version\b", re.IGNORECASE)


@dataclass(frozen=True)
class Style:
    kind: str  # "bullets" | "short" | "method" (how the answer was worked out)
    count: int = 1


def answer_style(text: str) -> tuple[Style | None, list[tuple[int, int]]]:
    """The style asked for, and the spans that ask it (they name no subject)."""
    bullets = list(BULLETS.finditer(text))
    if bullets:
        said = next((m.group("n") for m in bullets if m.group("n")), None)
        count = DEFAULT_BULLETS if said is None else NUMBERS.get(said.lower()) or int(said)
        return Style("bullets", max(1, min(count, 8))), [m.span() for m in bullets]
    short = list(SHORT.finditer(text))
    if short:
        return Style("short"), [m.span() for m in short]
    return None, []


SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\s\d\.)(?<!\s\d\d\.)\s+(?=[A-Z0-9#“\"(⚠😐🔥📈📉🚀])")


def sentences(summary: str) -> list[str]:
    """The summary's sentences: split after . ! ? before a capital, a digit or a mark, but never
    inside a quoted post (“… awesome! …”) nor after a list number ("1.")."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(summary):
        if summary.count("“", 0, m.start()) > summary.count("”", 0, m.start()):
            continue
        out.append(summary[start:m.start()].strip())
        start = m.end()
    out.append(summary[start:].strip())
    return [s for s in out if s]


def restyle(summary: str, style: Style) -> str:
    """The summary's first sentences, as bullets or one line."""
    parts = sentences(summary)
    if style.kind == "short" or not parts:
        return parts[0] if parts else summary
    return "\n".join(f"• {s}" for s in parts[: style.count])
