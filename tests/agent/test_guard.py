"""Bad input gets a short, clear reply before any model runs, and control characters never pass."""
from __future__ import annotations

import pytest

from agent.guard import MAX_MESSAGE_CHARS, check_message, clean_text, language_hint
from agent.service import Agent


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"), ("   \n\t ", "empty"),
    ("x" * 100_000, "100,000 characters"),
    ("🔥🔥🚀👀", "symbols or emoji"), ("?!?! ...", "symbols or emoji"),
    ("¿Cuál es el hype de la marca en España?", "English"),
    ("Wie wird der neue Schuh bei jungen Leuten ankommen?", "English"),
    ("新しいスニーカーの評判はどうですか", "English"),
])
def test_bad_input_gets_a_reply_naming_what_was_wrong(text: str, words: str) -> None:
    reply = check_message(text)
    assert reply is not None and words in reply and len(reply) < 200


@pytest.mark.parametrize("text", ["hype on Delta", "what's the hype on Stanley cups this week? 🔥", "forecast 85123A", "hype on Nestlé in México",
                                  "simulate a launch in Spain at €49", "how will la croix do with gen z?"])
def test_ordinary_requests_pass(text: str) -> None:
    assert check_message(text) is None and language_hint(text) is None


def test_control_characters_are_removed() -> None:
    assert clean_text("hype\x00 on\x1b[31m Delta\u202e\r\n now") == "hype on [31m Delta now"
    assert MAX_MESSAGE_CHARS == 4000


def test_bad_input_leaves_the_thread_and_stores_untouched(settings) -> None:
    with Agent(settings) as agent:
        agent.ask("g1", "write me a poem about shoes")
        before = agent.history("g1")
        for text in ("", "🔥" * 10, "x" * 100_000, "¿Qué tal el hype de Delta?"):
            reply = agent.ask("g1", text)
            assert reply.text and not reply.tool_calls
        assert agent.history("g1") == before
        reply = agent.ask("g1", "hype\x00 on\x07 Delta\x1b")  # cleaned, then read as usual
        assert reply.tool_calls and reply.tool_calls[0].tool == "hype_score" and reply.tool_calls[0].args["subject"] == "Delta"
